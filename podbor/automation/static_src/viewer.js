// The instance viewer: the diagram of the instance's version, the path it took and where it waits now.
// Settings come as JSON in #podbor-viewer-config (see templates/automation/instance.html and
// template_preview.html).

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import { withLayout } from './layout.js';
import spiffworkflow from './spiffworkflow.json';

async function start() {
  const config = JSON.parse(document.getElementById('podbor-viewer-config').textContent);
  const container = document.getElementById('podbor-viewer');
  const viewer = new NavigatedViewer({ container, moddleExtensions: { spiffworkflow } });
  window.podborViewer = viewer;
  try {
    const { xml, laidOut } = await withLayout(config.xml, viewer.get('textRenderer'));
    await viewer.importXML(xml);
    container.dataset.autoLayout = String(laidOut);
  } catch (error) {
    container.dataset.error = error.message;
    container.textContent = error.message;
    return;
  }
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const mark = (id, marker) => {
    if (id && registry.get(id)) {
      canvas.addMarker(id, marker);
    }
  };
  const taken = new Set(config.taken || []);
  taken.forEach((id) => mark(id, 'podbor-taken'));
  // The engine records elements, not flows: a flow from an element the instance went through to one it went
  // through, waits at or failed at was taken too.
  const reached = new Set([...taken, ...(config.waiting || []), config.incident].filter(Boolean));
  registry.filter((item) => item.type === 'bpmn:SequenceFlow').forEach((flow) => {
    if (flow.source && flow.target && taken.has(flow.source.id) && reached.has(flow.target.id)) {
      mark(flow.id, 'podbor-taken');
    }
  });
  (config.waiting || []).forEach((id) => mark(id, 'podbor-waiting'));
  if (config.incident) {
    mark(config.incident, 'podbor-incident');
  }
  canvas.zoom('fit-viewport', 'auto');
  container.dataset.ready = 'true';
}

start();
