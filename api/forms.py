"""Task forms: the JSON Schema a user task names, as its process version deployed it, and checking data."""

import json
import re
import threading
from typing import Any

from jsonschema import validators
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import DeploymentFile, ProcessDefinition, ProcessInstance

_REQUIRED = re.compile(r"^'(.+)' is a required property$")
_parsed: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def load_form(session: Session, deployment_id: int, name: str | None) -> dict[str, Any] | None:
    """A form file as the given deployment sees it (its own copy, else the newest deployed before it).
    Parsed schemas are cached by content hash: a deployed file never changes."""
    if not name:
        return None
    row = session.execute(
        select(DeploymentFile.sha256, DeploymentFile.id)
        .where(DeploymentFile.name == name, DeploymentFile.deployment_id <= deployment_id)
        .order_by(DeploymentFile.deployment_id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    form = _parsed.get(row.sha256)
    if form is None:
        form = json.loads(session.get(DeploymentFile, row.id).content)
        with _lock:
            _parsed[row.sha256] = form
    return form


def deployment_of(session: Session, instance_id: int) -> int:
    return session.scalar(
        select(ProcessDefinition.deployment_id)
        .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessInstance.id == instance_id)
    )


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
