"""The render queue: issued documents without a file yet, rendered off the request path.

A service task issues a document (number and data snapshot) inside the instance's transaction, which stays
fast; this renderer, a thread next to the worker, picks those rows up oldest first, renders them in a pool
of processes (WeasyPrint is CPU-bound and holds the GIL, so threads would not use the second core), stores
each file content-addressed under ``data_dir/dokumen/`` and records its SHA-256. A failed render keeps its
error on the row and is retried on later passes, up to ``MAX_ATTEMPTS``. Several workers on PostgreSQL may
render the same row twice; the second result is dropped (`WHERE rendered_at IS NULL`), never written over.
"""

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.background.loop import BackgroundLoop
from api.clock import CLOCK, Clock
from api.settings import Settings
from api.store.db import Database
from api.store.models import Dokumen
from api.store.storage import FileStore, stores
from service_tasks.render import Rendered, RenderJob, data_uri, render_many, warm_up

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
CHUNK = 4  # documents per task sent to a render process


def document_store(settings: Settings) -> FileStore:
    return stores(settings.data_dir).dokumen


def logo_store(settings: Settings) -> FileStore:
    """The LSP's logo lives with the other uploaded files (data_dir/berkas), by its SHA-256."""
    return stores(settings.data_dir).berkas


def job_for(session: Session, row: Dokumen, settings: Settings, logos: dict[str, str | None]) -> RenderJob:
    """What a render needs from a row: its snapshot, number, version, and the logo the snapshot names."""
    lsp = (row.data or {}).get("lsp") or {}
    logo_sha = lsp.get("logo_sha256")
    if logo_sha and logo_sha not in logos:
        path = logo_store(settings).path(logo_sha)
        logos[logo_sha] = (
            data_uri(path.read_bytes(), lsp.get("logo_content_type") or "image/png") if path.exists() else None
        )
    original, seen = row, {row.id}  # a correction prints the date of the first version it corrects
    while original.supersedes_id is not None and original.supersedes_id not in seen:
        previous = session.get(Dokumen, original.supersedes_id)
        if previous is None:
            break
        seen.add(previous.id)
        original = previous
    return RenderJob(
        id=row.id,
        kind=row.kind,
        number=row.number,
        title=row.title,
        version=row.version,
        created_at=row.created_at.isoformat(),
        data=row.data or {},
        candidate=row.candidate,
        original_created_at=original.created_at.isoformat(),
        correction_reason=row.correction_reason,
        logo=logos.get(logo_sha) if logo_sha else None,
        public_base_url=settings.public_base_url,
        store_root=str(document_store(settings).root),
    )


class Renderer(BackgroundLoop):
    name = "ujikom-renderer"
    join_seconds = 30.0

    def __init__(self, db: Database, settings: Settings, clock: Clock = CLOCK) -> None:
        super().__init__(settings.worker_poll_seconds)
        self.db = db
        self.settings = settings
        self.clock = clock
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def run_pass(self) -> int:
        return self.render_documents(limit=self.settings.render_batch * 4, stop=self._stop)

    # --- one pass ---------------------------------------------------------------------
    def render_documents(self, limit: int | None = None, stop: threading.Event | None = None) -> int:
        """Render every document waiting for its file (at most `limit`); returns how many were attempted."""
        attempted: set[int] = set()
        logos: dict[str, str | None] = {}
        while (limit is None or len(attempted) < limit) and not (stop is not None and stop.is_set()):
            batch = (
                self.settings.render_batch if limit is None else min(self.settings.render_batch, limit - len(attempted))
            )
            with self.db.reading() as session:
                stmt = select(Dokumen).where(Dokumen.rendered_at.is_(None), Dokumen.render_attempts < MAX_ATTEMPTS)
                if attempted:  # a failure waits for the next pass instead of spinning in this one
                    stmt = stmt.where(Dokumen.id.not_in(attempted))
                rows = session.scalars(stmt.order_by(Dokumen.id).limit(batch)).all()
                jobs = [job_for(session, row, self.settings, logos) for row in rows]
            if not jobs:
                break
            attempted.update(j.id for j in jobs)
            self._record(self._render(jobs, stop))
        return len(attempted)

    def _render(self, jobs: list[RenderJob], stop: threading.Event | None = None) -> list[Rendered]:
        """Render in chunks of `CHUNK`; once `stop` is set, no further chunk is waited for (the documents
        not rendered stay in the queue, untouched, for the next start)."""
        chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
        results: list[Rendered] = []
        if self.settings.render_processes <= 0:
            for chunk in chunks:
                if stop is not None and stop.is_set():
                    break
                results.extend(render_many(chunk))
            return results
        pool = self._executor()
        futures: list[Future[list[Rendered]]] = [pool.submit(render_many, chunk) for chunk in chunks]
        for future, chunk in zip(futures, chunks, strict=True):
            if stop is not None and stop.is_set():
                future.cancel()
                continue
            try:
                results.extend(future.result())
            except Exception as exc:  # a render process died: the chunk's documents are retried later
                log.exception("render process failed")
                results.extend(Rendered(id=j.id, error=f"render process failed: {exc}") for j in chunk)
        return results

    def _record(self, results: list[Rendered]) -> None:
        now = self.clock.now()
        with self.db.transaction() as session:
            for r in results:
                pending = (Dokumen.id == r.id) & Dokumen.rendered_at.is_(None)
                if r.error is None:
                    values: dict[str, Any] = {
                        "sha256": r.sha256,
                        "size": r.size,
                        "content_type": r.content_type,
                        "file_name": r.file_name,
                        "rendered_at": now,
                        "render_error": None,
                    }
                else:
                    log.warning("document %s: render failed: %s", r.id, r.error)
                    values = {"render_error": r.error, "render_attempts": Dokumen.render_attempts + 1}
                session.execute(update(Dokumen).where(pending).values(**values))

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # forkserver: render processes start from a clean process, not a fork of this threaded one.
                self._pool = ProcessPoolExecutor(
                    max_workers=self.settings.render_processes,
                    mp_context=multiprocessing.get_context("forkserver"),
                    initializer=warm_up,
                )
            return self._pool

    # --- the loop -----------------------------------------------------------------------
    def stop(self) -> None:
        super().stop()
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None


def progress(session: Session, *, root_id: int | None = None, instance_id: int | None = None) -> dict[str, int]:
    """How many of an instance's documents have their file: {done, total, failed}."""
    where = Dokumen.root_id == root_id if root_id is not None else Dokumen.instance_id == instance_id
    total, done, failed = session.execute(
        select(
            func.count(),
            func.count(Dokumen.rendered_at),
            func.count(Dokumen.render_error),
        ).where(where)
    ).one()
    return {"done": int(done), "total": int(total), "failed": int(failed)}
