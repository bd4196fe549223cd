"""What the engine raises, and the deploy error list it hands to the host.

The engine imports no Django, so user-facing texts are marked with a local `gettext_noop`: Django's
`makemessages` extracts that keyword, and the host translates `error["template"] % error["params"]`.
"""

from __future__ import annotations

from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a message for translation without importing Django (the host translates it)."""
    return message


class DefinitionInvalid(Exception):
    """A diagram that cannot be deployed; `.errors` lists every problem found, not just the first.

    Each error is a JSON-ready dict:
    - `id`: the BPMN id of the element at fault ("" for the document itself),
    - `tag`: its local tag name (`"serviceTask"`, `"sequenceFlow"`, …; "" when unknown),
    - `reason`: an English sentence for people,
    - `line`: the line in the uploaded XML, or None,
    - `template` and `params`: the untranslated message and its values, so the host can show
      `gettext(template) % params`.
    """

    def __init__(self, errors: list[dict[str, Any]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['id'] or '-'}: {e['reason']}" for e in errors))


def definition_error(element_id: str, tag: str, line: int | None, template: str, **params: Any) -> dict[str, Any]:
    """One entry of `DefinitionInvalid.errors`."""
    return {"id": element_id or "", "tag": tag or "", "reason": template % params if params else template,
            "line": line, "template": template, "params": params}


class EngineError(Exception):
    """The host asked for something the instance cannot do in its current state (a programming error or a race)."""


class NotWaiting(EngineError):
    """The instance does not wait for this message, or this user task is not ready."""


class StateIncompatible(EngineError):
    """A saved state written by another serializer version, or for another definition."""


class ServiceRetry(Exception):
    """Raised by a `ServiceDispatcher` for a transient failure: "call me again in `delay_seconds`".

    The service task is not consumed: it stays STARTED, `Instance.retry_at` says when to come back and
    `Instance.advance(now)` at or after that time calls the dispatcher again with the same `task_id`.
    """

    def __init__(self, delay_seconds: float, reason: str = ""):
        if delay_seconds < 0:
            raise ValueError("delay_seconds must be >= 0")
        self.delay_seconds = float(delay_seconds)
        self.reason = reason
        super().__init__(reason or f"retry in {delay_seconds} s")


class ParamError(ValueError):
    """A service parameter is missing, of the wrong type or out of range (raised at run time)."""


class StepBudgetExceeded(RuntimeError):
    """A script ran too many lines, or one advance ran too many engine steps (a loop in the diagram)."""


class ScriptLimitExceeded(ValueError):
    """Diagram code asked for a number, a string or a list too large to compute (``10 ** 10 ** 8``, ``"a" * 10 ** 9``):
    refused before the operation runs, so the step fails at once instead of taking the worker's time and memory."""
