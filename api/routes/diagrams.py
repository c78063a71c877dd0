"""Where an instance stands, element by element, for drawing it on its own version's diagram
(read by `api/engine/diagram_state.py` from the projections and history)."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.engine.diagram_state import instance_diagram
from api.errors import ApiError
from api.permissions import Staff
from api.routes.deps import Db, Id, Now
from api.services.definitions import file_url
from api.store.models import ProcessInstance

router = APIRouter(prefix="/api", tags=["process instances"])


class ChildLink(BaseModel):
    element_id: str | None
    instance_id: int
    key: str
    subject: str | None
    status: str
    diagram_url: str


class ParentLink(BaseModel):
    instance_id: int
    diagram_url: str


class DiagramState(BaseModel):
    instance_id: int
    key: str
    version: int
    status: str
    business_key: str | None
    subject: str | None
    error: str | None
    bpmn_file: str
    bpmn_url: str
    completed: list[str]
    active: list[str]
    overdue: list[str]
    children: list[ChildLink]
    parent: ParentLink | None
    now: datetime


def diagram_url(instance_id: int) -> str:
    return f"/instances/{instance_id}/diagram"


@router.get("/instances/{instance_id}/diagram-state", response_model=DiagramState)
def diagram_state(instance_id: Id, db: Db, now: Now, user: Staff) -> DiagramState:
    """Element ids completed, active (waiting for a person or for child instances) and overdue (past the
    task's due date or the SOP step's time standard), and the child instances started by call activities."""
    with db.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        if row is None:
            raise ApiError(404, f"no instance {instance_id}")
        state = instance_diagram(session, row, now)
        definition = state.definition
        return DiagramState(
            instance_id=row.id,
            key=row.key,
            version=row.version,
            status=row.status,
            business_key=row.business_key,
            subject=row.subject,
            error=row.error,
            bpmn_file=definition.bpmn_file,
            bpmn_url=file_url(definition.deployment_id, definition.bpmn_file),
            completed=sorted(state.completed),
            active=sorted(state.active),
            overdue=sorted(state.overdue),
            children=[
                ChildLink(
                    element_id=c.element_id,
                    instance_id=c.instance.id,
                    key=c.instance.key,
                    subject=c.instance.subject,
                    status=c.instance.status,
                    diagram_url=diagram_url(c.instance.id),
                )
                for c in state.children
            ],
            parent=ParentLink(instance_id=row.parent_id, diagram_url=diagram_url(row.parent_id))
            if row.parent_id
            else None,
            now=now,
        )
