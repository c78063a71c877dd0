"""Nothing is read before it is allowed: a body limit in front of every route, authentication before an
upload's body, evidence streamed to disk with its cap, and a quota per candidate and period."""

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from api.settings import Settings
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.live_server import LiveServer
from tests.support.sop_branches import Calon

MB = 1024 * 1024


def _call_asgi(app: Any, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> tuple[int, bytes, int]:
    """One request straight into the ASGI app, its body pulled lazily from `chunks`: (status, body, how
    many chunks the app pulled)."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def run() -> None:
        await app(scope, receive, send)

    anyio.run(run)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, pulled


def _multipart(total: int, chunk: int = MB) -> Iterator[bytes]:
    """A multipart body of about `total` bytes, made as it is read (never whole in memory)."""
    yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"\r\n\r\n%PDF-1.4\n'
    for _ in range(total // chunk):
        yield b"a" * chunk
    yield b"\r\n--xyz--\r\n"


MULTIPART = {"content-type": "multipart/form-data; boundary=xyz"}


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_an_anonymous_200_mb_upload_is_refused_401_before_a_byte_of_it_is_read(api: Api) -> None:
    status, body, pulled = _call_asgi(api.app, "/api/tasks/t/berkas", MULTIPART, _multipart(200 * MB))
    assert (status, pulled) == (401, 0)
    assert b"not authenticated" in body

    forged = {**MULTIPART, "authorization": "Bearer not.a.token"}
    status, body, pulled = _call_asgi(api.app, "/api/deployments", forged, _multipart(200 * MB))
    assert (status, pulled) == (401, 0)
    assert b"invalid token" in body


def test_a_signed_in_upload_past_its_routes_limit_is_cut_off_with_413_after_reading_about_the_limit(
    api: Api, settings: Settings
) -> None:
    settings.max_upload_bytes = 2 * MB
    headers = {**MULTIPART, **api.headers("peserta")}
    status, body, pulled = _call_asgi(api.app, "/api/tasks/t/berkas", headers, _multipart(200 * MB))
    assert status == 413
    limit = 2 * MB + 64 * 1024
    assert body == (
        b'{"detail":"request body larger than %d bytes","errors":[{"path":"body",'
        b'"message":"isi permintaan lebih besar dari %d byte"}]}' % (limit, limit)
    )
    assert 3 <= pulled <= 4  # the framing chunk, two full chunks, and the one that passed the limit


def test_a_json_body_past_the_limit_is_refused_413_and_starts_nothing(api: Api, settings: Settings) -> None:
    settings.max_body_bytes = 10_000
    before = api.get("direktur", "/api/instances").json()
    body = {"business_key": "2026-BESAR", "data": {"periode": "x" * 20_000}}
    r = api.post("direktur", "/api/process-definitions/uji_kompetensi/instances", json=body)
    assert r.status_code == 413
    assert r.json()["errors"] == [{"path": "body", "message": "isi permintaan lebih besar dari 10000 byte"}]
    assert api.get("direktur", "/api/instances").json() == before


def test_a_body_without_content_length_is_counted_as_it_streams(api: Api, settings: Settings) -> None:
    settings.max_body_bytes = 3 * MB
    headers = {"content-type": "application/json", **api.headers("direktur")}
    chunks = iter([b'{"data": {"x": "'] + [b"a" * MB] * 200)
    status, _, pulled = _call_asgi(api.app, "/api/process-definitions/uji_kompetensi/instances", headers, chunks)
    assert status == 413 and pulled <= 5


def test_an_evidence_file_past_the_cap_is_refused_413_and_nothing_is_stored(api: Api, settings: Settings) -> None:
    b.registration_open(api, [Calon("peserta")])
    task = sop.one(api, "peserta", b.APL)
    stored = settings.data_dir / "berkas"
    before = _files(stored)
    settings.max_upload_bytes = 1000
    r = sop.upload(api, "peserta", task["id"], content=sop.PDF + b"x" * 1000)
    assert r.status_code == 413, r.text
    assert r.json()["errors"] == [{"path": "file", "message": "berkas lebih besar dari 1000 byte"}]
    assert _files(stored) == before
    assert sop.upload(api, "peserta", task["id"], content=sop.PDF).status_code == 201


@pytest.mark.parametrize(
    ("quota", "message"),
    [
        ({"berkas_quota_files": 2}, "kuota berkas terlampaui: paling banyak 2 berkas per peserta per periode"),
        (
            {"berkas_quota_bytes": 2 * len(sop.PDF) + 10},
            f"kuota berkas terlampaui: paling banyak {2 * len(sop.PDF) + 10} byte per peserta per periode "
            f"(sudah terpakai {2 * len(sop.PDF) + 2} byte)",
        ),
    ],
)
def test_a_candidate_past_the_evidence_quota_is_refused_naming_it_and_others_are_not(
    api: Api, settings: Settings, quota: dict[str, int], message: str
) -> None:
    b.registration_open(api, [Calon("peserta"), Calon("peserta2")])
    task = sop.one(api, "peserta", b.APL)
    for i in range(2):
        assert sop.upload(api, "peserta", task["id"], content=sop.PDF + b"%d" % i).status_code == 201
    for name, value in quota.items():
        setattr(settings, name, value)
    stored = settings.data_dir / "berkas"
    before = _files(stored)
    r = sop.upload(api, "peserta", task["id"], content=sop.PDF + b"22")
    assert r.status_code == 413, r.text
    assert r.json()["errors"] == [{"path": "file", "message": message}]
    assert _files(stored) == before
    other = sop.one(api, "peserta2", b.APL)
    assert sop.upload(api, "peserta2", other["id"], content=sop.PDF + b"lain").status_code == 201


def _first_answer(host: str, port: int, request: bytes) -> bytes:
    """Send `request` (the start of a much larger one) and read the answer the server gives to that much."""
    answer = b""
    with socket.create_connection((host, port), timeout=120) as conn:
        conn.sendall(request)
        while not (b"\r\n\r\n" in answer and answer.rstrip().endswith(b"}")):
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def test_a_real_server_answers_an_anonymous_200_mb_upload_before_the_client_has_sent_it(
    live_server: LiveServer,
) -> None:
    """Through uvicorn on a socket: the headers and one megabyte are sent, then the answer is read back; the
    other 199 MB are never needed (the client never sends them). Declared with Content-Length it is a 413
    for its size; streamed (chunked, no length) a 401 for its missing token."""
    host, port = live_server.base.removeprefix("http://").split(":")
    start = f"POST /api/tasks/t/berkas HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
    first_mb = next(_multipart(MB)) + b"a" * MB

    declared = _first_answer(host, int(port), f"{start}Content-Length: {200 * MB}\r\n\r\n".encode() + first_mb)
    assert declared.startswith(b"HTTP/1.1 413 "), declared[:300]

    chunk = b"%x\r\n" % len(first_mb) + first_mb + b"\r\n"
    streamed = _first_answer(host, int(port), f"{start}Transfer-Encoding: chunked\r\n\r\n".encode() + chunk)
    assert streamed.startswith(b"HTTP/1.1 401 "), streamed[:300]
    assert b"not authenticated" in streamed
