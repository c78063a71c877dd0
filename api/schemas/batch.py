"""Completing several ready tasks of one kind in one request (`POST /api/tasks/complete-batch`)."""

from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import Input

MAX_BATCH_ITEMS = 200


class BatchItem(Input):
    task_id: str = Field(min_length=1, max_length=100)
    data: dict[str, Any] = Field(default_factory=dict)


class CompleteBatch(Input):
    items: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class BatchOutcome(BaseModel):
    """One item's outcome: `status` and body are what `POST /api/tasks/{id}/complete` would have answered."""

    task_id: str
    status: int
    instance_id: int | None = None
    instance_status: str | None = None
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


class BatchResult(BaseModel):
    """Each item's outcome in the order sent; `completed` counts those answered 200."""

    items: list[BatchOutcome]
    completed: int
