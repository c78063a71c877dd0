"""The operators BPMN service tasks call (``spiffworkflow:serviceTaskOperator id=...``) and the
validators user tasks name (``spiffworkflow:property name="validator"``).

Each operator is a thin, domain-named function taking a :class:`ServiceContext` and the keyword
parameters the BPMN passes. It returns JSON-able data and is idempotent per (instance, task).

A validator checks a submitted form against the SOP's rules and the master data before the task
completes: ``fn(ctx, data) -> list[Refusal]``; any refusal refuses the submission and changes nothing.

An *issuing* operator (``@operator(name, issuing=("process_key", ...))``) issues a certificate, an SK or
a certification decision. It runs only in the processes it is bound to here, or in one Ketua LSP approved
for it when deploying (:func:`call` checks; the deploy lint and the approval rule in
``api/engine/penerbitan.py`` read :data:`ISSUING`).
"""

import inspect
from collections.abc import Callable
from typing import Any

from service_tasks.context import Refusal, ServiceContext, ServiceTaskError

Operator = Callable[..., Any]
REGISTRY: dict[str, Operator] = {}
Validator = Callable[[ServiceContext, dict[str, Any]], list[Refusal]]
VALIDATORS: dict[str, Validator] = {}
# Issuing operator -> the process keys of the shipped SOP it is approved for.
ISSUING: dict[str, frozenset[str]] = {}


def operator(name: str, *, issuing: tuple[str, ...] = ()) -> Callable[[Operator], Operator]:
    def register(fn: Operator) -> Operator:
        if name in REGISTRY:
            raise ValueError(f"service operator {name!r} registered twice")
        REGISTRY[name] = fn
        if issuing:
            ISSUING[name] = frozenset(issuing)
        return fn

    return register


def validator(name: str) -> Callable[[Validator], Validator]:
    def register(fn: Validator) -> Validator:
        if name in VALIDATORS:
            raise ValueError(f"validator {name!r} registered twice")
        VALIDATORS[name] = fn
        return fn

    return register


def check(name: str, ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    fn = VALIDATORS.get(name)
    if fn is None:
        raise ServiceTaskError(f"unknown validator {name!r}")
    return list(fn(ctx, data))


def call(name: str, ctx: ServiceContext, **params: Any) -> Any:
    fn = REGISTRY.get(name)
    if fn is None:
        raise ServiceTaskError(f"unknown service operator {name!r}")
    try:
        inspect.signature(fn).bind(ctx, **params)
    except TypeError as exc:
        raise ServiceTaskError(f"wrong parameters: {exc}") from exc
    if name in ISSUING:
        periksa_proses_penerbit(ctx, name, ISSUING[name])
    return fn(ctx, **params)


# Importing the modules registers their operators.
from service_tasks import dokumen, keputusan, pemeriksaan, periode, peserta_dibawa  # noqa: E402,F401
from service_tasks.keputusan_tercatat import periksa_proses_penerbit  # noqa: E402

__all__ = [
    "ISSUING",
    "REGISTRY",
    "VALIDATORS",
    "Refusal",
    "ServiceContext",
    "ServiceTaskError",
    "call",
    "check",
    "operator",
    "validator",
]
