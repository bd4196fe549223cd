"""The script engine attached to every workflow: the sandbox plus service dispatch through the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .catalogue import validate_params
from .errors import ParamError, ServiceRetry
from .sandbox import MAX_LINES, RestrictedEnvironment, to_json_value


@runtime_checkable
class ServiceDispatcher(Protocol):
    """What the host implements to run service tasks.

    `call()` receives the operator name, the parameters already checked against `CATALOGUE` (every
    parameter present, defaults filled in), the BPMN id of the service task and the id of this task
    occurrence (a uuid string that stays the same across `ServiceRetry` attempts: key idempotency on it
    together with the instance) and the process variables as they are at this step (texts are filled from them).
    Return a JSON dict (stored in the task's result variable) or None.
    Raise `ServiceRetry(delay_seconds)` for a transient failure; any other exception is an incident.
    """

    def call(self, operator: str, params: dict[str, Any], *, element_id: str, task_id: str,
             variables: dict[str, Any] | None = None) -> dict | None: ...


class PodborScriptEngine(PythonScriptEngine):
    """RestrictedPython for all code plus `call_service` through the catalogue and the host's dispatcher."""

    def __init__(self, context: Mapping[str, Any] | None, services: ServiceDispatcher, max_lines: int = MAX_LINES):
        super().__init__(environment=RestrictedEnvironment(context, max_lines=max_lines))
        self.services = services

    def call_service(self, task: Any, operation_name: str = "", operation_params: dict | None = None,
                     **kwargs: Any) -> dict | None:
        """Check the evaluated parameters and call the dispatcher (the base version has a NameError bug)."""
        values = {name: p["value"] for name, p in (operation_params or {}).items()}
        try:
            values = {name: to_json_value(value, name) for name, value in values.items()}
        except TypeError as exc:
            raise WorkflowTaskException(f"{operation_name}: {exc}", task=task, exception=exc) from exc
        clean, problems = validate_params(operation_name, values)
        if problems:
            message = "; ".join(template % params for template, params in problems)
            raise WorkflowTaskException(message, task=task, exception=ParamError(message))
        try:
            result = self.services.call(operation_name, clean, element_id=task.task_spec.bpmn_id,
                                        task_id=str(task.id), variables=dict(task.data))
        except (ServiceRetry, SpiffWorkflowException):
            raise
        except Exception as exc:
            raise WorkflowTaskException(f"{operation_name} failed: {exc}", task=task, exception=exc) from exc
        if result is not None and not isinstance(result, dict):
            error = TypeError(f"{operation_name} returned {type(result).__name__}, not a dict or None")
            raise WorkflowTaskException(str(error), task=task, exception=error)
        try:
            return to_json_value(result, f"{operation_name} result")
        except TypeError as exc:
            raise WorkflowTaskException(str(exc), task=task, exception=exc) from exc
