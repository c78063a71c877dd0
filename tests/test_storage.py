"""Stored files: named only by their SHA-256, written only for someone allowed to, downloadable whatever their name."""

from pathlib import Path

import pytest

from api.store.storage import FileStore
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon


def test_a_name_that_is_not_a_sha256_never_becomes_a_path(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    for name in ("/proc/self/environ", "../../etc/passwd", "ab" * 31 + "..", "A" * 64):
        with pytest.raises(ValueError):
            store.path(name)


def test_an_upload_to_someone_elses_task_writes_no_file(api: Api) -> None:
    b.registration_open(api, [Calon("peserta")])
    task = sop.one(api, "peserta", b.APL)
    stored = api.app.state.settings.data_dir / "berkas"
    before = sorted(stored.rglob("*"))
    r = sop.upload(api, "peserta2", task["id"], content=sop.PDF + b"lain")
    assert r.status_code == 403
    assert sorted(stored.rglob("*")) == before


def test_an_upload_to_someone_elses_task_is_refused_before_its_content_is_looked_at(api: Api) -> None:
    b.registration_open(api, [Calon("peserta")])
    task = sop.one(api, "peserta", b.APL)
    r = sop.upload(api, "peserta2", task["id"], content=b"<html><script>alert(1)</script></html>")
    assert r.status_code == 403, r.text


def test_a_file_named_outside_ascii_downloads_with_its_name(api: Api) -> None:
    b.registration_open(api, [Calon("peserta")])
    task = sop.one(api, "peserta", b.APL)
    r = sop.upload(api, "peserta", task["id"], name="bukti–KTM asli.pdf")
    assert r.status_code == 201, r.text
    got = api.get("peserta", f"/api/berkas/{r.json()['id']}")
    assert got.status_code == 200 and got.content == sop.PDF
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"bukti_KTM asli.pdf\"; filename*=UTF-8''bukti%E2%80%93KTM%20asli.pdf"
    )
