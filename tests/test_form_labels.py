"""Choices reach people as titles: a submission with a value the form does not offer is a 422 whose
Indonesian message lists the titles, and nothing changes; a deployment bringing a form with a bare `enum`
or an undeclared file field is refused naming the file and the path, and nothing is deployed."""

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from api.settings import PROJECT_ROOT
from api.store.models import Deployment, ProcessDefinition
from tests.support import sop
from tests.support.api import Api
from tests.support.sop_branches import refused

UJI = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()


def test_a_choice_the_form_does_not_offer_is_refused_listing_the_titles_and_the_offered_ones_pass(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    sop.open_registration(api, root)
    task = sop.one(api, "peserta", "Mengisi FR.APL.01 dan FR.APL.02")
    data = sop.apl(api, "peserta", task["id"], sop.CANDIDATES["peserta"])
    wrong = {**data, "apl01": {**data["apl01"], "tujuan_asesmen": "magang"}}
    body = refused(
        api,
        "peserta",
        task["id"],
        wrong,
        root,
        {
            "apl01.tujuan_asesmen": [
                "'magang' bukan pilihan yang sah; pilih salah satu: Sertifikasi, Sertifikasi ulang, "
                "Pengakuan Kompetensi Terkini (PKT), "
                "Rekognisi Pembelajaran Lampau (RPL), Lainnya"
            ]
        },
    )
    assert [e["path"] for e in body["errors"]] == ["apl01.tujuan_asesmen"]
    api.complete("peserta", task["id"], {**data, "apl01": {**data["apl01"], "tujuan_asesmen": "rpl"}})


def _versions(api: Api) -> tuple[int, int]:
    with api.app.state.db.reading() as session:
        return (
            int(session.scalar(select(func.count()).select_from(Deployment)) or 0),
            int(session.scalar(select(func.count()).select_from(ProcessDefinition)) or 0),
        )


def _target_form(field: str, spec: dict[str, Any]) -> str:
    return json.dumps({"type": "object", "title": "Target", "properties": {field: {"title": "Isian", **spec}}})


@pytest.mark.parametrize(
    ("field", "spec", "element_id", "words"),
    [
        (
            "jenis",
            {"type": "string", "enum": ["a", "b"]},
            "properties.jenis.enum",
            ("enum ['a', 'b'] tidak punya judul: tulis pilihannya sebagai oneOf"),
        ),
        (
            "berkas_id",
            {"type": "integer", "minimum": 1},
            "properties.berkas_id",
            "Kolom berkas 'berkas_id' tidak menyatakan berkasnya: tambahkan x-berkas",
        ),
    ],
)
def test_a_form_breaking_the_conventions_is_not_deployed(
    api: Api, field: str, spec: dict[str, Any], element_id: str, words: str
) -> None:
    before = _versions(api)
    files = {"uji_kompetensi.bpmn": UJI, "menetapkan_target.json": _target_form(field, spec)}
    upload = [("files", (name, body.encode(), "application/octet-stream")) for name, body in files.items()]
    r = api.post("desainer", "/api/deployments", files=upload)
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["file"], error["element_id"]) == ("menetapkan_target.json", element_id)
    assert words in error["message"]
    assert _versions(api) == before
