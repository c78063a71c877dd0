"""What a service operator receives from the host."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


class ServiceTaskError(Exception):
    """A service task cannot do its work with the data it was given."""


@dataclass(frozen=True)
class ServiceContext:
    session: Session
    instance_id: int
    root_id: int
    business_key: str | None
    task_id: str
    element_id: str
    task_name: str
    lane: str | None
    actor: str
    now: datetime
    data: dict[str, Any]
    nomor_format: str
