"""Tests that must write dates out by hand: the service's clock (and the dates the test forms write) moved
to a fixed day, and a rendered document's text to compare with expected phrases."""

import io
from datetime import datetime
from typing import Any

import pytest
from pypdf import PdfReader

from tests.support import sop
from tests.support.api import Api

# The day such a period is walked; the SK Jadwal's assessment window is ten and eleven days on (sop.jadwal).
HARI_ASESMEN = datetime(2026, 12, 1, 9, 0, tzinfo=sop.WIB)  # a Tuesday: the jadwal says 11-12 Desember 2026


def on_the_day(api: Api, monkeypatch: pytest.MonkeyPatch, moment: datetime = HARI_ASESMEN) -> None:
    """Move the service's clock (forwards only), and the dates the tests' forms write, to `moment`; let the
    worker fire what fell due."""
    clock = api.app.state.clock
    clock.advance(moment - clock.now())
    api._tokens.clear()  # tokens expire by the service clock: everyone logs in again

    class OnThatDay(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            now = clock.now()
            return now.astimezone(tz) if tz is not None else now.replace(tzinfo=None)

    monkeypatch.setattr(sop, "datetime", OnThatDay)
    api.drain()


def rapat(phrase: str) -> str:
    """`phrase` without whitespace: a table cell wraps where it likes."""
    return "".join(phrase.split())


def pdf_text(api: Api, doc_id: int) -> str:
    """The rendered document's text without whitespace (compare with :func:`rapat`); the renderer runs in
    this process."""
    api.app.state.settings.render_processes = 0
    api.app.state.worker.render_documents()
    r = api.get("kabid_administrasi", f"/api/dokumen/{doc_id}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-"), r.text
    return rapat(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(r.content)).pages))
