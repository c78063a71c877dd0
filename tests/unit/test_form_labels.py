"""Every choice in every shipped form has an Indonesian title, every field a title, every file field its
`x-berkas`; the deploy lint refuses a form that breaks these conventions (forms/README.md), naming the
file and the path to the keyword."""

import json
from typing import Any

import pytest

from api.engine.form_rules import BERKAS, choices, described, form_choice_titles, form_file_fields
from api.engine.forms import form_errors
from api.settings import PROJECT_ROOT, Settings
from api.store.storage import PDF_OR_IMAGE

FORMS = {p.name: json.loads(p.read_text()) for p in sorted((PROJECT_ROOT / "forms").glob("*.json"))}
UPLOAD = {
    "upload": "/api/tasks/{task_id}/berkas",
    "download": "/api/berkas/{berkas_id}",
    "accept": ["application/pdf", "image/png", "image/jpeg"],
    "max_bytes": 5242880,
}


def _at(schema: dict[str, Any], path: str) -> dict[str, Any]:
    node: Any = schema
    for key in path.split("."):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _titles(schema: dict[str, Any], path: str) -> dict[str, str]:
    return {c["const"]: c["title"] for c in choices(_at(schema, path)) or []}


def test_the_forms_are_all_read() -> None:
    assert len(FORMS) == 31


@pytest.mark.parametrize("name", sorted(FORMS))
def test_no_shipped_form_has_a_bare_enum_and_every_choice_has_its_own_title(name: str) -> None:
    for path, node in described(FORMS[name]):
        assert not (isinstance(node.get("enum"), list) and len(node["enum"]) > 1), (name, path)
        labels = [c.get("title") for c in choices(node) or []]
        assert all(isinstance(t, str) and t.strip() for t in labels), (name, path)
        assert len(set(labels)) == len(labels), (name, path)
    assert list(form_choice_titles(name, FORMS[name])) == []


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_field_of_a_shipped_form_has_a_title(name: str) -> None:
    untitled = [
        f"{path}properties.{field}"
        for path, node in described(FORMS[name])
        if not any(part in path.split(".") for part in ("then", "else"))  # constraints added to a titled field
        for field, sub in (node.get("properties") or {}).items()
        if not path.endswith("properties.")  # a `properties` map itself: its fields are the nodes below
        and not (isinstance(sub, dict) and sub.get("title"))
    ]
    assert untitled == []
    assert FORMS[name].get("title")


def test_the_choices_people_see_are_these_titles() -> None:
    assert _titles(
        FORMS["memeriksa_berkas.json"], "properties.pemeriksaan.properties.bukti.items.properties.status"
    ) == {
        "ada_memenuhi": "Ada dan memenuhi syarat",
        "ada_tidak_memenuhi": "Ada tetapi tidak memenuhi syarat",
        "tidak_ada": "Tidak ada",
    }
    assert _titles(FORMS["memeriksa_berkas.json"], "properties.pemeriksaan.properties.keputusan") == {
        "diterima": "Diterima",
        "dikembalikan": "Dikembalikan untuk direvisi",
        "ditolak": "Ditolak",
    }
    assert _titles(FORMS["rapat_pleno.json"], "properties.pleno.properties.keputusan.items.properties.keputusan") == {
        "K": "Kompeten (K)",
        "BK": "Belum kompeten (BK)",
        "ditunda": "Ditunda",
    }
    assert _titles(FORMS["apl01_apl02.json"], "properties.apl01.properties.tujuan_asesmen") == {
        "sertifikasi": "Sertifikasi",
        "sertifikasi_ulang": "Sertifikasi ulang",
        "pkt": "Pengakuan Kompetensi Terkini (PKT)",
        "rpl": "Rekognisi Pembelajaran Lampau (RPL)",
        "lainnya": "Lainnya",
    }
    metode = _at(FORMS["ak02_penilaian.json"], "properties.penilaian.properties.unit.items.properties.metode")
    assert metode["uniqueItems"] is True
    assert _titles(metode, "items")["pernyataan_pihak_ketiga"] == "Pernyataan pihak ketiga"


def test_a_choice_accepts_exactly_its_values_and_a_wrong_one_is_refused_naming_the_titles() -> None:
    schema = FORMS["memeriksa_berkas.json"]

    def status_errors(status: Any) -> list[dict[str, str]]:
        bukti = [{"berkas_id": 1, "nama": "KTM", "status": status}]
        return form_errors(schema, {"pemeriksaan": {"bukti": bukti, "keputusan": "diterima"}})

    for status in ("ada_memenuhi", "ada_tidak_memenuhi", "tidak_ada"):
        assert status_errors(status) == []
    listed = "pilih salah satu: Ada dan memenuhi syarat, Ada tetapi tidak memenuhi syarat, Tidak ada"
    assert status_errors("Tidak ada") == [
        {"path": "pemeriksaan.bukti.0.status", "message": f"'Tidak ada' bukan pilihan yang sah; {listed}"}
    ]
    assert status_errors(None)[-1] == {
        "path": "pemeriksaan.bukti.0.status",
        "message": f"None bukan pilihan yang sah; {listed}",
    }


def test_the_shipped_file_fields_declare_the_upload_endpoint_and_what_it_takes() -> None:
    apl = _at(FORMS["apl01_apl02.json"], "properties.apl01.properties.bukti.items.properties.berkas_id")
    assert apl[BERKAS] == UPLOAD
    assert tuple(apl[BERKAS]["accept"]) == PDF_OR_IMAGE
    assert apl[BERKAS]["max_bytes"] == Settings.model_fields["max_upload_bytes"].default
    periksa = _at(FORMS["memeriksa_berkas.json"], "properties.pemeriksaan.properties.bukti.items.properties.berkas_id")
    assert periksa[BERKAS] == {"download": "/api/berkas/{berkas_id}"}  # the officer reads, never uploads
    assert all(list(form_file_fields(name, schema)) == [] for name, schema in FORMS.items())


def _form(field: dict[str, Any], name: str = "x") -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"daftar": {"type": "array", "items": {"type": "object", "properties": {name: field}}}},
    }


def _problems(rule: Any, schema: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(p.file, p.element_id) for p in rule("f.json", schema)]


def test_the_lint_refuses_a_bare_enum_naming_file_and_path() -> None:
    [problem] = list(form_choice_titles("f.json", _form({"type": "string", "enum": ["K", "BK"]})))
    assert (problem.file, problem.element_id) == ("f.json", "properties.daftar.items.properties.x.enum")
    assert "enum ['K', 'BK'] tidak punya judul" in problem.message and "oneOf" in problem.message


def test_the_lint_refuses_a_choice_without_a_title_naming_the_choice() -> None:
    field = {"oneOf": [{"const": "K", "title": "Kompeten"}, {"const": "BK"}, {"const": "T", "title": " "}]}
    assert _problems(form_choice_titles, _form(field)) == [
        ("f.json", "properties.daftar.items.properties.x.oneOf.1"),
        ("f.json", "properties.daftar.items.properties.x.oneOf.2"),
    ]


def test_the_lint_accepts_a_one_value_enum_and_an_enum_that_only_tests_data() -> None:
    schema = _form({"type": "string", "enum": ["setuju"]})
    schema["if"] = {"properties": {"keputusan": {"enum": ["dikembalikan", "ditolak"]}}}
    schema["then"] = {"required": ["alasan"]}
    assert _problems(form_choice_titles, schema) == []


@pytest.mark.parametrize("field", ["berkas_id", "ktp_berkas_id"])
def test_the_lint_refuses_a_file_field_without_x_berkas_naming_file_and_path(field: str) -> None:
    [problem] = list(form_file_fields("f.json", _form({"type": "integer", "minimum": 1}, field)))
    assert (problem.file, problem.element_id) == ("f.json", f"properties.daftar.items.properties.{field}")
    assert f"Kolom berkas {field!r} tidak menyatakan berkasnya: tambahkan x-berkas" in problem.message


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("ya", "x-berkas harus berupa objek"),
        ({"upload": "/api/tasks/{task_id}/berkas", "accept": ["application/pdf"], "max_bytes": 1}, "download"),
        ({**UPLOAD, "accept": ["application/msword"]}, "x-berkas.accept harus mendaftar jenis konten"),
        ({**UPLOAD, "max_bytes": 0}, "x-berkas.max_bytes harus bilangan bulat positif"),
        ({**UPLOAD, "maks": 1}, "x-berkas memuat kunci yang tidak dikenal ['maks']"),
        ({"download": "/api/berkas/{berkas_id}", "max_bytes": 1}, "x-berkas: accept dan max_bytes memerlukan upload"),
    ],
)
def test_the_lint_refuses_a_malformed_x_berkas(spec: Any, words: str) -> None:
    [problem] = list(form_file_fields("f.json", _form({"type": "integer", BERKAS: spec}, "berkas_id")))
    assert problem.element_id == "properties.daftar.items.properties.berkas_id.x-berkas"
    assert words in problem.message


def test_a_file_field_declared_for_upload_or_for_reading_passes() -> None:
    assert _problems(form_file_fields, _form({"type": "integer", BERKAS: UPLOAD}, "berkas_id")) == []
    read = {"type": "integer", BERKAS: {"download": "/api/berkas/{berkas_id}"}}
    assert _problems(form_file_fields, _form(read, "foto_berkas_id")) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            {"oneOf": [{"const": "K", "title": "Kompeten (K)"}, {"const": "BK", "title": "Belum kompeten (BK)"}]},
            "X",
            "'X' bukan pilihan yang sah; pilih salah satu: Kompeten (K), Belum kompeten (BK)",
        ),
        (
            {"oneOf": [{"const": 1, "title": "Satu"}, {"const": 2}]},
            3,
            "3 bukan pilihan yang sah; pilih salah satu: Satu, 2",
        ),
        ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 5, "5 tidak sesuai dengan bentuk isian yang diminta"),
        (
            {"anyOf": [{"type": "integer"}, {"type": "boolean"}]},
            "a",
            "'a' tidak sesuai dengan bentuk isian yang diminta",
        ),
    ],
)
def test_a_failed_choice_names_the_titles_and_another_failed_combination_says_so_in_indonesian(
    field: dict[str, Any], value: Any, message: str
) -> None:
    assert form_errors({"type": "object", "properties": {"x": field}}, {"x": value}) == [
        {"path": "x", "message": message}
    ]
