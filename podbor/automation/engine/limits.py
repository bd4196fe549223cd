"""Size limits for diagram code: operations whose result can explode are checked before they run.

RestrictedPython guards names and attributes, and the sandbox's line budget stops Python-level loops, but one C-level
operation can take minutes or gigabytes: `10 ** 10 ** 8`, `"a" * 10 ** 9`, `[0] * 10 ** 9`, `1 << 10 ** 10`,
`f"{x:>999999999}"`. The compile policy below routes `**`, `*`, `<<` and `%` (also as `**=`, `*=`, `<<=`, `%=`),
`pow()`, f-string format specs and the padding methods of strings through guards that estimate the size of the
result from the operands and raise ScriptLimitExceeded when it is too large; the step then fails like any failing
script (retries, then an incident with the message). A memory limit on the worker is still the last line.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.Guards import safer_getattr

from .errors import ScriptLimitExceeded

# A string, bytes or a sequence a script builds may have this many characters, bytes or items; an int this many bits
# (about 19,700 decimal digits: more than JSON variables can hold anyway, Python prints at most 4,300).
MAX_ITEMS = 1_000_000
MAX_INT_BITS = 65_536

OP_GUARD = "_podbor_op_"
SPEC_GUARD = "_podbor_format_spec_"

_SEQUENCES = (str, bytes, bytearray, list, tuple)
_BINOPS: dict[type[ast.operator], str] = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Mod: "%"}
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {"**": operator.pow, "*": operator.mul, "<<": operator.lshift,
                                                    "%": operator.mod}


def _too_big(what: str, size: float, limit: int, unit: str) -> ScriptLimitExceeded:
    return ScriptLimitExceeded(f"{what} refused: the result would have about {size:,.0f} {unit}, and a script may "
                               f"make at most {limit:,}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int)  # bool too: True ** 10 ** 9 is cheap, and the checks below see that


def _check_power(base: Any, exponent: Any) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        bits = exponent * math.log2(abs(base))
        if bits > MAX_INT_BITS:
            raise _too_big("**", bits, MAX_INT_BITS, "bits")


def _check_repeat(left: Any, right: Any) -> None:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, _SEQUENCES) and _is_int(times) and times > 1:
            size = len(sequence) * times
            if size > MAX_ITEMS:
                raise _too_big(f"{type(sequence).__name__} * {times:,}", size, MAX_ITEMS, "items")
            return
    if _is_int(left) and _is_int(right):
        bits = left.bit_length() + right.bit_length()
        if bits > MAX_INT_BITS:
            raise _too_big("*", bits, MAX_INT_BITS, "bits")


def _check_shift(left: Any, right: Any) -> None:
    if _is_int(left) and _is_int(right) and left and right > 0:
        bits = left.bit_length() + right
        if bits > MAX_INT_BITS:
            raise _too_big("<<", bits, MAX_INT_BITS, "bits")


# printf-style conversions: %[flags][width][.precision]type, a width or precision of * taken from the arguments.
_PRINTF = re.compile(r"%[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_printf(template: Any, args: Any) -> None:
    if not isinstance(template, str | bytes | bytearray):
        return
    text = template.decode("latin-1") if isinstance(template, bytes | bytearray) else template
    starred = False
    for match in _PRINTF.finditer(text):
        for number in match.groups():
            if number == "*":
                starred = True
            elif number and int(number) > MAX_ITEMS:
                raise _too_big("a % format width", int(number), MAX_ITEMS, "characters")
    if starred:
        for value in args if isinstance(args, tuple) else (args,):
            if _is_int(value) and value > MAX_ITEMS:
                raise _too_big("a % format width", value, MAX_ITEMS, "characters")


_CHECKS: dict[str, Callable[[Any, Any], None]] = {"**": _check_power, "*": _check_repeat, "<<": _check_shift,
                                                  "%": _check_printf}


def guarded_op(op: str, left: Any, right: Any) -> Any:
    """``left <op> right`` after checking that the result stays within the limits."""
    _CHECKS[op](left, right)
    return _OPERATORS[op](left, right)


def guarded_pow(base: Any, exponent: Any, modulo: Any = None) -> Any:
    """The builtin pow; with a modulo the result stays small, so only the two-argument form is checked."""
    if modulo is None:
        _check_power(base, exponent)
        return pow(base, exponent)
    return pow(base, exponent, modulo)


def guarded_inplace(op: str, x: Any, y: Any) -> Any:
    """Checks for ``x <op>= y`` before it runs, for the operators that can make a result explode."""
    check = _CHECKS.get(op[:-1])
    if check is not None:
        check(x, y)


_DIGITS = re.compile(r"\d+")


def guarded_format_spec(spec: Any) -> Any:
    """An f-string's format spec (``f"{x:>{width}}"``): a width or precision above the limit is refused."""
    for number in _DIGITS.findall(str(spec)):
        if int(number) > MAX_ITEMS:
            raise _too_big("a format width", int(number), MAX_ITEMS, "characters")
    return spec


_PADDING = {"ljust", "rjust", "center", "zfill"}


def _padding(method: Callable[..., Any], name: str) -> Callable[..., Any]:
    def padded(width: Any, *args: Any) -> Any:
        if _is_int(width) and width > MAX_ITEMS:
            raise _too_big(f"{name}()", width, MAX_ITEMS, "characters")
        return method(width, *args)

    return padded


def _expandtabs(text: Any) -> Callable[..., Any]:
    def expand(tabsize: Any = 8) -> Any:
        tabs = text.count("\t" if isinstance(text, str) else b"\t")
        if _is_int(tabsize) and len(text) + tabs * tabsize > MAX_ITEMS:
            raise _too_big("expandtabs()", len(text) + tabs * tabsize, MAX_ITEMS, "characters")
        return text.expandtabs(tabsize)

    return expand


def _replace(text: Any) -> Callable[..., Any]:
    def replace(old: Any, new: Any, count: Any = -1) -> Any:
        if isinstance(old, str | bytes | bytearray) and isinstance(new, str | bytes | bytearray):
            found = len(text) + 1 if not old else text.count(old)
            if _is_int(count) and count >= 0:
                found = min(found, count)
            size = len(text) + found * (len(new) - len(old))
            if size > MAX_ITEMS:
                raise _too_big("replace()", size, MAX_ITEMS, "characters")
        return text.replace(old, new, count)

    return replace


def guarded_getattr(obj: Any, name: str, default: Any = None) -> Any:
    """RestrictedPython's safer_getattr, with the string methods that pad or repeat checked like the operators."""
    value = safer_getattr(obj, name, default)
    if isinstance(obj, str | bytes | bytearray):
        if name in _PADDING:
            return _padding(value, name)
        if name == "expandtabs":
            return _expandtabs(obj)
        if name == "replace":
            return _replace(obj)
    return value


class SizeGuardingPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: ``a ** b``, ``a * b``, ``a << b`` and ``a % b`` become guarded calls, and
    every f-string format spec passes through a guard. The guards' names start with ``_``, which scripts cannot
    name, so a script cannot replace them."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        op = _BINOPS.get(type(node.op))
        if op is None:
            return node
        call = ast.Call(func=ast.Name(OP_GUARD, ast.Load()), args=[ast.Constant(op), node.left, node.right],
                        keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        if node.format_spec is not None:
            checked = ast.FormattedValue(value=ast.Call(func=ast.Name(SPEC_GUARD, ast.Load()),
                                                     args=[node.format_spec], keywords=[]),
                                      conversion=-1, format_spec=None)
            node.format_spec = ast.fix_missing_locations(
                ast.copy_location(ast.JoinedStr(values=[checked]), node.format_spec))
        return node
