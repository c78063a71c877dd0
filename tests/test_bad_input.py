"""Bad input is a 4xx naming what is wrong, never a 5xx, and nothing is written: integers beyond the
database's, NUL characters (PostgreSQL cannot store them), deployment files that are not UTF-8 or too big,
ids longer than their column."""

from typing import Any

import pytest
from sqlalchemy import func, select

from api.settings import PROJECT_ROOT
from api.store.master import Tuk
from api.store.models import Deployment, Event, ProcessDefinition, ProcessInstance, User
from tests.support import sop
from tests.support.api import Api

HUGE = 10**20  # beyond 64 bits
ABOVE_INTEGER = 2**31  # beyond PostgreSQL's INTEGER
NUL = "\x00"
UJI = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()
TARGET_TASK = "Menetapkan target uji kompetensi"


def _rows(api: Api) -> dict[str, int]:
    """How many rows the tables a refused request could have written hold."""
    with api.app.state.db.reading() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Deployment, Event, ProcessDefinition, ProcessInstance, Tuk, User)
        }


def _names(body: dict[str, Any]) -> list[str]:
    return [e["path"] for e in body.get("errors", [])]


# (method, path with {n} for the number, the parameter the answer names)
NUMBERS = [
    ("get", "/api/berkas/{n}", "path.berkas_id"),
    ("get", "/api/dokumen/{n}", "path.document_id"),
    ("get", "/api/dokumen/{n}/html", "path.document_id"),
    ("post", "/api/dokumen/{n}/cabut", "path.document_id"),
    ("get", "/api/instances/{n}", "path.instance_id"),
    ("get", "/api/instances/{n}/history", "path.instance_id"),
    ("get", "/api/instances/{n}/dokumen", "path.instance_id"),
    ("get", "/api/instances/{n}/diagram-state", "path.instance_id"),
    ("post", "/api/instances/{n}/cancel", "path.instance_id"),
    ("get", "/api/skema/{n}", "path.skema_id"),
    ("post", "/api/skema/{n}/aktifkan", "path.skema_id"),
    ("get", "/api/peserta/{n}", "path.peserta_id"),
    ("post", "/api/peserta/{n}/nonaktifkan", "path.peserta_id"),
    ("get", "/api/asesor/{n}", "path.asesor_id"),
    ("post", "/api/asesor/{n}/konflik", "path.asesor_id"),
    ("get", "/api/tuk/{n}", "path.tuk_id"),
    ("post", "/api/tuk/{n}/aktifkan", "path.tuk_id"),
    ("get", "/api/deployments/{n}/files/uji_kompetensi.bpmn", "path.deployment_id"),
    ("get", "/api/process-definitions/uji_kompetensi/versions/{n}/files", "path.version"),
    ("get", "/api/process-definitions/uji_kompetensi/versions/{n}/diff", "path.version"),
    ("get", "/api/process-definitions/uji_kompetensi/versions/1/diff?against={n}", "query.against"),
    ("get", "/api/instances?parent_id={n}", "query.parent_id"),
    ("get", "/api/instances?page={n}", "query.page"),
    ("get", "/api/tasks?instance_id={n}", "query.instance_id"),
    ("get", "/api/tasks?page={n}", "query.page"),
    ("get", "/api/skema?page={n}", "query.page"),
    ("get", "/api/peserta?page={n}", "query.page"),
    ("get", "/api/asesor?page={n}", "query.page"),
    ("get", "/api/tuk?page={n}", "query.page"),
]


@pytest.mark.parametrize("number", [HUGE, ABOVE_INTEGER, -1])
@pytest.mark.parametrize(("method", "path", "parameter"), NUMBERS, ids=[f"{m} {p}" for m, p, _ in NUMBERS])
def test_a_number_beyond_the_database_is_422_naming_the_parameter(
    api: Api, method: str, path: str, parameter: str, number: int
) -> None:
    before = _rows(api)
    r = getattr(api.client, method)(path.format(n=number), headers=api.headers("admin"))
    assert r.status_code == 422, r.text
    assert parameter in _names(r.json())
    assert _rows(api) == before


def test_the_largest_id_the_database_holds_is_a_plain_404(api: Api) -> None:
    for path in ("/api/instances/2147483647", "/api/skema/2147483647", "/api/dokumen/2147483647"):
        assert api.get("admin", path).status_code == 404, path


def _nul_refused(r: Any, *paths: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert "NUL" in body["detail"]
    assert _names(body) == list(paths)
    assert all("NUL" in e["message"] for e in body["errors"])


def test_a_nul_in_the_login_form_is_422_before_anything_is_looked_up(api: Api) -> None:
    r = api.client.post("/api/auth/token", data={"username": f"adm{NUL}in", "password": "x"})
    _nul_refused(r, "body.username")


def test_a_nul_in_the_public_verification_code_is_refused(api: Api) -> None:
    r = api.client.get("/verify/a%00b")
    _nul_refused(r, "path.code")


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/skema?q=a%00b", "query.q"),
        ("/api/peserta?q=a%00b", "query.q"),
        ("/api/instances?business_key=a%00", "query.business_key"),
        ("/api/tasks/a%00b", "path.task_id"),
    ],
)
def test_a_nul_in_a_path_or_query_is_422_naming_it(api: Api, path: str, parameter: str) -> None:
    _nul_refused(api.get("admin", path), parameter)


def test_a_nul_in_a_new_periods_business_key_starts_nothing(api: Api) -> None:
    before = _rows(api)
    r = api.post(
        "direktur", "/api/process-definitions/uji_kompetensi/instances", json={"business_key": f"2027{NUL}", "data": {}}
    )
    _nul_refused(r, "body.business_key")
    assert _rows(api) == before


def test_a_nul_in_master_data_saves_nothing(api: Api) -> None:
    before = _rows(api)
    tuk = {
        "kode": "TUK-NUL",
        "nama": f"Lab{NUL}Komputer",
        "jenis": "sewaktu",
        "alamat": "Jl. Percobaan 1",
        "penanggung_jawab": "Budi",
        "kapasitas": 10,
    }
    _nul_refused(api.post("admin", "/api/tuk", json=tuk), "body.nama")
    assert _rows(api) == before


def test_a_nul_deep_in_task_data_is_refused_and_the_task_stays_open(api: Api) -> None:
    period = sop.start_period(api)["id"]
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    data = {**sop.TARGET, "target": [{**sop.TARGET["target"][0], "prodi": f"Teknik{NUL}"}]}
    before = _rows(api)
    r = api.post("direktur", f"/api/tasks/{task['id']}/complete", json={"data": data})
    _nul_refused(r, "body.data.target.0.prodi")
    assert _rows(api) == before
    assert sop.task_detail(api, "direktur", task["id"])["state"] == "ready"


def test_a_lone_surrogate_as_a_key_in_task_data_is_422_and_the_task_stays_open(api: Api) -> None:
    period = sop.start_period(api)["id"]
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    before = _rows(api)
    # JSON may spell a lone surrogate (\udc00); no UTF-8 text holds one, not even an error repeating it.
    body = '{"data": {"\\udc00": 1}}'
    headers = {**api.headers("direktur"), "Content-Type": "application/json"}
    r = api.client.post(f"/api/tasks/{task['id']}/complete", content=body, headers=headers)
    assert r.status_code == 422, r.text
    assert [e["path"] for e in r.json()["errors"]] == ["body.data.\\udc00"]
    assert _rows(api) == before
    assert sop.task_detail(api, "direktur", task["id"])["state"] == "ready"


def _upload(api: Api, path: str, files: dict[str, bytes]) -> Any:
    return api.post("desainer", path, files=[("files", (n, b, "application/octet-stream")) for n, b in files.items()])


LATIN1 = UJI.replace("encoding='UTF-8'", "encoding='ISO-8859-1'").replace(
    'name="Menetapkan target uji kompetensi"', 'name="Menetapkan target uji kompetensi \xe9"'
)

# Declared UTF-8, written in Latin-1.
LATIN1_BYTES = LATIN1.replace("encoding='ISO-8859-1'", "encoding='UTF-8'").encode("latin-1")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (
            "uji_kompetensi.bpmn",
            LATIN1.encode("latin-1"),
            "Berkas ini menyatakan encoding 'ISO-8859-1': simpan sebagai UTF-8",
        ),
        ("uji_kompetensi.bpmn", UJI.encode("utf-16"), "Berkas ini bukan teks UTF-8"),
        ("form_utf16.json", '{"type": "object"}'.encode("utf-16"), "Berkas ini bukan teks UTF-8"),
        ("uji_kompetensi.bpmn", LATIN1_BYTES, "Berkas ini bukan teks UTF-8"),
    ],
    ids=["latin1-declared", "utf16-bpmn", "utf16-form", "latin1-bytes"],
)
@pytest.mark.parametrize("path", ["/api/deployments/validate", "/api/deployments"])
def test_a_deployment_file_that_is_not_utf8_is_refused_naming_the_file(
    api: Api, path: str, name: str, content: bytes, words: str
) -> None:
    assert "encoding='UTF-8'" in UJI
    before = _rows(api)
    r = _upload(api, path, {name: content})
    body = r.json()
    errors = body["errors"]
    if path == "/api/deployments":
        assert r.status_code == 422, r.text
    else:
        assert r.status_code == 200, r.text
    assert [(e["file"], words in e["message"]) for e in errors] == [(name, True)], errors
    assert _rows(api) == before


@pytest.mark.parametrize("path", ["/api/deployments/validate", "/api/deployments"])
def test_an_oversized_deployment_file_is_413_naming_the_file(api: Api, path: str) -> None:
    before = _rows(api)
    big = UJI.encode() + b"<!--" + b"x" * (5 * 1024 * 1024) + b"-->"
    r = _upload(api, path, {"uji_kompetensi.bpmn": big})
    assert r.status_code == 413, r.text
    assert "uji_kompetensi.bpmn" in r.json()["detail"]
    assert _rows(api) == before


def test_a_process_id_longer_than_its_column_is_refused_naming_the_process(api: Api) -> None:
    long_id = "p" * 250
    text = UJI.replace('id="uji_kompetensi"', f'id="{long_id}"').replace(
        'processRef="uji_kompetensi"', f'processRef="{long_id}"'
    )
    before = _rows(api)
    r = _upload(api, "/api/deployments", {"panjang.bpmn": text.encode()})
    assert r.status_code == 422, r.text
    errors = [e for e in r.json()["errors"] if e["element_id"] == long_id]
    assert [e["message"] for e in errors] == ["Id proses lebih dari 200 karakter: persingkat"]
    assert errors[0]["file"] == "panjang.bpmn" and errors[0]["line"] is not None
    assert _rows(api) == before


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("started_after=2026-01-01T00:00:00", "waktu harus menyebut zona waktunya, misalnya 2026-12-01T08:00:00+07:00"),
        ("started_after=2026-01-01", "waktu harus menyebut zona waktunya, misalnya 2026-12-01T08:00:00+07:00"),
        ("started_after=9999-12-31T23:59:59-23:59", "waktu ini di luar tahun 1-9999 setelah diubah ke UTC"),
        ("started_before=0001-01-01T00:00:00%2B23:59", "waktu ini di luar tahun 1-9999 setelah diubah ke UTC"),
        (
            "started_after=kemarin",
            "bukan waktu yang sah: tulis TTTT-BB-HHTjj:mm:dd dengan zona waktunya, misalnya 2026-12-01T08:00:00+07:00",
        ),
        ("page=nol", "harus bilangan bulat"),
        ("page=0", "paling kecil 1"),
    ],
)
def test_a_moment_without_its_offset_or_beyond_the_calendar_is_422_naming_it(
    api: Api, query: str, message: str
) -> None:
    r = api.get("admin", f"/api/instances?{query}")
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["path"] == f"query.{query.split('=')[0]}"
    assert error["message"] == message


def test_a_moment_with_its_offset_filters_the_periods(api: Api) -> None:
    period = sop.start_period(api)["id"]
    r = api.get("admin", "/api/instances?started_after=2000-01-01T00:00:00%2B07:00")
    assert r.status_code == 200, r.text
    assert period in [i["id"] for i in r.json()["items"]]


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ('{"data": {"x": ' + "[" * 300 + "]" * 300 + "}}", "body.data.x" + ".0" * 63, "bertingkat lebih dari 64 lapis"),
        ('{"data": {"x": NaN}}', "body.data.x", "bukan angka yang sah (NaN atau Infinity)"),
    ],
    ids=["nested-300", "nan"],
)
def test_data_no_answer_could_carry_back_starts_no_period(api: Api, body: str, path: str, message: str) -> None:
    # Nested 300 deep, it used to be stored and then fail every read of the period's tasks with a 500.
    before = _rows(api)
    headers = {**api.headers("direktur"), "Content-Type": "application/json"}
    r = api.client.post("/api/process-definitions/uji_kompetensi/instances", content=body, headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [{"path": path, "message": message}]
    assert _rows(api) == before
