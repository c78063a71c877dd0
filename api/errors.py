"""Error bodies: every 4xx says what is wrong and where (field path or BPMN element)."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError

from api.engine.deployments import DeploymentInvalid
from api.engine.runtime import EngineError, TaskNotReady, TaskRefused
from api.store.storage import UploadRejected


class ApiError(Exception):
    def __init__(self, status: int, detail: str | None = None, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail or "")
        self.status = status
        self.body: dict[str, Any] = {}
        if detail:
            self.body["detail"] = detail
        if errors is not None:
            self.body["errors"] = errors


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status)

    @app.exception_handler(UploadRejected)
    async def _upload_rejected(_: Request, exc: UploadRejected) -> JSONResponse:
        return JSONResponse({"detail": exc.detail, "errors": [{"path": "file", "message": exc.message}]}, exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return JSONResponse({"detail": "invalid request", "errors": errors}, status_code=422)

    @app.exception_handler(StaleDataError)
    async def _lost_race(_: Request, exc: StaleDataError) -> JSONResponse:
        return JSONResponse({"detail": "the instance was changed by another request at the same time; retry"}, 409)

    @app.exception_handler(TaskNotReady)
    async def _not_ready(_: Request, exc: TaskNotReady) -> JSONResponse:
        return JSONResponse({"detail": "task is no longer ready"}, 409)

    @app.exception_handler(EngineError)
    async def _engine_error(_: Request, exc: EngineError) -> JSONResponse:
        body = {
            "detail": "the process could not continue with this data; nothing was saved",
            "errors": [{"path": exc.element_id or "", "element_id": exc.element_id, "message": str(exc)}],
        }
        return JSONResponse(body, 422)

    @app.exception_handler(TaskRefused)
    async def _refused(_: Request, exc: TaskRefused) -> JSONResponse:
        body = {
            "detail": "the SOP's rules refuse this submission; nothing was saved",
            "errors": [{"path": r.field, "message": r.message} for r in exc.refusals],
        }
        return JSONResponse(body, 422)

    @app.exception_handler(DeploymentInvalid)
    async def _deployment_invalid(_: Request, exc: DeploymentInvalid) -> JSONResponse:
        return JSONResponse(exc.as_json(), 422)
