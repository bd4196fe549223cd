"""Podbor's process engine: SpiffWorkflow 3.2 hosted with a RestrictedPython sandbox. Plain Python, no Django.

Deploy: `parse_definition(xml)` → `ParsedDefinition` (or `DefinitionInvalid` with every error); store
`.spec` (JSON) per definition version; `load_spec(spec)` → `LoadedSpec` (keep it in an LRU).

Run: `Instance.start(loaded, variables, context, services)`, then after each event
`Instance.restore(loaded, state, context, services)` → act (`advance`, `complete_user_task`, `send_message`,
`retry`, `cancel`) → save `instance.state()`, `status`, `next_timer_at()`, `waiting_messages()`,
`user_tasks()`, `incident`. `services` implements `ServiceDispatcher`; operators and their parameters are in
`CATALOGUE`.

Time: every acting method takes `now=`; the engine then computes and compares due times with that instant
(a context variable read by Podbor's timer classes, see `clock.py`), so tests and the host decide what time
it is without patching anything.
"""

from .catalogue import CATALOGUE, OperatorSpec, ParamSpec, catalogue_as_json, validate_params
from .clock import clock_at, iso_duration
from .definition import LoadedSpec, ParsedDefinition, Spec, load_spec, parse_definition
from .errors import (
    DefinitionInvalid,
    EngineError,
    NotWaiting,
    ParamError,
    ScriptLimitExceeded,
    ServiceRetry,
    StateIncompatible,
    StepBudgetExceeded,
)
from .instance import Instance
from .script_engine import ServiceDispatcher

__all__ = [
    "CATALOGUE",
    "DefinitionInvalid",
    "EngineError",
    "Instance",
    "LoadedSpec",
    "NotWaiting",
    "OperatorSpec",
    "ParamError",
    "ParamSpec",
    "ParsedDefinition",
    "ScriptLimitExceeded",
    "ServiceDispatcher",
    "ServiceRetry",
    "Spec",
    "StateIncompatible",
    "StepBudgetExceeded",
    "catalogue_as_json",
    "clock_at",
    "iso_duration",
    "load_spec",
    "parse_definition",
    "validate_params",
]
