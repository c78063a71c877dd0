"""What BPMN scripts, conditions and expressions may do: RestrictedPython with bomb guards.

SpiffWorkflow evaluates them with plain ``eval``/``exec``; its ``safe_globals`` environment can be
escaped through ``().__class__.__base__.__subclasses__()``. RestrictedPython rejects such code at
compile time. On top of its policy, ``**``, ``*``, ``<<`` and ``pow()`` go through guards that refuse a
big-integer or repetition bomb before it is computed, with a message that says so.

This module is pure (RestrictedPython and the standard library): the evaluator processes
(`api/engine/evaluator_child.py`) import it, and so does the host. The hard limits (CPU time, memory)
are the evaluator's: a guard is a fast, clear refusal of the common bombs, not the limit itself.
"""

import ast
import builtins
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
    limited_builtins,
    safe_builtins,
)
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from api.engine.tool_messages import sandbox_message, syntax_message

# The largest integer result of **, * or << a script may compute (bits; 10**30000 is ~100,000 bits).
MAX_INT_BITS = 100_000
# The longest str, bytes, list or tuple a repetition (`'a' * n`, `[0] * n`) may build.
MAX_REPEAT_LEN = 10_000_000


class ScriptTimeout(Exception):
    """A script or expression used up its CPU time (or its request's time for scripts)."""


class ScriptMemoryExceeded(Exception):
    """A script or expression needed more memory than its evaluator may use, or returned too much data."""


class ScriptRejected(Exception):
    """The code is outside the sandbox's Python subset (caught at compile time)."""


class ScriptTooBig(ValueError):
    """A guard refused a big-integer or repetition bomb before computing it."""


def _int_bits(value: Any) -> int:
    return value.bit_length() if isinstance(value, int) else 0


def _guarded_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is None and isinstance(base, int) and isinstance(exp, int) and exp > 0 and abs(base) > 1:
        if exp * max(_int_bits(base) - 1, 1) > MAX_INT_BITS:
            raise ScriptTooBig(f"{base} ** {exp} would be an integer of over {MAX_INT_BITS:,} bits")
    return pow(base, exp, mod)


def _repeat_len(seq: Any, times: Any) -> int | None:
    if isinstance(seq, str | bytes | bytearray | list | tuple) and isinstance(times, int):
        return len(seq) * times
    return None


def _guarded_mul(a: Any, b: Any) -> Any:
    size = _repeat_len(a, b) or _repeat_len(b, a)
    if size is not None and size > MAX_REPEAT_LEN:
        raise ScriptTooBig(f"a repetition of {size:,} items is over the limit of {MAX_REPEAT_LEN:,}")
    if isinstance(a, int) and isinstance(b, int) and _int_bits(a) + _int_bits(b) > MAX_INT_BITS:
        raise ScriptTooBig(f"a product of over {MAX_INT_BITS:,} bits")
    return a * b


def _guarded_lshift(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and a != 0 and _int_bits(a) + b > MAX_INT_BITS:
        raise ScriptTooBig(f"{a} << {b} would be an integer of over {MAX_INT_BITS:,} bits")
    return a << b


_BINOP_GUARDS: dict[type[ast.operator], str] = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.LShift: "_lshift_"}


class _GuardingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy, with `a ** b`, `a * b` and `a << b` turned into guarded calls."""

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "+=": lambda a, b: a + b,
        "-=": lambda a, b: a - b,
        "*=": _guarded_mul,
        "/=": lambda a, b: a / b,
        "//=": lambda a, b: a // b,
        "%=": lambda a, b: a % b,
        "**=": _guarded_pow,
    }
    if op not in ops:
        raise ScriptRejected(f"operator {op} is not allowed")
    return ops[op](x, y)


_BUILTINS: dict[str, Any] = {
    **safe_builtins,
    **limited_builtins,
    **{
        name: getattr(builtins, name)
        for name in (
            "all",
            "any",
            "sum",
            "min",
            "max",
            "sorted",
            "enumerate",
            "list",
            "dict",
            "set",
            "map",
            "filter",
            "reversed",
        )
    },
    "pow": _guarded_pow,
}

GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_pow_": _guarded_pow,
    "_mul_": _guarded_mul,
    "_lshift_": _guarded_lshift,
    "date": date,
    "datetime": datetime,
    "timedelta": timedelta,
}


@lru_cache(maxsize=4096)
def compile_expression(expression: str) -> CodeType:
    result = compile_restricted_eval(expression.strip(), filename="<expression>", policy=_GuardingTransformer)
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    assert result.code is not None  # no errors: RestrictedPython compiled it
    return result.code


@lru_cache(maxsize=1024)
def compile_script(script: str) -> CodeType:
    result = compile_restricted_exec(script, filename="<script>", policy=_GuardingTransformer)
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    assert result.code is not None
    return result.code


def check_syntax(code: str, mode: str) -> str | None:
    """The first problem with an expression ('eval') or script ('exec'), or None; in Indonesian, for the
    process designer reading the deploy lint (api/engine/tool_messages.py)."""
    if mode == "eval" and not code.strip():
        return "kosong: tulis ekspresinya"
    try:
        ast.parse(code.strip() if mode == "eval" else code, mode=mode)
        if mode == "eval":
            compile_expression(code)
        else:
            compile_script(code)
    except SyntaxError as exc:
        return syntax_message(exc.lineno, exc.msg)
    except ScriptRejected as exc:
        return sandbox_message(str(exc))
    return None


class StepDeadlines:
    """`batas_langkah(step)` as data: the due time of each SOP step of an instance, computed by the host
    before the expression runs (so an evaluator process needs no database)."""

    def __init__(self, due: dict[str, str], inherited: str | None, process: str) -> None:
        self.due = due
        self.inherited = inherited
        self.process = process

    def __call__(self, step: Any) -> str:
        step = str(step)
        if step in self.due:
            return self.due[step]
        if self.inherited is not None:
            return self.inherited
        raise ValueError(f"SOP step {step!r} has no time standard in process {self.process!r}")


def evaluate(expression: str, context: dict[str, Any], external: dict[str, Any]) -> Any:
    """Evaluate an expression here, in this process (no time or memory limit of its own)."""
    return eval(compile_expression(expression), {**GUARDS, **external, **context})


def execute(script: str, context: dict[str, Any], external: dict[str, Any]) -> None:
    """Run a script here on `context`, in place: its new and changed variables stay, deleted ones go (not
    functions, guards or the external names)."""
    code = compile_script(script)
    scope = {**GUARDS, **external, **context}
    exec(code, scope)
    for key, value in scope.items():
        if key in GUARDS or key in external or (callable(value) and not isinstance(value, type)):
            continue
        context[key] = value
    for key in [k for k in context if k not in scope]:
        del context[key]


# --- expressions cheap enough to run in the host process ----------------------------------------------
# A condition like `keputusan['keputusan'] == 'gabung'` or a timer's `batas_langkah('3')` costs microseconds;
# sending it to an evaluator costs a process round trip. An expression that has no loop, comprehension,
# lambda, repetition or power and calls only these functions runs in time linear in the size of the data it
# reads (capped with the instance's state), so it cannot freeze the host: it stays here.
CHEAP_CALLS = frozenset({"len", "str", "int", "bool", "batas_langkah"})
CHEAP_METHODS = frozenset({"get"})
_CHEAP_NODES = (
    ast.Expression,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Subscript,
    ast.Attribute,
    ast.Compare,
    ast.BoolOp,
    ast.UnaryOp,
    ast.IfExp,
    ast.Tuple,
    ast.List,
    ast.Dict,
    ast.Call,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
)
MAX_CHEAP_LENGTH = 300
MAX_CHEAP_NODES = 60


@lru_cache(maxsize=4096)
def is_cheap(expression: str) -> bool:
    """True when the expression can be decided by reading its syntax to run in bounded time (see above)."""
    if len(expression) > MAX_CHEAP_LENGTH:
        return False
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return False
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_CHEAP_NODES:
        return False
    for node in nodes:
        if not isinstance(node, _CHEAP_NODES):
            return False
        if isinstance(node, ast.Call):
            func = node.func
            named = isinstance(func, ast.Name) and func.id in CHEAP_CALLS
            method = isinstance(func, ast.Attribute) and func.attr in CHEAP_METHODS
            if not (named or method) or node.keywords:
                return False
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            return False
    return True
