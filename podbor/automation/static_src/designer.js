// The process designer: bpmn-js Modeler with its properties panel and the Podbor group, and the Deploy button.
// The page renders its settings as JSON in #podbor-designer-config (see templates/automation/designer.html).

import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';

import { withLayout } from './layout.js';
import PodborPropertiesProvider from './properties.js';
import spiffworkflow from './spiffworkflow.json';

const ERROR_MARKER = 'podbor-error';

function blankDiagram() {
  const suffix = Math.random().toString(36).slice(2, 9);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="Definitions_${suffix}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="process_${suffix}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="process_${suffix}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

function element(id) {
  return document.getElementById(id);
}

function processId(modeler) {
  const root = modeler.get('canvas').getRootElement();
  return (root && root.businessObject && root.businessObject.id) || 'process';
}

function showResult(box, kind, html) {
  box.hidden = false;
  box.className = `alert alert--${kind}`;
  box.innerHTML = html;
}

function escapeHtml(text) {
  const span = document.createElement('span');
  span.textContent = text == null ? '' : String(text);
  return span.innerHTML;
}

function clearErrorMarkers(modeler, ids) {
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  ids.forEach((id) => {
    if (registry.get(id)) {
      canvas.removeMarker(id, ERROR_MARKER);
    }
  });
}

// 'fit-viewport' centres the diagram in the whole canvas, so a wide one starts under the palette: fit it into the
// part right of the palette, with a margin, never zoomed in past 100 %.
function fitBesidePalette(canvas) {
  const container = canvas.getContainer();
  const palette = container.querySelector('.djs-palette');
  const left = palette ? palette.getBoundingClientRect().right - container.getBoundingClientRect().left : 0;
  const margin = 24;
  const { inner, outer } = canvas.viewbox();
  const width = outer.width - left - 2 * margin;
  const height = outer.height - 2 * margin;
  if (!inner.width || !inner.height || width <= 0 || height <= 0) {
    canvas.zoom('fit-viewport', 'auto');
    return;
  }
  const scale = Math.min(1, width / inner.width, height / inner.height);
  canvas.viewbox({
    x: inner.x - (left + margin + (width - inner.width * scale) / 2) / scale,
    y: inner.y - (margin + (height - inner.height * scale) / 2) / scale,
    width: outer.width / scale,
    height: outer.height / scale,
  });
}

// The Triggers panel under the modeler is server-rendered (HTMX): a trigger's kind decides which inputs it shows.
function followTriggerKinds() {
  document.addEventListener('change', (event) => {
    const select = event.target;
    if (select.matches && select.matches('.trigger-form select[name$="kind"]')) {
      select.form.dataset.kind = select.value;
    }
  });
}

// After a deploy the panel is drawn again: a new process gets its triggers form, a changed timer start event shows.
async function reloadTriggers(url) {
  const panel = element('process-triggers');
  if (!panel || !url) {
    return;
  }
  const response = await fetch(url, { credentials: 'same-origin', headers: { 'HX-Request': 'true' } });
  if (!response.ok) {
    return;
  }
  const holder = document.createElement('div');
  holder.innerHTML = await response.text();
  const fresh = holder.querySelector('#process-triggers');
  if (fresh) {
    panel.replaceWith(fresh);
    if (window.htmx) {
      window.htmx.process(fresh);
    }
  }
}

async function start() {
  followTriggerKinds();
  const config = JSON.parse(element('podbor-designer-config').textContent);
  const { texts } = config;
  const modeler = new BpmnModeler({
    container: '#podbor-canvas',
    // The Podbor group opens by itself: it is where a step gets its meaning.
    propertiesPanel: { parent: '#podbor-properties', layout: { groups: { podbor: { open: true } } } },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      { __init__: ['podborPropertiesProvider'], podborPropertiesProvider: ['type', PodborPropertiesProvider] },
    ],
    moddleExtensions: { spiffworkflow },
    podbor: config,
  });
  window.podborModeler = modeler; // for the browser tests and for people scripting the designer from the console

  const root = element('podbor-designer');
  const resultBox = element('deploy-result');
  let marked = [];
  let dirty = false;

  try {
    const { xml, laidOut } = await withLayout(config.xml || blankDiagram(), modeler.get('textRenderer'));
    await modeler.importXML(xml);
    root.dataset.autoLayout = String(laidOut);
  } catch (error) {
    showResult(resultBox, 'error', `${escapeHtml(texts.cannotOpen)} ${escapeHtml(error.message)}`);
    await modeler.importXML(blankDiagram());
  }
  fitBesidePalette(modeler.get('canvas'));
  if (config.errors && config.errors.length) {
    marked = showErrors(config.errors);
  }
  modeler.on('commandStack.changed', () => { dirty = true; });
  window.addEventListener('beforeunload', (event) => {
    if (dirty) {
      event.preventDefault();
    }
  });

  function showErrors(errors) {
    const canvas = modeler.get('canvas');
    const registry = modeler.get('elementRegistry');
    const items = errors.map((error) => {
      const known = error.id && registry.get(error.id);
      if (known) {
        canvas.addMarker(error.id, ERROR_MARKER);
      }
      const where = error.id ? `<code>${escapeHtml(error.id)}</code>` : escapeHtml(texts.document);
      const line = error.line
        ? ` <span class="muted">(${escapeHtml(texts.line.replace('%(line)s', error.line))})</span>` : '';
      const link = known ? ` data-element-id="${escapeHtml(error.id)}" class="deploy-error is-link"` : ' class="deploy-error"';
      return `<li${link}>${where}: ${escapeHtml(error.message || error.reason)}${line}</li>`;
    });
    showResult(resultBox, 'error', `<b>${escapeHtml(texts.deployFailed)}</b><ul id="deploy-errors">${items.join('')}</ul>`);
    return errors.map((error) => error.id).filter(Boolean);
  }

  resultBox.addEventListener('click', (event) => {
    const item = event.target.closest('[data-element-id]');
    const target = item && modeler.get('elementRegistry').get(item.dataset.elementId);
    if (target) {
      modeler.get('selection').select(target);
      modeler.get('canvas').scrollToElement(target);
    }
  });

  element('deploy').addEventListener('click', async () => {
    const button = element('deploy');
    button.disabled = true;
    root.dataset.deploy = 'pending';
    clearErrorMarkers(modeler, marked);
    marked = [];
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const response = await fetch(config.deployUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml', 'X-CSRFToken': root.dataset.csrf, Accept: 'application/json' },
        body: xml,
        credentials: 'same-origin',
      });
      const answer = await response.json().catch(() => ({ detail: `HTTP ${response.status}` }));
      if (response.ok) {
        dirty = false;
        const link = `<a href="${escapeHtml(answer.url)}">${escapeHtml(texts.instances)}</a>`;
        showResult(resultBox, 'success', `${escapeHtml(answer.message)} ${link}`);
        resultBox.dataset.version = answer.version;
        root.dataset.deploy = 'ok';
        if (answer.designer_url && window.location.pathname !== answer.designer_url) {
          window.history.replaceState(null, '', answer.designer_url);
        }
        reloadTriggers(answer.triggers_url).catch(() => {});
        const title = element('designer-title');
        if (title) {
          title.textContent = `${answer.name} · v${answer.version}`;
        }
      } else {
        marked = showErrors(answer.errors && answer.errors.length ? answer.errors : [{ id: '', message: answer.detail }]);
        root.dataset.deploy = 'error';
      }
    } catch (error) {
      showResult(resultBox, 'error', escapeHtml(`${texts.deployFailed} ${error.message}`));
      root.dataset.deploy = 'error';
    } finally {
      button.disabled = false;
    }
  });

  element('download').addEventListener('click', async () => {
    const { xml } = await modeler.saveXML({ format: true });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    link.download = `${processId(modeler)}.bpmn`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });

  root.dataset.ready = 'true';
}

start();
