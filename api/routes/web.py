"""The browser pages: the BPMN modeller and an instance's diagram, with bpmn-js served from node_modules.

The pages themselves hold no data; they log in with POST /api/auth/token and call the API with the token.
"""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.routes.deps import Id
from api.settings import PROJECT_ROOT

router = APIRouter(tags=["pages"], include_in_schema=False)
WEB = Path(__file__).resolve().parent.parent / "web"
# Installed by `npm ci` (make setup) from the committed package-lock.json; never committed.
BPMN_JS_DIST = PROJECT_ROOT / "node_modules" / "bpmn-js" / "dist"


@router.get("/modeler")
def modeler_page() -> FileResponse:
    return FileResponse(WEB / "modeler.html", media_type="text/html")


@router.get("/instances/{instance_id}/diagram")
def diagram_page(instance_id: Id) -> FileResponse:
    return FileResponse(WEB / "diagram.html", media_type="text/html")


def mount(app: FastAPI) -> None:
    """Static assets. check_dir=False: without node_modules the API still serves; the pages then say so."""
    app.mount("/web", StaticFiles(directory=WEB), name="web")
    app.mount("/vendor/bpmn-js", StaticFiles(directory=BPMN_JS_DIST, check_dir=False), name="bpmn-js")
