"""Task forms: the JSON Schema a user task names, as its process version deployed it, and checking data.

`Runtime.complete_task` checks every submission against its task's form before the SOP validator and the
engine see it, so no caller can skip the form.
"""

import json
import re
from typing import Any

from jsonschema import validators
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.engine.process_models import model_of_definition
from api.store.db_cache import db_cache
from api.store.models import DeploymentFile, ProcessInstance

_REQUIRED = re.compile(r"^'(.+)' is a required property$")


def load_form(session: Session, deployment_id: int, name: str | None) -> dict[str, Any] | None:
    """A form file as the given deployment sees it (its own copy, else the newest deployed before it).
    Deployed files never change, so each (deployment, name) is read once."""
    if not name:
        return None
    cache = db_cache(session, "form")
    key = (deployment_id, name)
    if key not in cache:
        f = session.scalars(
            select(DeploymentFile)
            .where(DeploymentFile.name == name, DeploymentFile.deployment_id <= deployment_id)
            .order_by(DeploymentFile.deployment_id.desc())
            .limit(1)
        ).first()
        cache[key] = json.loads(f.content) if f else None
    return cache[key]


def form_of(session: Session, instance: ProcessInstance, name: str | None) -> dict[str, Any] | None:
    """A task's form as its instance's process version deployed it."""
    return load_form(session, model_of_definition(session, instance.definition_id).deployment_id, name)


def form_errors(schema: dict[str, Any], data: dict[str, Any]) -> list[dict[str, str]]:
    """Every way `data` fails the form, as {path, message} with a dotted path to the field at fault."""
    validator_cls = validators.validator_for(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    errors = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required" and (m := _REQUIRED.match(error.message)):
            path = ".".join(filter(None, [path, m.group(1)]))
        extra: list[str] = []
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set((error.schema or {}).get("properties", {}))
            extra = sorted(k for k in error.instance if k not in allowed)
            path = ".".join(filter(None, [path, extra[0] if extra else ""]))
        errors.append(
            {"path": path, "message": pesan(error, extra if error.validator == "additionalProperties" else [])}
        )
    return errors


TYPES = {
    "string": "teks",
    "integer": "bilangan bulat",
    "number": "angka",
    "boolean": "ya/tidak (true/false)",
    "array": "daftar",
    "object": "objek",
}


def _titles(branches: Any) -> list[str]:
    """The labels of a choice field (`oneOf` of {const, title}, forms/README.md), a value without a title
    by itself; empty when `branches` are not all choices."""
    if not (isinstance(branches, list) and branches and all(isinstance(b, dict) and "const" in b for b in branches)):
        return []
    return [str(b.get("title") or b["const"]) for b in branches]


def pesan(error: Any, extra: list[str]) -> str:
    """The staff read Indonesian: say what is wrong with the field in their words (the path says where)."""
    v, expected = error.validator, error.validator_value
    if v == "required":
        m = _REQUIRED.match(error.message)
        return f"{m.group(1) if m else 'kolom'} wajib diisi"
    if v == "minLength":
        return "tidak boleh kosong" if expected == 1 else f"minimal {expected} karakter"
    if v == "maxLength":
        return f"maksimal {expected} karakter"
    if v == "minItems":
        return "tidak boleh kosong" if expected == 1 else f"minimal {expected} isian"
    if v == "maxItems":
        return f"maksimal {expected} isian"
    if v == "enum":
        return f"{error.instance!r} bukan pilihan yang sah; pilih salah satu: {', '.join(map(str, expected))}"
    if v == "const" and expected is True:  # a confirmation the person must tick (FR.APL.01's declaration)
        title = (error.schema or {}).get("title") if isinstance(error.schema, dict) else None
        return f"{title or 'Kolom ini'} wajib dicentang (disetujui)"
    if v == "const":
        return f"harus {expected!r}"
    if v == "oneOf" and (labels := _titles(expected)):
        return f"{error.instance!r} bukan pilihan yang sah; pilih salah satu: {', '.join(labels)}"
    if v in ("oneOf", "anyOf"):
        return f"{error.instance!r} tidak sesuai dengan bentuk isian yang diminta"
    if v == "type":
        names = [str(t) for t in (expected if isinstance(expected, list) else [expected])]
        return f"{error.instance!r} bukan {' atau '.join(TYPES.get(t, t) for t in names)}"
    if v == "additionalProperties":
        return f"kolom {', '.join(map(repr, extra))} tidak dikenal formulir ini"
    if v == "format":
        return f"{error.instance!r} bukan format {expected} yang sah (contoh tanggal: 2026-03-17)"
    if v in ("minimum", "exclusiveMinimum"):
        return f"minimal {expected}" if v == "minimum" else f"harus lebih dari {expected}"
    if v in ("maximum", "exclusiveMaximum"):
        return f"maksimal {expected}" if v == "maximum" else f"harus kurang dari {expected}"
    if v == "pattern":
        return f"{error.instance!r} tidak sesuai pola {expected}"
    if v == "uniqueItems":
        return "ada isian yang sama lebih dari sekali"
    return error.message
