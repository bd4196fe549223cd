"""Small diagrams for the process pages' tests, written the way the designer saves them."""

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
      'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')


def _shape(element_id: str, x: int, width: int = 36, height: int = 36) -> str:
    return (f'<bpmndi:BPMNShape id="{element_id}_di" bpmnElement="{element_id}">'
            f'<dc:Bounds x="{x}" y="{100 - height // 2}" width="{width}" height="{height}"/></bpmndi:BPMNShape>')


def _edge(flow_id: str, x1: int, x2: int) -> str:
    return (f'<bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}"><di:waypoint x="{x1}" y="100"/>'
            f'<di:waypoint x="{x2}" y="100"/></bpmndi:BPMNEdge>')


def chain(key: str, name: str, middle: list[str]) -> str:
    """start → each of ``middle`` (BPMN task elements without flows, each with an id) → end, laid out in a row."""
    ids = ["start"] + [m.split('id="', 1)[1].split('"', 1)[0] for m in middle] + ["end"]
    flows = [(f"flow_{i}", a, b) for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False), start=1)]
    elements = ['<bpmn:startEvent id="start"><bpmn:outgoing>flow_1</bpmn:outgoing></bpmn:startEvent>']
    for i, task in enumerate(middle, start=1):
        incoming, outgoing = f"<bpmn:incoming>flow_{i}</bpmn:incoming>", f"<bpmn:outgoing>flow_{i + 1}</bpmn:outgoing>"
        # BPMN's schema wants the flows after the extension elements and before a script or a definition.
        if "</bpmn:extensionElements>" in task:
            head, tail = task.split("</bpmn:extensionElements>", 1)
            head += "</bpmn:extensionElements>"
        elif task.rstrip().endswith("/>"):
            head, tail = task.rstrip()[:-2] + ">", f"</{task.split()[0][1:]}>"
        else:
            head, tail = task.split(">", 1)
            head += ">"
        elements.append(f"{head}{incoming}{outgoing}{tail}")
    elements.append(f'<bpmn:endEvent id="end"><bpmn:incoming>flow_{len(middle) + 1}</bpmn:incoming></bpmn:endEvent>')
    elements += [f'<bpmn:sequenceFlow id="{f}" sourceRef="{a}" targetRef="{b}"/>' for f, a, b in flows]
    shapes, x = [], 100
    for element_id in ids:
        is_task = element_id not in ("start", "end")
        shapes.append(_shape(element_id, x, 100 if is_task else 36, 80 if is_task else 36))
        x += 180
    edges = [_edge(f, 100 + 180 * (i - 1) + 100, 100 + 180 * i) for i, (f, _a, _b) in enumerate(flows, start=1)]
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="Definitions_{key}" '
            f'targetNamespace="http://bpmn.io/schema/bpmn">\n<bpmn:process id="{key}" name="{name}" '
            f'isExecutable="true">\n' + "\n".join(elements) + '\n</bpmn:process>\n<bpmndi:BPMNDiagram id="diagram">'
            f'<bpmndi:BPMNPlane id="plane" bpmnElement="{key}">' + "".join(shapes + edges)
            + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n")


def user_task(element_id: str, title: str) -> str:
    return (f'<bpmn:userTask id="{element_id}" name="{title}"><bpmn:extensionElements><spiffworkflow:properties>'
            f'<spiffworkflow:property name="title" value="{title}"/></spiffworkflow:properties>'
            f'</bpmn:extensionElements></bpmn:userTask>')


def service_task(element_id: str, operator: str, **params: str) -> str:
    """``params`` are Python expressions, as the designer stores them (a string is quoted: "'Оффер'")."""
    parameters = "".join(f'<spiffworkflow:parameter id="{name}" type="str" value="{value}"/>'
                         for name, value in params.items())
    return (f'<bpmn:serviceTask id="{element_id}"><bpmn:extensionElements>'
            f'<spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="{element_id}_result">'
            f'<spiffworkflow:parameters>{parameters}</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>'
            f'</bpmn:extensionElements></bpmn:serviceTask>')


def call_diagram(key: str = "call_candidate") -> str:
    """start → user task "call" → end: an instance waits at "call"."""
    return chain(key, "Звонок кандидату", [user_task("call", "Позвонить кандидату")])


def move_then_call_diagram(key: str = "offer", stage: str = "Оффер") -> str:
    """start → move the deal to ``stage`` → user task "call" → end: fails while the pipeline has no such stage."""
    return chain(key, "Оффер кандидату", [service_task("move", "move_to_stage", stage=f"'{stage}'"),
                                          user_task("call", "Позвонить кандидату")])
