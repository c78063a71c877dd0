"""The FastAPI application: routes, error bodies, and the embedded worker."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Response
from sqlalchemy import text

from api import errors
from api.background import health as background_health
from api.background.worker import Worker
from api.clock import CLOCK, Clock
from api.engine import evaluator
from api.login_guard import LoginGuard
from api.middleware import PageCompression, RequestLimits, SecurityHeaders
from api.routes import (
    audit,
    auth,
    berkas,
    dasbor,
    deployments,
    diagrams,
    dokumen,
    instances,
    komentar,
    master,
    me,
    notifikasi,
    pengganti,
    tasks,
    users,
    verifikasi,
    versions,
)
from api.routes.deps import refuse_nul
from api.schemas.health import Health, Liveness
from api.settings import Settings, get_settings
from api.store.db import Database
from api.timing import ServerTiming
from api.ui import mount as mount_pages


def create_app(settings: Settings | None = None, db: Database | None = None, clock: Clock = CLOCK) -> FastAPI:
    settings = settings or get_settings()
    db = db or Database(settings.effective_database_url, settings.sqlite_synchronous)
    worker = Worker(db, settings, clock)

    evaluator.POOL.configure(evaluator.Limits.from_settings(settings))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        evaluator.POOL.warm()  # scripts' processes: stopped at exit (or when their stdin closes)
        if settings.embedded_worker:
            worker.start()
        try:
            yield
        finally:
            worker.stop()

    app = FastAPI(
        title="ujikom",
        summary="Uji Kompetensi dan Sertifikasi Kompetensi: the LSP's SOP as a BPMN workflow with a task inbox",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(refuse_nul)],  # no NUL character in any path, query or body (api/routes/deps.py)
    )
    app.state.settings = settings
    app.state.db = db
    app.state.clock = clock
    app.state.worker = worker
    app.state.user_cache = {}  # username -> (fetched at, CurrentUser): see api/auth.py
    app.state.login_guard = LoginGuard(
        free_account=settings.login_free_failures,
        free_client=settings.login_client_free_failures,
        backoff=settings.login_backoff_seconds,
        backoff_max=settings.login_backoff_max_seconds,
        concurrency=settings.login_concurrency,
    )
    errors.install(app)
    # The last added runs first: security headers on every answer, then the body limits, then compression of
    # the pages, then timing.
    app.add_middleware(ServerTiming)
    app.add_middleware(PageCompression)
    app.add_middleware(RequestLimits)
    app.add_middleware(SecurityHeaders)
    routes = (
        auth,
        me,
        instances,
        tasks,
        berkas,
        master,
        dokumen,
        verifikasi,
        deployments,
        users,
        versions,
        diagrams,
        dasbor,
        audit,
        notifikasi,
        komentar,
        pengganti,
    )
    for module in routes:
        app.include_router(module.router)
    mount_pages(app)  # the web application for every role (api/ui)

    @app.get(
        "/api/health",
        tags=["health"],
        response_model=Health,
        responses={503: {"model": Health, "description": "stuck: a loop of this process makes no progress"}},
    )
    def health(response: Response) -> Health:
        """What waits for the worker and the renderer and whether they keep up: `ok`, `degraded` (200: work
        waits too long or documents failed; every server says the same, so alert, do not take it out) or
        `stuck` (503: this process's worker or renderer is frozen in a pass; restart this process)."""
        report = background_health.report(db, worker, clock.now())
        if report.status == "stuck":
            response.status_code = 503
        return report

    @app.get("/api/health/live", tags=["health"], response_model=Liveness)
    def live() -> Liveness:
        """The cheapest answer that proves the process serves and reaches its database (one `SELECT 1`)."""
        with db.reading() as session:
            session.execute(text("SELECT 1"))
        return Liveness(status="ok", database=db.engine.dialect.name)

    return app
