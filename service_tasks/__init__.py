"""The operators BPMN service tasks call (``spiffworkflow:serviceTaskOperator id=...``).

Each operator is a thin, domain-named function taking a :class:`ServiceContext` and the keyword
parameters the BPMN passes. It returns JSON-able data and is idempotent per (instance, task).
"""

import inspect
from collections.abc import Callable
from typing import Any

from service_tasks.context import ServiceContext, ServiceTaskError

Operator = Callable[..., Any]
REGISTRY: dict[str, Operator] = {}


def operator(name: str) -> Callable[[Operator], Operator]:
    def register(fn: Operator) -> Operator:
        if name in REGISTRY:
            raise ValueError(f"service operator {name!r} registered twice")
        REGISTRY[name] = fn
        return fn

    return register


def call(name: str, ctx: ServiceContext, **params: Any) -> Any:
    fn = REGISTRY.get(name)
    if fn is None:
        raise ServiceTaskError(f"unknown service operator {name!r}")
    try:
        inspect.signature(fn).bind(ctx, **params)
    except TypeError as exc:
        raise ServiceTaskError(f"wrong parameters: {exc}") from exc
    return fn(ctx, **params)


# Importing the modules registers their operators.
from service_tasks import dokumen  # noqa: E402,F401

__all__ = ["REGISTRY", "ServiceContext", "ServiceTaskError", "call", "operator"]
