"""The render queue: issued documents without a file yet, rendered off the request path.

A service task issues a document (number and data snapshot) inside the instance's transaction, which stays
fast; this renderer, a thread next to the worker, picks those rows up oldest first, renders them in a pool
of processes (WeasyPrint is CPU-bound and holds the GIL, so threads would not use the second core), stores
each file content-addressed under ``data_dir/dokumen/`` and records its SHA-256. A failed render keeps its
error on the row and is retried on later passes, up to ``MAX_ATTEMPTS``; staff may reset a document that
used them up (`POST /api/dokumen/{id}/retry-render`).

Several renderers (`serve` and `ujikom worker` processes) share the queue: each takes a lease on a batch
before rendering it (`render_claimed_by`, `render_claimed_until`; `FOR UPDATE SKIP LOCKED` on PostgreSQL, the
single writer on SQLite), so no document is rendered twice; the lease of a renderer that died runs out and
another takes its documents. A render process that dies breaks the pool: `RenderPool` rebuilds it and the
chunk it was rendering counts one attempt for each of its documents.

The same processes render a certificate's print layer on request (`Renderer.print_layer`), so WeasyPrint never
runs in a web process: the request waits its turn behind the chunks already submitted.
"""

import logging
import os
import socket
import threading
import uuid
from collections import deque
from collections.abc import Set as AbstractSet
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from api.background.loop import BackgroundLoop
from api.background.render_pool import BrokenProcessPool, RenderPool
from api.clock import CLOCK, Clock
from api.settings import Settings
from api.store.db import Database
from api.store.models import Dokumen
from api.store.storage import SHA256, FileStore, stores
from service_tasks import pas_foto
from service_tasks.render import PrintLayer, Rendered, RenderJob, data_uri, render_many, render_print_layer, warm_up

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
CHUNK = 4  # documents per task sent to a render process
# How long a renderer holds the documents it took: longer than a batch takes to render. A renderer that dies
# leaves its lease; another renderer takes those documents when it runs out.
LEASE = timedelta(minutes=10)


def document_store(settings: Settings) -> FileStore:
    return stores(settings.data_dir).dokumen


def logo_store(settings: Settings) -> FileStore:
    """The LSP's logo lives with the other uploaded files (data_dir/berkas), by its SHA-256; so does a
    candidate's pas foto."""
    return stores(settings.data_dir).berkas


def foto_uri(settings: Settings, data: dict[str, Any]) -> str | None:
    """The candidate's pas foto a document snapshots (`peserta.foto`: sha256, content_type) as a data URI; None
    (the template's empty frame) without one, or when it names no stored JPEG or PNG (a correction's data might
    name anything)."""
    peserta = data.get("peserta")
    foto = peserta.get("foto") if isinstance(peserta, dict) else None
    if not (isinstance(foto, dict) and SHA256.fullmatch(str(foto.get("sha256")))):
        return None
    if foto.get("content_type") not in pas_foto.JENIS:
        return None
    path = logo_store(settings).path(str(foto["sha256"]))
    return data_uri(path.read_bytes(), str(foto["content_type"])) if path.exists() else None


def job_for(session: Session, row: Dokumen, settings: Settings, logos: dict[str, str | None]) -> RenderJob:
    """What a render needs from a row: its snapshot, number, version, the logo of the kop it is written on
    (the institution's for a letter on its kop, `kop_surat`; the LSP's otherwise) and the candidate's pas foto
    (`peserta.foto`: the kartu peserta, the certificate)."""
    lsp = (row.data or {}).get("kop_surat") or (row.data or {}).get("lsp") or {}
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
        foto=foto_uri(settings, row.data or {}),
        public_base_url=settings.public_base_url,
        store_root=str(document_store(settings).root),
    )


class Renderer(BackgroundLoop):
    name = "ujikom-renderer"
    join_seconds = 30.0

    def __init__(self, db: Database, settings: Settings, clock: Clock = CLOCK) -> None:
        super().__init__(settings.worker_poll_seconds, clock)
        self.db = db
        self.settings = settings
        self.pool = RenderPool(settings, initializer=warm_up)
        # With no render processes (`render_processes` 0) WeasyPrint runs in this process: one render at a time
        # (its font configuration is shared), the queue's and a print layer's alike.
        self._inline = threading.Lock()
        # Who holds a render lease: unique per renderer, readable by an operator (host and process).
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[-100:]

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
            jobs, suspects = self.claim(batch, attempted, logos)
            if not jobs:
                break
            attempted.update(j.id for j in jobs)  # a failure waits for the next pass instead of spinning in this one
            results = self._render(jobs, stop, suspects)
            # The files exist now: their records wait out a busy database rather than the lease.
            self.persist(partial(self._record, results))
            self.persist(partial(self._release, {j.id for j in jobs} - {r.id for r in results}))
            self.progressed()
        return len(attempted)

    def claim(
        self, batch: int, attempted: AbstractSet[int] = frozenset(), logos: dict[str, str | None] | None = None
    ) -> tuple[list[RenderJob], set[int]]:
        """Take a lease on up to `batch` waiting documents no other renderer holds, oldest first: their
        jobs, and which of them failed before (rendered one at a time, see `_render`)."""
        now = self.clock.now()
        logos = {} if logos is None else logos
        with self.db.transaction() as session:
            stmt = select(Dokumen).where(
                Dokumen.rendered_at.is_(None),
                Dokumen.render_attempts < MAX_ATTEMPTS,
                or_(Dokumen.render_claimed_until.is_(None), Dokumen.render_claimed_until < now),
            )
            if attempted:
                stmt = stmt.where(Dokumen.id.not_in(attempted))
            stmt = stmt.order_by(Dokumen.id).limit(batch)
            if self.db.is_postgres:  # SQLite's writers are serialized already (BEGIN IMMEDIATE)
                stmt = stmt.with_for_update(skip_locked=True)
            rows = session.scalars(stmt).all()
            if not rows:
                return [], set()
            session.execute(
                update(Dokumen)
                .where(Dokumen.id.in_([row.id for row in rows]))
                .values(render_claimed_by=self.identity, render_claimed_until=now + LEASE)
            )
            jobs = [job_for(session, row, self.settings, logos) for row in rows]
            return jobs, {row.id for row in rows if row.render_attempts > 0}

    def _render(
        self, jobs: list[RenderJob], stop: threading.Event | None = None, suspects: AbstractSet[int] = frozenset()
    ) -> list[Rendered]:
        """Render in chunks of `CHUNK`; once `stop` is set, no further chunk is waited for (the documents
        not rendered stay in the queue, untouched, for the next start).

        The documents that failed before (`suspects`) render last, one at a time and alone in the pool: a
        document that kills its render process then fails only itself, never the documents beside it."""
        fresh = [j for j in jobs if j.id not in suspects]
        chunks = [fresh[i : i + CHUNK] for i in range(0, len(fresh), CHUNK)]
        alone = [[j] for j in jobs if j.id in suspects]
        if self.settings.render_processes <= 0:
            results: list[Rendered] = []
            for chunk in chunks + alone:
                if stop is not None and stop.is_set():
                    break
                with self._inline:
                    results.extend(render_many(chunk))
            return results
        results = self._in_pool(chunks, stop)
        for chunk in alone:
            results.extend(self._in_pool([chunk], stop))
        return results

    def _in_pool(self, chunks: list[list[RenderJob]], stop: threading.Event | None) -> list[Rendered]:
        """The chunks rendered side by side in the pool, one more in flight than there are processes: the pool's
        queue never holds a whole batch, so a print layer a person waits for (`print_layer`) comes next after
        at most that many chunks, however large the backlog. A chunk whose process died (or that was in flight
        when another died) fails: one attempt for each of its documents; the chunks not yet sent go to the
        rebuilt pool."""
        results: list[Rendered] = []
        waiting = deque(chunks)
        in_flight: dict[Future[list[Rendered]], tuple[ProcessPoolExecutor, list[RenderJob]]] = {}
        depth = max(1, self.settings.render_processes) + 1
        while waiting or in_flight:
            while waiting and len(in_flight) < depth and not (stop is not None and stop.is_set()):
                chunk = waiting.popleft()
                try:
                    future, executor = self.pool.submit(render_many, chunk)
                except BrokenProcessPool as exc:  # a new pool broke at once: its processes cannot start
                    results.extend(failed(chunk, exc))
                    continue
                in_flight[future] = (executor, chunk)
            if stop is not None and stop.is_set():  # the rest stays in the queue, untouched, for the next start
                for future in in_flight:
                    future.cancel()
                break
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                executor, chunk = in_flight.pop(future)
                try:
                    results.extend(future.result())
                except BrokenProcessPool as exc:
                    self.pool.drop(executor, exc)
                    results.extend(failed(chunk, exc))
                except CancelledError as exc:  # the pool was closed under it (the service stopping)
                    results.extend(failed(chunk, exc))
                except Exception as exc:  # the chunk could not be sent or returned (pickling): retried later
                    log.exception("documents %s: the render process failed", [j.id for j in chunk])
                    results.extend(failed(chunk, exc))
        return results

    def print_layer(self, job: RenderJob) -> PrintLayer:
        """A certificate's print layer (`service_tasks.render.lapisan_cetak`) rendered in the render processes, the
        niced ones that render the issued documents, so WeasyPrint never runs in a web process; the caller waits
        for it however long the chunks submitted before it take. A failure comes back as data: the layer's own
        (a template or layout error), or the pool's (`retry`: a render process died, the pool was closing)."""
        if self.settings.render_processes <= 0:
            with self._inline:
                return render_print_layer(job)
        try:
            future, executor = self.pool.submit(render_print_layer, job)
        except (BrokenProcessPool, RuntimeError) as exc:  # new processes that cannot start; a pool shutting down
            return PrintLayer(error=f"render processes unavailable: {type(exc).__name__}: {exc}", retry=True)
        try:
            result: PrintLayer = future.result()
        except BrokenProcessPool as exc:
            self.pool.drop(executor, exc)
            return PrintLayer(error=f"render process failed: {type(exc).__name__}: {exc}", retry=True)
        except CancelledError:  # the pool closed (the service is stopping) before its turn came
            return PrintLayer(error="the render processes were stopped before it was rendered", retry=True)
        except Exception as exc:  # it could not be sent or returned (pickling)
            log.exception("document %s: the print layer's render process failed", job.id)
            return PrintLayer(error=f"render process failed: {type(exc).__name__}: {exc}", retry=True)
        return result

    def _record(self, results: list[Rendered]) -> None:
        """Write each file's record (the first result wins; a document is never rendered over) or count the
        failed attempt, and release the lease."""
        now = self.clock.now()
        released = {"render_claimed_by": None, "render_claimed_until": None}
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
                        **released,
                    }
                else:
                    log.warning("document %s: render failed: %s", r.id, r.error)
                    # Counted once: not when this renderer's lease ran out and another renderer took the row.
                    pending &= Dokumen.render_claimed_by == self.identity
                    values = {"render_error": r.error, "render_attempts": Dokumen.render_attempts + 1, **released}
                session.execute(update(Dokumen).where(pending).values(**values))

    def _release(self, ids: set[int]) -> None:
        """Give back the lease of documents claimed but not rendered (the renderer is stopping)."""
        if not ids:
            return
        with self.db.transaction() as session:
            session.execute(
                update(Dokumen)
                .where(Dokumen.id.in_(ids), Dokumen.render_claimed_by == self.identity)
                .values(render_claimed_by=None, render_claimed_until=None)
            )

    # --- the loop -----------------------------------------------------------------------
    def stop(self) -> None:
        super().stop()
        self.close()

    def close(self) -> None:
        self.pool.close()


def failed(chunk: list[RenderJob], exc: BaseException) -> list[Rendered]:
    return [Rendered(id=j.id, error=f"render process failed: {type(exc).__name__}: {exc}") for j in chunk]


_COUNTS = (func.count(), func.count(Dokumen.rendered_at), func.count(Dokumen.render_error))


def progress(session: Session, *, root_id: int | None = None, instance_id: int | None = None) -> dict[str, int]:
    """How many of an instance's documents have their file: {done, total, failed}."""
    where = Dokumen.root_id == root_id if root_id is not None else Dokumen.instance_id == instance_id
    total, done, failed = session.execute(select(*_COUNTS).where(where)).one()
    return {"done": int(done), "total": int(total), "failed": int(failed)}


def progress_by_kind(session: Session, root_id: int) -> dict[str, dict[str, int]]:
    """:func:`progress` of a period's documents per kind."""
    rows = session.execute(select(Dokumen.kind, *_COUNTS).where(Dokumen.root_id == root_id).group_by(Dokumen.kind))
    return {kind: {"done": int(done), "total": int(total), "failed": int(failed)} for kind, total, done, failed in rows}
