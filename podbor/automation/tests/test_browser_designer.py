"""An administrator draws a process in the browser's modeler, names its user task in the Podbor group, deploys it;
a manager starts it from the deal card and sees it wait at that user task (Playwright driving Debian's chromium)."""

import pytest
from playwright.sync_api import expect

from podbor.automation.models import ProcessDefinition, ProcessInstance, ProcessTrigger, ProcessUserTask
from podbor.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The modeler's own API (window.podborModeler): start event → user task "call" → end event, then select the task.
DRAW = """() => {
  const modeler = window.podborModeler;
  const modeling = modeler.get('modeling');
  const factory = modeler.get('elementFactory');
  const registry = modeler.get('elementRegistry');
  const root = modeler.get('canvas').getRootElement();
  modeling.updateProperties(root, { id: 'browser_call', name: 'Звонок из браузера' });
  const start = registry.filter((e) => e.type === 'bpmn:StartEvent')[0];
  const task = modeling.appendShape(start, factory.createShape({ type: 'bpmn:UserTask' }),
                                    { x: start.x + 200, y: start.y + start.height / 2 });
  modeling.updateProperties(task, { id: 'call', name: 'Позвонить' });
  modeling.appendShape(task, factory.createShape({ type: 'bpmn:EndEvent' }),
                       { x: task.x + 250, y: task.y + task.height / 2 });
  modeler.get('selection').select(task);
  return task.id;
}"""


def test_a_process_drawn_in_the_browser_is_deployed_and_started_from_the_deal_card(
    page, live_server, log_in, admin_user, manager_a, deal_a
):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    log_in(admin_user, PASSWORD)
    page.goto(f"{live_server.url}/processes/new/")
    expect(page.locator("#podbor-designer")).to_have_attribute("data-ready", "true")
    expect(page.locator(".bjs-powered-by")).to_be_visible()  # the bpmn.io watermark stays

    assert page.evaluate(DRAW) == "call"
    title = page.locator("#bio-properties-panel-podbor-title")
    expect(title).to_be_visible()
    title.fill("Позвонить кандидату")
    title.press("Tab")  # the panel commits on blur

    page.click("#deploy")
    expect(page.locator("#deploy-result")).to_have_class("alert alert--success")
    expect(page.locator("#deploy-result")).to_have_attribute("data-version", "1")
    definition = ProcessDefinition.objects.get(key="browser_call")
    assert definition.name == "Звонок из браузера"
    assert 'name="title" value="Позвонить кандидату"' in definition.bpmn_xml
    assert page.url.endswith("/processes/browser_call/")
    # the Triggers panel, which asked for a deploy first, now offers the new process's triggers
    expect(page.locator("#process-triggers")).to_have_attribute("data-deployed", "true")
    expect(page.locator("#process-triggers #trigger-add")).to_be_visible()

    page.context.clear_cookies()
    log_in(manager_a, PASSWORD)
    page.goto(f"{live_server.url}/deals/{deal_a.pk}/")
    page.select_option(f"#process-select-{deal_a.pk}", "browser_call")
    page.click("#process-start-button")

    started = page.locator('#deal-processes .deal-process[data-status="waiting"]')
    expect(started).to_have_count(1)
    expect(started.locator('[data-element-id="call"]')).to_be_visible()
    instance = ProcessInstance.objects.get(deal=deal_a)
    assert [w["id"] for w in instance.waiting_at] == ["call"]
    assert ProcessUserTask.objects.get(instance=instance).element_id == "call"
    assert not script_errors


def test_a_stage_trigger_added_in_the_designer_starts_the_process_when_a_deal_enters_the_stage(
    page, live_server, log_in, admin_user, manager_a, deal_a, call_process, pipeline
):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    stage = pipeline.stages.get(name="Квалификация")
    log_in(admin_user, PASSWORD)
    page.goto(f"{live_server.url}/processes/{call_process.key}/")
    expect(page.locator("#podbor-designer")).to_have_attribute("data-ready", "true")

    panel = page.locator("#process-triggers")
    expect(panel.locator("#id_new-stage")).to_be_hidden()  # "a deal is created" needs no stage
    page.select_option("#id_new-kind", "stage_entered")
    expect(panel.locator("#id_new-stage")).to_be_visible()
    page.select_option("#id_new-stage", str(stage.pk))
    page.click("#trigger-add")

    expect(page.locator("#triggers-saved")).to_be_visible()
    trigger = ProcessTrigger.objects.get(process_key=call_process.key)
    assert (trigger.kind, trigger.stage_id, trigger.pipeline_id) == ("stage_entered", stage.pk, pipeline.pk)
    expect(page.locator(f"#trigger-{trigger.pk} select[name$='-stage']")).to_have_value(str(stage.pk))

    page.context.clear_cookies()
    log_in(manager_a, PASSWORD)
    page.goto(f"{live_server.url}/deals/{deal_a.pk}/")
    assert not ProcessInstance.objects.filter(deal=deal_a).exists()
    page.click(f"#deal-head button[name=stage][value='{stage.pk}']")
    expect(page.locator(f"#deal-head button[name=stage][value='{stage.pk}']")).to_have_attribute(
        "aria-current", "step")

    page.reload()  # the card's process list reloads on its own events, not on a stage move
    expect(page.locator('#deal-processes .deal-process[data-status="waiting"]')).to_have_count(1)
    instance = ProcessInstance.objects.get(deal=deal_a)
    assert instance.definition == call_process
    assert instance.trigger.startswith("event:")
    assert not script_errors
