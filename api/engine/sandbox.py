"""Scripts, conditions and expressions from BPMN run here, under RestrictedPython and a time limit.

SpiffWorkflow evaluates them with plain ``eval``/``exec``; its ``safe_globals`` environment can be
escaped through ``().__class__.__base__.__subclasses__()``. RestrictedPython rejects such code at
compile time. CPU time is bounded by a line-trace deadline (RestrictedPython cannot stop a loop).
"""

import ast
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any

from RestrictedPython import (
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
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

SCRIPT_TIME_LIMIT_S = 2.0


class ScriptTimeout(Exception):
    pass


class ScriptRejected(Exception):
    """The code is outside the sandbox's Python subset (caught at compile time)."""


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "+=": lambda a, b: a + b,
        "-=": lambda a, b: a - b,
        "*=": lambda a, b: a * b,
        "/=": lambda a, b: a / b,
        "//=": lambda a, b: a // b,
        "%=": lambda a, b: a % b,
    }
    if op not in ops:
        raise ScriptRejected(f"operator {op} is not allowed")
    return ops[op](x, y)


_BUILTINS: dict[str, Any] = {
    **safe_builtins,
    **limited_builtins,
    **{
        name: getattr(__import__("builtins"), name)
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
}

_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "date": date,
    "datetime": datetime,
    "timedelta": timedelta,
}


@lru_cache(maxsize=4096)
def compile_expression(expression: str) -> CodeType:
    result = compile_restricted_eval(expression.strip(), filename="<expression>")
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    assert result.code is not None  # no errors: RestrictedPython compiled it
    return result.code


@lru_cache(maxsize=1024)
def compile_script(script: str) -> CodeType:
    result = compile_restricted_exec(script, filename="<script>")
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    assert result.code is not None
    return result.code


def check_syntax(code: str, mode: str) -> str | None:
    """The first problem with an expression ('eval') or script ('exec'), or None."""
    try:
        ast.parse(code.strip() if mode == "eval" else code, mode=mode)
        if mode == "eval":
            compile_expression(code)
        else:
            compile_script(code)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except ScriptRejected as exc:
        return str(exc)
    return None


def _run_limited(fn: Callable[[], Any], limit_s: float = SCRIPT_TIME_LIMIT_S) -> Any:
    deadline = time.monotonic() + limit_s
    previous = sys.gettrace()

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename in ("<script>", "<expression>"):
            if time.monotonic() > deadline:
                raise ScriptTimeout(f"script ran longer than {limit_s:g} s")
            return tracer
        return None

    sys.settrace(tracer)
    try:
        return fn()
    finally:
        sys.settrace(previous)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment backed by RestrictedPython."""

    def __init__(self, service_caller: Callable[..., str] | None = None) -> None:
        super().__init__({})
        self._service_caller = service_caller

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        code = compile_expression(expression)
        scope = {**_GUARDS, **(external_context or {}), **context}
        return _run_limited(lambda: eval(code, scope))

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        code = compile_script(script)
        scope = {**_GUARDS, **(external_context or {}), **context}
        _run_limited(lambda: exec(code, scope))
        for key in list(scope):
            if key in _GUARDS or (external_context and key in external_context):
                continue
            value = scope[key]
            if callable(value) and not isinstance(value, type):
                continue
            context[key] = value
        for key in list(context):
            if key not in scope:
                del context[key]
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> str:
        raise NotImplementedError("service tasks are dispatched by the host script engine")
