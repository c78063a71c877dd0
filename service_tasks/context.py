"""What a service operator receives from the host."""

from collections.abc import Callable
from dataclasses import dataclass, field
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
    # The absent person `actor` stands in for as their substitute (api/services/pengganti.py): a document
    # signed by the actor is signed "a.n." them (service_tasks/snapshot.py, `penandatangan`).
    atas_nama: str | None = None
    # The time standard (`dueAfter`, an ISO 8601 duration such as "P2D") of a user task, by process id and task id,
    # in this instance's process or a process it calls, as deployed with it; None where that task has none.
    standar_tugas: Callable[[str, str], str | None] = field(default=lambda _proses, _tugas: None)
    # Delivers a BPMN signal to the running child instances started by a call activity of this instance.
    signal_children: Callable[[str, str], int] = field(default=lambda _call, _signal: 0)


@dataclass(frozen=True)
class Refusal:
    """Why a submitted form breaks a rule: `field` is the dotted path into the submitted data."""

    field: str
    message: str
