"""`GET /api/me/status`: where a candidate stands in each period they are in, and an asesor's candidates.

Queries only, in one read-only transaction, and a bounded number of them: per caller a handful of queries
over instances, tasks, history and documents, plus the recorded decisions per period that has an SK
Penetapan (`service_tasks.keputusan_tercatat`). Nothing is kept by hand: the step is the candidate's
running child instance's (or the period's open) SOP step, what they must do their ready tasks, what they
wait for the open tasks of others in their own child instances (by task and role only), the results the
submissions the history recorded, the documents those issued about them that they may read, their own
child instances (which processes they went through), the schedule, TUK and asesor their current kartu peserta
names, and the end of the appeal window while their FR.AK.04 is open. The candidate's pages (api/ui/peserta.py)
draw their tracker from exactly this.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from api.auth import CurrentUser
from api.permissions import may_read_document
from api.schemas.status import (
    CalonAsesor,
    DokumenSaya,
    Hasil,
    HasilKeputusan,
    HasilPendaftaran,
    HasilPraAsesmen,
    JadwalSaya,
    Kehadiran,
    Langkah,
    Menunggu,
    PeriodeAsesor,
    PeriodeSaya,
    Persetujuan,
    ProsesSaya,
    StatusSaya,
    TugasSaya,
)
from api.services import tasks
from api.store.db import Database
from api.store.enums import EventType, InstanceStatus, Role, TaskState
from api.store.master import Peserta
from api.store.models import Dokumen, Event, HumanTask, ProcessInstance, User
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import as_date
from service_tasks.jenis_dokumen import label_of
from service_tasks.keputusan_tercatat import keputusan_akhir

# Where a task's data names the candidate it is about (the call activities' inputs).
_SUBJECT_KEYS = ("peserta_asesmen", "peserta_pra_asesmen", "pendaftar", "peserta_banding")
# The child process of step 5: its FR.AK.01 is the assessment's (an upheld appeal's re-assessment asks again, in
# banding_asesmen, and is not the assessment's consent).
PROSES_ASESMEN = "pelaksanaan_uji_kompetensi"
FORM_BANDING = "banding_ak04.json"  # the candidate's appeal (FR.AK.04), open while the window is


def status_saya(db: Database, user: CurrentUser, now: datetime) -> StatusSaya:
    with db.reading() as session:
        return StatusSaya(
            username=user.username,
            peran=sorted(user.roles),
            # What "Tugas saya" holds: inside a substitution's range also the absent official's tasks.
            tugas_siap=tasks.ready_total(session, user, now),
            peserta=_peserta(session, user) if user.has_any(Role.PESERTA) else [],
            asesor=_asesor(session, user.username) if user.has_any(Role.ASESOR) else [],
        )


def peserta_saya(db: Database, user: CurrentUser) -> list[PeriodeSaya]:
    """The candidate's part of `status_saya` alone (each period they are in)."""
    with db.reading() as session:
        return _peserta(session, user) if user.has_any(Role.PESERTA) else []


# --------------------------------------------------------------------------------------------------
# Steps and tasks


def _aware(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _langkah(nomor: str | None, *recorded: dict[str, Any] | None) -> Langkah | None:
    if not nomor:
        return None
    for steps in recorded:
        step = (steps or {}).get(nomor)
        if isinstance(step, dict):
            return Langkah(
                nomor=nomor,
                nama=step.get("name"),
                mulai=_aware(step.get("started_at")),
                batas=_aware(step.get("due_at")),
            )
    return Langkah(nomor=nomor, nama=None, batas=None)


def _open_step(steps: dict[str, Any] | None) -> str | None:
    """The period's last started step not yet completed (or its last started step)."""
    started = [
        (str(v.get("started_at")), k, "completed_at" in v) for k, v in (steps or {}).items() if isinstance(v, dict)
    ]
    open_ = [s for s in started if not s[2]]
    found = max(open_ or started, default=None)
    return found[1] if found else None


def _step_of(tasks: list[HumanTask], children: list[ProcessInstance], root: ProcessInstance) -> Langkah | None:
    """The step a candidate stands at: of their open tasks, else of their running child instances, else the
    period's open step; named as the period (or the child) recorded it."""
    nomor = min((t.sop_step for t in tasks if t.sop_step), default=None)
    running = [c for c in children if c.status == InstanceStatus.RUNNING]
    if nomor is None and running:
        nomor = max((c.sop_step for c in running if c.sop_step), default=None)
    if nomor is None:
        nomor = _open_step(root.steps)
    return _langkah(nomor, root.steps, *[c.steps for c in children])


def _tugas(t: HumanTask) -> TugasSaya:
    return TugasSaya(id=t.id, nama=t.name, langkah=t.sop_step, batas=t.due_at, tautan=f"/api/tasks/{t.id}")


def _menunggu(t: HumanTask) -> Menunggu:
    return Menunggu(nama=t.name, peran=t.role, lane=t.lane, langkah=t.sop_step, batas=t.due_at)


def _ready(session: Session, instance_ids: set[int]) -> list[HumanTask]:
    if not instance_ids:
        return []
    return list(
        session.scalars(
            select(HumanTask)
            .where(HumanTask.instance_id.in_(sorted(instance_ids)), HumanTask.state == TaskState.READY)
            .order_by(HumanTask.due_at, HumanTask.created_at)
        )
    )


def _roots(session: Session, ids: set[int]) -> dict[int, ProcessInstance]:
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(sorted(ids))))}


# --------------------------------------------------------------------------------------------------
# A candidate


def _peserta(session: Session, user: CurrentUser) -> list[PeriodeSaya]:
    username = user.username
    children = list(
        session.scalars(
            select(ProcessInstance).where(ProcessInstance.subject == username, ProcessInstance.parent_id.is_not(None))
        )
    )
    own = list(
        session.scalars(
            select(HumanTask)
            .options(undefer(HumanTask.context))  # a candidate's own few tasks: the appeal's window is in it
            .where(HumanTask.assignee == username, HumanTask.state == TaskState.READY)
            .order_by(HumanTask.due_at, HumanTask.created_at)
        )
    )
    docs = list(session.scalars(select(Dokumen).where(Dokumen.candidate == username).order_by(Dokumen.id)))
    roots = _roots(session, {c.root_id or c.id for c in children} | {t.root_id for t in own})
    child_ids = {c.id for c in children}
    others = [t for t in _ready(session, child_ids) if t.assignee != username]
    hasil = _hasil(session, username, child_ids, set(roots))
    superseded = {d.supersedes_id for d in docs if d.supersedes_id is not None}

    out = []
    for root in sorted(roots.values(), key=lambda r: r.started_at):
        mine = [t for t in own if t.root_id == root.id]
        waits = [t for t in others if t.root_id == root.id]
        kids = [c for c in children if (c.root_id or c.id) == root.id]
        out.append(
            PeriodeSaya(
                instance_id=root.id,
                business_key=root.business_key,
                status=root.status,
                langkah=_step_of(mine + waits, kids, root),
                harus=[_tugas(t) for t in mine],
                menunggu=[_menunggu(t) for t in waits],
                hasil=hasil.get(root.id, Hasil()),
                dokumen=[
                    _dokumen(d)
                    for d in docs
                    if d.root_id == root.id and d.id not in superseded and may_read_document(user, d)
                ],
                proses=[
                    ProsesSaya(key=c.key, status=c.status, mulai=c.started_at, selesai=c.ended_at)
                    for c in sorted(kids, key=lambda c: (c.started_at, c.id))
                ],
                jadwal=_jadwal([d for d in docs if d.root_id == root.id and d.id not in superseded]),
                batas_banding=_batas_banding(mine),
            )
        )
    return out


def _jadwal(docs: list[Dokumen]) -> JadwalSaya | None:
    """The schedule, TUK and asesor on the candidate's current kartu peserta (a re-issued card replaces it)."""
    kartu = [d for d in docs if d.kind == "kartu_peserta"]
    if not kartu:
        return None
    data = kartu[-1].data or {}
    jadwal, tuk, asesor, sesi = (_obj(data.get(k)) for k in ("jadwal", "tuk", "asesor", "sesi"))
    hari = as_date(sesi.get("tanggal"))
    return JadwalSaya(
        asesmen_mulai=hari or as_date(jadwal.get("asesmen_mulai")),
        asesmen_selesai=hari or as_date(jadwal.get("asesmen_selesai")),
        tuk_kode=tuk.get("kode"),
        tuk_nama=tuk.get("nama"),
        tuk_alamat=tuk.get("alamat"),
        asesor_nama=asesor.get("nama"),
        sesi=sesi.get("nomor") if hari is not None else None,
        pukul=f"{sesi.get('mulai')}–{sesi.get('selesai')} WIB" if hari is not None else None,
    )


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _batas_banding(mine: list[HumanTask]) -> datetime | None:
    """The end of the appeal window, from the candidate's open FR.AK.04 task (`peserta_banding`; the re-assessment's
    FR.AK.01 and FR.AK.03 after an upheld appeal carry it too, but the window is over then)."""
    for t in mine:
        if t.form != FORM_BANDING:
            continue
        banding = (t.context or {}).get("peserta_banding")
        if isinstance(banding, dict) and banding.get("username") == t.assignee:
            return _aware(banding.get("batas_banding"))
    return None


def _dokumen(d: Dokumen) -> DokumenSaya:
    return DokumenSaya(
        id=d.id,
        kind=d.kind,
        label=label_of(d.kind),
        nomor=d.number,
        dirender=d.rendered_at is not None,
        tautan=f"/api/dokumen/{d.id}",
    )


def _hasil(session: Session, username: str, child_ids: set[int], root_ids: set[int]) -> dict[int, Hasil]:
    """Per period: the registration check and attendance recorded in the candidate's own child instances
    (the last submission of the role entitled to it), and the certification decision as recorded."""
    hasil: dict[int, Hasil] = defaultdict(Hasil)
    if child_ids:
        rows = session.execute(
            select(Event, HumanTask.role, HumanTask.process_key)
            .join(HumanTask, HumanTask.id == Event.task_id)
            .where(Event.instance_id.in_(sorted(child_ids)), Event.type == EventType.TASK_COMPLETED)
            .order_by(Event.id)
        ).all()
        for e, role, process_key in rows:
            data = e.data or {}
            periksa, hadir, ak01 = data.get("pemeriksaan"), data.get("kehadiran"), data.get("ak01")
            pra = data.get("pra_asesmen")
            if role == Role.KABID_ADMINISTRASI and isinstance(periksa, dict) and periksa.get("keputusan"):
                hasil[e.root_id].pendaftaran = HasilPendaftaran(
                    keputusan=str(periksa["keputusan"]), alasan=periksa.get("alasan") or None, pada=e.at
                )
            elif role == Role.ASESOR and isinstance(pra, dict) and pra.get("rekomendasi"):
                hasil[e.root_id].pra_asesmen = HasilPraAsesmen(
                    rekomendasi=str(pra["rekomendasi"]), catatan=pra.get("catatan") or None, pada=e.at
                )
            elif role == Role.ASESOR and isinstance(hadir, dict) and isinstance(hadir.get("hadir"), bool):
                hasil[e.root_id].kehadiran = Kehadiran(
                    hadir=hadir["hadir"],
                    tanggal=as_date(hadir.get("tanggal")),
                    catatan=hadir.get("catatan") or None,
                    pada=e.at,
                )
            elif (
                role == Role.PESERTA
                and process_key == PROSES_ASESMEN  # not the consent to a re-assessment after an appeal
                and isinstance(ak01, dict)
                and isinstance(ak01.get("setuju"), bool)
            ):
                hasil[e.root_id].persetujuan = Persetujuan(
                    setuju=ak01["setuju"], catatan=ak01.get("catatan") or None, pada=e.at
                )
    if root_ids:
        pleno_instances = session.execute(
            select(Dokumen.root_id, Dokumen.instance_id)
            .where(Dokumen.root_id.in_(sorted(root_ids)), Dokumen.kind == "sk_penetapan")
            .distinct()
        ).all()
        for root_id, instance_id in pleno_instances:
            k = keputusan_akhir(session, instance_id).get(username)
            if k is not None:
                hasil[root_id].keputusan = HasilKeputusan(
                    keputusan=k.keputusan,
                    sumber=k.sumber,
                    pada=k.diputuskan_at,
                    dokumen_id=k.dokumen_id,
                    dibawa=k.dibawa,
                    alasan=k.alasan,
                )
    return hasil


# --------------------------------------------------------------------------------------------------
# An asesor


def _about(task: HumanTask, username: str) -> dict[str, Any]:
    """The candidate's entry in the task's data (skema, TUK), or {}."""
    for key in _SUBJECT_KEYS:
        found = (task.context or {}).get(key)
        if isinstance(found, dict) and found.get("username") == username:
            return found
    return {}


def _judul(master: MasterData, nomor: Any) -> str | None:
    skema = master.skema(nomor)
    return skema.judul if skema is not None else None


def _asesor(session: Session, username: str) -> list[PeriodeAsesor]:
    mine = list(
        session.scalars(
            select(HumanTask)
            .options(undefer(HumanTask.context))
            .where(HumanTask.assignee == username, HumanTask.role == Role.ASESOR)
            .order_by(HumanTask.created_at)
        )
    )
    if not mine:
        return []
    held = _roots(session, {t.instance_id for t in mine})
    pairs = {(i.root_id or i.id, i.subject) for i in held.values() if i.subject}
    people = {
        u.username: (u.full_name, nim)
        for u, nim in session.execute(
            select(User, Peserta.nim)
            .join(Peserta, Peserta.user_id == User.id)
            .where(User.username.in_(sorted({s for _, s in pairs if s})))
        ).all()
    }
    pairs = {(r, s) for r, s in pairs if s in people}
    if not pairs:
        return []
    kids = list(
        session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.root_id.in_(sorted({r for r, _ in pairs})),
                ProcessInstance.subject.in_(sorted({s for _, s in pairs if s})),
                ProcessInstance.parent_id.is_not(None),
            )
        )
    )
    kids = [k for k in kids if (k.root_id, k.subject) in pairs]
    ready = _ready(session, {k.id for k in kids})
    roots = _roots(session, {r for r, _ in pairs})

    master = MasterData(session)  # a skema's title where the task's record carries ids only (pre-assessment)
    out = []
    for root in sorted(roots.values(), key=lambda r: r.started_at):
        calon = []
        for subject in sorted(s for r, s in pairs if r == root.id and s):
            theirs = [k for k in kids if k.root_id == root.id and k.subject == subject]
            ids = {k.id for k in theirs}
            open_ = [t for t in ready if t.instance_id in ids]
            about: dict[str, Any] = {}
            for t in mine:
                if t.instance_id in ids:
                    about = _about(t, subject) or about
            nama, nim = people[subject]
            calon.append(
                CalonAsesor(
                    username=subject,
                    nama=nama,
                    nim=nim,
                    skema_nomor=about.get("skema_nomor"),
                    skema_judul=about.get("skema_judul") or _judul(master, about.get("skema_nomor")),
                    tuk_kode=about.get("tuk_kode"),
                    langkah=_step_of(open_, theirs, root),
                    harus=[_tugas(t) for t in open_ if t.assignee == username],
                    menunggu=[_menunggu(t) for t in open_ if t.assignee != username],
                )
            )
        out.append(PeriodeAsesor(instance_id=root.id, business_key=root.business_key, status=root.status, calon=calon))
    return out
