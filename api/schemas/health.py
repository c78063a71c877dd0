"""What `/api/health` answers: whether the worker, the renderer and the notifier keep up, and what waits for them."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class LoopHealth(BaseModel):
    running: bool = Field(description="this process runs the loop (`serve` with the embedded worker)")
    last_pass_at: datetime | None = Field(description="when this process's loop last finished a pass")
    pass_stalled_seconds: float | None = Field(
        description="seconds the running pass has gone without progress; null between passes"
    )


class WorkerHealth(LoopHealth):
    child_completions_pending: int = Field(description="finished children not yet applied to a running parent")
    oldest_child_completion_seconds: float | None
    last_child_completion_applied_at: datetime | None = Field(description="by any worker")
    timers_due: int = Field(description="running instances whose next timer is due and has not fired")
    oldest_timer_due_seconds: float | None
    children_to_start: int = Field(description="children of running parents' multi-instance activities not started")
    oldest_child_to_start_seconds: float | None
    signals_pending: int = Field(description="signals queued for child instances, not delivered yet")
    oldest_signal_seconds: float | None
    continuations_pending: int = Field(
        default=0, description="running instances waiting for the worker to run on after an asyncAfter user task"
    )
    oldest_continuation_seconds: float | None = None


class RendererHealth(LoopHealth):
    documents_waiting: int = Field(description="issued documents without a file that will still be tried")
    oldest_waiting_seconds: float | None
    documents_failed: int = Field(description="documents whose renders failed every attempt: staff may retry them")
    last_rendered_at: datetime | None = Field(description="by any renderer")


class NotifierHealth(LoopHealth):
    emails_waiting: int = Field(description="notification e-mails waiting to be sent (or for their next retry)")
    oldest_waiting_seconds: float | None
    emails_failed: int = Field(description="notification e-mails whose every send attempt failed")
    last_sent_at: datetime | None = Field(description="when the newest notification e-mailed was sent, by any notifier")


class ScriptHealth(BaseModel):
    outside_transaction: int = Field(
        description="scripts this process ran with no transaction open (on SQLite: outside the write lock)"
    )
    under_write_lock: int = Field(
        description="scripts this process ran inside a SQLite write transaction, holding the lock (their input "
        "changed between attempts, or a cycle ran over 200): 0 is what to expect"
    )


class Health(BaseModel):
    status: Literal["ok", "degraded", "stuck"] = Field(
        description="ok; degraded (200: work is behind or failed, see reasons); stuck (503: a loop of this "
        "process has made no progress for the stuck threshold, restart it)"
    )
    reasons: list[str]
    database: str
    worker: WorkerHealth
    renderer: RendererHealth
    notifier: NotifierHealth
    scripts: ScriptHealth


class Liveness(BaseModel):
    status: Literal["ok"]
    database: str
