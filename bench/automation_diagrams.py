"""The diagrams the process benchmark runs: a call-back process with an SLA, and a plain timer."""

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')
FORMAL = 'xsi:type="bpmn:tFormalExpression"'


def _flow(flow_id: str, source: str, target: str, condition: str = "") -> str:
    if not condition:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression {FORMAL}>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>')


def _service(element_id: str, name: str, operator: str, params: dict[str, str], incoming: str, outgoing: str) -> str:
    parameters = "".join(f'<spiffworkflow:parameter id="{k}" value="{v}"/>' for k, v in params.items())
    return (f'<bpmn:serviceTask id="{element_id}" name="{name}"><bpmn:extensionElements>'
            f'<spiffworkflow:serviceTaskOperator id="{operator}"><spiffworkflow:parameters>{parameters}'
            f'</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>'
            f'<bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:serviceTask>')


def _process(key: str, name: str, body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="Definitions_{key}" '
            f'targetNamespace="https://podbor.example/bench"><bpmn:process id="{key}" name="{name}" '
            f'isExecutable="true">{body}</bpmn:process></bpmn:definitions>\n')


def call_back_diagram() -> str:
    return _process("bench_call_back", "Перезвонить в течение часа", "".join([
        '<bpmn:startEvent id="Begin"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>',
        _flow("F1", "Begin", "Score"),
        '<bpmn:scriptTask id="Score" name="Оценить отклик" scriptFormat="python"><bpmn:incoming>F1</bpmn:incoming>'
        "<bpmn:outgoing>F2</bpmn:outgoing><bpmn:script>priority = 'high' if deal['source'] == 'hh.ru' else 'normal'\n"
        "phones = len(contact['phones']) if contact else 0</bpmn:script></bpmn:scriptTask>",
        _flow("F2", "Score", "Open"),
        '<bpmn:exclusiveGateway id="Open" name="Сделка открыта?" default="F_open"><bpmn:incoming>F2</bpmn:incoming>'
        "<bpmn:outgoing>F_open</bpmn:outgoing><bpmn:outgoing>F_closed</bpmn:outgoing></bpmn:exclusiveGateway>",
        _flow("F_closed", "Open", "End_closed", "deal['closed']"),
        _flow("F_open", "Open", "Prepare"),
        '<bpmn:endEvent id="End_closed"><bpmn:incoming>F_closed</bpmn:incoming></bpmn:endEvent>',
        _service("Prepare", "Подготовить звонок", "create_task",
                 {"title": "'Просмотреть анкету'", "kind": "'other'", "due_in": "'PT30M'"}, "F_open", "F3"),
        _flow("F3", "Prepare", "Call"),
        '<bpmn:userTask id="Call" name="Позвонить кандидату"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="kind" value="call"/>'
        '<spiffworkflow:property name="title" value="Перезвонить кандидату в течение часа"/>'
        '<spiffworkflow:property name="due_in" value="PT1H"/>'
        '<spiffworkflow:property name="checklist" value="Уточнить город; Записать на собеседование"/>'
        '</spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>F3</bpmn:incoming>'
        "<bpmn:outgoing>F4</bpmn:outgoing></bpmn:userTask>",
        '<bpmn:boundaryEvent id="Sla" name="Час" attachedToRef="Call"><bpmn:outgoing>F_late</bpmn:outgoing>'
        f"<bpmn:timerEventDefinition><bpmn:timeDuration {FORMAL}>PT1H</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>",
        _flow("F_late", "Sla", "Escalate"),
        _service("Escalate", "Сообщить руководителю", "notify",
                 {"users": "['team_lead']", "text": "'Не перезвонили за час: ' + deal['title']"}, "F_late", "F_l2"),
        _flow("F_l2", "Escalate", "End_late"),
        '<bpmn:endEvent id="End_late"><bpmn:incoming>F_l2</bpmn:incoming></bpmn:endEvent>',
        _flow("F4", "Call", "Outcome"),
        '<bpmn:exclusiveGateway id="Outcome" name="Интересно?" default="F_no"><bpmn:incoming>F4</bpmn:incoming>'
        "<bpmn:outgoing>F_yes</bpmn:outgoing><bpmn:outgoing>F_no</bpmn:outgoing></bpmn:exclusiveGateway>",
        _flow("F_yes", "Outcome", "Note", "result == 'interested'"),
        _flow("F_no", "Outcome", "End_lost"),
        '<bpmn:endEvent id="End_lost"><bpmn:incoming>F_no</bpmn:incoming></bpmn:endEvent>',
        '<bpmn:scriptTask id="Note" name="Итог звонка" scriptFormat="python"><bpmn:incoming>F_yes</bpmn:incoming>'
        "<bpmn:outgoing>F5</bpmn:outgoing><bpmn:script>outcome = priority + ': ' + result</bpmn:script>"
        "</bpmn:scriptTask>",
        _flow("F5", "Note", "Save"),
        _service("Save", "Записать итог", "set_field", {"field": "'call_outcome'", "value": "outcome"}, "F5", "F6"),
        _flow("F6", "Save", "End_ok"),
        '<bpmn:endEvent id="End_ok"><bpmn:incoming>F6</bpmn:incoming></bpmn:endEvent>',
    ]))


def timer_diagram() -> str:
    """start → a timer whose duration is the variable ``wait`` → script → end."""
    return _process("bench_timer", "Таймер", "".join([
        '<bpmn:startEvent id="Begin"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>',
        _flow("F1", "Begin", "Wait"),
        '<bpmn:intermediateCatchEvent id="Wait"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>'
        f"<bpmn:timerEventDefinition><bpmn:timeDuration {FORMAL}>wait</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>",
        _flow("F2", "Wait", "Done"),
        '<bpmn:scriptTask id="Done" scriptFormat="python"><bpmn:incoming>F2</bpmn:incoming>'
        "<bpmn:outgoing>F3</bpmn:outgoing><bpmn:script>fired = True</bpmn:script></bpmn:scriptTask>",
        _flow("F3", "Done", "End_done"),
        '<bpmn:endEvent id="End_done"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>',
    ]))
