"""The web application: server-rendered pages (Jinja2 + htmx from npm) over the same services as the REST API.

A second adapter beside `api/routes/`: each module here is one screen (or a few close ones), thin like a
route: it parses the request, asks `api.permissions`, calls a service and answers with `templating.page()`.
Sessions are cookies with a CSRF token (`sesi.py`).
"""

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.settings import PROJECT_ROOT
from api.ui import (
    asesor,
    audit,
    dasbor,
    dokumen,
    galat,
    impor,
    komentar,
    koreksi,
    masuk,
    notifikasi,
    pemeriksaan,
    pengganti,
    pengurus_pleno,
    perancang,
    periode,
    peserta,
    tugas,
)
from api.ui.sesi import LoginRequired, login_url
from api.ui.templating import TEMPLATES

STATIC = TEMPLATES.parent / "static"
# The modeller's and the instance diagram's scripts and styles (their pages: perancang.py).
WEB = PROJECT_ROOT / "api" / "web"
# Installed by `npm ci` (make setup) from the committed package-lock.json; never committed. check_dir=False:
# without node_modules the service still serves; the pages then say what is missing.
NODE_MODULES = PROJECT_ROOT / "node_modules"
HTMX_DIST = NODE_MODULES / "htmx.org" / "dist"
BPMN_JS_DIST = NODE_MODULES / "bpmn-js" / "dist"
# One screen module per line.
SCREENS = (
    asesor,
    audit,
    dasbor,
    dokumen,
    impor,
    komentar,
    koreksi,
    masuk,
    notifikasi,
    pemeriksaan,
    pengganti,
    pengurus_pleno,
    perancang,
    periode,
    peserta,
    tugas,
)


def _to_login(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    target = login_url(exc.next_path)
    if request.headers.get("HX-Request"):
        # htmx follows HX-Redirect with a full page load: a lapsed session mid-page lands on the login page.
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def mount(app: FastAPI) -> None:
    for module in SCREENS:
        app.include_router(module.router)
    app.add_exception_handler(LoginRequired, _to_login)
    galat.install(app)  # Indonesian error pages for the pages; the API keeps its JSON
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    app.mount("/vendor/htmx", StaticFiles(directory=HTMX_DIST, check_dir=False), name="htmx")
    app.mount("/web", StaticFiles(directory=WEB), name="web")
    app.mount("/vendor/bpmn-js", StaticFiles(directory=BPMN_JS_DIST, check_dir=False), name="bpmn-js")
