"""A period at a glance for Ketua LSP and Direktur (`/dasbor`, `GET /api/periode/{id}/dasbor`).

Queries only, in one read-only transaction, a fixed number per panel whatever the number of candidates
(never one per candidate):
- steps: the period's step record (`process_instance.steps`, as the Laporan reads it) against the steps and
  time standards of the BPMN version the period runs, and the ready tasks per step (one grouped query);
- escalations: the `step_escalated` events with their tasks (one query);
- target to certificate: the Direktur's target (the period's own history), the candidates' registration,
  check and attendance as their entitled roles submitted them (one query over the period's submissions,
  reading only the few answers it counts), the final decisions as recorded (the Laporan's
  `keputusan_periode`) and the certificate register (one query);
- K/BK per TUK and asesor: the final decisions above against Kabid Sertifikasi's assignment of each candidate
  (one query over the period's assignment submissions, a handful); a K through an upheld appeal counts under the
  re-assessing asesor, as in the Laporan (`keputusan_tercatat.asesor_hasil`);
- time-standard compliance: the period's tasks that have a due, done by it, after it or open past it, per step,
  role and person (one grouped query on `human_task`);
- documents: render progress per kind (one grouped query), and the Laporan's latest version (one query).

The trend (`tren`) sets the last periods side by side: the funnel's totals per period as above, and the step
and task compliance of every period in one grouped query each.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from api.background.renderer import progress_by_kind
from api.engine.lint_rules import SOP_PROCESS
from api.engine.process_models import model_of_definition
from api.schemas.dasbor import (
    CorongBaris,
    Dasbor,
    DokumenJenis,
    DokumenProgres,
    Eskalasi,
    Kepatuhan,
    KepatuhanBaris,
    KeputusanKelompok,
    KeputusanSkema,
    LangkahDasbor,
    LaporanPeriode,
    PeriodeRingkas,
    TrenPeriode,
)
from api.services.instances import period_continuing
from api.store.db import Database
from api.store.enums import LANE_ROLES, EventType, Role, SertifikatStatus, TaskState
from api.store.master import Peserta, Sertifikat, Skema, Tuk
from api.store.models import Dokumen, Event, HumanTask, ProcessInstance, User
from service_tasks.dokumen.laporan import keputusan_tercatat_periode, waktu_langkah
from service_tasks.guards import objects
from service_tasks.jenis_dokumen import label_of
from service_tasks.keputusan_tercatat import KeputusanTercatat, asesor_hasil, terakhir

PERIODE_MAKS = 200  # the periods listed, newest first (an LSP runs two or three a year)
TREN_MAKS = 10  # the periods the trend compares, the newest ones
LANE_OF: dict[str, str] = {role: lane for lane, role in LANE_ROLES.items()}
TANPA_PRODI = "(prodi tidak tercatat)"
TANPA_SKEMA = "-"


def periode_list(db: Database) -> list[PeriodeRingkas]:
    """The periods, newest first, each with its running step and open escalations."""
    with db.reading() as session:
        roots = list(
            session.scalars(
                select(ProcessInstance)
                .where(ProcessInstance.parent_id.is_(None), ProcessInstance.key == SOP_PROCESS)
                .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
                .limit(PERIODE_MAKS)
            )
        )
        open_ = _open_escalations(session, [r.id for r in roots])
        return [_ringkas(r, open_.get(r.id, 0)) for r in roots]


def dasbor(db: Database, now: datetime, period_id: int) -> Dasbor | None:
    """Every panel of one period, or None when `period_id` is not a period."""
    with db.reading() as session:
        root = session.get(ProcessInstance, period_id)
        if root is None or root.parent_id is not None or root.key != SOP_PROCESS:
            return None
        eskalasi = _eskalasi(session, root)
        langkah = _langkah(session, root, now, eskalasi)
        calon = _calon(session, root)
        corong, total, prodi, keputusan = _corong(session, root, calon)
        per_tuk, per_asesor = _keputusan_kelompok(session, root.id, calon)
        return Dasbor(
            periode=_ringkas(root, sum(1 for e in eskalasi if e.terbuka)).model_copy(
                update={"sedang_diproses": period_continuing(session, root.id)}
            ),
            pada=now,
            langkah=langkah,
            eskalasi=eskalasi,
            corong=corong,
            corong_total=total,
            corong_prodi=prodi,
            keputusan=keputusan,
            keputusan_tuk=per_tuk,
            keputusan_asesor=per_asesor,
            kepatuhan=_kepatuhan(session, root, now, {s.nomor: s.nama for s in langkah}, [e.task_id for e in eskalasi]),
            dokumen=_dokumen(session, root.id),
            laporan=_laporan(session, root.id),
        )


# --------------------------------------------------------------------------------------------------
# The period and its steps


def _aware(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _running_step(steps: dict[str, Any] | None) -> str | None:
    started = [n for n, s in (steps or {}).items() if isinstance(s, dict) and not s.get("completed_at")]
    return max(started, key=lambda n: (len(n), n)) if started else None


def _ringkas(root: ProcessInstance, eskalasi_terbuka: int) -> PeriodeRingkas:
    step = _running_step(root.steps)
    return PeriodeRingkas(
        id=root.id,
        business_key=root.business_key,
        status=root.status,
        mulai=root.started_at,
        selesai=root.ended_at,
        langkah_berjalan=step,
        langkah_berjalan_nama=((root.steps or {}).get(step) or {}).get("name") if step else None,
        eskalasi_terbuka=eskalasi_terbuka,
    )


def _period_instances(root_id: int) -> Any:
    """The ids of the period's instances (its root and every child: `root_id` is the root's own id there)."""
    return select(ProcessInstance.id).where(ProcessInstance.root_id == root_id)


def _langkah(session: Session, root: ProcessInstance, now: datetime, eskalasi: list[Eskalasi]) -> list[LangkahDasbor]:
    """Every step of the BPMN version the period runs (those not reached yet too), as the Laporan times them."""
    model = model_of_definition(session, root.definition_id)
    reached = {row["langkah"]: row for row in waktu_langkah(root.steps)}
    open_tasks = dict(
        session.execute(
            select(HumanTask.step, func.count())
            .where(HumanTask.instance_id.in_(_period_instances(root.id)), HumanTask.state == TaskState.READY)
            .group_by(HumanTask.step)
        ).all()
    )
    escalated: dict[str, int] = defaultdict(int)
    for e in eskalasi:
        if e.terbuka and e.langkah:
            escalated[e.langkah] += 1
    out = []
    for nomor in sorted(set(model.step_standards) | set(reached), key=lambda n: (len(n), n)):
        row = reached.get(nomor, {})
        standard = model.step_standards.get(nomor)
        mulai, batas, selesai = _aware(row.get("mulai")), _aware(row.get("batas")), _aware(row.get("selesai"))
        # A step left unfinished by a period that ended (cancelled) stopped with it.
        end = selesai or ((root.ended_at or now) if mulai else None)
        late = batas is not None and end is not None and end > batas
        out.append(
            LangkahDasbor(
                nomor=nomor,
                nama=row.get("nama") or model.step_names.get(nomor) or f"Langkah {nomor}",
                standar_detik=row.get("standar_detik") or (standard.total_seconds() if standard else None),
                mulai=mulai,
                batas=batas,
                selesai=selesai,
                keadaan="selesai" if selesai else "belum" if not mulai else "terhenti" if root.ended_at else "berjalan",
                lama_detik=(end - mulai).total_seconds() if mulai and end else None,
                terlambat=late,
                terlambat_detik=(end - batas).total_seconds() if late and end and batas else None,
                tugas_terbuka=int(open_tasks.get(nomor, 0)),
                eskalasi_terbuka=escalated.get(nomor, 0),
            )
        )
    return out


# --------------------------------------------------------------------------------------------------
# Escalations


def _escalations(root_ids: list[int]) -> Any:
    return (
        select(Event, HumanTask)
        .join(HumanTask, HumanTask.id == Event.task_id)
        .where(Event.root_id.in_(root_ids), Event.type == EventType.STEP_ESCALATED)
    )


def _open_escalations(session: Session, root_ids: list[int]) -> dict[int, int]:
    if not root_ids:
        return {}
    rows = session.execute(
        select(Event.root_id, func.count())
        .join(HumanTask, HumanTask.id == Event.task_id)
        .where(Event.root_id.in_(root_ids), Event.type == EventType.STEP_ESCALATED, HumanTask.state == TaskState.READY)
        .group_by(Event.root_id)
    ).all()
    return {int(r): int(n) for r, n in rows}


def _eskalasi(session: Session, root: ProcessInstance) -> list[Eskalasi]:
    """The period's escalations, the open ones first, each the oldest first."""
    names = {n: (s or {}).get("name") for n, s in (root.steps or {}).items()}
    out = []
    for event, task in session.execute(_escalations([root.id]).order_by(Event.id)).all():
        data = event.data or {}
        step = str(data["step"]) if data.get("step") is not None else task.step
        out.append(
            Eskalasi(
                task_id=task.id,
                nama=task.name,
                langkah=step,
                langkah_nama=names.get(step) if step else None,
                peran=task.role,
                batas_langkah=_aware(data.get("due_at")),
                dibuat=event.at,
                terbuka=task.state == TaskState.READY,
                dibatalkan=task.state == TaskState.CANCELLED,
                diklaim_oleh=task.claimed_by,
                selesai=task.completed_at if task.state == TaskState.COMPLETED else None,
                selesai_oleh=task.completed_by if task.state == TaskState.COMPLETED else None,
            )
        )
    return sorted(out, key=lambda e: not e.terbuka)


# --------------------------------------------------------------------------------------------------
# From target to certificate


@dataclass
class _Calon:
    """What the period's records say about one candidate."""

    skema: str | None = None
    prodi: str | None = None
    terdaftar: bool = False
    pemeriksaan: str | None = None
    hadir: bool | None = None
    keputusan: str | None = None
    tercatat: KeputusanTercatat | None = None  # the final decision's record
    sertifikat: int = 0


@dataclass
class _Hitung:
    judul: str
    target: int = 0
    kolom: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def baris(self, kunci: str) -> CorongBaris:
        k = self.kolom
        return CorongBaris(
            kunci=kunci,
            judul=self.judul,
            target=self.target,
            terdaftar=k["terdaftar"],
            diterima=k["diterima"],
            hadir=k["hadir"],
            kompeten=k["kompeten"],
            sertifikat=k["sertifikat"],
        )


def _submissions(session: Session, root_id: int) -> dict[str, _Calon]:
    """Each candidate's registration, check and attendance, as the role entitled to each submitted it (the last
    submission holds), with their skema and prodi: one query reading only the answers it counts."""
    # `as_string()`: the JSON value's text, SQL NULL when absent (a bare JSON index is JSON 'null' on SQLite).
    apl = Event.data["apl01"].as_string()
    keputusan = Event.data[("pemeriksaan", "keputusan")].as_string()
    hadir = Event.data[("kehadiran", "hadir")].as_boolean()
    rows = session.execute(
        select(HumanTask.role, HumanTask.subject, HumanTask.skema, Peserta.prodi, apl.is_not(None), keputusan, hadir)
        .join(HumanTask, HumanTask.id == Event.task_id)
        .outerjoin(User, User.username == HumanTask.subject)
        .outerjoin(Peserta, Peserta.user_id == User.id)
        .where(
            Event.root_id == root_id,
            Event.type == EventType.TASK_COMPLETED,
            Event.actor.is_not(None),
            HumanTask.subject.is_not(None),
            HumanTask.role.in_([Role.PESERTA, Role.KABID_ADMINISTRASI, Role.ASESOR]),
            or_(apl.is_not(None), keputusan.is_not(None), hadir.is_not(None)),
        )
        .order_by(Event.id)
    ).all()
    calon: dict[str, _Calon] = defaultdict(_Calon)
    for role, subject, skema, prodi, submitted_apl, verdict, present in rows:
        c = calon[subject]
        c.skema = skema or c.skema
        c.prodi = prodi or c.prodi
        if role == Role.PESERTA and submitted_apl:
            c.terdaftar = True
        elif role == Role.KABID_ADMINISTRASI and verdict:
            c.pemeriksaan = verdict
        elif role == Role.ASESOR and present is not None:
            c.hadir = bool(present)
    return calon


def _target(session: Session, root_id: int) -> list[dict[str, Any]]:
    """The Direktur's target of the period (SOP step 1) as submitted."""
    s = terakhir(session, root_id, Role.DIREKTUR, "target")
    return objects((s.event.data or {}).get("target")) if s is not None else []


def _calon(session: Session, root: ProcessInstance) -> dict[str, _Calon]:
    """Every candidate of the period as its records say: submissions, final decision, certificates."""
    calon = _submissions(session, root.id)
    for username, k in keputusan_tercatat_periode(session, root.id).items():
        c = calon[username]
        c.keputusan, c.tercatat = k.keputusan, k
        c.skema = c.skema or k.skema_nomor
    certificates = session.execute(
        select(Sertifikat.peserta_username, Sertifikat.skema_nomor, Peserta.prodi)
        .outerjoin(User, User.username == Sertifikat.peserta_username)
        .outerjoin(Peserta, Peserta.user_id == User.id)
        .where(Sertifikat.root_id == root.id, Sertifikat.status != SertifikatStatus.DIGANTI)
    ).all()
    for username, nomor, prodi in certificates:
        c = calon[username]
        c.sertifikat += 1
        c.skema = c.skema or nomor
        c.prodi = c.prodi or prodi
    return calon


def _corong(
    session: Session, root: ProcessInstance, calon: dict[str, _Calon]
) -> tuple[list[CorongBaris], CorongBaris, list[CorongBaris], list[KeputusanSkema]]:
    target = _target(session, root.id)

    nomors = {c.skema for c in calon.values() if c.skema} | {str(t.get("skema_nomor")) for t in target}
    titles = dict(session.execute(select(Skema.nomor, Skema.judul).where(Skema.nomor.in_(sorted(nomors)))).all())
    per_skema: dict[str, _Hitung] = {}
    per_prodi: dict[str, _Hitung] = {}
    total = _Hitung("Jumlah")

    def skema_row(nomor: str) -> _Hitung:
        return per_skema.setdefault(nomor, _Hitung(titles.get(nomor) or nomor))

    def prodi_row(nama: str) -> _Hitung:
        return per_prodi.setdefault(nama, _Hitung(nama))

    for t in target:
        jumlah = t.get("jumlah")
        n = jumlah if isinstance(jumlah, int) and not isinstance(jumlah, bool) else 0
        skema_row(str(t.get("skema_nomor") or TANPA_SKEMA)).target += n
        prodi_row(str(t.get("prodi") or TANPA_PRODI)).target += n
        total.target += n
    keputusan: dict[str, dict[str, int]] = {}
    for c in calon.values():
        nomor = c.skema or TANPA_SKEMA
        counted = {
            "terdaftar": c.terdaftar,
            "diterima": c.pemeriksaan == "diterima",
            "hadir": c.hadir is True,
            "kompeten": c.keputusan == "K",
            "sertifikat": c.sertifikat > 0,
        }
        for row in (skema_row(nomor), prodi_row(c.prodi or TANPA_PRODI), total):
            for kolom, yes in counted.items():
                row.kolom[kolom] += int(yes)
        if c.keputusan:
            per = keputusan.setdefault(nomor, {"K": 0, "BK": 0, "ditunda": 0})
            per[c.keputusan if c.keputusan in per else "ditunda"] += 1
    return (
        [per_skema[n].baris(n) for n in sorted(per_skema)],
        total.baris(""),
        [per_prodi[p].baris(p) for p in sorted(per_prodi)],
        [
            KeputusanSkema(skema_nomor=n, skema_judul=titles.get(n) or n, k=k["K"], bk=k["BK"], ditunda=k["ditunda"])
            for n, k in sorted(keputusan.items())
        ],
    )


# --------------------------------------------------------------------------------------------------
# K/BK per TUK and asesor


def _penugasan(session: Session, root_id: int) -> dict[str, tuple[str | None, str | None]]:
    """Each candidate's (TUK, asesor) as Kabid Sertifikasi last assigned them in the period: one query over
    Kabid Sertifikasi's few submissions, reading only their assignment."""
    penugasan = Event.data["penugasan_asesor"]
    rows = session.scalars(
        select(penugasan)
        .join(HumanTask, HumanTask.id == Event.task_id)
        .where(
            Event.root_id == root_id,
            Event.type == EventType.TASK_COMPLETED,
            Event.actor.is_not(None),
            HumanTask.role == Role.KABID_SERTIFIKASI,
        )
        .order_by(Event.id)
    ).all()
    found: dict[str, tuple[str | None, str | None]] = {}
    for assigned in rows:
        for a in objects(assigned):
            if isinstance(a.get("username"), str):
                tuk, asesor = a.get("tuk_kode"), a.get("asesor")
                found[a["username"]] = (
                    tuk if isinstance(tuk, str) else None,
                    asesor if isinstance(asesor, str) else None,
                )
    return found


def _keputusan_kelompok(
    session: Session, root_id: int, calon: dict[str, _Calon]
) -> tuple[list[KeputusanKelompok], list[KeputusanKelompok]]:
    """The final decisions per TUK the candidates were assigned to and per asesor the result counts under
    (`asesor_hasil`, as the Laporan counts: the re-assessing asesor of an upheld appeal, else the one assigned)."""
    assigned = _penugasan(session, root_id)
    per_tuk: dict[str, dict[str, int]] = {}
    per_asesor: dict[str, dict[str, int]] = {}
    for username, c in calon.items():
        if not c.keputusan:
            continue
        tuk, ditugaskan = assigned.get(username, (None, None))
        asesor = asesor_hasil(c.tercatat, ditugaskan)
        kolom = c.keputusan if c.keputusan in ("K", "BK") else "ditunda"
        for table, key in ((per_tuk, tuk or TANPA_SKEMA), (per_asesor, asesor or TANPA_SKEMA)):
            table.setdefault(key, {"K": 0, "BK": 0, "ditunda": 0})[kolom] += 1
    tuks = dict(session.execute(select(Tuk.kode, Tuk.nama).where(Tuk.kode.in_(sorted(per_tuk)))).all())
    people = dict(
        session.execute(select(User.username, User.full_name).where(User.username.in_(sorted(per_asesor)))).all()
    )

    def rows(table: dict[str, dict[str, int]], names: dict[str, str]) -> list[KeputusanKelompok]:
        return [
            KeputusanKelompok(kunci=key, judul=names.get(key) or key, k=n["K"], bk=n["BK"], ditunda=n["ditunda"])
            for key, n in sorted(table.items())
        ]

    return rows(per_tuk, tuks), rows(per_asesor, people)


# --------------------------------------------------------------------------------------------------
# Time-standard compliance of the tasks


def _task_counts(now: datetime) -> list[Any]:
    """The columns counting tasks with a due against it (each a SUM over the grouped rows)."""
    done = HumanTask.state == TaskState.COMPLETED
    ready = HumanTask.state == TaskState.READY
    return [
        func.sum(case((and_(done, HumanTask.completed_at <= HumanTask.due_at), 1), else_=0)),
        func.sum(case((and_(done, HumanTask.completed_at > HumanTask.due_at), 1), else_=0)),
        func.sum(case((and_(ready, HumanTask.due_at < now), 1), else_=0)),
        func.sum(case((and_(ready, HumanTask.due_at >= now), 1), else_=0)),
    ]


def _tasks_with_due(root_ids: list[int], escalations: list[str]) -> Any:
    """The period's tasks that have a due and did not end with the period (a cancelled task was never owed), but
    the escalations (`escalations`: their task ids, a handful: an escalation is raised once its step is past the
    due; it follows the lateness up, it is not late)."""
    return and_(
        HumanTask.instance_id.in_(select(ProcessInstance.id).where(ProcessInstance.root_id.in_(root_ids))),
        HumanTask.due_at.is_not(None),
        HumanTask.state.in_([TaskState.READY, TaskState.COMPLETED]),
        HumanTask.id.not_in(escalations) if escalations else true(),
    )


@dataclass
class _Patuh:
    judul: str
    peran: str | None = None
    n: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add(self, counts: tuple[Any, ...]) -> None:
        self.n = [a + int(b or 0) for a, b in zip(self.n, counts, strict=True)]

    def baris(self, kunci: str) -> KepatuhanBaris:
        tepat, lambat, terbuka, berjalan = self.n
        decided = tepat + lambat + terbuka
        return KepatuhanBaris(
            kunci=kunci,
            judul=self.judul,
            peran=self.peran,
            tepat_waktu=tepat,
            terlambat_selesai=lambat,
            terlambat_terbuka=terbuka,
            berjalan=berjalan,
            persen_tepat_waktu=round(tepat * 100 / decided, 1) if decided else None,
        )


def _kepatuhan(
    session: Session, root: ProcessInstance, now: datetime, step_names: dict[str, str], escalations: list[str]
) -> Kepatuhan:
    """Every task with a due (its SOP step's) done by it, after it, or open past it: one grouped query, by step,
    role and person (who completed it, or holds it open). Candidates count per role, not one by one."""
    person = func.coalesce(HumanTask.completed_by, HumanTask.claimed_by, HumanTask.assignee)
    rows = session.execute(
        select(HumanTask.step, HumanTask.role, person, *_task_counts(now))
        .where(_tasks_with_due([root.id], escalations))
        .group_by(HumanTask.step, HumanTask.role, person)
    ).all()
    per_step: dict[str, _Patuh] = {}
    per_role: dict[str, _Patuh] = {}
    per_person: dict[tuple[str, str], _Patuh] = {}
    total = _Patuh("Jumlah")
    for step, role, username, *counts in rows:
        counts_ = tuple(counts)
        nomor = step or TANPA_SKEMA
        per_step.setdefault(nomor, _Patuh(step_names.get(nomor) or f"Langkah {nomor}")).add(counts_)
        per_role.setdefault(role or "", _Patuh(LANE_OF.get(role or "", role or "-"))).add(counts_)
        total.add(counts_)
        if role != Role.PESERTA:
            key = (username or "", role or "")
            per_person.setdefault(key, _Patuh("", role)).add(counts_)
    names = dict(
        session.execute(
            select(User.username, User.full_name).where(User.username.in_(sorted({u for u, _ in per_person if u})))
        ).all()
    )
    orang = []
    for (username, _), p in per_person.items():
        p.judul = names.get(username) or username or "(belum diambil siapa pun)"
        orang.append(p.baris(username))
    # Who is behind first: the most tasks open past their due, then the lowest share on time.
    orang.sort(
        key=lambda b: (-b.terlambat_terbuka, b.persen_tepat_waktu if b.persen_tepat_waktu is not None else 101, b.judul)
    )
    return Kepatuhan(
        per_langkah=[per_step[n].baris(n) for n in sorted(per_step, key=lambda n: (len(n), n))],
        per_peran=[per_role[r].baris(r) for r in sorted(per_role, key=lambda r: _ROLE_ORDER.get(r, 99))],
        per_orang=orang,
        total=total.baris(""),
    )


_ROLE_ORDER: dict[str, int] = {str(role): i for i, role in enumerate(LANE_ROLES.values())}


# --------------------------------------------------------------------------------------------------
# Across periods


def _langkah_terlambat(root: ProcessInstance, now: datetime) -> tuple[int, int]:
    """(steps done, steps late) of a period from its step record."""
    done = late = 0
    for row in waktu_langkah(root.steps):
        mulai, batas, selesai = _aware(row.get("mulai")), _aware(row.get("batas")), _aware(row.get("selesai"))
        end = selesai or ((root.ended_at or now) if mulai else None)
        done += int(selesai is not None)
        late += int(batas is not None and end is not None and end > batas)
    return done, late


def _jumlah(t: dict[str, Any]) -> int:
    jumlah = t.get("jumlah")
    return jumlah if isinstance(jumlah, int) and not isinstance(jumlah, bool) else 0


def _corong_per_periode(session: Session, root_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(registered, accepted, present) per period, counted in SQL in one statement: the candidates who submitted
    FR.APL.01, those whose last check by Kabid Administrasi accepted them, those whose last attendance record by
    their asesor says present (the rules of `_submissions`, without a row per candidate leaving the database)."""
    # Each row's answer read from its JSON, then the rows that hold their role's answer, the last first.
    read = (
        select(
            Event.id.label("id"),
            Event.root_id.label("root_id"),
            HumanTask.role.label("role"),
            HumanTask.subject.label("subject"),
            # Only the answer the task's role gives is read: the JSON is parsed once per row.
            case((HumanTask.role == Role.PESERTA, Event.data["apl01"].as_string())).label("apl"),
            case(
                (HumanTask.role == Role.KABID_ADMINISTRASI, Event.data[("pemeriksaan", "keputusan")].as_string())
            ).label("keputusan"),
            case((HumanTask.role == Role.ASESOR, Event.data[("kehadiran", "hadir")].as_boolean())).label("hadir"),
        )
        .join(HumanTask, HumanTask.id == Event.task_id)
        .where(
            Event.root_id.in_(root_ids),
            Event.type == EventType.TASK_COMPLETED,
            Event.actor.is_not(None),
            HumanTask.subject.is_not(None),
            HumanTask.role.in_([Role.PESERTA, Role.KABID_ADMINISTRASI, Role.ASESOR]),
        )
        .subquery()
    )
    r = read.c
    answers = (
        select(
            r.root_id,
            r.role,
            r.keputusan,
            r.hadir,
            func.row_number().over(partition_by=(r.root_id, r.subject, r.role), order_by=r.id.desc()).label("terakhir"),
        )
        .where(
            or_(
                and_(r.role == Role.PESERTA, r.apl.is_not(None)),
                and_(r.role == Role.KABID_ADMINISTRASI, r.keputusan.is_not(None)),
                and_(r.role == Role.ASESOR, r.hadir.is_not(None)),
            )
        )
        .subquery()
    )
    a = answers.c
    last = a.terakhir == 1
    rows = session.execute(
        select(
            a.root_id,
            func.sum(case((and_(last, a.role == Role.PESERTA), 1), else_=0)),
            func.sum(case((and_(last, a.role == Role.KABID_ADMINISTRASI, a.keputusan == "diterima"), 1), else_=0)),
            func.sum(case((and_(last, a.role == Role.ASESOR, a.hadir == True), 1), else_=0)),  # noqa: E712
        ).group_by(a.root_id)
    ).all()
    return {int(r): (int(t or 0), int(d or 0), int(h or 0)) for r, t, d, h in rows}


def tren(db: Database, now: datetime) -> list[TrenPeriode]:
    """The last `TREN_MAKS` periods, oldest first, each with its funnel's totals, K/BK, steps late and the share
    of its tasks done on time."""
    with db.reading() as session:
        roots = list(
            session.scalars(
                select(ProcessInstance)
                .where(ProcessInstance.parent_id.is_(None), ProcessInstance.key == SOP_PROCESS)
                .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
                .limit(TREN_MAKS)
            )
        )[::-1]
        ids = [r.id for r in roots]
        if not ids:
            return []
        escalated = session.execute(
            select(Event.root_id, Event.task_id).where(Event.root_id.in_(ids), Event.type == EventType.STEP_ESCALATED)
        ).all()
        escalations: dict[int, int] = defaultdict(int)
        for root_id, _ in escalated:
            escalations[int(root_id)] += 1
        tasks = {
            int(root_id): tuple(int(n or 0) for n in counts)
            for root_id, *counts in session.execute(
                select(HumanTask.root_id, *_task_counts(now))
                .where(_tasks_with_due(ids, [str(t) for _, t in escalated if t]))
                .group_by(HumanTask.root_id)
            ).all()
        }
        funnel = _corong_per_periode(session, ids)
        certificates = dict(
            session.execute(
                select(Sertifikat.root_id, func.count(func.distinct(Sertifikat.peserta_username)))
                .where(Sertifikat.root_id.in_(ids), Sertifikat.status != SertifikatStatus.DIGANTI)
                .group_by(Sertifikat.root_id)
            ).all()
        )
        out = []
        for root in roots:
            terdaftar, diterima, hadir = funnel.get(root.id, (0, 0, 0))
            decided = [k.keputusan for k in keputusan_tercatat_periode(session, root.id).values()]
            target = _target(session, root.id)
            done, late = _langkah_terlambat(root, now)
            tepat, lambat, terbuka, _ = tasks.get(root.id, (0, 0, 0, 0))
            owed = tepat + lambat + terbuka
            out.append(
                TrenPeriode(
                    id=root.id,
                    business_key=root.business_key,
                    status=root.status,
                    mulai=root.started_at,
                    target=sum(_jumlah(t) for t in target),
                    terdaftar=terdaftar,
                    diterima=diterima,
                    hadir=hadir,
                    kompeten=decided.count("K"),
                    belum_kompeten=decided.count("BK"),
                    sertifikat=int(certificates.get(root.id, 0)),
                    langkah_selesai=done,
                    langkah_terlambat=late,
                    tugas_tepat_waktu=tepat,
                    tugas_diputuskan=owed,
                    persen_tepat_waktu=round(tepat * 100 / owed, 1) if owed else None,
                    eskalasi=int(escalations.get(root.id, 0)),
                )
            )
        return out


# --------------------------------------------------------------------------------------------------
# Documents


def _dokumen(session: Session, root_id: int) -> DokumenProgres:
    kinds = progress_by_kind(session, root_id)
    per_jenis = [
        DokumenJenis(jenis=kind, label=label_of(kind), total=c["total"], selesai=c["done"], gagal=c["failed"])
        for kind, c in sorted(kinds.items(), key=lambda kv: label_of(kv[0]))
    ]
    return DokumenProgres(
        total=sum(j.total for j in per_jenis),
        selesai=sum(j.selesai for j in per_jenis),
        gagal=sum(j.gagal for j in per_jenis),
        per_jenis=per_jenis,
    )


def _laporan(session: Session, root_id: int) -> LaporanPeriode | None:
    found = session.execute(
        select(Dokumen.id, Dokumen.number, Dokumen.rendered_at)
        .where(Dokumen.root_id == root_id, Dokumen.kind == "laporan")
        .order_by(Dokumen.version.desc(), Dokumen.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    dokumen_id, nomor, rendered_at = found
    return LaporanPeriode(dokumen_id=dokumen_id, nomor=nomor, siap=rendered_at is not None)
