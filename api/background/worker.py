"""The worker: applies finished children to their parents in batches, starts and signals the children of
multi-instance call activities in batches (api/engine/children.py) and fires due timers.

It runs as a thread inside `serve` by default, or as `ujikom worker` processes. On PostgreSQL several
workers share the work with `FOR UPDATE SKIP LOCKED`; the instance revision check catches the rest,
so no completion is applied twice and no timer fires twice.
"""

import logging
from collections.abc import Callable
from functools import partial

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.background.loop import BackgroundLoop
from api.background.notifikasi import Notifier
from api.background.renderer import Renderer
from api.clock import CLOCK, Clock
from api.engine import children
from api.engine.errors import EngineError
from api.engine.runtime import Runtime
from api.settings import Settings
from api.store.db import Database, DatabaseBusy
from api.store.enums import EventType, InstanceStatus
from api.store.models import ChildCompletion, Event, Fanout, PendingSignal, ProcessInstance

log = logging.getLogger(__name__)
BATCH = 500
# A completion of a fan-out's child: applied by `apply_fanouts`, not one by one.
_OF_FANOUT = exists().where(
    and_(Fanout.parent_id == ChildCompletion.parent_id, Fanout.parent_task_id == ChildCompletion.parent_task_id)
)


class Worker(BackgroundLoop):
    name = "ujikom-worker"

    def __init__(self, db: Database, settings: Settings, clock: Clock = CLOCK) -> None:
        super().__init__(settings.worker_poll_seconds, clock)
        self.db = db
        self.settings = settings
        # Documents are rendered by their own thread and processes, so a period's 500 certificates
        # never hold up timers or child completions.
        self.renderer = Renderer(db, settings, clock)
        # Notifications are derived and e-mailed by their own thread: a slow SMTP server never holds up timers.
        self.notifier = Notifier(db, settings, clock)

    def runtime(self, session: Session) -> Runtime:
        return Runtime.for_app(session, self.clock, self.settings)

    # --- one pass ---------------------------------------------------------------------
    def run_once(self) -> int:
        done = 0
        for step in (
            self.continue_instances,
            self.start_children,
            self.deliver_signals,
            self.apply_fanouts,
            self.apply_child_completions,
            self.fire_due_timers,
        ):
            if self.stopping:  # asked to stop: the rest waits for the next start (or another worker)
                break
            done += step()
        return done

    def run_pass(self) -> int:
        return self.run_once()

    def render_documents(self, limit: int | None = None) -> int:
        """Render the documents waiting for their file (the renderer thread does this in `serve`)."""
        return self.renderer.render_documents(limit)

    def run_until_idle(self, max_rounds: int = 1000) -> int:
        total = 0
        for _ in range(max_rounds):
            done = self.run_once()
            total += done
            if done == 0:
                return total
        return total

    # --- after an `asyncAfter` user task: one instance, one transaction ----------------------------------------
    def continue_instances(self) -> int:
        """Run the engine on in each instance waiting for it (oldest first): what the request completing an
        `asyncAfter` user task left (the documents it issues, the decisions over every candidate, the children)."""
        with self.db.reading() as session:
            pending = session.scalars(
                select(ProcessInstance.id)
                .where(
                    ProcessInstance.continue_pending_at.is_not(None), ProcessInstance.status == InstanceStatus.RUNNING
                )
                .order_by(ProcessInstance.continue_pending_at, ProcessInstance.id)
                .limit(100)
            ).all()

        def run_on(session: Session, instance_id: int) -> int:
            row = self._lock(session, instance_id, running=True)  # another worker's: skipped (PostgreSQL)
            if row is None or row.continue_pending_at is None:
                return 0  # run already (by another worker, a timer, a child's completion) or cancelled
            self.runtime(session).continue_after(row)
            return 1

        done = 0
        for instance_id in pending:
            if self.stopping:
                break
            done += self._act_on(instance_id, partial(run_on, instance_id=instance_id))
            self.progressed()
        return done

    # --- fan-outs: each pass is one short transaction per fan-out, whose cost does not grow with it ----------
    def start_children(self) -> int:
        """Start the next batch of children of every fan-out with items not started (the parent is not loaded)."""
        with self.db.reading() as session:
            pending = session.execute(
                select(Fanout.id, Fanout.parent_id)
                .join(ProcessInstance, ProcessInstance.id == Fanout.parent_id)
                .where(Fanout.all_started_at.is_(None), ProcessInstance.status == InstanceStatus.RUNNING)
                .order_by(Fanout.id)
                .limit(100)
            ).all()

        def start(session: Session, fanout_id: int) -> int:
            fanout = self._lock_fanout(session, fanout_id)
            if fanout is None or fanout.all_started_at is not None:
                return 0
            parent = session.get(ProcessInstance, fanout.parent_id)
            if parent is None or parent.status != InstanceStatus.RUNNING:
                return 0  # cancelled: the rest is never started
            return children.start_children(self.runtime(session), fanout, parent, children.BATCH)

        done = 0
        for fanout_id, parent_id in pending:
            if self.stopping:
                break
            done += self._act_on(parent_id, partial(start, fanout_id=fanout_id))
            self.progressed()
        return done

    def deliver_signals(self) -> int:
        """Deliver one batch of the queued signals to children."""

        def deliver(session: Session) -> int:
            stmt = select(PendingSignal).order_by(PendingSignal.id).limit(children.BATCH)
            if self.db.is_postgres:
                stmt = stmt.with_for_update(skip_locked=True)
            return children.deliver_signals(self.runtime(session), list(session.scalars(stmt)))

        try:
            return self.db.write(deliver)
        except StaleDataError:
            return 0  # a child moved on meanwhile: the batch is delivered on the next pass

    def apply_fanouts(self) -> int:
        """Apply the ended children of fan-outs: every pending completion of a fan-out in one statement; the
        parent is loaded only when its last child has ended."""
        with self.db.reading() as session:
            pending = session.execute(
                select(Fanout.id, Fanout.parent_id)
                .join(ProcessInstance, ProcessInstance.id == Fanout.parent_id)
                .where(
                    ProcessInstance.status == InstanceStatus.RUNNING,
                    exists().where(
                        ChildCompletion.parent_id == Fanout.parent_id,
                        ChildCompletion.parent_task_id == Fanout.parent_task_id,
                        ChildCompletion.applied_at.is_(None),
                    ),
                )
                .order_by(Fanout.id)
                .limit(100)
            ).all()

        def apply(session: Session, fanout_id: int) -> int:
            fanout = self._lock_fanout(session, fanout_id)
            if fanout is None:
                return 0
            return children.apply_fanout(
                self.runtime(session), fanout, lambda: self._lock(session, fanout.parent_id, running=True)
            )

        done = 0
        for fanout_id, parent_id in pending:
            if self.stopping:
                break
            done += self._act_on(parent_id, partial(apply, fanout_id=fanout_id))
            self.progressed()
        return done

    def _lock_fanout(self, session: Session, fanout_id: int) -> Fanout | None:
        stmt = select(Fanout).where(Fanout.id == fanout_id)
        if self.db.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        return session.scalars(stmt).first()

    # --- plain call activities ------------------------------------------------------------------------------
    def apply_child_completions(self) -> int:
        with self.db.reading() as session:
            parent_ids = session.scalars(
                select(ChildCompletion.parent_id)
                .join(ProcessInstance, ProcessInstance.id == ChildCompletion.parent_id)
                .where(
                    ChildCompletion.applied_at.is_(None),
                    ProcessInstance.status == InstanceStatus.RUNNING,
                    ~_OF_FANOUT,
                )
                .distinct()
                .limit(100)
            ).all()
        done = 0
        for parent_id in parent_ids:
            if self.stopping:
                break
            done += self._apply_to(parent_id)
            self.progressed()  # health: a pass over many parents is moving, not stuck
        return done

    def _apply_to(self, parent_id: int) -> int:
        def apply(session: Session) -> int:
            row = self._lock(session, parent_id)
            if row is None or row.status != InstanceStatus.RUNNING:
                return 0
            pending = select(ChildCompletion).where(
                ChildCompletion.parent_id == parent_id, ChildCompletion.applied_at.is_(None), ~_OF_FANOUT
            )
            if self.db.is_postgres:
                pending = pending.with_for_update(skip_locked=True)
            completions = session.scalars(pending.order_by(ChildCompletion.id).limit(BATCH)).all()
            if not completions:
                return 0
            self.runtime(session).apply_child_completions(row, list(completions))
            return len(completions)

        return self._act_on(parent_id, apply)

    def _act_on(self, instance_id: int, act: Callable[[Session], int]) -> int:
        """One instance, one short transaction (on SQLite it queues behind the requests already waiting, see
        api/background/loop.py). A lost race leaves the work for the next pass (a PostgreSQL deadlock is
        first run again by `Database.write`); a busy database ends the pass, which the loop runs again
        soon; a process failure, a value the database refuses or a bug marks the instance `error` (a bug with
        its traceback in the log); another database error (the database gone) ends the pass, which the loop
        logs and runs again."""
        try:
            return self.db.write(act)
        except StaleDataError:
            return 0  # another writer moved the instance on; the work is still pending for the next pass
        except EngineError as exc:
            self._mark_error(instance_id, exc.element_id, str(exc))
        # A value the database refuses (too long for its column) is this instance's failure, not the pass's.
        except DataError as exc:
            log.error("instance %s: the database refused a value: %s", instance_id, exc.orig)
            self._mark_error(instance_id, None, f"the database refused a value: {exc.orig}")
        except (SQLAlchemyError, DatabaseBusy):
            raise
        except Exception:
            log.exception("instance %s: unexpected error", instance_id)
            self._mark_error(instance_id, None, "internal error (see the service log)")
        return 0

    def fire_due_timers(self) -> int:
        now = self.clock.now()
        with self.db.reading() as session:
            due = session.scalars(
                select(ProcessInstance.id)
                .where(ProcessInstance.status == InstanceStatus.RUNNING, ProcessInstance.next_timer_at <= now)
                .limit(100)
            ).all()

        def fire(session: Session, instance_id: int) -> int:
            row = self._lock(session, instance_id)
            if row is None or row.next_timer_at is None or row.next_timer_at > now:
                return 0
            self.runtime(session).fire_timers(row)
            return 1

        return sum(self._act_on(i, partial(fire, instance_id=i)) for i in due if not self.stopping)

    def _lock(self, session: Session, instance_id: int, *, running: bool = False) -> ProcessInstance | None:
        stmt = select(ProcessInstance).where(ProcessInstance.id == instance_id)
        if self.db.is_postgres:
            # FOR NO KEY UPDATE: another worker skips the instance, but a child finishing meanwhile (its
            # completion row's foreign key takes KEY SHARE on this parent) does not wait for the pass.
            stmt = stmt.with_for_update(skip_locked=True, key_share=True)
        row = session.scalars(stmt).first()
        return None if running and (row is None or row.status != InstanceStatus.RUNNING) else row

    def _mark_error(self, instance_id: int, element_id: str | None, message: str) -> None:
        """Once: the instance leaves the worker's queries (they ask for `running`), so a script that always
        fails (a poison instance) is not run again; its history says where and why."""
        log.error("instance %s failed at %s: %s", instance_id, element_id, message)
        self.persist(partial(self._record_error, instance_id, element_id, message))

    def _record_error(self, instance_id: int, element_id: str | None, message: str) -> None:
        with self.db.transaction() as session:
            row = session.get(ProcessInstance, instance_id)
            if row is not None and row.status == InstanceStatus.RUNNING:
                row.status = InstanceStatus.ERROR
                row.error = f"{element_id or ''}: {message}"
                data = {"element_id": element_id, "error": message}
                session.add(
                    Event(
                        at=self.clock.now(),
                        instance_id=row.id,
                        root_id=row.root_id or row.id,
                        type=EventType.INSTANCE_FAILED,
                        actor="system",
                        data=data,
                    )
                )

    # --- the loop -----------------------------------------------------------------------
    def wake(self) -> None:
        super().wake()
        self.renderer.wake()
        self.notifier.wake()

    def start(self) -> None:
        self.renderer.start()
        self.notifier.start()
        super().start()

    def request_stop(self) -> None:
        super().request_stop()
        self.renderer.request_stop()
        self.notifier.request_stop()

    def stop(self) -> None:
        """Stop the three loops (all asked at once, so they wind down side by side) and the render processes."""
        self.request_stop()
        super().stop()
        self.renderer.stop()
        self.notifier.stop()
