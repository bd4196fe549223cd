// Diagrams without diagram interchange (the shipped templates, BPMN deployed through the API by a script) have no
// shapes for bpmn-js to draw: bpmn-auto-layout adds them. Element ids stay as they are, so the viewer's marks and
// the designer's error markers still find their elements.

import { layoutProcess } from 'bpmn-auto-layout';

const MODEL = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const BPMNDI = 'http://www.omg.org/spec/BPMN/20100524/DI';
const DC = 'http://www.omg.org/spec/DD/20100524/DC';
const DI = 'http://www.omg.org/spec/DD/20100524/DI';
const LABEL_GAP = 4;

function parse(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  return doc.getElementsByTagName('parsererror').length ? null : doc;
}

function hasShapes(xml) {
  const doc = parse(xml);
  // broken XML counts as drawn: importXML says what is wrong with it
  return !doc || doc.getElementsByTagNameNS(BPMNDI, 'BPMNShape').length > 0;
}

function numbers(node, names) {
  return Object.fromEntries(names.map((name) => [name, Number(node.getAttribute(name))]));
}

function near(point, x, y) {
  return Math.abs(point.x - x) < 1 && Math.abs(point.y - y) < 1;
}

// bpmn-auto-layout writes no label bounds, so bpmn-js puts an event's or a gateway's name under it; where the
// layout runs a flow out of (or into) that bottom, the flow crosses the name out. Such a name goes above the
// element instead, or, for a boundary event (whose top is on its task), to its lower right.
function placeLabels(doc, textRenderer) {
  const named = new Map();
  for (const node of doc.getElementsByTagNameNS(MODEL, '*')) {
    if (/(Event|Gateway)$/.test(node.localName) && node.getAttribute('id') && node.getAttribute('name')) {
      named.set(node.getAttribute('id'), node);
    }
  }
  const ends = [];
  for (const edge of doc.getElementsByTagNameNS(BPMNDI, 'BPMNEdge')) {
    const points = edge.getElementsByTagNameNS(DI, 'waypoint');
    if (points.length) {
      ends.push(numbers(points[0], ['x', 'y']), numbers(points[points.length - 1], ['x', 'y']));
    }
  }
  for (const shape of doc.getElementsByTagNameNS(BPMNDI, 'BPMNShape')) {
    const semantic = named.get(shape.getAttribute('bpmnElement'));
    const boundsNode = shape.getElementsByTagNameNS(DC, 'Bounds')[0];
    if (!semantic || !boundsNode || shape.getElementsByTagNameNS(BPMNDI, 'BPMNLabel').length) {
      continue;
    }
    const box = numbers(boundsNode, ['x', 'y', 'width', 'height']);
    const middle = box.x + box.width / 2;
    if (!ends.some((point) => near(point, middle, box.y + box.height))) {
      continue;
    }
    const size = textRenderer.getExternalLabelBounds(box, semantic.getAttribute('name'));
    const boundary = semantic.localName === 'boundaryEvent';
    const topTaken = ends.some((point) => near(point, middle, box.y));
    const label = boundary || topTaken
      ? { x: box.x + box.width + LABEL_GAP, y: box.y + box.height / 2 + LABEL_GAP }
      : { x: middle - size.width / 2, y: box.y - size.height - LABEL_GAP };
    const labelNode = doc.createElementNS(BPMNDI, 'bpmndi:BPMNLabel');
    const labelBounds = doc.createElementNS(DC, 'dc:Bounds');
    Object.entries({ ...label, width: size.width, height: size.height })
      .forEach(([name, value]) => labelBounds.setAttribute(name, String(Math.round(value))));
    labelNode.appendChild(labelBounds);
    shape.appendChild(labelNode);
  }
  return new XMLSerializer().serializeToString(doc);
}

// textRenderer: the bpmn-js instance's, to size the labels it moves as bpmn-js will draw them.
export async function withLayout(xml, textRenderer) {
  if (!xml || hasShapes(xml)) {
    return { xml, laidOut: false };
  }
  const laidOut = await layoutProcess(xml);
  const doc = textRenderer && parse(laidOut);
  return { xml: doc ? placeLabels(doc, textRenderer) : laidOut, laidOut: true };
}
