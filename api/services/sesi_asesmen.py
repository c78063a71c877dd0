"""An asesor's work as the Asesor pages show it: their assessment sessions (a period's candidates assigned to
them at one TUK, on the SK Jadwal's days), each candidate's attendance, FR.AK.01 and FR.AK.02 as recorded,
their open tasks grouped by kind, their MET's validity, the documents addressed to them; attendance for a
whole session in one submit; and the context of their task pages (a candidate's FR.APL.01 evidence and
FR.APL.02 self-assessment, the TUK to verify).

Queries only, except `catat_kehadiran`, which completes the session's attendance tasks through
`tasks.complete_batch` (each as if sent alone: the same form, SOP validator and permission). Who a candidate
belongs to is read from the asesor's own tasks (the task data names the candidate, their skema and TUK), so
another asesor's candidates are never found; nothing is kept by hand.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, undefer

from api.auth import CurrentUser
from api.clock import Clock
from api.errors import ApiError
from api.permissions import is_staff, may_read_document
from api.schemas.batch import BatchItem, BatchOutcome, BatchResult
from api.schemas.status import PeriodeAsesor
from api.services import status, tasks
from api.settings import Settings
from api.store.db import Database
from api.store.enums import EventType, InstanceStatus, Role, TaskState
from api.store.master import Asesor, Berkas, Skema, Tuk, VerifikasiTuk
from api.store.models import Dokumen, Event, HumanTask, ProcessInstance
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import WIB, as_date
from service_tasks.jenis_dokumen import JENIS_DOKUMEN, label_of

# Where a task's data names the candidate it is about (as api/services/status.py reads it).
_SUBJECT_KEYS = ("peserta_asesmen", "peserta_pra_asesmen", "peserta_banding")
FORM_KEHADIRAN = "kehadiran.json"
FORM_PENILAIAN = "ak02_penilaian.json"
# The asesor's open tasks on the Beranda, grouped by their form (research section 5), in this order.
KELOMPOK_TUGAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Pra-asesmen", ("pra_asesmen.json",)),
    ("Verifikasi TUK", ("verifikasi_tuk.json",)),
    ("Kehadiran", (FORM_KEHADIRAN,)),
    ("Penilaian", (FORM_PENILAIAN,)),
)
LAINNYA = "Lainnya"
# The Beranda warns when the asesor's MET runs out within this many days.
MET_PERINGATAN_HARI = 60
# The kinds an asesor may read when a document names them (service_tasks/jenis_dokumen.py).
_DOKUMEN_ASESOR = tuple(k for k, j in JENIS_DOKUMEN.items() if j.asesor_membaca_sebagai is not None)


# --------------------------------------------------------------------------------------------------
# What the pages show


@dataclass
class CalonSesi:
    """A candidate of one of my sessions and what has been recorded about their assessment."""

    username: str
    nama: str
    nim: str | None
    skema_nomor: str | None
    skema_judul: str | None
    hadir: bool | None = None  # None: attendance not recorded yet
    tanggal_hadir: date | None = None
    catatan_hadir: str | None = None
    setuju_ak01: bool | None = None  # None: FR.AK.01 not answered
    hasil_ak02: str | None = None  # "K" (every unit K) or "BK"; None: not assessed by me yet
    tugas_kehadiran: str | None = None  # my ready attendance task about them
    tugas_penilaian: str | None = None  # my ready FR.AK.02 task about them


@dataclass
class Sesi:
    """A period's candidates assigned to me at one TUK, assessed in the SK Jadwal's window."""

    root_id: int
    business_key: str | None
    periode: str | None
    tuk_kode: str
    tuk_nama: str | None
    tuk_alamat: str | None
    mulai: date | None
    selesai: date | None
    berjalan: bool
    calon: list[CalonSesi] = field(default_factory=list)

    @property
    def jumlah(self) -> int:
        return len(self.calon)

    @property
    def jumlah_hadir(self) -> int:
        return sum(c.hadir is True for c in self.calon)

    @property
    def belum_dicatat(self) -> int:
        return sum(c.tugas_kehadiran is not None for c in self.calon)

    @property
    def tautan(self) -> str:
        return f"/asesor/sesi/{self.root_id}/{self.tuk_kode}"


@dataclass(frozen=True)
class TugasAsesor:
    id: str
    nama: str
    subjek: str  # the candidate (name and NIM) or the TUK the task is about
    batas: datetime | None


@dataclass(frozen=True)
class DokumenAsesor:
    id: int
    label: str
    nomor: str
    dibuat: datetime
    dirender: bool
    gagal: bool
    tautan: str
    tentang: str | None = None  # the candidate it is about (a kartu, an FR.AK.02 record)


@dataclass(frozen=True)
class Met:
    nomor: str
    berlaku_sd: date
    sisa_hari: int  # negative: expired


@dataclass
class BerandaAsesor:
    met: Met | None  # set only when it runs out within MET_PERINGATAN_HARI days (or has run out)
    sesi: list[Sesi]
    tugas: list[tuple[str, list[TugasAsesor]]]  # (group, tasks) in KELOMPOK_TUGAS order, empty groups left out
    calon: list[PeriodeAsesor]
    dokumen: list[DokumenAsesor]


def beranda(db: Database, user: CurrentUser, now: datetime) -> BerandaAsesor:
    """The asesor's home: sessions, open tasks by kind, candidates (api/services/status.py), MET, documents."""
    today = now.astimezone(WIB).date()
    with db.reading() as session:
        mine = _my_tasks(session, user.username)
        entries = _entries(session, mine)
        out = BerandaAsesor(
            met=_met(session, user, today),
            sesi=_sesi(session, user.username, mine, entries),
            tugas=_tugas(mine, entries),
            calon=[],
            dokumen=_dokumen(session, user, mine, entries),
        )
    out.calon = status.status_saya(db, user, now).asesor
    for periode in out.calon:
        periode.calon.sort(key=lambda c: (c.nim or "", c.nama))
    out.sesi.sort(key=lambda s: (not s.berjalan, s.mulai or date.max, s.tuk_kode))
    return out


def sesi(db: Database, user: CurrentUser, root_id: int, tuk_kode: str) -> Sesi:
    """One of my sessions with its candidates; 404 when I have no candidate at that TUK in that period."""
    with db.reading() as session:
        mine = [t for t in _my_tasks(session, user.username) if t.root_id == root_id]
        found = [s for s in _sesi(session, user.username, mine, _entries(session, mine)) if s.tuk_kode == tuk_kode]
    if not found:
        raise ApiError(404, f"no candidate of yours at TUK {tuk_kode} in period {root_id}")
    return found[0]


def kehadiran_form(db: Database, clock: Clock, settings: Settings, user: CurrentUser, s: Sesi) -> dict[str, Any]:
    """The attendance form as served for the first open attendance task of the session (its titles and the
    day it proposes, `x-isian`), or {} when none is open."""
    first = next((c.tugas_kehadiran for c in s.calon if c.tugas_kehadiran), None)
    if first is None:
        return {}
    schema = tasks.detail(db, clock, settings, user, first).form.schema_ or {}
    return dict(schema)


def catat_kehadiran(
    db: Database,
    clock: Clock,
    settings: Settings,
    user: CurrentUser,
    root_id: int,
    tuk_kode: str,
    baris: dict[str, dict[str, Any]],
) -> BatchResult:
    """Complete the session's attendance tasks named in `baris` (task id -> the form's data) in one batch.

    Only the session's open attendance tasks are sent; a task id that is not one of them (recorded already,
    another session's, someone else's) is that row's 409 and nothing is done for it. Each task is completed
    as if sent alone (`tasks.complete_batch`): a refused row changes nothing and the others are recorded."""
    s = sesi(db, user, root_id, tuk_kode)
    open_ = {c.tugas_kehadiran for c in s.calon if c.tugas_kehadiran}
    items = [BatchItem(task_id=task_id, data=data) for task_id, data in baris.items() if task_id in open_]
    result = tasks.complete_batch(db, clock, settings, user, items) if items else BatchResult(items=[], completed=0)
    stale = [
        BatchOutcome(task_id=task_id, status=409, detail="task is no longer ready")
        for task_id in baris
        if task_id not in open_
    ]
    return BatchResult(items=result.items + stale, completed=result.completed)


# --------------------------------------------------------------------------------------------------
# Task page context


@dataclass(frozen=True)
class ElemenMandiri:
    nomor: int
    judul: str
    kuk: list[str]
    kompeten: bool | None  # None: not answered
    bukti: str | None


@dataclass(frozen=True)
class UnitMandiri:
    kode: str
    judul: str | None
    kompeten: bool | None  # every element K: True; any BK: False; None: not answered
    bukti: str | None
    elemen: list[ElemenMandiri] = field(default_factory=list)


def _unit_mandiri(kode: str, unit: dict[str, Any] | None, answer: dict[str, Any]) -> UnitMandiri:
    """The candidate's FR.APL.02 answers to one unit: per element of the master's unit (matched by its title), and
    for the unit K when every element is K, BK when one is; a submission answering per unit keeps that answer."""
    per_elemen = {a.get("elemen"): a for a in answer.get("elemen") or [] if isinstance(a, dict)}
    elemen = []
    for n, e in enumerate([e for e in (unit or {}).get("elemen") or [] if isinstance(e, dict)], start=1):
        a = per_elemen.get(e.get("judul")) or {}
        elemen.append(
            ElemenMandiri(
                nomor=n,
                judul=str(e.get("judul") or ""),
                kuk=[str(k) for k in e.get("kuk") or []],
                kompeten=a.get("kompeten") if isinstance(a.get("kompeten"), bool) else None,
                bukti=str(a.get("bukti") or "") or None,
            )
        )
    jawab = [e.kompeten for e in elemen if e.kompeten is not None]
    if isinstance(answer.get("kompeten"), bool):
        kompeten: bool | None = answer["kompeten"]
        bukti = str(answer.get("bukti") or "") or None
    else:
        kompeten = False if False in jawab else True if jawab and len(jawab) == len(elemen) else None
        bukti = "; ".join(dict.fromkeys(e.bukti for e in elemen if e.bukti)) or None
    return UnitMandiri(kode=kode, judul=(unit or {}).get("judul"), kompeten=kompeten, bukti=bukti, elemen=elemen)


@dataclass(frozen=True)
class BuktiPendaftaran:
    jenis: str | None
    nama: str | None
    berkas_id: int | None
    berkas_nama: str | None
    berkas_tipe: str | None
    berkas_ukuran: int | None


@dataclass
class Pendaftaran:
    """A candidate's FR.APL.01 evidence and FR.APL.02 self-assessment as last submitted in a period."""

    username: str
    unit: list[UnitMandiri] = field(default_factory=list)
    bukti: list[BuktiPendaftaran] = field(default_factory=list)
    ditemukan: bool = False


def pendaftaran(db: Database, user: CurrentUser, root_id: int, username: str) -> Pendaftaran:
    """The registration a candidate submitted in a period, with their skema's unit titles: for staff, and for
    an asesor who holds (or held) a task about the candidate in that period (the rule of
    `permissions.may_read_file` for the evidence files themselves); else 403."""
    with db.reading() as session:
        subject_instances = select(ProcessInstance.id).where(
            ProcessInstance.root_id == root_id, ProcessInstance.subject == username
        )
        if not is_staff(user):
            held = session.scalars(
                select(HumanTask.id)
                .where(HumanTask.assignee == user.username, HumanTask.instance_id.in_(subject_instances))
                .limit(1)
            ).first()
            if held is None:
                raise ApiError(403, "you hold no task about this candidate in this period")
        submitted = session.execute(
            select(Event.data)
            .join(HumanTask, HumanTask.id == Event.task_id)
            .where(
                Event.instance_id.in_(subject_instances),
                Event.type == EventType.TASK_COMPLETED,
                HumanTask.role == Role.PESERTA,
            )
            .order_by(Event.id.desc())
        ).scalars()
        data = next((d for d in submitted if isinstance(d, dict) and isinstance(d.get("apl02"), list)), None)
        out = Pendaftaran(username=username)
        if data is None:
            return out
        out.ditemukan = True
        apl01 = data.get("apl01") if isinstance(data.get("apl01"), dict) else {}
        skema_nomor = apl01.get("skema_nomor") if isinstance(apl01, dict) else None
        units = _units(session, root_id, username, skema_nomor)
        answers = {str(a.get("unit_kode") or ""): a for a in data["apl02"] if isinstance(a, dict)}
        # The skema's order (the order FR.AK.02 pre-fills its units in), then any answer for another code.
        for kode in list(units) + [k for k in answers if k not in units]:
            out.unit.append(_unit_mandiri(kode, units.get(kode), answers.get(kode, {})))
        bukti = [b for b in (apl01.get("bukti") or []) if isinstance(b, dict)] if isinstance(apl01, dict) else []
        ids = [b["berkas_id"] for b in bukti if isinstance(b.get("berkas_id"), int)]
        files = {b.id: b for b in session.scalars(select(Berkas).where(Berkas.id.in_(ids)))} if ids else {}
        for b in bukti:
            f = files.get(b.get("berkas_id"))  # type: ignore[arg-type]
            out.bukti.append(
                BuktiPendaftaran(
                    jenis=b.get("jenis"),
                    nama=b.get("nama"),
                    berkas_id=f.id if f is not None else None,
                    berkas_nama=f.nama if f is not None else None,
                    berkas_tipe=f.content_type if f is not None else None,
                    berkas_ukuran=f.size if f is not None else None,
                )
            )
        return out


def _units(session: Session, root_id: int, username: str, skema_nomor: Any) -> dict[str, dict[str, Any]]:
    """Unit code -> unit (title, elements and KUK) of the candidate's skema, in the skema's order (the skema named by
    the registration, else by the period's task data about them)."""
    if not isinstance(skema_nomor, str):
        contexts = session.scalars(
            select(HumanTask.context)
            .where(HumanTask.root_id == root_id, HumanTask.subject == username)
            .order_by(HumanTask.created_at.desc())
        )
        skema_nomor = next(
            (
                e.get("skema_nomor")
                for ctx in contexts
                for e in [_entry(ctx or {}, username)]
                if isinstance(e.get("skema_nomor"), str)
            ),
            None,
        )
    skema = session.scalars(select(Skema).where(Skema.nomor == skema_nomor)).first() if skema_nomor else None
    if skema is None:
        return {}
    return {str(u.get("kode")): u for u in skema.unit or [] if isinstance(u, dict)}


@dataclass(frozen=True)
class VerifikasiLalu:
    tanggal: date
    kesimpulan: str
    berlaku_sd: date | None


@dataclass(frozen=True)
class TukVerifikasi:
    kode: str
    nama: str
    jenis: str
    alamat: str
    penanggung_jawab: str
    kapasitas: int
    terakhir: VerifikasiLalu | None


def tuk(db: Database, kode: str) -> TukVerifikasi | None:
    """A TUK's master data and its last recorded verification (any period), for the verification page."""
    with db.reading() as session:
        row = session.scalars(select(Tuk).where(Tuk.kode == kode)).first()
        if row is None:
            return None
        last = session.scalars(
            select(VerifikasiTuk).where(VerifikasiTuk.tuk_id == row.id).order_by(VerifikasiTuk.id.desc()).limit(1)
        ).first()
        return TukVerifikasi(
            kode=row.kode,
            nama=row.nama,
            jenis=row.jenis,
            alamat=row.alamat,
            penanggung_jawab=row.penanggung_jawab,
            kapasitas=row.kapasitas,
            terakhir=VerifikasiLalu(last.tanggal, last.kesimpulan, last.berlaku_sd) if last is not None else None,
        )


# --------------------------------------------------------------------------------------------------
# Queries


def _my_tasks(session: Session, username: str) -> list[HumanTask]:
    """Every task narrowed to me in the asesor lane (ready, done or cancelled), with its data."""
    return list(
        session.scalars(
            select(HumanTask)
            .options(undefer(HumanTask.context))
            .where(HumanTask.assignee == username, HumanTask.role == Role.ASESOR)
            .order_by(HumanTask.created_at)
        )
    )


def _entry(context: dict[str, Any], username: str | None = None) -> dict[str, Any]:
    """The candidate's entry in a task's data (name, NIM, skema, TUK), or {}."""
    for key in _SUBJECT_KEYS:
        found = context.get(key)
        if isinstance(found, dict) and isinstance(found.get("username"), str):
            if username is None or found["username"] == username:
                return found
    return {}


def _entries(session: Session, mine: list[HumanTask]) -> dict[str, dict[str, Any]]:
    """Each of my tasks about a candidate: its entry, with the name, NIM and skema title from the master data
    where the task's data routes on ids only (the pre-assessment), one read for them all."""
    found = {t.id: e for t in mine if (e := _entry(t.context or {}))}
    return dict(zip(found, MasterData(session).data_peserta(found.values()), strict=True))


def _sesi(session: Session, username: str, mine: list[HumanTask], entries: dict[str, dict[str, Any]]) -> list[Sesi]:
    # (root, TUK) -> candidate -> their entry, from my tasks about candidates.
    groups: dict[tuple[int, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for t in mine:
        e = entries.get(t.id, {})
        if e and isinstance(e.get("tuk_kode"), str):
            groups[(t.root_id, e["tuk_kode"])][e["username"]] = e
    if not groups:
        return []
    root_ids = sorted({r for r, _ in groups})
    roots = {r.id: r for r in session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(root_ids)))}
    tuks = {t.kode: t for t in session.scalars(select(Tuk).where(Tuk.kode.in_(sorted({k for _, k in groups}))))}
    windows = _jadwal(session, root_ids)
    periode = _periode(mine)
    recorded = _recorded(session, username, root_ids, {u for people in groups.values() for u in people})
    ready = [t for t in mine if t.state == TaskState.READY]
    out = []
    for (root_id, kode), people in groups.items():
        root = roots.get(root_id)
        mulai, selesai = windows.get(root_id, (None, None))
        s = Sesi(
            root_id=root_id,
            business_key=root.business_key if root is not None else None,
            periode=periode.get(root_id),
            tuk_kode=kode,
            tuk_nama=tuks[kode].nama if kode in tuks else None,
            tuk_alamat=tuks[kode].alamat if kode in tuks else None,
            mulai=mulai,
            selesai=selesai,
            berjalan=root is not None and root.status == InstanceStatus.RUNNING,
        )
        for who, e in sorted(people.items(), key=lambda p: (str(p[1].get("nim") or ""), p[0])):
            c = recorded.get((root_id, who)) or CalonSesi(
                username=who, nama="", nim=None, skema_nomor=None, skema_judul=None
            )
            c.nama, c.nim = str(e.get("nama") or who), e.get("nim")
            c.skema_nomor, c.skema_judul = e.get("skema_nomor"), e.get("skema_judul")
            for t in ready:
                if t.root_id == root_id and t.subject == who:
                    if t.form == FORM_KEHADIRAN:
                        c.tugas_kehadiran = t.id
                    elif t.form == FORM_PENILAIAN:
                        c.tugas_penilaian = t.id
            s.calon.append(c)
        out.append(s)
    return out


def _periode(mine: list[HumanTask]) -> dict[int, str]:
    found: dict[int, str] = {}
    for t in mine:
        name = (t.context or {}).get("periode")
        if isinstance(name, str) and name.strip():
            found[t.root_id] = name
    return found


def _jadwal(session: Session, root_ids: list[int]) -> dict[int, tuple[date | None, date | None]]:
    """Each period's assessment window as its last SK Jadwal states it (as the attendance validator reads it)."""
    out: dict[int, tuple[date | None, date | None]] = {}
    for root_id, data in session.execute(
        select(Dokumen.root_id, Dokumen.data)
        .where(Dokumen.root_id.in_(root_ids), Dokumen.kind == "sk_jadwal")
        .order_by(Dokumen.id)
    ):
        jadwal = (data or {}).get("jadwal") if isinstance(data, dict) else None
        if isinstance(jadwal, dict):
            out[root_id] = (as_date(jadwal.get("asesmen_mulai")), as_date(jadwal.get("asesmen_selesai")))
    return out


def _recorded(
    session: Session, username: str, root_ids: list[int], people: set[str]
) -> dict[tuple[int, str], CalonSesi]:
    """Per (period, candidate): the attendance and FR.AK.01 recorded in the candidate's instances, and my own
    FR.AK.02 (K when every unit is K)."""
    if not people:
        return {}
    instances = {
        i.id: (i.root_id, i.subject)
        for i in session.execute(
            select(ProcessInstance.id, ProcessInstance.root_id, ProcessInstance.subject).where(
                ProcessInstance.root_id.in_(root_ids),
                ProcessInstance.subject.in_(sorted(people)),
                ProcessInstance.parent_id.is_not(None),
            )
        )
    }
    out: dict[tuple[int, str], CalonSesi] = {}
    if not instances:
        return out
    rows = session.execute(
        select(Event.instance_id, Event.actor, Event.data, HumanTask.role, HumanTask.process_key)
        .join(HumanTask, HumanTask.id == Event.task_id)
        .where(Event.instance_id.in_(sorted(instances)), Event.type == EventType.TASK_COMPLETED)
        .order_by(Event.id)
    ).all()
    for instance_id, actor, data, role, process_key in rows:
        root_id, who = instances[instance_id]
        if root_id is None or who is None or not isinstance(data, dict):
            continue
        c = out.setdefault(
            (root_id, who), CalonSesi(username=who, nama="", nim=None, skema_nomor=None, skema_judul=None)
        )
        hadir, ak01, penilaian = data.get("kehadiran"), data.get("ak01"), data.get("penilaian")
        if role == Role.ASESOR and isinstance(hadir, dict) and isinstance(hadir.get("hadir"), bool):
            c.hadir, c.tanggal_hadir = hadir["hadir"], as_date(hadir.get("tanggal"))
            c.catatan_hadir = str(hadir.get("catatan") or "") or None
        elif (
            role == Role.PESERTA
            and process_key == status.PROSES_ASESMEN  # the session's FR.AK.01, not a re-assessment's after an appeal
            and isinstance(ak01, dict)
            and isinstance(ak01.get("setuju"), bool)
        ):
            c.setuju_ak01 = ak01["setuju"]
        elif role == Role.ASESOR and actor == username and isinstance(penilaian, dict):
            unit = [u for u in penilaian.get("unit") or [] if isinstance(u, dict)]
            c.hasil_ak02 = "K" if unit and all(u.get("rekomendasi") == "K" for u in unit) else "BK"
    return out


def _tugas(mine: list[HumanTask], entries: dict[str, dict[str, Any]]) -> list[tuple[str, list[TugasAsesor]]]:
    grouped: dict[str, list[TugasAsesor]] = defaultdict(list)
    kind = {form: name for name, forms in KELOMPOK_TUGAS for form in forms}
    ready = sorted(
        (t for t in mine if t.state == TaskState.READY),
        key=lambda t: (t.due_at is None, t.due_at or datetime.max.replace(tzinfo=WIB), t.created_at),
    )
    for t in ready:
        subjek = _subjek(t, entries.get(t.id, {}))
        grouped[kind.get(t.form or "", LAINNYA)].append(TugasAsesor(t.id, t.name, subjek, t.due_at))
    order = [name for name, _ in KELOMPOK_TUGAS] + [LAINNYA]
    return [(name, grouped[name]) for name in order if grouped.get(name)]


def _subjek(t: HumanTask, e: dict[str, Any]) -> str:
    ctx = t.context or {}
    if e:
        return f"{e.get('nama') or e['username']} ({e['nim']})" if e.get("nim") else str(e.get("nama") or "")
    tuk_ = ctx.get("tuk_verifikasi")
    if isinstance(tuk_, dict) and tuk_.get("kode"):
        return f"{tuk_['kode']} {tuk_.get('nama') or ''}".strip()
    return ""


def _met(session: Session, user: CurrentUser, today: date) -> Met | None:
    asesor = session.scalars(select(Asesor).where(Asesor.user_id == user.id)).first()
    if asesor is None:
        return None
    sisa = (asesor.met_berlaku_sd - today).days
    return Met(asesor.no_reg_met, asesor.met_berlaku_sd, sisa) if sisa <= MET_PERINGATAN_HARI else None


def _dokumen(
    session: Session, user: CurrentUser, mine: list[HumanTask], entries: dict[str, dict[str, Any]]
) -> list[DokumenAsesor]:
    """The documents of the periods I work in that name me (`may_read_document`), newest first, the last
    version of each: the letters and forms addressed to me, and the kartu and records of my own candidates
    (never a period's every candidate document)."""
    root_ids = sorted({t.root_id for t in mine})
    if not root_ids:
        return []
    people = sorted({t.subject for t in mine if t.subject})
    docs = list(
        session.scalars(
            select(Dokumen)
            .where(
                Dokumen.root_id.in_(root_ids),
                Dokumen.kind.in_(_DOKUMEN_ASESOR),
                or_(Dokumen.candidate.is_(None), Dokumen.candidate.in_(people)),
            )
            .order_by(Dokumen.id.desc())
        )
    )
    superseded = {d.supersedes_id for d in docs if d.supersedes_id is not None}
    names = {e["username"]: str(e.get("nama") or e["username"]) for e in entries.values()}
    return [
        DokumenAsesor(
            id=d.id,
            label=label_of(d.kind),
            nomor=d.number,
            dibuat=d.created_at,
            dirender=d.rendered_at is not None,
            gagal=d.render_error is not None and d.rendered_at is None,
            tautan=f"/api/dokumen/{d.id}",
            tentang=names.get(d.candidate) if d.candidate else None,
        )
        for d in docs
        if d.id not in superseded and may_read_document(user, d)
    ]
