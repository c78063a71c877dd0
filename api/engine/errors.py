"""What the engine raises when an act cannot be done; `api/errors.py` alone turns them into HTTP answers.

Each means the act was refused and nothing was written. Anything else that escapes the engine is either a
database error (left to the caller: a lost race is retried, a conflict is a 409) or a bug (a 500, logged).
"""

from typing import Any

from service_tasks import Refusal


class TaskRefused(Exception):
    """The submitted data breaks one of the SOP's rules (a user task's validator): nothing was written."""

    def __init__(self, validator: str, refusals: list[Refusal]) -> None:
        super().__init__("; ".join(f"{r.field}: {r.message}" for r in refusals))
        self.validator = validator
        self.refusals = refusals


class FormInvalid(Exception):
    """The submitted data does not satisfy the task's form (its JSON Schema): nothing was written."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{e['path']}: {e['message']}" for e in errors))
        self.errors = errors


class EngineError(Exception):
    """The process itself failed (a script, condition or service task): nothing was written."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id


class TaskNotReady(Exception):
    """The task is not (or no longer) waiting for a person."""
