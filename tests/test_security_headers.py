"""Browser and file hardening: headers on every answer, evidence that can never run in the browser, and a PDF
renderer that fetches nothing but data: URIs and its own documents/ files."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from service_tasks import render
from service_tasks.render import DOCUMENTS_DIR, RenderJob, allowed_url, data_uri
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon

EVERYWHERE = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_every_answer_forbids_sniffing_framing_and_referrers_and_api_answers_are_not_stored(api: Api) -> None:
    answers = {
        "/api/health": api.client.get("/api/health"),
        "/api/me (401)": api.client.get("/api/me"),
        "/api/tasks": api.get("peserta", "/api/tasks"),
        "/modeler": api.client.get("/modeler", follow_redirects=False),
        "/login": api.client.get("/login"),
        "/verify/tidak-ada (404)": api.client.get("/verify/tidak-ada"),
    }
    for name, r in answers.items():
        for header, value in EVERYWHERE.items():
            assert r.headers.get(header) == value, (name, header, r.headers)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], name
    for name in ("/api/health", "/api/me (401)", "/api/tasks"):
        assert answers[name].headers["cache-control"] == "no-store", name
        assert answers[name].headers["content-security-policy"] == "sandbox; frame-ancestors 'none'", name
    # the pages run their own scripts (bpmn-js, htmx): no sandbox there
    assert answers["/modeler"].headers["content-security-policy"] == "frame-ancestors 'none'"
    assert answers["/login"].headers["content-security-policy"] == "frame-ancestors 'none'"


def test_a_pdf_html_polyglot_uploaded_as_evidence_is_served_as_a_sandboxed_pdf_download(api: Api) -> None:
    b.registration_open(api, [Calon("peserta")])
    task = sop.one(api, "peserta", b.APL)
    polyglot = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
    uploaded = sop.upload(api, "peserta", task["id"], name="ktm.html", content=polyglot)
    assert uploaded.status_code == 201, uploaded.text
    r = api.get("kabid_administrasi", f"/api/berkas/{uploaded.json()['id']}")
    assert r.status_code == 200 and r.content == polyglot
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith('attachment; filename="ktm.html"')
    assert r.headers["content-security-policy"] == "sandbox; default-src 'none'; frame-ancestors 'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"

    image = sop.upload(api, "peserta", task["id"], name="foto.png", content=PNG)
    r = api.get("peserta", f"/api/berkas/{image.json()['id']}")
    assert r.headers["content-type"] == "image/png"
    assert r.headers["content-disposition"].startswith('inline; filename="foto.png"')
    assert r.headers["content-security-policy"] == "sandbox; default-src 'none'; frame-ancestors 'none'"


def test_documents_and_their_previews_are_not_stored_and_previews_run_no_script(api: Api) -> None:
    root = b.registration_open(api, [Calon("peserta")])
    docs = api.get("admin", f"/api/instances/{root}/dokumen").json()
    nota = next(d for d in docs if d["kind"] == "nota_dinas")
    preview = api.get("admin", f"/api/dokumen/{nota['id']}/html")
    assert preview.status_code == 200
    assert preview.headers["content-security-policy"] == "sandbox; frame-ancestors 'none'"
    assert preview.headers["cache-control"] == "no-store"
    assert api.app.state.worker.render_documents() >= 1
    pdf = api.get("admin", f"/api/dokumen/{nota['id']}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.headers["content-security-policy"] == "frame-ancestors 'none'"


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every path requested of it."""
    requested: list[str] = []

    class Record(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requested
    server.shutdown()
    thread.join()


def test_an_svg_logo_naming_a_url_renders_without_any_request_reaching_it(
    listener: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, requested = listener
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<image href="{base}/ssrf-svg-image" width="10" height="10"/>'
        f'<image xlink:href="{base}/ssrf-xlink" width="10" height="10"/>'
        '<image href="file:///etc/passwd" width="10" height="10"/></svg>'
    )
    job = RenderJob(
        id=1,
        kind="nota_dinas",
        number="001/LSP-STMI/ND/XI/2026",
        title="Nota Dinas",
        version=1,
        created_at="2026-11-30T10:00:00+00:00",
        data={"lsp": {"nama": "LSP Uji"}, "periode": "2026 Genap", "jumlah_total": 0},
        logo=data_uri(svg.encode(), "image/svg+xml"),
        store_root=str(tmp_path),
    )
    assert render.pdf(job).startswith(b"%PDF")
    assert requested == []


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("data:image/png;base64,AAAA", True),
        ((DOCUMENTS_DIR / "_gaya.css").as_uri(), True),
        ("http://127.0.0.1:8000/x", False),
        ("https://169.254.169.254/latest/meta-data/", False),
        ("file:///etc/passwd", False),
        ((DOCUMENTS_DIR / ".." / "api" / "settings.py").as_uri(), False),
        ("file://intranet-host/share/x.png", False),
        ("ftp://example.org/x", False),
    ],
)
def test_the_renderer_may_fetch_only_data_uris_and_documents_files(url: str, allowed: bool) -> None:
    assert allowed_url(url) is allowed
