"""The certification decisions as the database recorded them, never as the workflow data says.

A decision counts only when the person entitled to it made it, and the record of that is the history:
a `task_completed` event is what a user submitted, and its `human_task` row says which role the task was
for (only users of that role may complete it). So, for one `penerbitan_sertifikat` instance:

- the pleno's decisions are what Kabid Sertifikasi submitted on the pleno task (`pleno.keputusan`);
- the SK Penetapan is the `sk_penetapan` document issued after that pleno (version 1);
- it is approved when Ketua LSP then submits `persetujuan_sk.disetujui = true`; the last approved SK holds,
  in the version in force: the last SK amending it ("Perubahan atas Keputusan ..."), if any;
- a candidate is K when the SK in force says K and the pleno said K; BK when the SK in force says BK;
- a candidate the approved SK made BK is K through an appeal (a child instance of this one) only when the
  SK in force says K and the candidate filed it (`banding.ajukan`), Ketua LSP upheld it
  (`keputusan_banding.keputusan = diterima`, the SK Banding issued), Kabid Sertifikasi named the re-assessing
  asesor, that asesor found every unit K, and then the tim banding, through Ketua LSP and by no one on the
  appealed pleno nor the re-assessing asesor, decided K (`keputusan_asesmen_ulang.keputusan = K`);
- a candidate the pleno postponed (ditunda) is K or BK when, after Ketua LSP approved the SK, Kabid Sertifikasi
  recorded the follow-up pleno (`pleno_lanjutan.keputusan`) deciding so and the SK in force (amended after it)
  says the same; carried to a later batch (`dibawa`) when the follow-up pleno said so; otherwise still ditunda.

The issuing operators (certificates, the request for blanks, the final Kompeten list) ask
:func:`keputusan_akhir`; the workflow data may narrow what they issue, never widen it.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.enums import DeploymentStatus, EventType, InstanceStatus, Role
from api.store.models import Deployment, Dokumen, Event, HumanTask, ProcessInstance
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.format_indonesia import as_date, hari_ini
from service_tasks.guards import chunks, object_at, objects


@dataclass(frozen=True)
class KeputusanTercatat:
    """One candidate's final certification decision as recorded."""

    username: str
    skema_nomor: str | None
    skema_judul: str | None
    keputusan: str  # K, BK or ditunda
    sumber: str  # pleno or banding
    diputuskan_oleh: str | None
    diputuskan_at: datetime
    disetujui_oleh: str | None  # Ketua LSP: who approved the SK Penetapan (pleno) or recorded the tim's decision
    dokumen_id: int  # the SK Penetapan, or the SK Banding for a decision through an appeal (its amending SK
    # Penetapan is what the candidate's K stands on; the candidate reads the SK Banding)
    dibawa: bool = False  # ditunda, and the follow-up pleno carried the candidate to a later batch
    alasan: str | None = None  # the follow-up pleno's reason (a decision after a postponement)
    # The asesor whose recommendation the decision rests on when it is not the assigned one: the re-assessing
    # asesor of an upheld appeal, whom the amending SK Penetapan names.
    asesor_ulang: str | None = None


def asesor_hasil(k: KeputusanTercatat | None, ditugaskan: str | None) -> str | None:
    """The asesor a candidate's final result counts under, wherever results are counted per asesor (the Laporan,
    the Ketua's dashboard): the one whose recommendation the final decision rests on, i.e. the re-assessing asesor
    of an upheld appeal decided K (whom the amending SK Penetapan names), else the asesor first assigned
    (`ditugaskan`, Kabid Sertifikasi's assignment). The TUK stays the one first assigned, also after a
    re-assessment: assigning one (forms/asesor_ulang.json) records no TUK, and its FR.AK.01 names the first TUK."""
    return (k.asesor_ulang if k is not None else None) or ditugaskan


@dataclass
class _Submitted:
    event: Event
    role: str | None

    def data(self, key: str) -> dict[str, Any]:
        return object_at(self.event.data or {}, key)


def _history(session: Session, instance_id: int) -> list[_Submitted]:
    """The instance's task completions and service-task completions, oldest first, with the task's role."""
    return _histories(session, [instance_id]).get(instance_id, [])


def _histories(session: Session, instance_ids: list[int]) -> dict[int, list[_Submitted]]:
    """:func:`_history` of several instances, by instance, in one query per chunk."""
    found: dict[int, list[_Submitted]] = {}
    for chunk in chunks(instance_ids):
        rows = session.execute(
            select(Event, HumanTask.role)
            .outerjoin(HumanTask, HumanTask.id == Event.task_id)
            .where(
                Event.instance_id.in_(chunk),
                Event.type.in_([EventType.TASK_COMPLETED, EventType.SERVICE_TASK_COMPLETED]),
            )
            .order_by(Event.id)
        ).all()
        for e, role in rows:
            found.setdefault(e.instance_id, []).append(_Submitted(e, role))
    return found


def _by(s: _Submitted, role: Role) -> bool:
    return s.event.type == EventType.TASK_COMPLETED and s.role == role and bool(s.event.actor)


def terakhir(session: Session, instance_id: int, role: Role, key: str) -> _Submitted | None:
    """The last submission of `key` (a form's top-level object) on a task of `role` in the instance."""
    found = None
    for s in _history(session, instance_id):
        if _by(s, role) and key in (s.event.data or {}):
            found = s
    return found


def diserahkan_peserta(ctx: ServiceContext, key: str, username: str) -> tuple[dict[str, Any], str]:
    """Form `key` as the candidate `username` last submitted it in this instance (the history, not the workflow
    data), and the day they submitted it (ISO, WIB). Refused when they submitted none."""
    s = terakhir(ctx.session, ctx.instance_id, Role.PESERTA, key)
    if s is None or s.event.actor != username:
        raise ServiceTaskError(f"{username}: peserta ini tidak mengisi formulir {key} pada proses ini")
    pada = as_date(s.event.at) or hari_ini(ctx)
    return s.data(key), pada.isoformat()


def pleno_tercatat(ctx: ServiceContext, pleno: dict[str, Any] | None) -> dict[str, Any]:
    """The pleno as Kabid Sertifikasi submitted it in this instance, its decisions narrowed by the
    workflow's `pleno` (a K stands only where both say K). Refused when no pleno is recorded."""
    s = terakhir(ctx.session, ctx.instance_id, Role.KABID_SERTIFIKASI, "pleno")
    if s is None or not objects(s.data("pleno").get("keputusan")):
        raise ServiceTaskError("tidak ada keputusan rapat pleno yang dicatat Kabid Sertifikasi pada proses ini")
    workflow = {k.get("username"): k.get("keputusan") for k in objects((pleno or {}).get("keputusan"))}
    keputusan = []
    for k in objects(s.data("pleno").get("keputusan")):
        if k.get("keputusan") == "K" and workflow.get(k.get("username"), "K") != "K":
            k = {**k, "keputusan": workflow[k.get("username")]}
        keputusan.append(k)
    return {**s.data("pleno"), "keputusan": keputusan}


def banding_tercatat(ctx: ServiceContext, username: Any) -> dict[str, Any]:
    """The appeal decision Ketua LSP submitted in this instance, for the candidate who filed the appeal
    here. Refused when either is missing or the candidate is not `username`."""
    diajukan = terakhir(ctx.session, ctx.instance_id, Role.PESERTA, "banding")
    keputusan = terakhir(ctx.session, ctx.instance_id, Role.KETUA_LSP, "keputusan_banding")
    if diajukan is None or diajukan.data("banding").get("ajukan") is not True or diajukan.event.actor != username:
        raise ServiceTaskError(f"{username}: tidak ada banding yang diajukan peserta ini pada proses ini")
    if keputusan is None or keputusan.event.id < diajukan.event.id:
        raise ServiceTaskError(f"{username}: tidak ada keputusan banding yang dicatat Ketua LSP pada proses ini")
    return keputusan.data("keputusan_banding")


def sk_penetapan_berlaku(session: Session, instance_id: int) -> Dokumen | None:
    """The approved SK Penetapan of this instance in the version in force (its last amendment), or None."""
    approved = _sk_penetapan_disetujui(session, instance_id)
    return approved[3] if approved is not None else None


def _sk_penetapan_disetujui(
    session: Session, instance_id: int
) -> tuple[_Submitted, Dokumen, _Submitted, Dokumen] | None:
    """(the pleno, the SK Penetapan issued from it, Ketua LSP's approval, that SK in the version in force: its last
    amending SK, by hand or after appeals) of the last approved SK, or None."""
    semua = list(
        session.scalars(
            select(Dokumen)
            .where(Dokumen.instance_id == instance_id, Dokumen.kind == "sk_penetapan")
            .order_by(Dokumen.id)
        )
    )
    sk_by_task = {d.task_id: d for d in semua if d.version == 1}
    pengganti = {d.supersedes_id: d for d in semua if d.supersedes_id is not None}
    pleno: _Submitted | None = None
    sk: Dokumen | None = None
    approved = None
    for s in _history(session, instance_id):
        if _by(s, Role.KABID_SERTIFIKASI) and objects(s.data("pleno").get("keputusan")):
            pleno, sk = s, None
        elif s.event.type == EventType.SERVICE_TASK_COMPLETED and s.event.task_id in sk_by_task and pleno is not None:
            sk = sk_by_task[s.event.task_id]
        elif _by(s, Role.KETUA_LSP) and "persetujuan_sk" in (s.event.data or {}):
            if pleno is not None and sk is not None and s.data("persetujuan_sk").get("disetujui") is True:
                approved = (pleno, sk, s)
            sk = None
    if approved is None:
        return None
    berlaku = approved[1]
    while berlaku.id in pengganti:
        berlaku = pengganti[berlaku.id]
    return (*approved, berlaku)


def tindak_lanjut_tercatat(
    session: Session, instance_id: int, sesudah: int
) -> tuple[_Submitted, dict[str, Any]] | None:
    """The follow-up pleno on the postponed candidates as Kabid Sertifikasi last submitted it in this instance after
    event `sesudah` (Ketua LSP's approval of the SK), with its decisions by username; None when there is none."""
    found = None
    for s in _history(session, instance_id):
        if s.event.id > sesudah and _by(s, Role.KABID_SERTIFIKASI) and "pleno_lanjutan" in (s.event.data or {}):
            found = s
    if found is None:
        return None
    rows = objects(found.data("pleno_lanjutan").get("keputusan"))
    return found, {str(r.get("username")): r for r in rows if isinstance(r.get("username"), str)}


def tindak_lanjut_disetujui(session: Session, instance_id: int) -> tuple[_Submitted, dict[str, Any]] | None:
    """:func:`tindak_lanjut_tercatat` after the approval of the SK in force, narrowed to the candidates the approved
    SK's pleno postponed; None without an approved SK or a follow-up."""
    approved = _sk_penetapan_disetujui(session, instance_id)
    if approved is None:
        return None
    pleno, _, persetujuan, _ = approved
    found = tindak_lanjut_tercatat(session, instance_id, persetujuan.event.id)
    if found is None:
        return None
    ditunda = {
        k.get("username") for k in objects(pleno.data("pleno").get("keputusan")) if k.get("keputusan") == "ditunda"
    }
    return found[0], {u: r for u, r in found[1].items() if u in ditunda}


@dataclass(frozen=True)
class BandingKompeten:
    """An upheld appeal whose re-assessment the tim banding decided K."""

    keputusan: _Submitted  # the tim's decision on the re-assessment, as Ketua LSP recorded it
    sk_banding: Dokumen
    asesor_ulang: str

    @property
    def alasan(self) -> str:
        return str(self.keputusan.data("keputusan_asesmen_ulang").get("alasan") or "")


def banding_kompeten(session: Session, instance_id: int, bk: set[str], pleno: set[str]) -> dict[str, BandingKompeten]:
    """BK candidates the tim banding decided K after an upheld appeal and their re-assessment, by username.
    `pleno`: the appealed pleno's members, who may not record that decision."""
    found: dict[str, BandingKompeten] = {}
    children = list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.parent_id == instance_id)))
    histories = _histories(session, children)
    sk_banding_of: dict[int, Dokumen] = {}
    for chunk in chunks(children):
        for d in session.scalars(
            select(Dokumen)
            .where(Dokumen.instance_id.in_(chunk), Dokumen.kind == "sk_banding", Dokumen.version == 1)
            .order_by(Dokumen.id)
        ):
            sk_banding_of.setdefault(d.instance_id, d)
    for child in children:
        sk_banding = sk_banding_of.get(child)
        pemohon = keputusan = asesor_ulang = putusan_tim = None
        kompeten = False
        for s in histories.get(child, []):
            if _by(s, Role.PESERTA) and s.data("banding").get("ajukan") is True:
                pemohon = s.event.actor
            elif _by(s, Role.KETUA_LSP) and pemohon and s.data("keputusan_banding").get("keputusan") == "diterima":
                keputusan = s
            elif _by(s, Role.KABID_SERTIFIKASI) and keputusan is not None and s.data("asesor_ulang").get("asesor"):
                asesor_ulang = s.data("asesor_ulang").get("asesor")
            elif _by(s, Role.ASESOR) and asesor_ulang and s.event.actor == asesor_ulang:
                unit = objects(s.data("penilaian").get("unit"))
                kompeten, putusan_tim = bool(unit) and all(u.get("rekomendasi") == "K" for u in unit), None
            elif _by(s, Role.KETUA_LSP) and kompeten and s.event.actor not in pleno | {asesor_ulang}:
                if "keputusan_asesmen_ulang" in (s.event.data or {}):
                    putusan_tim = s if s.data("keputusan_asesmen_ulang").get("keputusan") == "K" else None
        if pemohon in bk and keputusan is not None and putusan_tim is not None and sk_banding is not None:
            if object_at(sk_banding.data, "peserta").get("username") == pemohon:
                found[str(pemohon)] = BandingKompeten(putusan_tim, sk_banding, str(asesor_ulang))
    return found


def keputusan_akhir(session: Session, instance_id: int) -> dict[str, KeputusanTercatat]:
    """Every candidate's final recorded decision in this instance (appeals included); {} without an
    approved SK Penetapan."""
    approved = _sk_penetapan_disetujui(session, instance_id)
    if approved is None:
        return {}
    pleno, sk_awal, persetujuan, sk = approved
    kata_pleno = {k.get("username"): k.get("keputusan") for k in objects(pleno.data("pleno").get("keputusan"))}
    lanjutan = tindak_lanjut_disetujui(session, instance_id)
    kata_lanjutan = lanjutan[1] if lanjutan is not None else {}
    di_sk_berlaku = {r.get("username"): r.get("keputusan") for r in objects((sk.data or {}).get("daftar"))}
    # BK by the SK approved, or by the follow-up pleno and the SK amended after it: both may appeal.
    bk_awal = {
        str(r.get("username")) for r in objects((sk_awal.data or {}).get("daftar")) if r.get("keputusan") == "BK"
    } | {u for u, r in kata_lanjutan.items() if r.get("keputusan") == "BK" and di_sk_berlaku.get(u) in ("BK", "K")}
    anggota = {a for a in pleno.data("pleno").get("anggota") or [] if isinstance(a, str)}
    if lanjutan is not None:
        anggota |= {a for a in lanjutan[0].data("pleno_lanjutan").get("anggota") or [] if isinstance(a, str)}
    lewat_banding = banding_kompeten(session, instance_id, bk_awal, anggota)
    hasil: dict[str, KeputusanTercatat] = {}
    for row in objects((sk.data or {}).get("daftar")):
        username = row.get("username")
        if not isinstance(username, str):
            continue
        di_sk, di_pleno = row.get("keputusan"), kata_pleno.get(username)
        if di_sk == "K" and username in lewat_banding:
            putusan = lewat_banding[username].keputusan
            hasil[username] = KeputusanTercatat(
                username=username,
                skema_nomor=row.get("skema_nomor"),
                skema_judul=row.get("skema_judul"),
                keputusan="K",
                sumber="banding",
                diputuskan_oleh=putusan.event.actor,
                diputuskan_at=putusan.event.at,
                disetujui_oleh=putusan.event.actor,
                dokumen_id=lewat_banding[username].sk_banding.id,
                asesor_ulang=lewat_banding[username].asesor_ulang,
            )
            continue
        if di_pleno == "ditunda" and lanjutan is not None and username in kata_lanjutan:
            kata = kata_lanjutan[username].get("keputusan")
            dibawa = kata == "dibawa"
            if not dibawa and kata != di_sk and not (kata == "BK" and di_sk is not None):
                kata = "ditunda"  # the follow-up said K but no amending SK says it
            hasil[username] = KeputusanTercatat(
                username=username,
                skema_nomor=row.get("skema_nomor"),
                skema_judul=row.get("skema_judul"),
                keputusan="BK" if kata == "BK" or di_sk == "BK" else "K" if kata == "K" else "ditunda",
                sumber="pleno_lanjutan",
                diputuskan_oleh=lanjutan[0].event.actor,
                diputuskan_at=lanjutan[0].event.at,
                disetujui_oleh=persetujuan.event.actor,
                dokumen_id=sk.id,
                dibawa=dibawa,
                alasan=str(kata_lanjutan[username].get("alasan") or "") or None,
            )
            continue
        keputusan = "K" if di_sk == "K" and di_pleno == "K" else "BK" if "BK" in (di_sk, di_pleno) else "ditunda"
        hasil[username] = KeputusanTercatat(
            username=username,
            skema_nomor=row.get("skema_nomor"),
            skema_judul=row.get("skema_judul"),
            keputusan=keputusan,
            sumber="pleno",
            diputuskan_oleh=pleno.event.actor,
            diputuskan_at=pleno.event.at,
            disetujui_oleh=persetujuan.event.actor,
            dokumen_id=sk.id,
        )
    instance = session.get(ProcessInstance, instance_id)
    if instance is not None and instance.status == InstanceStatus.COMPLETED:
        # Step 6 is over: whoever is still ditunda (the follow-up lapsed, or a process version without it) is
        # carried to a later batch.
        for username, k in hasil.items():
            if k.keputusan == "ditunda" and not k.dibawa:
                hasil[username] = replace(k, dibawa=True)
    return hasil


def kompeten_tercatat(ctx: ServiceContext) -> dict[str, KeputusanTercatat]:
    """The candidates recorded K in this instance (see :func:`keputusan_akhir`)."""
    return {u: k for u, k in keputusan_akhir(ctx.session, ctx.instance_id).items() if k.keputusan == "K"}


def sempitkan(rows: list[dict[str, Any]], tercatat: dict[str, KeputusanTercatat]) -> list[dict[str, Any]]:
    """The workflow's Kompeten rows narrowed to the recorded K, each with the skema the SK names."""
    return [
        {**r, "skema_nomor": tercatat[r["username"]].skema_nomor, "skema_judul": tercatat[r["username"]].skema_judul}
        for r in rows
        if r.get("username") in tercatat
    ]


# --------------------------------------------------------------------------------------------------
# Where an issuing operator may run


def proses_disetujui(session: Session, operator_name: str) -> set[str]:
    """Process keys Ketua LSP approved `operator_name` for, through approved deployments."""
    keys: set[str] = set()
    for perubahan in session.scalars(
        select(Deployment.penerbitan).where(
            Deployment.status == DeploymentStatus.AKTIF, Deployment.diputuskan_oleh.is_not(None)
        )
    ):
        for p in objects(perubahan):
            if p.get("operator") == operator_name and p.get("perubahan") == "ditambah":
                keys.add(str(p.get("proses")))
    return keys


def periksa_proses_penerbit(ctx: ServiceContext, name: str, bawaan: frozenset[str]) -> None:
    """Refuse to run issuing operator `name` outside the processes it is approved for."""
    row = ctx.session.get(ProcessInstance, ctx.instance_id)
    key = row.key if row is not None else None
    if key in bawaan or (key is not None and key in proses_disetujui(ctx.session, name)):
        return
    raise ServiceTaskError(
        f"operator {name!r} issues certification documents and is not approved for process {key!r} "
        f"(approved: {', '.join(sorted(bawaan)) or 'none'}; others need Ketua LSP's approval when deployed)"
    )
