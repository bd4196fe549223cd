"""Codes stored on an instance read as words on its page, not as the engine's or the host's codes."""

from django.utils import translation

from podbor.automation.templatetags.automation_labels import started_how, step_state


def test_step_states_and_starts_read_as_words():
    with translation.override("en"):
        assert [step_state(code) for code in ("COMPLETED", "CANCELLED", "ERROR")] == ["done", "cancelled", "failed"]
        assert started_how("manual") == "by hand"
        assert started_how("event:41") == "by a trigger (event #41)"
        assert started_how("process:7") == "by process instance #7"
        assert started_how("") == "—"
    with translation.override("ru"):
        assert started_how("timer") == "по своему таймеру"
