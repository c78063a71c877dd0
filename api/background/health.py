"""What health reports about background work: what waits for the worker, the renderer and the notifier
(read from the database, so it covers every worker process), and whether this process's own loops are moving.

- **degraded** (HTTP 200): work has waited longer than `BEHIND_AFTER` (documents, notification e-mails,
  child completions, due timers, children to start, signals to deliver), or documents failed every render
  attempt, or e-mails every send attempt. Every server shares the database and says the same, so a load
  balancer must not act on it (it would take every server out at once): a monitor should alert.
- **stuck** (HTTP 503): a loop running in this process has gone `STUCK_AFTER` inside one pass without
  progress (a frozen script, a hung render or SMTP server). Restarting this process cures it, so a load
  balancer or an orchestrator may act on it.

It also counts, for this process, where scripts ran: outside any transaction, or (rarely, see README "Writes
and scripts") inside a SQLite write transaction, holding the lock.

Eleven small queries, each served by an index (the render queue, the e-mail outbox, the newest notification
by id, the pending completions, the next timer, the fan-outs still starting children) or over a queue the
worker keeps short (the pending signals).
"""

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.background.loop import BackgroundLoop
from api.background.notifikasi import MAX_ATTEMPTS as SEND_ATTEMPTS
from api.background.renderer import MAX_ATTEMPTS
from api.background.worker import Worker
from api.engine.script_engine import STATS as SCRIPTS
from api.schemas.health import Health, NotifierHealth, RendererHealth, ScriptHealth, WorkerHealth
from api.store.db import Database
from api.store.enums import InstanceStatus, StatusEmail
from api.store.models import ChildCompletion, Dokumen, Fanout, Notifikasi, PendingSignal, ProcessInstance

BEHIND_AFTER = timedelta(minutes=5)
STUCK_AFTER = timedelta(minutes=5)


def _age(now: datetime, since: datetime | None) -> float | None:
    return None if since is None else round(max((now - since).total_seconds(), 0.0), 1)


def _loop(loop: BackgroundLoop, now: datetime) -> dict[str, object]:
    running = loop.running
    return {
        "running": running,
        "last_pass_at": loop.last_pass_at,
        "pass_stalled_seconds": _age(now, loop.pass_since) if running else None,
    }


def _renderer(session: Session, loop: BackgroundLoop, now: datetime) -> RendererHealth:
    waiting, oldest = session.execute(
        select(func.count(), func.min(Dokumen.created_at)).where(
            Dokumen.rendered_at.is_(None), Dokumen.render_attempts < MAX_ATTEMPTS
        )
    ).one()
    failed = session.scalar(
        select(func.count()).where(Dokumen.rendered_at.is_(None), Dokumen.render_attempts >= MAX_ATTEMPTS)
    )
    return RendererHealth.model_validate(
        {
            **_loop(loop, now),
            "documents_waiting": waiting,
            "oldest_waiting_seconds": _age(now, oldest),
            "documents_failed": failed or 0,
            "last_rendered_at": session.scalar(select(func.max(Dokumen.rendered_at))),
        }
    )


def _notifier(session: Session, loop: BackgroundLoop, now: datetime) -> NotifierHealth:
    waiting, oldest = session.execute(
        select(func.count(), func.min(Notifikasi.created_at)).where(Notifikasi.email_status == StatusEmail.MENUNGGU)
    ).one()
    failed = session.scalar(select(func.count()).where(Notifikasi.email_status == StatusEmail.GAGAL))
    return NotifierHealth.model_validate(
        {
            **_loop(loop, now),
            "emails_waiting": waiting,
            "oldest_waiting_seconds": _age(now, oldest),
            "emails_failed": failed or 0,
            # The newest notification e-mailed (by id, backwards along the primary key: `email_sent_at` has no
            # index); a retry sent later than a newer notification's e-mail is not the one shown.
            "last_sent_at": session.scalar(
                select(Notifikasi.email_sent_at)
                .where(Notifikasi.email_status == StatusEmail.TERKIRIM)
                .order_by(Notifikasi.id.desc())
                .limit(1)
            ),
        }
    )


def _worker(session: Session, loop: BackgroundLoop, now: datetime) -> WorkerHealth:
    pending, oldest = session.execute(
        select(func.count(), func.min(ChildCompletion.created_at))
        .join(ProcessInstance, ProcessInstance.id == ChildCompletion.parent_id)
        .where(ChildCompletion.applied_at.is_(None), ProcessInstance.status == InstanceStatus.RUNNING)
    ).one()
    due, oldest_due = session.execute(
        select(func.count(), func.min(ProcessInstance.next_timer_at)).where(
            ProcessInstance.status == InstanceStatus.RUNNING, ProcessInstance.next_timer_at <= now
        )
    ).one()
    to_start, oldest_start = session.execute(
        select(func.coalesce(func.sum(Fanout.total - Fanout.started), 0), func.min(Fanout.created_at))
        .join(ProcessInstance, ProcessInstance.id == Fanout.parent_id)
        .where(Fanout.all_started_at.is_(None), ProcessInstance.status == InstanceStatus.RUNNING)
    ).one()
    signals, oldest_signal = session.execute(select(func.count(), func.min(PendingSignal.created_at))).one()
    continuations, oldest_continuation = session.execute(
        select(func.count(), func.min(ProcessInstance.continue_pending_at)).where(
            ProcessInstance.continue_pending_at.is_not(None), ProcessInstance.status == InstanceStatus.RUNNING
        )
    ).one()
    return WorkerHealth.model_validate(
        {
            **_loop(loop, now),
            "children_to_start": to_start,
            "oldest_child_to_start_seconds": _age(now, oldest_start),
            "signals_pending": signals,
            "oldest_signal_seconds": _age(now, oldest_signal),
            "continuations_pending": continuations,
            "oldest_continuation_seconds": _age(now, oldest_continuation),
            "child_completions_pending": pending,
            "oldest_child_completion_seconds": _age(now, oldest),
            "last_child_completion_applied_at": session.scalar(select(func.max(ChildCompletion.applied_at))),
            "timers_due": due,
            "oldest_timer_due_seconds": _age(now, oldest_due),
        }
    )


def report(db: Database, worker: Worker, now: datetime) -> Health:
    with db.reading() as session:
        renderer = _renderer(session, worker.renderer, now)
        work = _worker(session, worker, now)
        notifier = _notifier(session, worker.notifier, now)
    behind, stuck = BEHIND_AFTER.total_seconds(), STUCK_AFTER.total_seconds()
    degraded: list[str] = []
    if (renderer.oldest_waiting_seconds or 0) > behind:
        degraded.append(
            f"documents waiting for their file: {renderer.documents_waiting}, the oldest for "
            f"{renderer.oldest_waiting_seconds:.0f} s"
        )
    if renderer.documents_failed:
        degraded.append(
            f"documents that failed all {MAX_ATTEMPTS} render attempts: {renderer.documents_failed}; "
            "staff may retry them (POST /api/dokumen/{id}/retry-render)"
        )
    if (notifier.oldest_waiting_seconds or 0) > behind:
        degraded.append(
            f"notification e-mails waiting to be sent: {notifier.emails_waiting}, the oldest for "
            f"{notifier.oldest_waiting_seconds:.0f} s"
        )
    if notifier.emails_failed:
        degraded.append(
            f"notification e-mails that failed all {SEND_ATTEMPTS} send attempts: {notifier.emails_failed}; "
            "check the SMTP settings and the addresses (the notifications stay in-app)"
        )
    if (work.oldest_child_completion_seconds or 0) > behind:
        degraded.append(
            f"finished child instances waiting to be applied to their parents: {work.child_completions_pending}, "
            f"the oldest for {work.oldest_child_completion_seconds:.0f} s"
        )
    if (work.oldest_child_to_start_seconds or 0) > behind:
        degraded.append(
            f"children of multi-instance activities waiting to be started: {work.children_to_start}, "
            f"the oldest for {work.oldest_child_to_start_seconds:.0f} s"
        )
    if (work.oldest_signal_seconds or 0) > behind:
        degraded.append(
            f"signals waiting to be delivered to children: {work.signals_pending}, "
            f"the oldest for {work.oldest_signal_seconds:.0f} s"
        )
    if (work.oldest_continuation_seconds or 0) > behind:
        degraded.append(
            f"instances waiting for the engine to run on after an asyncAfter task: {work.continuations_pending}, "
            f"the oldest for {work.oldest_continuation_seconds:.0f} s"
        )
    if (work.oldest_timer_due_seconds or 0) > behind:
        degraded.append(
            f"due timers not fired: {work.timers_due}, the oldest due {work.oldest_timer_due_seconds:.0f} s ago"
        )
    stuck_loops = [
        f"the {name} of this process has made no progress for {loop.pass_stalled_seconds:.0f} s in one pass"
        for name, loop in (("worker", work), ("renderer", renderer), ("notifier", notifier))
        if (loop.pass_stalled_seconds or 0) > stuck
    ]
    status: Literal["ok", "degraded", "stuck"] = "stuck" if stuck_loops else "degraded" if degraded else "ok"
    return Health(
        status=status,
        reasons=stuck_loops + degraded,
        database=db.engine.dialect.name,
        worker=work,
        renderer=renderer,
        notifier=notifier,
        scripts=ScriptHealth(outside_transaction=SCRIPTS.outside, under_write_lock=SCRIPTS.under_lock),
    )
