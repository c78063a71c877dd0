"""A user's unfinished answers to a task, kept on the server: `PUT` and `DELETE /api/tasks/{id}/draft`.

A draft is not checked against the task's form (it is unfinished): only that it is a JSON object that can be
kept and answered back (finite numbers, valid text, at most `MAX_DEPTH` levels) of at most
`UJIKOM_MAX_DRAFT_BYTES` (counted as compact UTF-8 JSON). Only a user who may work on the task now keeps one
(the permission of completing it); one per task and user, overwritten by the next save. `GET
/api/tasks/{id}` returns it to that user alone. A draft never touches the process: no event, no revision,
no workflow data. The runtime deletes a task's drafts when the task is completed (by anyone) or cancelled
(api/engine/runtime.py).
"""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete

from api.auth import CurrentUser
from api.errors import ApiError
from api.schemas import Draft
from api.services.tasks import task_for, task_for_work
from api.settings import Settings
from api.store.db import Database
from api.store.models import TaskDraft


def size_of(data: dict[str, Any]) -> int:
    """A draft's size as the cap counts it: compact JSON, UTF-8."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _checked(data: dict[str, Any], limit: int) -> None:
    # NUL, lone surrogates, NaN/Infinity and deep nesting are refused for every route (api.routes.deps).
    if (size := size_of(data)) > limit:
        raise ApiError(
            413,
            f"draft of {size} bytes is larger than {limit} bytes; nothing was saved",
            [{"path": "data", "message": f"draf lebih besar dari {limit} byte"}],
        )


def save(
    db: Database, now: datetime, settings: Settings, user: CurrentUser, task_id: str, data: dict[str, Any]
) -> Draft:
    """Keep `data` as the user's draft of a task they may work on now (else 403/404/409), replacing the last."""
    with db.transaction() as session:
        t = task_for_work(session, task_id, user, now)  # who may, before what they sent: 403 before 413
        _checked(data, settings.max_draft_bytes)
        draft = session.get(TaskDraft, (t.id, user.username))
        if draft is None:
            draft = TaskDraft(task_id=t.id, username=user.username, data=data, updated_at=now)
            session.add(draft)
        else:
            draft.data, draft.updated_at = data, now
        session.flush()
        return Draft.model_validate(draft)


def discard(db: Database, now: datetime, user: CurrentUser, task_id: str) -> None:
    """Delete the user's draft of a task they may work on (none is fine: a DELETE is idempotent)."""
    with db.transaction() as session:
        t = task_for(session, task_id, user, now)
        session.execute(delete(TaskDraft).where(TaskDraft.task_id == t.id, TaskDraft.username == user.username))
