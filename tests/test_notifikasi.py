"""Notifications: derived by the worker from the history and the documents, shown in-app (the bell, `/notifikasi`)
and e-mailed through a real SMTP server started here (aiosmtpd), retried when it is down, never twice.

The worker's notification pass is run directly (`notifier.run_pass()`), as `serve`'s thread would; time moves
with the service clock."""

import socket
import threading
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from api.background.notifikasi import Notifier
from api.settings import Settings
from api.store.models import Dokumen, Notifikasi
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.databases import settings_for
from tests.support.pages import post, signed_in
from tests.support.sop_branches import Calon

JWD = sop.JWD
OPR = sop.OPR
RETURNED = "Berkas pendaftaran Anda dikembalikan"
ANDI = "peserta@example.ac.id"  # the demo candidate `peserta`'s address


class Kotak:
    """The SMTP server's mailbox: every message delivered to it, as received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on a local port, which a test may stop (the server is down) and start again."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.kotak = Kotak()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.kotak, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Message]:
        return self.kotak.messages

    def to(self, address: str) -> list[Message]:
        """The messages delivered to `address` (staff may get their daily digest beside, by the time of day)."""
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp: SmtpServer) -> Settings:
    """The tests' settings with the SMTP server above configured."""
    return settings_for(database_url, tmp_path).model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_from": "LSP STMI <lsp@stmi.example.ac.id>"}
    )


def notifier(api: Api) -> Notifier:
    return api.app.state.worker.notifier  # type: ignore[no-any-return]


def passes(api: Api, n: int = 2) -> None:
    """`n` notification passes of the worker (a second finds nothing new)."""
    for _ in range(n):
        notifier(api).run_pass()


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def rows(api: Api, username: str) -> list[Notifikasi]:
    with api.app.state.db.reading() as session:
        found = session.scalars(select(Notifikasi).where(Notifikasi.username == username).order_by(Notifikasi.id))
        return list(found)


def mine(api: Api, username: str, **params: Any) -> dict[str, Any]:
    r = api.get(username, "/api/notifikasi", params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def returned_registration(api: Api) -> int:
    """Registration open for `peserta` and `peserta3`; `peserta`'s files returned for revision."""
    root = b.registration_open(api, [Calon("peserta"), Calon("peserta3", OPR)])
    sop.submit_apl(api, "peserta", JWD)
    sop.check_files(api, {"peserta": ("dikembalikan", "Pindaian KTM tidak terbaca; unggah ulang")})
    return root


def test_a_returned_registration_emails_the_candidate_exactly_once_with_the_reason_and_a_link_to_the_task(
    api: Api, smtp: SmtpServer, settings: Settings
) -> None:
    returned_registration(api)
    assert smtp.to(ANDI) == []  # nothing is sent inside the request
    [apl] = sop.tasks_named(api, "peserta", b.APL)

    passes(api)
    # A second worker (another process) passing over the same history makes and sends nothing more.
    other = Notifier(api.app.state.db, settings, api.app.state.clock)
    other.run_pass()
    passes(api)

    [message] = smtp.to(ANDI)
    assert message["To"] == "peserta@example.ac.id"
    assert message["From"] == "LSP STMI <lsp@stmi.example.ac.id>"
    assert message["Subject"] == RETURNED
    text = body(message)
    assert "Alasan: Pindaian KTM tidak terbaca; unggah ulang" in text
    assert f"http://127.0.0.1:8000/tasks/{apl['id']}" in text
    [row] = rows(api, "peserta")
    assert (row.email_status, row.email_ke, row.email_attempts) == ("terkirim", "peserta@example.ac.id", 0)
    assert rows(api, "peserta3") == []


def test_with_the_smtp_server_down_the_email_is_retried_after_a_pause_and_delivered_once(
    api: Api, smtp: SmtpServer, clock: Any
) -> None:
    returned_registration(api)
    smtp.stop()
    passes(api, 1)
    [row] = rows(api, "peserta")
    assert (row.email_status, row.email_attempts) == ("menunggu", 1)
    assert row.email_error

    smtp.start()
    passes(api)  # the retry waits out its pause (one minute after the first failure)
    assert smtp.to(ANDI) == []

    clock.advance(timedelta(minutes=1, seconds=1))
    passes(api)
    clock.advance(timedelta(hours=3))
    passes(api)
    [message] = smtp.to(ANDI)
    assert message["Subject"] == RETURNED
    [row] = rows(api, "peserta")
    assert (row.email_status, row.email_attempts) == ("terkirim", 1)


def test_a_user_with_email_turned_off_is_notified_in_app_only(api: Api, smtp: SmtpServer) -> None:
    r = api.client.patch("/api/me/notifikasi", headers=api.headers("peserta"), json={"email_notifikasi": False})
    assert r.status_code == 200, r.text
    assert r.json() == {"email": "peserta@example.ac.id", "email_notifikasi": False}
    returned_registration(api)
    passes(api)
    assert smtp.to(ANDI) == []
    seen = mine(api, "peserta")
    assert seen["belum_dibaca"] == 1
    assert [(n["judul"], n["email_status"]) for n in seen["items"]] == [(RETURNED, "tidak_dikirim")]


def test_without_an_smtp_server_configured_notifications_are_in_app_only(
    api: Api, smtp: SmtpServer, database_url: str, tmp_path: Path
) -> None:
    plain = settings_for(database_url, tmp_path)
    assert not plain.smtp_configured
    returned_registration(api)
    quiet = Notifier(api.app.state.db, plain, api.app.state.clock)
    quiet.run_pass()
    quiet.run_pass()
    assert [(n.judul, n.email_status) for n in rows(api, "peserta")] == [(RETURNED, "tidak_dikirim")]
    passes(api)  # the configured worker sends nothing the first decided not to e-mail
    assert smtp.to(ANDI) == []


def test_an_address_that_is_not_an_email_is_refused_at_its_field_and_nothing_changes(api: Api) -> None:
    r = api.client.patch("/api/me/notifikasi", headers=api.headers("peserta"), json={"email": "bukan alamat"})
    assert r.status_code == 422, r.text
    assert [(e["path"], e["message"]) for e in r.json()["errors"]] == [("email", "alamat e-mail tidak valid")]
    assert api.get("peserta", "/api/me/notifikasi").json() == {
        "email": "peserta@example.ac.id",
        "email_notifikasi": True,
    }


def test_a_candidate_never_reads_or_marks_another_candidates_notification(api: Api) -> None:
    returned_registration(api)
    passes(api)
    [n] = mine(api, "peserta")["items"]
    assert mine(api, "peserta3") == {"belum_dibaca": 0, "total": 0, "page": 1, "page_size": 20, "items": []}

    r = api.post("peserta3", f"/api/notifikasi/{n['id']}/baca")
    assert r.status_code == 404, r.text
    assert api.post("peserta3", "/api/notifikasi/baca-semua").json() == {"dibaca": 0}
    assert mine(api, "peserta")["belum_dibaca"] == 1  # unchanged
    with signed_in(api.app, "peserta3") as page:
        assert page.get(f"/notifikasi/{n['id']}/buka", follow_redirects=False).status_code == 404
        assert RETURNED not in page.get("/notifikasi").text
    assert mine(api, "peserta")["belum_dibaca"] == 1

    r = api.post("peserta", f"/api/notifikasi/{n['id']}/baca")
    assert r.status_code == 200, r.text
    assert r.json()["dibaca_at"] is not None
    assert mine(api, "peserta")["belum_dibaca"] == 0


def test_the_bell_counts_the_unread_and_the_list_opens_the_task_marking_it_read(api: Api) -> None:
    returned_registration(api)
    passes(api)
    [apl] = sop.tasks_named(api, "peserta", b.APL)
    [n] = mine(api, "peserta")["items"]
    with signed_in(api.app, "peserta") as page:
        assert 'aria-label="Notifikasi, 1 belum dibaca"' in page.get("/status").text
        listed = page.get("/notifikasi").text
        assert RETURNED in listed and "Alasan: Pindaian KTM tidak terbaca; unggah ulang" in listed
        opened = page.get(f"/notifikasi/{n['id']}/buka", follow_redirects=False)
        assert (opened.status_code, opened.headers["location"]) == (303, f"/tasks/{apl['id']}")
        assert 'aria-label="Notifikasi, tidak ada yang belum dibaca"' in page.get("/status").text
    with signed_in(api.app, "peserta3") as page:
        assert 'aria-label="Notifikasi, tidak ada yang belum dibaca"' in page.get("/status").text


def test_marking_every_notification_read_from_the_list_page_clears_the_bell(api: Api) -> None:
    returned_registration(api)
    passes(api)
    with signed_in(api.app, "peserta") as page:
        assert post(page, "/notifikasi/baca-semua").status_code == 303
        assert "Semua notifikasi sudah dibaca." in page.get("/notifikasi").text
    assert mine(api, "peserta")["belum_dibaca"] == 0


def test_email_is_turned_off_and_the_address_changed_on_the_akun_page(api: Api, smtp: SmtpServer) -> None:
    with signed_in(api.app, "peserta") as page:
        refused = post(page, "/akun/notifikasi", {"email": "bukan alamat", "email_notifikasi": "ya"})
        assert refused.status_code == 422
        assert 'aria-invalid="true"' in refused.text and "Alamat e-mail tidak valid." in refused.text
        saved = post(page, "/akun/notifikasi", {"email": "andi@mail.example.ac.id"})  # the box left unticked
        assert (saved.status_code, saved.headers["location"]) == (303, "/akun?notifikasi_diubah=1")
    assert api.get("peserta", "/api/me/notifikasi").json() == {
        "email": "andi@mail.example.ac.id",
        "email_notifikasi": False,
    }
    returned_registration(api)
    passes(api)
    assert smtp.to(ANDI) + smtp.to("andi@mail.example.ac.id") == []


def test_a_candidates_kartu_is_announced_when_its_file_is_rendered(api: Api, smtp: SmtpServer) -> None:
    b.assigned(api, [Calon("peserta")])
    passes(api)
    assert [n["judul"] for n in mine(api, "peserta")["items"]] == []  # issued, not yet rendered
    api.app.state.worker.render_documents()
    passes(api)
    # With the kartu, the FR.APL.01 Kabid Administrasi decided and the FR.APL.02 the asesor reviewed.
    judul = [
        "Asesmen mandiri Anda (FR.APL.02) sudah ditinjau asesor",
        "Kartu peserta Anda sudah siap",
        "Permohonan sertifikasi Anda (FR.APL.01) sudah diperiksa",
    ]
    items = {n["judul"]: n for n in mine(api, "peserta")["items"]}
    assert sorted(items) == judul
    n = items["Kartu peserta Anda sudah siap"]
    assert n["tautan"].startswith("/dokumen/") and n["tautan"].endswith("/pratinjau")
    assert sorted(m["Subject"] for m in smtp.to(ANDI)) == judul


def test_a_bk_candidate_learns_their_result_and_is_told_a_day_before_the_appeal_window_closes(
    api: Api, smtp: SmtpServer, clock: Any
) -> None:
    b.set_lsp(api, masa_banding_hari=5)
    b.assessed(api, [Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True)])
    b.decide(api, {"peserta3": "BK"})
    t = sop.one(api, "peserta3", b.BANDING)
    batas = datetime.fromisoformat(sop.task_data(api, "peserta3", t["id"])["peserta_banding"]["batas_banding"])
    api.app.state.worker.render_documents()
    passes(api)
    [hasil] = [n for n in mine(api, "peserta3")["items"] if n["jenis"] == "hasil"]
    assert hasil["judul"] == "Hasil uji kompetensi Anda sudah ditetapkan"
    assert "Belum Kompeten (BK)" in hasil["isi"] and "mengajukan banding" in hasil["isi"]

    b.advance_to(api, clock, batas - timedelta(days=1, minutes=5))
    passes(api)
    assert [n for n in mine(api, "peserta3")["items"] if n["jenis"] == "batas_waktu"] == []

    b.advance_to(api, clock, batas - timedelta(hours=23))
    passes(api)
    b.advance_to(api, clock, batas - timedelta(hours=2))
    passes(api)
    [n] = [n for n in mine(api, "peserta3")["items"] if n["jenis"] == "batas_waktu"]
    assert n["judul"] == "Segera berakhir: Mengajukan banding (FR.AK.04)"
    assert n["tautan"] == f"/tasks/{t['id']}"
    assert [m["Subject"] for m in smtp.to("peserta3@example.ac.id")].count(n["judul"]) == 1


def test_an_escalation_is_announced_at_once_to_ketua_lsp(api: Api, smtp: SmtpServer, clock: Any) -> None:
    root = b.assigned(api, [Calon("peserta")])
    due = datetime.fromisoformat(b.instance(api, root)["steps"]["4"]["due_at"])
    b.advance_to(api, clock, due + timedelta(minutes=1))
    [e] = sop.tasks_named(api, "ketua_lsp", "Menindaklanjuti keterlambatan langkah 4")
    passes(api)
    [n] = [n for n in mine(api, "ketua_lsp")["items"] if n["jenis"] == "eskalasi"]
    assert n["judul"] == "Eskalasi: langkah 4 melewati standar waktu"
    assert n["tautan"] == f"/tasks/{e['id']}"
    sent = [m for m in smtp.messages if m["Subject"] == n["judul"]]
    assert [m["To"] for m in sent] == ["ketua_lsp@lsp.example.ac.id"]


def test_staff_get_one_daily_digest_of_new_due_and_overdue_tasks_from_seven_wib(
    api: Api, smtp: SmtpServer, clock: Any
) -> None:
    sop.start_period(api)  # the Direktur's first task is new
    now = api.app.state.clock.now().astimezone(sop.WIB)
    seven = b.wib(now.date() + timedelta(days=1 if now.hour >= 7 else 0), time(7, 0))  # the next 07.00 WIB
    b.advance_to(api, clock, seven - timedelta(minutes=1))
    passes(api)
    assert [n for n in mine(api, "direktur")["items"] if n["jenis"] == "ringkasan"] == []

    b.advance_to(api, clock, seven + timedelta(minutes=1))
    passes(api)
    b.advance_to(api, clock, seven + timedelta(hours=5))
    passes(api)  # later the same day: no second digest
    [n] = [n for n in mine(api, "direktur")["items"] if n["jenis"] == "ringkasan"]
    assert n["judul"].startswith("Ringkasan tugas harian ")
    assert "1 baru sejak kemarin" in n["isi"]
    assert n["tautan"] == "/tasks"
    assert [m["To"] for m in smtp.messages if m["Subject"] == n["judul"]] == ["direktur@lsp.example.ac.id"]
    assert [n for n in mine(api, "peserta")["items"] if n["jenis"] == "ringkasan"] == []


def test_two_workers_passing_at_once_make_and_send_each_notification_once(
    api: Api, smtp: SmtpServer, settings: Settings
) -> None:
    returned_registration(api)
    workers = [Notifier(api.app.state.db, settings, api.app.state.clock) for _ in range(2)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(worker: Notifier) -> None:
        try:
            start.wait()
            for _ in range(3):
                worker.run_pass()
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert [m["Subject"] for m in smtp.to(ANDI)] == [RETURNED]
    assert [(n.judul, n.email_status) for n in rows(api, "peserta")] == [(RETURNED, "terkirim")]


def test_an_email_held_under_another_workers_lease_is_sent_only_when_the_lease_runs_out(
    api: Api, smtp: SmtpServer, settings: Settings, clock: Any
) -> None:
    returned_registration(api)
    dead = Notifier(api.app.state.db, settings, api.app.state.clock)
    dead.derive()
    claimed = api.app.state.db.write(dead._claim)  # it took the e-mail, then died before sending
    assert [c["judul"] for c in claimed if c["to"] == ANDI] == [RETURNED]  # after 07.00 WIB a digest is due too
    passes(api)
    assert smtp.to(ANDI) == []
    clock.advance(timedelta(minutes=5, seconds=1))
    passes(api)
    assert [m["Subject"] for m in smtp.to(ANDI)] == [RETURNED]


def test_a_document_committed_after_one_with_a_higher_id_is_still_announced_on_postgresql(api: Api) -> None:
    if not api.app.state.db.is_postgres:
        pytest.skip("SQLite commits one writer at a time, in id order: nothing can land behind the cursor")
    root = sop.start_period(api)["id"]
    passes(api)
    with api.app.state.db.reading() as session:
        top = session.scalar(select(func.max(Dokumen.id))) or 0

    def kartu(doc_id: int, number: str) -> None:
        with api.app.state.db.transaction() as session:
            session.add(
                Dokumen(
                    id=doc_id,
                    instance_id=root,
                    root_id=root,
                    task_id=f"t-{number}",
                    element_id="e",
                    kind="kartu_peserta",
                    key=number,
                    title="Kartu Peserta Uji Kompetensi",
                    number=number,
                    month=12,
                    year=2026,
                    candidate="peserta",
                    data={},
                    created_at=api.app.state.clock.now(),
                    rendered_at=api.app.state.clock.now(),
                )
            )

    kartu(top + 5, "KP-2")  # its transaction commits first
    passes(api)
    kartu(top + 2, "KP-1")  # a lower id, committed later
    passes(api)
    assert [n.tautan for n in rows(api, "peserta")] == [
        f"/dokumen/{top + 5}/pratinjau",
        f"/dokumen/{top + 2}/pratinjau",
    ]
