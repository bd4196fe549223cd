"""RestrictedPython sandbox for every piece of diagram code.

SpiffWorkflow sends scripts, gateway conditions, timer expressions and service parameter expressions through
`environment.evaluate/execute`; Podbor's environment compiles them with RestrictedPython and runs them with a
small set of builtins, the process variables and read-only copies of the host's context (`deal`, `contact`…).

Limits: RestrictedPython guards names and attributes; the line budget stops Python-level loops; the size guards of
`limits.py` refuse single operations that would explode (`10 ** 10 ** 8`, `"x" * 10 ** 10`) before they run. The
worker that advances instances still wants a job timeout and a memory limit as the last line.
"""

from __future__ import annotations

import ast
import copy
import json
import operator
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from types import CodeType, ModuleType
from typing import Any

from RestrictedPython import PrintCollector, compile_restricted, safe_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.Limits import limited_range
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .clock import iso_duration
from .clock import now as clock_now
from .errors import StepBudgetExceeded
from .limits import (
    OP_GUARD,
    SPEC_GUARD,
    SizeGuardingPolicy,
    guarded_format_spec,
    guarded_getattr,
    guarded_inplace,
    guarded_op,
    guarded_pow,
)

# SpiffWorkflow finds the failing line of a script by looking for frames of this file name.
SCRIPT_FILENAME = "<string>"
MAX_LINES = 50_000

# No class building, attribute setters or BaseException subclasses that would escape `except Exception`.
_DROPPED = {"__build_class__", "setattr", "delattr", "BaseException", "SystemExit", "KeyboardInterrupt",
            "GeneratorExit", "_getattr_"}
SAFE_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _DROPPED}
SAFE_BUILTINS.update({
    "range": limited_range, "list": list, "dict": dict, "tuple": tuple, "set": set, "min": min, "max": max,
    "sum": sum, "sorted": sorted, "any": any, "all": all, "enumerate": enumerate, "zip": zip,
    "reversed": reversed, "map": map, "filter": filter, "pow": guarded_pow,
    # JSON literals are valid expressions too, so the designer can write any value with JSON.stringify.
    "true": True, "false": False, "null": None,
})


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(str(text))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone offset (write it like 2026-12-01T10:00:00+03:00)")
    return moment


def shift(when: str, duration: str) -> str:
    """An ISO date-time moved by an ISO duration, e.g. shift(interview_at, '-P1D') for the day before."""
    sign = -1 if str(duration).startswith("-") else 1
    return (_when(when) + sign * iso_duration(str(duration).lstrip("+-"))).isoformat()


def is_future(when: str) -> bool:
    """Whether an ISO date-time is still ahead (by the engine's clock)."""
    return _when(when) > clock_now()


def now() -> str:
    """The engine's current time as an ISO date-time (UTC)."""
    return clock_now().isoformat()


# Time arithmetic for timer expressions: the sandbox has no datetime module.
SAFE_BUILTINS.update({"shift": shift, "is_future": is_future, "now": now})


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
        "//=": operator.ifloordiv, "%=": operator.imod, "|=": operator.ior, "&=": operator.iand,
        "**=": operator.ipow, "<<=": operator.ilshift, ">>=": operator.irshift, "^=": operator.ixor,
    }
    if op not in ops:
        raise NotImplementedError(f"{op} is not allowed")
    guarded_inplace(op, x, y)
    return ops[op](x, y)


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


GUARDS: dict[str, Any] = {
    "_getattr_": guarded_getattr, "_getitem_": operator.getitem, "_getiter_": iter, "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar, "_print_": PrintCollector, "_apply_": _apply,
    OP_GUARD: guarded_op, SPEC_GUARD: guarded_format_spec,
}
_FORBIDDEN_NODES = {ast.Import: "import is not allowed", ast.ImportFrom: "import is not allowed",
                    ast.ClassDef: "classes are not allowed", ast.AsyncFunctionDef: "async code is not allowed",
                    ast.Global: "global is not allowed", ast.Nonlocal: "nonlocal is not allowed"}


@lru_cache(maxsize=4096)
def compile_code(source: str, mode: str) -> CodeType:
    """Compile restricted code ("exec" or "eval"); raises SyntaxError, also for what the policy refuses."""
    return compile_restricted(source, SCRIPT_FILENAME, mode, policy=SizeGuardingPolicy)


def check_script(source: str) -> str | None:
    """Why a script cannot be deployed, or None when it compiles in the sandbox."""
    return _check(source, "exec")


def check_expression(source: str) -> str | None:
    """Why an expression (condition, timer, parameter) cannot be deployed, or None."""
    if not source.strip():
        return "empty expression"
    return _check(source.strip(), "eval")


def _check(source: str, mode: str) -> str | None:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return f"syntax error on line {exc.lineno}: {exc.msg}"
    for node in ast.walk(tree):
        for kind, reason in _FORBIDDEN_NODES.items():
            if isinstance(node, kind):
                return f"line {node.lineno}: {reason}"
    try:
        compile_code(source, mode)
    except SyntaxError as exc:
        return " ".join(str(m) for m in (exc.msg if isinstance(exc.msg, tuple) else (exc.msg,)))
    return None


def to_json_value(value: Any, name: str) -> Any:
    """The value as JSON gives it back (tuples become lists); TypeError naming `name` when it is not JSON."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"variable {name!r} is not JSON-serialisable ({type(value).__name__})") from exc


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates and executes diagram code in the sandbox.

    Code sees the safe builtins, the process variables (task data) and deep copies of `context`, which win
    over same-named variables and are never written back: assigning to one is an error. After a script, new
    or changed variables go back into task data only if they are JSON (`del x` removes `x`).
    """

    def __init__(self, context: Mapping[str, Any] | None = None, max_lines: int = MAX_LINES):
        super().__init__({})
        self.context = dict(context or {})
        self.max_lines = max_lines

    def _namespace(self, data: Mapping[str, Any], external: Mapping[str, Any] | None) -> tuple[dict, dict]:
        host = copy.deepcopy(self.context)
        ns: dict[str, Any] = {"__builtins__": SAFE_BUILTINS, **GUARDS}
        ns.update(external or {})
        ns.update(data)
        ns.update(host)
        return ns, host

    def _run(self, fn: Callable[[], Any]) -> Any:
        budget = self.max_lines

        def local(frame: Any, event: str, arg: Any) -> Any:
            nonlocal budget
            if event == "line":
                budget -= 1
                if budget < 0:
                    # Raised again on every following line, so a script cannot swallow it with try/except.
                    raise StepBudgetExceeded(f"script exceeded {self.max_lines} steps (an endless loop?)")
            return local

        def global_(frame: Any, event: str, arg: Any) -> Any:
            return local if frame.f_code.co_filename == SCRIPT_FILENAME else None

        previous = sys.gettrace()
        sys.settrace(global_)
        try:
            return fn()
        finally:
            sys.settrace(previous)

    def evaluate(self, expression: str, context: dict, external_context: Mapping[str, Any] | None = None) -> Any:
        code = compile_code(expression.strip(), "eval")
        ns, _host = self._namespace(context, external_context)
        return self._run(lambda: eval(code, ns))  # noqa: S307 - restricted code in a guarded namespace

    def execute(self, script: str, context: dict, external_context: Mapping[str, Any] | None = None) -> bool:
        code = compile_code(script, "exec")
        ns, host = self._namespace(context, external_context)
        skip = set(GUARDS) | {"__builtins__"} | set(external_context or {})
        self._run(lambda: exec(code, ns))  # noqa: S102 - restricted code in a guarded namespace
        for key in host:
            if ns.get(key) is not host[key]:
                raise TypeError(f"{key!r} is read-only: change it with a service task")
        updates = {}
        for key, value in ns.items():
            if key in host or key in skip or key.startswith("_") or callable(value) or isinstance(value, ModuleType):
                continue
            updates[key] = to_json_value(value, key)
        for key in [k for k in context if k not in ns]:
            del context[key]
        context.update(updates)
        return True

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        raise NotImplementedError("service tasks are dispatched by PodborScriptEngine.call_service")
