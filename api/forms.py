"""Task forms: the JSON Schema a user task names, as its process version deployed it, and checking data."""

import json
import re
from typing import Any

from jsonschema import validators
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.engine.db_cache import db_cache
from api.engine.runtime import model_of_definition
from api.models import DeploymentFile, ProcessInstance

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
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set((error.schema or {}).get("properties", {}))
            extra = sorted(k for k in error.instance if k not in allowed)
            path = ".".join(filter(None, [path, extra[0] if extra else ""]))
        errors.append({"path": path, "message": error.message})
    return errors
