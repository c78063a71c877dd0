"""Perancang proses: the BPMN modeller and an instance's diagram, in the same session as every page.

The pages are shells (bpmn-js from node_modules, scripts in api/web/); their data comes from the API, which
checks each call's permission, with the session cookie and its CSRF token (api/auth.py)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.routes.deps import Id
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)


@router.get("/modeler")
def modeler(request: Request, user: PageUser) -> HTMLResponse:
    return page(request, "perancang/modeler.html", user, title="Perancang proses", aktif="perancang")


@router.get("/instances/{instance_id}/diagram")
def diagram(request: Request, instance_id: Id, user: PageUser) -> HTMLResponse:
    return page(request, "perancang/diagram.html", user, title=f"Diagram instans {instance_id}")
