"""The FastAPI application: routes, error bodies, and the embedded worker."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy import text

from api import errors
from api.background.worker import Worker
from api.clock import CLOCK, Clock
from api.routes import (
    auth,
    berkas,
    deployments,
    diagrams,
    dokumen,
    instances,
    master,
    tasks,
    users,
    verifikasi,
    versions,
    web,
)
from api.routes.deps import refuse_nul
from api.settings import Settings, get_settings
from api.store.db import Database
from api.timing import ServerTiming


def create_app(settings: Settings | None = None, db: Database | None = None, clock: Clock = CLOCK) -> FastAPI:
    settings = settings or get_settings()
    db = db or Database(settings.effective_database_url)
    worker = Worker(db, settings, clock)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
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
    errors.install(app)
    app.add_middleware(ServerTiming)
    routes = (auth, instances, tasks, berkas, master, dokumen, verifikasi, deployments, users, versions, diagrams, web)
    for module in routes:
        app.include_router(module.router)
    web.mount(app)

    @app.get("/api/health", tags=["health"])
    def health() -> dict[str, str]:
        with db.reading() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "database": db.engine.dialect.name}

    return app
