"""Kabid Administrasi's queue of evidence checks (SOP step 3) and the progress of a period's fan-outs.

- `antrian`: the registrations awaiting a check (the ready tasks of the form `memeriksa_berkas.json`) the
  user may work on, oldest first, one page at a time, with the period's counts: waiting, returned to the
  candidate (their last check said *dikembalikan* and they have not sent it back yet), accepted, rejected.
  The counts are what the history recorded (each check's submission), never kept by hand.
- `berikutnya`: the oldest check the user may take, claimed for them (two Kabid pressing "Buka berikutnya"
  at once get two different checks); the claim is `services.tasks.claim`, the same as the API's.
- `progres`: per fan-out of a period (a multi-instance call activity, e.g. opening registration for every
  candidate), how many children the worker has started of how many (api/engine/children.py).
- `bukti_pemeriksaan`: the evidence files a check is about, as stored: the candidate's own uploads in the
  period, each checked with `permissions.may_read_file`.
- beside the other Kabid forms: the candidates registration may be opened for (`peserta_pilihan`) and those
  earlier periods carried over to it (`peserta_dibawa`), the asesor ratio (`rasio_asesor`), a period's
  documents per candidate (`dokumen_peserta`, e.g. FR.AK.02).

A bounded number of queries per call, never one per row.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.clock import Clock
from api.errors import ApiError
from api.permissions import is_staff, may_read_document, may_read_file
from api.services import task_rows
from api.services import tasks as task_service
from api.services.instances import period_continuing
from api.settings import Settings
from api.store.db import Database
from api.store.enums import EventType, TaskState
from api.store.master import Berkas, Peserta, Skema
from api.store.models import Dokumen, Event, Fanout, HumanTask, ProcessDefinition, ProcessInstance, User
from service_tasks import peserta_dibawa as dibawa
from service_tasks.data_induk import MasterData

FORM_PERIKSA = "memeriksa_berkas.json"
KEPUTUSAN = ("diterima", "dikembalikan", "ditolak")
UKURAN_HALAMAN = 50


@dataclass(frozen=True)
class Periode:
    id: int
    nama: str


@dataclass
class Hitungan:
    """A period's registrations by where their check stands (one count per candidate)."""

    menunggu: int = 0
    dikembalikan: int = 0
    diterima: int = 0
    ditolak: int = 0


@dataclass(frozen=True)
class BarisAntrian:
    task_id: str
    username: str | None
    nama: str | None
    nim: str | None
    prodi: str | None
    skema: str | None
    skema_judul: str | None
    sejak: datetime
    batas: datetime | None
    diklaim_oleh: str | None
    pemeriksaan_ke: int  # 1 for a first check; 2 after one return, ...


@dataclass
class Antrian:
    periode: Periode | None
    periode_lain: list[Periode]
    hitungan: Hitungan
    baris: list[BarisAntrian] = field(default_factory=list)
    jumlah: int = 0  # rows matching the search, over every page
    halaman: int = 1
    ukuran: int = UKURAN_HALAMAN
    q: str = ""

    @property
    def halaman_terakhir(self) -> int:
        return max(1, -(-self.jumlah // self.ukuran))


def _nama_periode(row: ProcessInstance) -> str:
    return row.business_key or f"Periode {row.id}"


def _periods(session: Session) -> list[Periode]:
    """The periods that have had evidence checks, newest first."""
    ids = select(HumanTask.root_id).where(HumanTask.form == FORM_PERIKSA).distinct()
    rows = session.scalars(
        select(ProcessInstance).where(ProcessInstance.id.in_(ids)).order_by(ProcessInstance.started_at.desc())
    )
    return [Periode(r.id, _nama_periode(r)) for r in rows]


def _mine(user: CurrentUser) -> list[Any]:
    """The open checks this user may work on now (the inbox's rule: their lane, not narrowed to someone else,
    not claimed by someone else)."""
    return [
        HumanTask.form == FORM_PERIKSA,
        HumanTask.state == TaskState.READY,
        HumanTask.role.in_(sorted(user.roles)),
        or_(HumanTask.assignee.is_(None), HumanTask.assignee == user.username),
        or_(HumanTask.claimed_by.is_(None), HumanTask.claimed_by == user.username),
    ]


def _checks_done(session: Session, period_id: int) -> list[tuple[str | None, str | None]]:
    """Each completed check of the period in order: (candidate, keputusan)."""
    rows = session.execute(
        select(HumanTask.subject, Event.data)
        .join(HumanTask, HumanTask.id == Event.task_id)
        .where(
            Event.root_id == period_id,
            Event.type == EventType.TASK_COMPLETED,
            HumanTask.form == FORM_PERIKSA,
        )
        .order_by(Event.id)
    ).all()
    out = []
    for subject, data in rows:
        periksa = (data or {}).get("pemeriksaan")
        keputusan = periksa.get("keputusan") if isinstance(periksa, dict) else None
        out.append((subject, keputusan if isinstance(keputusan, str) else None))
    return out


def hitungan(session: Session, period_id: int) -> tuple[Hitungan, Counter[str]]:
    """The period's counts, and per candidate how many checks were completed."""
    waiting = set(
        session.scalars(
            select(HumanTask.subject).where(
                HumanTask.root_id == period_id, HumanTask.form == FORM_PERIKSA, HumanTask.state == TaskState.READY
            )
        )
    )
    last: dict[str, str] = {}
    done: Counter[str] = Counter()
    for subject, keputusan in _checks_done(session, period_id):
        if subject is None or keputusan is None:
            continue
        last[subject] = keputusan
        done[subject] += 1
    h = Hitungan(menunggu=len(waiting))
    for subject, keputusan in last.items():
        if subject in waiting:
            continue  # sent back after a return: counted as waiting
        if keputusan == "dikembalikan":
            h.dikembalikan += 1
        elif keputusan == "diterima":
            h.diterima += 1
        elif keputusan == "ditolak":
            h.ditolak += 1
    return h, done


def antrian(db: Database, user: CurrentUser, period_id: int | None, q: str, page: int) -> Antrian:
    """One page of the user's queue in a period (by default the period of their oldest open check, else the
    newest period that had checks)."""
    if not is_staff(user):
        raise ApiError(403, "the evidence queue is for the LSP's staff")
    q = q.strip()
    with db.reading() as session:
        periods = _periods(session)
        if period_id is None:
            oldest = session.scalars(select(HumanTask.root_id).where(*_mine(user)).order_by(HumanTask.created_at))
            period_id = oldest.first() or (periods[0].id if periods else None)
        chosen = next((p for p in periods if p.id == period_id), None)
        if chosen is None and period_id is not None:
            # A period without checks yet (registration just opened): its queue is empty, its progress shows.
            row = session.get(ProcessInstance, period_id)
            if row is None or row.parent_id is not None:
                raise ApiError(404, f"no period {period_id}")
            chosen = Periode(row.id, _nama_periode(row))
            periods.insert(0, chosen)
        if chosen is None:
            return Antrian(periode=None, periode_lain=periods, hitungan=Hitungan(), q=q)
        counts, done = hitungan(session, chosen.id)
        where = [*_mine(user), HumanTask.root_id == chosen.id]
        if q:
            where.append(HumanTask.subject.in_(task_rows.subjects_named()))
        params = {"q": task_rows.like_pattern(q)} if q else {}
        total = int(session.scalar(select(func.count()).select_from(HumanTask).where(*where), params) or 0)
        found = session.execute(
            select(
                HumanTask.id,
                HumanTask.subject,
                HumanTask.skema,
                HumanTask.created_at,
                HumanTask.due_at,
                HumanTask.claimed_by,
                HumanTask.root_id,
                HumanTask.step,
            )
            .where(*where)
            .order_by(HumanTask.created_at, HumanTask.id)
            .offset((page - 1) * UKURAN_HALAMAN)
            .limit(UKURAN_HALAMAN),
            params,
        ).all()
        rows = task_rows.describe(session, [dict(r._mapping) for r in found])
        subjects = sorted({r["subject"] for r in rows if r["subject"]})
        prodi = dict(
            session.execute(
                select(User.username, Peserta.prodi)
                .join(Peserta, Peserta.user_id == User.id)
                .where(User.username.in_(subjects))
            ).all()
        )
    baris = [
        BarisAntrian(
            task_id=r["id"],
            username=r["subject"],
            nama=r["subject_name"],
            nim=r["subject_nim"],
            prodi=prodi.get(r["subject"] or ""),
            skema=r["skema"],
            skema_judul=r["skema_judul"],
            sejak=r["created_at"],
            batas=r["due_at"],
            diklaim_oleh=r["claimed_by"],
            pemeriksaan_ke=done.get(r["subject"] or "", 0) + 1,
        )
        for r in rows
    ]
    return Antrian(periode=chosen, periode_lain=periods, hitungan=counts, baris=baris, jumlah=total, halaman=page, q=q)


def berikutnya(db: Database, clock: Clock, settings: Settings, user: CurrentUser, period_id: int | None) -> str | None:
    """Claim for the user the oldest check they may work on (in the period, if given) and return its id; None
    when the queue is empty. A check someone else claims meanwhile is skipped."""
    if not is_staff(user):
        raise ApiError(403, "the evidence queue is for the LSP's staff")
    for _ in range(5):
        with db.reading() as session:
            query = select(HumanTask.id).where(*_mine(user))
            if period_id is not None:
                query = query.where(HumanTask.root_id == period_id)
            # The user's own claimed check first (opened and left), then the oldest.
            candidates = list(
                session.scalars(
                    query.order_by(HumanTask.claimed_by.is_(None), HumanTask.created_at, HumanTask.id).limit(5)
                )
            )
        if not candidates:
            return None
        for task_id in candidates:
            try:
                task_service.claim(db, clock, settings, user, task_id)
            except ApiError as exc:
                if exc.status in (403, 404, 409):  # taken or done by someone else meanwhile
                    continue
                raise
            return task_id
    return None


@dataclass(frozen=True)
class Progres:
    """A fan-out of a period: how many of its children (one per candidate) the worker has started."""

    nama: str
    dimulai: int
    jumlah: int
    selesai: bool
    butir: str  # what each child is about: "peserta" or "TUK"

    @property
    def persen(self) -> int:
        return 100 if self.jumlah == 0 else min(100, self.dimulai * 100 // self.jumlah)


@dataclass(frozen=True)
class Kemajuan:
    """What the worker is doing for a period: whether it has yet to run an instance of it on after a sent step
    (`asyncAfter`: e.g. "Buka pendaftaran" before its fan-out exists), and the period's fan-outs."""

    disiapkan: bool
    daftar: list[Progres]

    @property
    def berjalan(self) -> bool:
        """Whether something is still under way (the page polls until nothing is)."""
        return self.disiapkan or any(not p.selesai for p in self.daftar)


def progres(db: Database, user: CurrentUser, period_id: int) -> Kemajuan:
    """The period's fan-outs, oldest first: the children started of each (the period's own and its
    children's); and whether a step sent in one of them is still being continued."""
    if not is_staff(user):
        raise ApiError(403, "the period's progress is for the LSP's staff")
    with db.reading() as session:
        in_period = select(ProcessInstance.id).where(
            or_(ProcessInstance.id == period_id, ProcessInstance.root_id == period_id)
        )
        rows = session.execute(
            select(Fanout.started, Fanout.total, Fanout.all_started_at, ProcessDefinition.name, Fanout.input_item)
            .join(ProcessDefinition, ProcessDefinition.id == Fanout.definition_id)
            .where(Fanout.parent_id.in_(in_period))
            .order_by(Fanout.id)
        ).all()
        disiapkan = period_continuing(session, period_id)
    return Kemajuan(
        disiapkan,
        [
            Progres(
                nama, int(started), int(total), at is not None, "TUK" if "tuk" in (item or "").lower() else "peserta"
            )
            for started, total, at, nama, item in rows
        ],
    )


@dataclass(frozen=True)
class BerkasBukti:
    """An uploaded evidence file as a check shows it."""

    id: int
    nama: str
    content_type: str
    size: int
    diunggah: datetime

    @property
    def gambar(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def pdf(self) -> bool:
        return self.content_type == "application/pdf"


def bukti_pemeriksaan(
    db: Database, user: CurrentUser, period_id: int, candidate: str | None, ids: list[int]
) -> dict[int, BerkasBukti]:
    """Of the files `ids` a check names, those the candidate uploaded in the period and the user may read: a
    file of another candidate (or another period) named in the data is never shown."""
    if not ids or not candidate:
        return {}
    with db.reading() as session:
        in_period = select(ProcessInstance.id).where(
            or_(ProcessInstance.id == period_id, ProcessInstance.root_id == period_id)
        )
        rows = session.scalars(
            select(Berkas).where(
                Berkas.id.in_(sorted(set(ids))),
                Berkas.uploaded_by == candidate,
                Berkas.instance_id.in_(in_period),
            )
        ).all()
        return {
            b.id: BerkasBukti(b.id, b.nama, b.content_type, b.size, b.created_at)
            for b in rows
            if may_read_file(session, user, b)
        }


# --------------------------------------------------------------------------------------------------
# What the Kabid's task pages show beside their forms (the candidate picker, the asesor's load, the pleno)


@dataclass(frozen=True)
class PesertaPilihan:
    username: str
    nama: str
    nim: str
    prodi: str


def peserta_pilihan(db: Database, user: CurrentUser) -> list[PesertaPilihan]:
    """Every candidate registration may be opened for (the rule of the `peserta_aktif` choices: an active
    record with an active account), by prodi and NIM: one query, whatever their number."""
    if not is_staff(user):
        raise ApiError(403, "the candidate list is for the LSP's staff")
    with db.reading() as session:
        rows = session.execute(
            select(User.username, User.full_name, Peserta.nim, Peserta.prodi)
            .join(Peserta, Peserta.user_id == User.id)
            .where(Peserta.aktif, User.active)
            .order_by(Peserta.prodi, Peserta.nim)
        ).all()
    return [PesertaPilihan(*r) for r in rows]


def rasio_asesor(db: Database) -> int:
    """How many candidates one asesor may assess in a period (the LSP's profile, else the default)."""
    with db.reading() as session:
        return MasterData(session).rasio()


def dokumen_peserta(db: Database, user: CurrentUser, period_id: int, kind: str) -> dict[str, int]:
    """Per candidate, the latest version of a period's document of `kind` about them the user may read."""
    with db.reading() as session:
        rows = session.scalars(
            select(Dokumen)
            .where(Dokumen.root_id == period_id, Dokumen.kind == kind, Dokumen.candidate.is_not(None))
            .order_by(Dokumen.id)
        ).all()
        return {d.candidate: d.id for d in rows if d.candidate and may_read_document(user, d)}


def peserta_dibawa(db: Database, user: CurrentUser, period_id: int) -> list[dict[str, Any]]:
    """The candidates earlier periods carried to a later batch that no period has registered since
    (the open records of `service_tasks.peserta_dibawa`), with name, NIM, skema title, the period and the reason."""
    if not is_staff(user):
        raise ApiError(403, "the candidate list is for the LSP's staff")
    with db.reading() as session:
        rows = [
            {"username": d.username, "skema_nomor": d.skema_nomor, "periode": d.periode, "alasan": d.alasan}
            for d in dibawa.peserta_dibawa(session, period_id)
        ]
        return MasterData(session).data_peserta(rows)


def nama_pengguna(db: Database, usernames: set[str]) -> dict[str, str]:
    """The full names of users (asesor, staff) by username, in one query."""
    if not usernames:
        return {}
    with db.reading() as session:
        return dict(
            session.execute(select(User.username, User.full_name).where(User.username.in_(sorted(usernames)))).all()
        )


def judul_skema(db: Database, nomors: set[str]) -> dict[str, str]:
    """The titles of skema by their numbers, in one query."""
    if not nomors:
        return {}
    with db.reading() as session:
        return dict(session.execute(select(Skema.nomor, Skema.judul).where(Skema.nomor.in_(sorted(nomors)))).all())


def data_peserta(db: Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Candidate rows as the period routes on them (username, skema_nomor...) with name, NIM, prodi and the
    skema's title read from the master data (`MasterData.data_peserta`), in one query per kind."""
    if not rows:
        return rows
    with db.reading() as session:
        return MasterData(session).data_peserta(rows)
