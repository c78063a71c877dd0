"""A task's form as a person reads it: the deployed schema with the choices and pre-filled values its fields
declare (`x-sumber`, `x-isian`; forms/README.md), computed by the sources of service_tasks/sumber_formulir.py.

The choices become standard JSON Schema `oneOf: [{const, title}]` and the proposed values standard `default`,
so any renderer that reads the schema offers them. Submissions are still checked against the deployed schema
and the task's SOP validator: the choices help, the rules decide.
"""

import copy
import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from api.engine.form_rules import ISIAN, SUMBER, described
from api.engine.process_models import model_of_definition
from api.store.models import HumanTask, ProcessInstance
from service_tasks import ServiceContext
from service_tasks.data_induk import MasterData
from service_tasks.sumber_formulir import SUMBER as SOURCES
from service_tasks.sumber_formulir import Pilihan, SumberContext, choices_of, default_of

log = logging.getLogger(__name__)


def uses_sources(schema: Any) -> bool:
    return any(SUMBER in node or ISIAN in node for _, node in described(schema))


def source_context(
    session: Session, task: HumanTask, row: ProcessInstance, actor: str, now: datetime, nomor_format: str
) -> SumberContext:
    """What a source reads of a task: its data as the task was created, its instance, the clock."""
    service = ServiceContext(
        session=session,
        instance_id=row.id,
        root_id=row.root_id or row.id,
        business_key=row.business_key,
        task_id=task.id,
        element_id=task.element_id,
        task_name=task.name,
        lane=task.lane,
        actor=actor,
        now=now,
        data=task.context or {},
        nomor_format=nomor_format,
    )
    standards = model_of_definition(session, row.definition_id).step_standards
    return SumberContext(service=service, master=MasterData(session), standar_langkah=dict(standards))


def _computed(kind: str, name: str, ctx: SumberContext, memo: dict[tuple[str, str], Any]) -> Any:
    key = (kind, name)
    if key not in memo:
        try:
            memo[key] = choices_of(name, ctx) if kind == SUMBER else default_of(name, ctx)
        except Exception:
            # A source is a help: one that fails on unexpected data leaves its field as deployed (the
            # validators still check the answer) rather than make the task unreadable.
            log.exception("form source %s %r failed on task %s", kind, name, ctx.service.task_id)
            memo[key] = None
    return memo[key]


def _choice(c: Pilihan) -> dict[str, Any]:
    return {"const": c.const, "title": c.title}


def _per_row(row: dict[str, Any], ctx: SumberContext, memo: dict[tuple[str, str], Any]) -> None:
    """In a row (an object schema) whose field takes choices narrowed by a sibling (a source registered with
    `per`), add to the row's `allOf` one `if`/`then` per group of sibling values sharing the same choices:
    "if username is one of these, asesor is one of those" (standard JSON Schema; the field's own `oneOf`
    stays the union for renderers that do not read conditions)."""
    fields = row.get("properties")
    if not isinstance(fields, dict):
        return
    for field, sub in fields.items():
        name = sub.get(SUMBER) if isinstance(sub, dict) else None
        source = SOURCES.get(name) if isinstance(name, str) else None
        if source is None or source.per is None or source.per not in fields:
            continue
        choices = _computed(SUMBER, str(name), ctx, memo) or []
        valid_for: dict[Any, list[Any]] = {}
        for c in choices:
            for key in c.untuk or ():
                valid_for.setdefault(key, []).append(c.const)
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for key in sorted(valid_for, key=str):
            groups.setdefault(tuple(valid_for[key]), []).append(key)
        by_const = {c.const: c for c in choices}
        for consts, keys in groups.items():
            row.setdefault("allOf", []).append(
                {
                    "if": {"properties": {source.per: {"enum": keys}}, "required": [source.per]},
                    "then": {"properties": {field: {"oneOf": [_choice(by_const[c]) for c in consts]}}},
                }
            )


def with_sources(schema: dict[str, Any], ctx: SumberContext) -> dict[str, Any]:
    """A copy of `schema` with each `x-sumber` field's choices as `oneOf` and each `x-isian` field's proposed
    value as `default` (a field whose source has nothing keeps its deployed form)."""
    if not uses_sources(schema):
        return schema
    out = copy.deepcopy(schema)
    memo: dict[tuple[str, str], Any] = {}
    for _, node in list(described(out)):
        _per_row(node, ctx, memo)
        name = node.get(SUMBER)
        if isinstance(name, str):
            choices = _computed(SUMBER, name, ctx, memo)
            if choices:  # JSON Schema's oneOf is never empty
                node["oneOf"] = [_choice(c) for c in choices]
        name = node.get(ISIAN)
        if isinstance(name, str):
            value = _computed(ISIAN, name, ctx, memo)
            if value is not None:
                node["default"] = copy.deepcopy(value)
    return out


def with_sample_sources(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` as the form editor previews it without a task: each `x-sumber` field offers two
    sample choices naming its source (the real ones depend on a period's data)."""
    out = copy.deepcopy(schema)
    for _, node in list(described(out)):
        name = node.get(SUMBER)
        if isinstance(name, str) and "oneOf" not in node:
            node["oneOf"] = [{"const": f"contoh-{n}", "title": f"Contoh {n} dari sumber «{name}»"} for n in (1, 2)]
    return out
