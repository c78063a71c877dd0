"""The designer's form editor beside the BPMN: a version's form as it runs, the sources a form may name, and
a live preview drawn by the pages' own renderer with what a deployment would refuse."""

import json
from pathlib import Path

from api.auth import CSRF_HEADER
from tests.support.api import Api
from tests.support.pages import csrf, signed_in

FORMS = Path(__file__).resolve().parent.parent / "forms"


def test_a_version_serves_the_form_it_runs_with(api: Api) -> None:
    r = api.get("desainer", "/api/process-definitions/uji_kompetensi/versions/1/forms/menetapkan_target.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == json.loads((FORMS / "menetapkan_target.json").read_text())
    missing = api.get("desainer", "/api/process-definitions/uji_kompetensi/versions/1/forms/tidak_ada.json")
    assert missing.status_code == 404


def test_the_form_sources_are_listed_with_their_kind(api: Api) -> None:
    sources = {s["nama"]: s["jenis"] for s in api.get("desainer", "/api/form-sources").json()}
    assert sources["skema_aktif"] == "pilihan"
    assert set(sources.values()) == {"pilihan", "isian"}


def _preview(api: Api, isi: str, nama: str = "menetapkan_target.json") -> str:
    with signed_in(api.app, "desainer") as browser:
        r = browser.post(
            "/modeler/pratinjau-formulir", data={"nama": nama, "isi": isi}, headers={CSRF_HEADER: csrf(browser)}
        )
        assert r.status_code == 200, r.text
        return str(r.text)


def test_the_preview_draws_the_edited_form_with_sample_choices_from_its_sources(api: Api) -> None:
    schema = json.loads((FORMS / "menetapkan_target.json").read_text())
    schema["properties"]["catatan"]["title"] = "Catatan Direktur"
    html = _preview(api, json.dumps(schema))
    assert '<label for="f-catatan">Catatan Direktur' in html
    assert "Formulir ini akan ditolak" not in html
    template_row = html[html.index("<template") :]
    assert "Contoh 1 dari sumber «skema_aktif»" in template_row  # the skema picker offers sample choices


def test_the_preview_says_what_a_deployment_would_refuse_and_draws_nothing(api: Api) -> None:
    html = _preview(api, '{"type": "object", "properties": {"a": {"$ref": "#/x"}}}')
    assert "Formulir ini akan ditolak saat diterapkan" in html
    assert (
        "<li><code>properties.a.$ref</code> &#39;$ref&#39; tidak dapat digambar oleh perender formulir "
        "(api/ui/formulir.py): nyatakan dengan kata kunci yang dikenalnya ("
    ) in html
    assert "<form" not in html
    broken = _preview(api, '{"type": "object",')
    assert "Formulir ini akan ditolak saat diterapkan" in broken
    assert (
        "<li>baris 1: Berkas ini bukan JSON yang sah: baris 1 kolom 19: "
        "nama properti harus diapit tanda kutip ganda</li>"
    ) in broken


def test_the_preview_needs_the_session_csrf_token_and_a_designer_or_staff(api: Api) -> None:
    with signed_in(api.app, "desainer") as browser:
        assert browser.post("/modeler/pratinjau-formulir", data={"isi": "{}"}).status_code == 403
    with signed_in(api.app, "peserta") as browser:
        r = browser.post("/modeler/pratinjau-formulir", data={"isi": "{}"}, headers={CSRF_HEADER: csrf(browser)})
        assert r.status_code == 403
