"""Notifications: the worker derives them from the history and the documents and e-mails them, never a request.

A pass does two things, each in short transactions:

1. **Derive** `notifikasi` rows, one per (user, cause), inserted with ON CONFLICT DO NOTHING on the unique
   (username, kunci), so a pass run again or two workers never make two:
   - a candidate whose registration was returned for revision (a `task_completed` event whose
     `pemeriksaan.keputusan` is `dikembalikan`; the candidate is the registration instance's subject);
   - a candidate whose document is rendered (the kinds `service_tasks/jenis_dokumen.py` lets candidates read:
     kartu peserta, FR.AK.01, the FR.AK.02 result, FR.AK.03, FR.AK.04, the appeal's SK, the certificate), and each
     candidate the SK penetapan decides, once it is rendered (their K or BK);
   - a candidate whose ready task closes within a day (the instance's next timer: the appeal window,
     `batas_banding_lewat` in banding_asesmen.bpmn);
   - the users of the lane an escalation task was created in (`step_escalated`), at once;
   - each staff member and asesor with tasks new, due tomorrow or overdue: a digest, once a day from
     `ringkasan_jam` WIB.
   The history is read by event id from a stored cursor (`notifikasi_kursor`), re-reading the last
   `LOOKBACK` ids (a PostgreSQL transaction may commit an event after one with a higher id); the documents
   by id from the lowest one not yet rendered, with the same look back on PostgreSQL.
2. **Send** the e-mails waiting (`email_status = menunggu`): each batch taken under a lease
   (`email_claimed_by/_until`, `FOR UPDATE SKIP LOCKED` on PostgreSQL) as the renderer takes documents, so
   two workers never send one twice; an SMTP failure counts an attempt and retries after a growing pause,
   until `MAX_ATTEMPTS`. Without an SMTP host (`UJIKOM_SMTP_HOST`) notifications are in-app only.
"""

import logging
import os
import smtplib
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import partial
from typing import Any, cast

from sqlalchemy import Table, exists, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.background.loop import BackgroundLoop
from api.background.renderer import MAX_ATTEMPTS as RENDER_ATTEMPTS
from api.clock import CLOCK, Clock
from api.settings import Settings
from api.store.db import Database
from api.store.enums import LANE_ROLES, EventType, InstanceStatus, JenisNotifikasi, Role, StatusEmail, TaskState
from api.store.master import Peserta
from api.store.models import (
    Dokumen,
    Event,
    HumanTask,
    Notifikasi,
    NotifikasiKursor,
    ProcessInstance,
    User,
    UserRole,
)
from service_tasks import format_indonesia as fmt
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.keputusan import KATA_KEPUTUSAN

log = logging.getLogger(__name__)
NOTIFIKASI_TABLE = cast(Table, Notifikasi.__table__)
KURSOR_TABLE = cast(Table, NotifikasiKursor.__table__)
BATCH = 1000  # events or documents read per round trip
LOOKBACK = 200  # event ids read again on every pass
SEND_BATCH = 50
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=2)
WINDOW = timedelta(days=1)  # a candidate is told this long before their task's window closes
# The candidate's documents and what their notice says.
DOKUMEN_PESERTA = {j.kind for j in JENIS_DOKUMEN.values() if j.peserta_membaca}
JUDUL_DOKUMEN = {
    "permohonan_sertifikasi": "Permohonan sertifikasi Anda (FR.APL.01) sudah diperiksa",
    "asesmen_mandiri": "Asesmen mandiri Anda (FR.APL.02) sudah ditinjau asesor",
    "kartu_peserta": "Kartu peserta Anda sudah siap",
    "persetujuan_asesmen": "Persetujuan asesmen Anda (FR.AK.01) sudah terbit",
    "rekaman_asesmen": "Hasil asesmen Anda (FR.AK.02) sudah terbit",
    "umpan_balik_asesmen": "Umpan balik asesmen Anda (FR.AK.03) sudah terbit",
    "banding_asesmen": "Pengajuan banding Anda (FR.AK.04) sudah tercatat",
    "sk_banding": "Keputusan banding Anda sudah terbit",
    "sertifikat": "Sertifikat kompetensi Anda sudah terbit",
}
SK_PENETAPAN = "sk_penetapan"  # the period's results, one row per candidate in its `daftar`
# What a source found: the notifications, and how far its cursors move ({"event": {"nilai": 42}}).
Moves = dict[str, dict[str, Any]]
Found = tuple[list[dict[str, Any]], Moves]
STAFF_ROLES = frozenset(LANE_ROLES.values()) - {Role.PESERTA}


def backoff(attempts: int) -> timedelta:
    """The pause before the next try after `attempts` failed ones: 1, 2, 4 ... minutes, at most two hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LAST_RETRY)


class Notifier(BackgroundLoop):
    name = "ujikom-notifier"

    def __init__(self, db: Database, settings: Settings, clock: Clock = CLOCK) -> None:
        super().__init__(settings.worker_poll_seconds, clock)
        self.db = db
        self.settings = settings
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[-100:]

    def run_pass(self) -> int:
        return self.derive() + self.send()

    def run_until_idle(self, max_rounds: int = 100) -> int:
        total = 0
        for _ in range(max_rounds):
            done = self.run_pass()
            total += done
            if done == 0:
                break
        return total

    # --- deriving -------------------------------------------------------------------------------------------
    def derive(self) -> int:
        """Write the notifications of what happened since the last pass; returns how many are new. Each source is
        read in a read transaction; a write (the new rows, the moved cursor) only when there is something new,
        so an idle pass writes nothing (on SQLite it takes no turn at the write lock)."""
        made = 0
        for source in (self._from_events, self._from_documents, self._closing_windows, self._digests):
            with self.db.reading() as session:
                rows, moves = source(session)
                rows = _not_written(session, rows)
            if rows or moves:
                made += self.db.write(partial(self._save, rows, moves))
        return made

    def _save(self, rows: list[dict[str, Any]], moves: Moves, session: Session) -> int:
        """Insert the new rows and move the cursors forward (never back: another worker may have moved them)."""
        insert = pg_insert if self.db.is_postgres else sqlite_insert
        for nama, move in moves.items():
            session.execute(
                insert(KURSOR_TABLE).values(nama=nama, nilai=0).on_conflict_do_nothing(index_elements=["nama"])
            )
            if "nilai" in move:
                session.execute(
                    update(NotifikasiKursor)
                    .where(NotifikasiKursor.nama == nama, NotifikasiKursor.nilai < move["nilai"])
                    .values(nilai=move["nilai"])
                )
            if "waktu" in move:
                session.execute(
                    update(NotifikasiKursor)
                    .where(
                        NotifikasiKursor.nama == nama,
                        or_(NotifikasiKursor.waktu.is_(None), NotifikasiKursor.waktu < move["waktu"]),
                    )
                    .values(waktu=move["waktu"])
                )
        return self._insert(session, rows)

    def _from_events(self, session: Session) -> Found:
        kursor = _kursor(session, "event")
        top = session.scalar(select(func.max(Event.id))) or 0
        # On SQLite events commit in id order (one writer at a time): nothing behind the cursor is new.
        lookback = LOOKBACK if self.db.is_postgres else 0
        if top <= kursor.nilai and not lookback:
            return [], {}
        returned = Event.data["pemeriksaan"]["keputusan"].as_string() == "dikembalikan"
        rows = session.execute(
            select(Event.id, Event.type, Event.instance_id, Event.task_id, Event.task_name, Event.lane, Event.data)
            .where(
                Event.id > max(kursor.nilai - lookback, 0),
                Event.id <= top,
                or_(Event.type == EventType.STEP_ESCALATED, (Event.type == EventType.TASK_COMPLETED) & returned),
            )
            .order_by(Event.id)
            .limit(BATCH)
        ).all()
        reached = rows[-1].id if len(rows) == BATCH else top
        made: list[dict[str, Any]] = []
        for e in rows:
            if e.type == EventType.TASK_COMPLETED:
                made.extend(self._returned(session, e))
            else:
                made.extend(self._escalation(session, e))
        return made, ({"event": {"nilai": reached}} if reached > kursor.nilai else {})

    def _returned(self, session: Session, e: Any) -> list[dict[str, Any]]:
        pemeriksaan = (e.data or {}).get("pemeriksaan")
        if not isinstance(pemeriksaan, dict) or pemeriksaan.get("keputusan") != "dikembalikan":
            return []
        candidate = session.scalar(select(ProcessInstance.subject).where(ProcessInstance.id == e.instance_id))
        if not candidate:
            return []
        task_id = session.scalar(
            select(HumanTask.id)
            .where(
                HumanTask.instance_id == e.instance_id,
                HumanTask.assignee == candidate,
                HumanTask.state == TaskState.READY,
            )
            .limit(1)
        )
        alasan = str(pemeriksaan.get("alasan") or "").strip()
        isi = "Berkas pendaftaran Anda dikembalikan untuk diperbaiki."
        if alasan:
            isi += f" Alasan: {alasan}"
        return [
            self._row(
                candidate,
                f"dikembalikan:{e.id}",
                JenisNotifikasi.BERKAS_DIKEMBALIKAN,
                "Berkas pendaftaran Anda dikembalikan",
                isi,
                f"/tasks/{task_id}" if task_id else "/status",
            )
        ]

    def _escalation(self, session: Session, e: Any) -> list[dict[str, Any]]:
        role = LANE_ROLES.get(e.lane or "")
        if role is None:
            return []
        step = (e.data or {}).get("step")
        judul = f"Eskalasi: langkah {step} melewati standar waktu" if step else "Eskalasi keterlambatan"
        isi = f"Tugas baru untuk Anda: {e.task_name}."
        return [
            self._row(username, f"eskalasi:{e.id}", JenisNotifikasi.ESKALASI, judul, isi, f"/tasks/{e.task_id}")
            for username in _with_role(session, {role})
        ]

    def _from_documents(self, session: Session) -> Found:
        kursor = _kursor(session, "dokumen")
        lookback = LOOKBACK if self.db.is_postgres else 0  # as for events: a later commit may hold a lower id
        rows = session.execute(
            select(Dokumen.id, Dokumen.kind, Dokumen.candidate, Dokumen.title, Dokumen.rendered_at)
            .add_columns(Dokumen.render_attempts)
            .where(
                Dokumen.id > max(kursor.nilai - lookback, 0),
                or_(
                    Dokumen.candidate.is_not(None) & Dokumen.kind.in_(DOKUMEN_PESERTA),
                    Dokumen.kind == SK_PENETAPAN,
                ),
            )
            .order_by(Dokumen.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return [], {}
        waiting = [r.id for r in rows if r.rendered_at is None and r.render_attempts < RENDER_ATTEMPTS]
        reached = waiting[0] - 1 if waiting else rows[-1].id
        moves: Moves = {"dokumen": {"nilai": reached}} if reached > kursor.nilai else {}
        made = []
        for r in rows:
            if r.rendered_at is None:
                continue
            if r.kind == SK_PENETAPAN:
                made.extend(self._results(session, r.id))
                continue
            made.append(
                self._row(
                    r.candidate,
                    f"dokumen:{r.id}",
                    JenisNotifikasi.DOKUMEN_TERBIT,
                    JUDUL_DOKUMEN.get(r.kind, f"{r.title} sudah terbit"),
                    f"{r.title} sudah dapat Anda lihat dan unduh.",
                    f"/dokumen/{r.id}/pratinjau",
                )
            )
        return made, moves

    def _results(self, session: Session, sk_id: int) -> list[dict[str, Any]]:
        """The SK penetapan is signed (its file rendered): each candidate it decides learns their result."""
        data = session.scalar(select(Dokumen.data).where(Dokumen.id == sk_id)) or {}
        made = []
        for d in data.get("daftar") or []:
            if not isinstance(d, dict) or not isinstance(d.get("username"), str):
                continue
            keputusan = KATA_KEPUTUSAN.get(str(d.get("keputusan")), str(d.get("keputusan") or "-"))
            isi = (
                f"Keputusan rapat pleno untuk skema {d.get('skema_judul') or d.get('skema_nomor') or '-'}: {keputusan}."
            )
            if d.get("keputusan") == "BK":
                isi += " Anda dapat mengajukan banding dalam masa banding; lihat Status saya."
            made.append(
                self._row(
                    d["username"],
                    f"hasil:{sk_id}",
                    JenisNotifikasi.HASIL,
                    "Hasil uji kompetensi Anda sudah ditetapkan",
                    isi,
                    "/status",
                )
            )
        return made

    def _closing_windows(self, session: Session) -> Found:
        """A candidate's ready task in an instance whose next timer (a boundary timer on the task, such as the
        appeal window's) fires within `WINDOW`."""
        now = self.clock.now()
        closing: dict[int, datetime] = {
            instance_id: at
            for instance_id, at in session.execute(
                select(ProcessInstance.id, ProcessInstance.next_timer_at).where(
                    ProcessInstance.next_timer_at > now,
                    ProcessInstance.next_timer_at <= now + WINDOW,
                    ProcessInstance.status == InstanceStatus.RUNNING,
                )
            )
            if at is not None
        }
        if not closing:
            return [], {}
        rows = session.execute(
            select(HumanTask.id, HumanTask.name, HumanTask.assignee, HumanTask.instance_id).where(
                HumanTask.instance_id.in_(sorted(closing)),
                HumanTask.state == TaskState.READY,
                HumanTask.role == Role.PESERTA,
                HumanTask.assignee.is_not(None),
            )
        ).all()
        made = [
            self._row(
                r.assignee,
                f"batas:{r.id}",
                JenisNotifikasi.BATAS_WAKTU,
                f"Segera berakhir: {r.name}",
                f"Batas waktu {r.name} berakhir {_waktu(closing[r.instance_id])}. Setelah itu kesempatan ini tertutup.",
                f"/tasks/{r.id}",
            )
            for r in rows
        ]
        return made, {}

    def _digests(self, session: Session) -> Found:
        """Once a day from `ringkasan_jam` WIB: each staff member's and asesor's tasks new since yesterday, due
        tomorrow and overdue (nothing to say, no digest)."""
        now = self.clock.now()
        local = now.astimezone(fmt.WIB)
        kursor = _kursor(session, "ringkasan")
        today = local.date()
        if local.hour < self.settings.ringkasan_jam:
            return [], {}
        if kursor.waktu is not None and kursor.waktu.astimezone(fmt.WIB).date() >= today:
            return [], {}
        tomorrow_start = datetime.combine(today + timedelta(days=1), datetime.min.time(), fmt.WIB)
        tomorrow_end = tomorrow_start + timedelta(days=1)
        tasks = session.execute(
            select(HumanTask.role, HumanTask.assignee, HumanTask.created_at, HumanTask.due_at).where(
                HumanTask.state == TaskState.READY
            )
        ).all()
        made = []
        for username, roles in _staff(session).items():
            mine = [t for t in tasks if t.assignee == username or (t.assignee is None and t.role in roles)]
            baru = sum(1 for t in mine if t.created_at > now - timedelta(days=1))
            besok = sum(1 for t in mine if t.due_at is not None and tomorrow_start <= t.due_at < tomorrow_end)
            lewat = sum(1 for t in mine if t.due_at is not None and t.due_at < now)
            if not (baru or besok or lewat):
                continue
            isi = (
                f"Tugas Anda per {fmt.tanggal(today)}: {baru} baru sejak kemarin, {besok} jatuh tempo besok, "
                f"{lewat} terlambat."
            )
            made.append(
                self._row(
                    username,
                    f"ringkasan:{today.isoformat()}",
                    JenisNotifikasi.RINGKASAN,
                    f"Ringkasan tugas harian {fmt.tanggal(today)}",
                    isi,
                    "/tasks",
                )
            )
        return made, {"ringkasan": {"waktu": now}}

    def _row(self, username: str, kunci: str, jenis: str, judul: str, isi: str, tautan: str) -> dict[str, Any]:
        return {
            "username": username,
            "kunci": kunci[:200],
            "jenis": jenis,
            "judul": judul[:300],
            "isi": isi,
            "tautan": tautan[:500],
            "created_at": self.clock.now(),
            "dibaca_at": None,
            "email_status": StatusEmail.MENUNGGU if self.settings.smtp_configured else StatusEmail.TIDAK_DIKIRIM,
            "email_attempts": 0,
        }

    def _insert(self, session: Session, rows: list[dict[str, Any]]) -> int:
        """Insert the rows no pass has written before (the unique (username, kunci) skips the rest)."""
        if not rows:
            return 0
        addresses = _addresses(session, {r["username"] for r in rows})
        for r in rows:
            if r["email_status"] == StatusEmail.MENUNGGU and addresses.get(r["username"]) is None:
                r["email_status"] = StatusEmail.TIDAK_DIKIRIM  # e-mail off, or no address
        insert = pg_insert if self.db.is_postgres else sqlite_insert
        made = 0
        for i in range(0, len(rows), 500):
            stmt = insert(NOTIFIKASI_TABLE).values(rows[i : i + 500])
            result = session.execute(stmt.on_conflict_do_nothing(index_elements=["username", "kunci"]))
            made += max(int(getattr(result, "rowcount", 0) or 0), 0)
        return made

    # --- sending --------------------------------------------------------------------------------------------
    def send(self) -> int:
        """E-mail the notifications waiting; returns how many were tried."""
        if not self.settings.smtp_configured:
            return 0
        tried = 0
        while not self.stopping:
            with self.db.reading() as session:  # an idle pass writes nothing
                if not session.scalar(select(exists().where(self._sendable(self.clock.now())))):
                    break
            batch = self.db.write(self._claim)
            if not batch:
                break
            results = self._deliver(batch)
            self.persist(partial(self._record, results))
            tried += len(batch)
            self.progressed()
        return tried

    @staticmethod
    def _sendable(now: datetime) -> Any:
        return (
            (Notifikasi.email_status == StatusEmail.MENUNGGU)
            & or_(Notifikasi.email_next_at.is_(None), Notifikasi.email_next_at <= now)
            & or_(Notifikasi.email_claimed_until.is_(None), Notifikasi.email_claimed_until < now)
        )

    def _claim(self, session: Session) -> list[dict[str, Any]]:
        now = self.clock.now()
        stmt = select(Notifikasi).where(self._sendable(now)).order_by(Notifikasi.id).limit(SEND_BATCH)
        if self.db.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        rows = session.scalars(stmt).all()
        if not rows:
            return []
        session.execute(
            update(Notifikasi)
            .where(Notifikasi.id.in_([r.id for r in rows]))
            .values(email_claimed_by=self.identity, email_claimed_until=now + LEASE)
        )
        addresses = _addresses(session, {r.username for r in rows})
        return [
            {
                "id": r.id,
                "to": addresses.get(r.username),
                "judul": r.judul,
                "isi": r.isi,
                "tautan": r.tautan,
                "attempts": r.email_attempts,
            }
            for r in rows
        ]

    def _deliver(self, batch: list[dict[str, Any]]) -> list[tuple[int, str | None, str | None, int]]:
        """Send each over one SMTP connection: (id, address sent to or None, error or None, attempts)."""
        results: list[tuple[int, str | None, str | None, int]] = []
        wanted = [b for b in batch if b["to"]]
        results.extend((b["id"], None, None, b["attempts"]) for b in batch if not b["to"])  # e-mail turned off
        if not wanted:
            return results
        s = self.settings
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password)
                for b in wanted:
                    try:
                        smtp.send_message(self._message(b))
                        results.append((b["id"], b["to"], None, b["attempts"]))
                    except smtplib.SMTPException as exc:
                        results.append((b["id"], None, f"{type(exc).__name__}: {exc}", b["attempts"] + 1))
        except (OSError, smtplib.SMTPException) as exc:  # the server is down or refused us: every one waits
            log.warning("notifications: SMTP %s:%s failed: %s", s.smtp_host, s.smtp_port, exc)
            done = {r[0] for r in results}
            results.extend(
                (b["id"], None, f"{type(exc).__name__}: {exc}", b["attempts"] + 1)
                for b in wanted
                if b["id"] not in done
            )
        return results

    def _message(self, b: dict[str, Any]) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = b["judul"]
        msg["From"] = self.settings.smtp_from
        msg["To"] = b["to"]
        msg["Message-ID"] = f"<notifikasi-{b['id']}@{self.settings.smtp_host}>"
        link = self.settings.public_base_url.rstrip("/") + b["tautan"]
        msg.set_content(
            f"{b['isi']}\n\nBuka: {link}\n\n"
            "Pesan ini dikirim otomatis. Pemberitahuan lewat e-mail dapat dimatikan di halaman Akun.\n"
        )
        return msg

    def _record(self, results: Sequence[tuple[int, str | None, str | None, int]]) -> None:
        now = self.clock.now()
        released = {"email_claimed_by": None, "email_claimed_until": None}
        with self.db.transaction() as session:
            for id_, to, error, attempts in results:
                mine = (Notifikasi.id == id_) & (Notifikasi.email_status == StatusEmail.MENUNGGU)
                values: dict[str, Any]
                if error is None and to is not None:
                    values = {"email_status": StatusEmail.TERKIRIM, "email_ke": to, "email_sent_at": now}
                elif error is None:
                    values = {"email_status": StatusEmail.TIDAK_DIKIRIM}
                else:
                    mine &= Notifikasi.email_claimed_by == self.identity
                    values = {
                        "email_attempts": attempts,
                        "email_error": error[:2000],
                        "email_next_at": now + backoff(attempts),
                        "email_status": StatusEmail.GAGAL if attempts >= MAX_ATTEMPTS else StatusEmail.MENUNGGU,
                    }
                session.execute(update(Notifikasi).where(mine).values(**values, **released))


@dataclass(frozen=True)
class Kursor:
    nilai: int = 0
    waktu: datetime | None = None


def _kursor(session: Session, nama: str) -> Kursor:
    """How far the passes have read a source (nothing yet: from the start)."""
    row = session.execute(
        select(NotifikasiKursor.nilai, NotifikasiKursor.waktu).where(NotifikasiKursor.nama == nama)
    ).first()
    return Kursor(row.nilai, row.waktu) if row is not None else Kursor()


def _not_written(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows no pass has written yet (read, so an idle pass need not write)."""
    if not rows:
        return []
    written: set[tuple[str, str]] = set()
    keys = sorted({(r["username"], r["kunci"]) for r in rows})
    pair = tuple_(Notifikasi.username, Notifikasi.kunci)  # the unique index's columns: one probe per pair
    for i in range(0, len(keys), 400):
        found = session.execute(select(Notifikasi.username, Notifikasi.kunci).where(pair.in_(keys[i : i + 400])))
        written.update((u, k) for u, k in found)
    return [r for r in rows if (r["username"], r["kunci"]) not in written]


def _with_role(session: Session, roles: Iterable[str]) -> list[str]:
    return list(
        session.scalars(
            select(User.username)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_(list(roles)), User.active.is_(True))
            .distinct()
            .order_by(User.username)
        )
    )


def _staff(session: Session) -> dict[str, set[str]]:
    """Active users with a lane role other than candidate: username -> their roles."""
    found: dict[str, set[str]] = {}
    for username, role in session.execute(
        select(User.username, UserRole.role)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(list(STAFF_ROLES)), User.active.is_(True))
    ):
        found.setdefault(username, set()).add(role)
    return found


def _addresses(session: Session, usernames: set[str]) -> dict[str, str | None]:
    """Where each user's notifications are e-mailed now: their address (a candidate's peserta record's when
    their account has none), None when they turned e-mail off, are inactive or have no address."""
    rows = session.execute(
        select(User.username, User.email, User.email_notifikasi, User.active, Peserta.email)
        .outerjoin(Peserta, Peserta.user_id == User.id)
        .where(User.username.in_(sorted(usernames)))
    ).all()
    return {u: ((own or peserta) if wants and active else None) or None for u, own, wants, active, peserta in rows}


def _waktu(value: datetime) -> str:
    local = value.astimezone(fmt.WIB)
    return f"{fmt.tanggal(local)}, {local:%H.%M} WIB"
