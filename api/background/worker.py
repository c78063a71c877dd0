"""The worker: applies finished children to their parents in batches and fires due timers.

It runs as a thread inside `serve` by default, or as `ujikom worker` processes. On PostgreSQL several
workers share the work with `FOR UPDATE SKIP LOCKED`; the instance revision check catches the rest,
so no completion is applied twice and no timer fires twice.
"""

import logging
import threading

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from api.background.renderer import Renderer
from api.clock import CLOCK, Clock
from api.engine.runtime import EngineError, Runtime
from api.settings import Settings
from api.store.db import Database
from api.store.models import ChildCompletion, ProcessInstance

log = logging.getLogger(__name__)
BATCH = 500


class Worker:
    def __init__(self, db: Database, settings: Settings, clock: Clock = CLOCK) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Documents are rendered by their own thread and processes, so a period's 500 certificates
        # never hold up timers or child completions.
        self.renderer = Renderer(db, settings, clock)

    def runtime(self, session):
        return Runtime(session, clock=self.clock, nomor_format=self.settings.nomor_format)

    # --- one pass ---------------------------------------------------------------------
    def run_once(self) -> int:
        return self.apply_child_completions() + self.fire_due_timers()

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

    def apply_child_completions(self) -> int:
        with self.db.reading() as session:
            parent_ids = session.scalars(
                select(ChildCompletion.parent_id)
                .join(ProcessInstance, ProcessInstance.id == ChildCompletion.parent_id)
                .where(ChildCompletion.applied_at.is_(None), ProcessInstance.status == "running")
                .distinct()
                .limit(100)
            ).all()
        done = 0
        for parent_id in parent_ids:
            done += self._apply_to(parent_id)
        return done

    def _apply_to(self, parent_id: int) -> int:
        try:
            with self.db.transaction() as session:
                row = self._lock(session, parent_id)
                if row is None or row.status != "running":
                    return 0
                pending = select(ChildCompletion).where(
                    ChildCompletion.parent_id == parent_id, ChildCompletion.applied_at.is_(None)
                )
                if self.db.is_postgres:
                    pending = pending.with_for_update(skip_locked=True)
                completions = session.scalars(pending.order_by(ChildCompletion.id).limit(BATCH)).all()
                if not completions:
                    return 0
                self.runtime(session).apply_child_completions(row, list(completions))
                return len(completions)
        except StaleDataError:
            return 0  # another writer moved the parent on; the rows are still pending for the next pass
        except EngineError as exc:
            self._mark_error(parent_id, exc)
            return 0

    def fire_due_timers(self) -> int:
        now = self.clock.now()
        with self.db.reading() as session:
            due = session.scalars(
                select(ProcessInstance.id)
                .where(ProcessInstance.status == "running", ProcessInstance.next_timer_at <= now)
                .limit(100)
            ).all()
        fired = 0
        for instance_id in due:
            try:
                with self.db.transaction() as session:
                    row = self._lock(session, instance_id)
                    if row is None or row.next_timer_at is None or row.next_timer_at > now:
                        continue
                    self.runtime(session).fire_timers(row)
                    fired += 1
            except StaleDataError:
                continue
            except EngineError as exc:
                self._mark_error(instance_id, exc)
        return fired

    def _lock(self, session, instance_id: int) -> ProcessInstance | None:
        stmt = select(ProcessInstance).where(ProcessInstance.id == instance_id)
        if self.db.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        return session.scalars(stmt).first()

    def _mark_error(self, instance_id: int, exc: EngineError) -> None:
        log.error("instance %s failed at %s: %s", instance_id, exc.element_id, exc)
        with self.db.transaction() as session:
            row = session.get(ProcessInstance, instance_id)
            if row is not None:
                row.status = "error"
                row.error = f"{exc.element_id or ''}: {exc}"

    # --- the loop -----------------------------------------------------------------------
    def wake(self) -> None:
        self._wake.set()
        self.renderer.wake()

    def start(self) -> None:
        self.renderer.start()
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self.run_forever, name="ujikom-worker", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.renderer.stop()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # keep the loop alive; the failure is logged and retried
                log.exception("worker pass failed")
                busy = 0
            if not busy:
                self._wake.wait(self.settings.worker_poll_seconds)
                self._wake.clear()
