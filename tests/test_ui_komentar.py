"""The comments panel of a task's page and an instance's comments page, as a browser without JavaScript (and
htmx) sends them: a comment is written, shown at once, refused at its field when empty or too long with the
text kept, and a candidate reads only what was written for them."""

from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.store.models import Komentar
from tests.support import sop
from tests.support.api import Api
from tests.support.pages import csrf, signed_in

TARGET_TASK = "Menetapkan target uji kompetensi"
APL = "Mengisi FR.APL.01 dan FR.APL.02"


def text(node: Any) -> str:
    return " ".join(node.text_content().split())


def html(answer: Any) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(answer.text)


def shown(doc: lxml.html.HtmlElement) -> list[str]:
    """Each comment of the panel as read: author, badge and text (the time left out)."""
    out = []
    for li in doc.xpath("//section[@id='komentar']//li"):
        head = li.xpath(".//p[@class='komentar-kepala']")[0]
        badge = [text(b) for b in head.xpath("./span[contains(@class,'lencana')]")]
        body = text(li.xpath(".//p[@class='komentar-isi']")[0])
        out.append(" | ".join([text(head.xpath("./strong")[0]), *badge, body]))
    return out


def stored(api: Api) -> int:
    with api.app.state.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Komentar)) or 0)


@pytest.fixture
def direktur(api: Api) -> Iterator[tuple[TestClient, str]]:
    period = int(sop.start_period(api)["id"])
    task_id = str(sop.one(api, "direktur", TARGET_TASK, instance_id=period)["id"])
    with signed_in(api.app, "direktur") as client:
        yield client, task_id


def test_a_comment_written_on_a_task_page_without_javascript_is_shown_in_its_panel(
    api: Api, direktur: tuple[TestClient, str]
) -> None:
    client, task_id = direktur
    doc = html(client.get(f"/tasks/{task_id}"))
    panel = doc.xpath("//section[@id='komentar']")[0]
    assert "Belum ada komentar." in text(panel)
    assert doc.xpath("//label[@for='komentar-isi']/text()") == ["Tulis komentar"]
    assert doc.xpath("//input[@id='komentar-untuk-peserta']/@checked") == []  # a staff note is internal by default

    r = client.post(
        f"/tasks/{task_id}/komentar",
        data={"csrf": csrf(client), "isi": "Target mengikuti surat Dekan\r\nnomor 12/2026."},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/tasks/{task_id}#komentar"
    assert shown(html(client.get(f"/tasks/{task_id}"))) == [
        "Anda | Catatan internal | Target mengikuti surat Dekan nomor 12/2026."
    ]

    # With htmx: the panel alone comes back, with the new comment, and says it was saved.
    r = client.post(
        f"/tasks/{task_id}/komentar",
        data={"isi": "Sudah dikonfirmasi Ketua LSP.", "untuk_peserta": "ya"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf(client)},
    )
    assert r.status_code == 200, r.text
    assert r.text.lstrip().startswith('<section class="kartu komentar" id="komentar"')
    fragment = html(r)
    assert shown(fragment) == [
        "Anda | Catatan internal | Target mengikuti surat Dekan nomor 12/2026.",
        "Anda | Terlihat oleh peserta | Sudah dikonfirmasi Ketua LSP.",
    ]
    assert text(fragment.xpath("//p[@role='status']")[0]) == "Komentar tersimpan."
    assert stored(api) == 2


def test_an_empty_or_too_long_comment_is_refused_at_its_field_and_the_text_is_kept(
    api: Api, direktur: tuple[TestClient, str]
) -> None:
    client, task_id = direktur
    r = client.post(
        f"/tasks/{task_id}/komentar",
        data={"isi": "   "},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf(client)},
    )
    assert r.status_code == 422, r.text
    doc = html(r)
    assert doc.xpath("//textarea[@id='komentar-isi']/@aria-invalid") == ["true"]
    assert doc.xpath("//textarea[@id='komentar-isi']/@aria-describedby") == ["komentar-petunjuk komentar-galat"]
    assert text(doc.xpath("//p[@id='komentar-galat']")[0]) == "Komentar wajib diisi."

    long = "Catatan panjang. " * 250  # 4,250 characters
    r = client.post(
        f"/tasks/{task_id}/komentar",
        data={"csrf": csrf(client), "isi": long, "untuk_peserta": "ya"},
        follow_redirects=False,
    )
    assert r.status_code == 422, r.text
    doc = html(r)
    assert text(doc.xpath("//h1")[0]) == "Komentar"
    assert text(doc.xpath("//p[@id='komentar-galat']")[0]) == (
        "Komentar paling panjang 4.000 karakter (ini 4.249 karakter)."
    )
    assert doc.xpath("//textarea[@id='komentar-isi']/text()") == [long]
    assert doc.xpath("//input[@id='komentar-untuk-peserta']/@checked") == ["checked"]
    assert doc.xpath("//p[@class='jejak']/a/@href") == [f"/tasks/{task_id}"]
    assert stored(api) == 0


def test_a_candidate_comments_on_their_own_task_and_reads_only_what_staff_wrote_for_them(api: Api) -> None:
    period = int(sop.start_period(api)["id"])
    sop.step_1_and_2(api, period)
    sop.open_registration(api, period)
    task = sop.one(api, "peserta", APL)
    instance = task["instance_id"]
    for isi, untuk in (("Berkas KTM belum diperiksa.", False), ("Unggah KTM yang terbaca, ya.", True)):
        r = api.post(
            "kabid_administrasi", f"/api/instances/{instance}/komentar", json={"isi": isi, "untuk_peserta": untuk}
        )
        assert r.status_code == 201, r.text

    with signed_in(api.app, "peserta") as client:
        doc = html(client.get(f"/tasks/{task['id']}"))
        assert doc.xpath("//input[@id='komentar-untuk-peserta']") == []  # nothing of theirs is internal
        r = client.post(f"/tasks/{task['id']}/komentar", data={"csrf": csrf(client), "isi": "Baik, saya unggah ulang."})
        assert r.status_code == 200, r.text  # the redirect followed: the task page
        assert shown(html(r)) == ["Anda | Baik, saya unggah ulang."]

        doc = html(client.get(f"/instances/{instance}/komentar"))
        assert text(doc.xpath("//h1")[0]) == f"Komentar proses {instance}"
        assert doc.xpath("//p[@class='jejak']") == []  # the diagram is for staff
        assert shown(doc) == ["Sri Wahyuni, S.E. | Unggah KTM yang terbaca, ya.", "Anda | Baik, saya unggah ulang."]

    with signed_in(api.app, "peserta3") as client:
        before = stored(api)
        r = client.post(
            f"/tasks/{task['id']}/komentar",
            data={"csrf": csrf(client), "isi": "Bukan tugas saya"},
            follow_redirects=False,
        )
        assert r.status_code == 404
        assert "Tugas tidak ditemukan" in r.text
        assert client.get(f"/instances/{instance}/komentar").status_code == 404
        assert stored(api) == before
