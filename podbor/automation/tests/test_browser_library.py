"""An administrator opens the template library from the process list, previews the 90-second call-back, installs it
and opens it in the designer: the template has no diagram interchange, so the viewer and the designer lay it out and
draw every element, the boundary timer on its task (Playwright driving Debian's chromium)."""

import pytest
from playwright.sync_api import expect

from podbor.automation.models import ProcessDefinition, ProcessTrigger
from podbor.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ELEMENTS = ["StartEvent", "Call", "Timer_90s", "End_called", "Reassign", "Tell_lead", "Call_again", "End_escalated",
            "Flow_1", "Flow_done", "Flow_late", "Flow_2", "Flow_3", "Flow_4"]

# Where bpmn-js drew the task and its boundary timer, and what the timer is attached to.
SHAPES = """() => {
  const registry = window.podborModeler.get('elementRegistry');
  const call = registry.get('Call');
  const timer = registry.get('Timer_90s');
  return {
    call: { x: call.x, y: call.y, width: call.width, height: call.height, name: call.businessObject.name },
    timer: { x: timer.x, y: timer.y, width: timer.width, height: timer.height, host: timer.host && timer.host.id },
    drawn: registry.filter((e) => e.type !== 'label' && e.type !== 'bpmn:Process').map((e) => e.id),
  };
}"""


def test_a_template_installed_from_the_library_opens_laid_out_in_the_designer(page, live_server, log_in, admin_user):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    log_in(admin_user, PASSWORD)
    page.goto(f"{live_server.url}/processes/")
    page.click("#templates-link")
    page.click("#preview-sla_call_90s")  # read-only, laid out by the viewer as well
    viewer = page.locator("#podbor-viewer")
    expect(viewer).to_have_attribute("data-ready", "true")
    expect(viewer).to_have_attribute("data-auto-layout", "true")
    expect(viewer.locator('.djs-element[data-element-id="Timer_90s"]')).to_be_visible()
    expect(viewer.locator(".bjs-powered-by")).to_be_visible()
    page.go_back()

    card = page.locator("#template-sla_call_90s")
    expect(card.locator(".template-state")).to_have_attribute("data-installed", "")

    with page.expect_navigation():
        card.locator("#install-button-sla_call_90s").click()
    expect(page.locator(".flash__success")).to_have_count(1)
    expect(card.locator(".template-state")).to_have_attribute("data-installed", "1")
    assert ProcessDefinition.objects.get(key="sla_call_90s").version == 1
    assert ProcessTrigger.objects.filter(process_key="sla_call_90s", kind="deal_created", is_active=True).count() == 1

    card.locator("#open-sla_call_90s").click()
    page.wait_for_url(f"{live_server.url}/processes/sla_call_90s/")
    designer = page.locator("#podbor-designer")
    expect(designer).to_have_attribute("data-ready", "true")
    expect(designer).to_have_attribute("data-auto-layout", "true")
    canvas = page.locator("#podbor-canvas")
    expect(canvas.locator('.djs-element[data-element-id="Call"]')).to_be_visible()
    expect(canvas.locator('.djs-element[data-element-id="Timer_90s"]')).to_be_visible()
    expect(canvas.get_by_text("Позвонить кандидату")).to_be_visible()
    expect(page.locator(".bjs-powered-by")).to_be_visible()  # the bpmn.io watermark stays

    shapes = page.evaluate(SHAPES)
    assert sorted(shapes["drawn"]) == sorted(ELEMENTS)
    call, timer = shapes["call"], shapes["timer"]
    assert call["name"] == "Позвонить кандидату"
    assert timer["host"] == "Call"
    timer_middle = (timer["x"] + timer["width"] / 2, timer["y"] + timer["height"] / 2)
    assert call["x"] <= timer_middle[0] <= call["x"] + call["width"]  # on the task's border, not beside it
    assert abs(timer_middle[1] - (call["y"] + call["height"])) <= 1
    assert not script_errors
