"""Perancang proses: the BPMN modeller and an instance's diagram, in the same session as every page.

The pages are shells (bpmn-js from node_modules, scripts in api/web/); their data comes from the API, which
checks each call's permission, with the session cookie and its CSRF token (api/auth.py)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from api.engine.deployments import form_problems
from api.engine.form_sources import with_sample_sources
from api.permissions import StaffOrDesigner
from api.routes.deps import Id
from api.ui import formulir
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)


@router.get("/modeler")
def modeler(request: Request, user: PageUser) -> HTMLResponse:
    return page(request, "perancang/modeler.html", user, title="Perancang proses", aktif="perancang")


@router.get("/instances/{instance_id}/diagram")
def diagram(request: Request, instance_id: Id, user: PageUser) -> HTMLResponse:
    return page(
        request, "perancang/diagram.html", user, title=f"Diagram instans {instance_id}", instance_id=instance_id
    )


@router.post("/modeler/pratinjau-formulir")
def pratinjau_formulir(
    request: Request,
    user: StaffOrDesigner,
    nama: Annotated[str, Form(max_length=200)] = "formulir.json",
    isi: Annotated[str, Form(max_length=1_000_000)] = "",
) -> HTMLResponse:
    """The form being edited, drawn by the pages' one renderer (api/ui/formulir.py) beside the BPMN, with
    what a deployment would refuse in it. The modeller shows this document in a frame, at phone or desktop
    width; nothing is stored."""
    schema, problems = form_problems(nama, isi)
    fields = formulir.render(with_sample_sources(schema), {}) if schema is not None and not problems else None
    return page(
        request,
        "perancang/pratinjau.html",
        user,
        title=f"Pratinjau {nama}",
        nama=nama,
        judul=schema.get("title") if isinstance(schema, dict) else None,
        problems=problems,
        fields=fields,
    )
