"""Operators of the period that are not documents: the TUK master-data look-up, closing registration, a
candidate's FR.APL.02 for the pre-assessment, recording a TUK as verified, the follow-up and banding deadlines.

Each is idempotent per (instance, task): a retry returns the same result and writes nothing twice.
"""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from api.store.enums import EventType, InstanceStatus
from api.store.master import VerifikasiTuk
from api.store.models import Event, ProcessInstance
from service_tasks import operator
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.data_induk import MasterData, tanggal_asesmen
from service_tasks.durasi import Durasi, parse_duration
from service_tasks.format_indonesia import WIB, as_date, hari_ini
from service_tasks.guards import objects, require_list_of, require_object, require_objects
from service_tasks.snapshot import tuk_data


def tambah_tahun(d: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


@operator("data_tuk")
def data_tuk(ctx: ServiceContext, tuk_kode: list[str]) -> list[dict[str, Any]]:
    """The chosen TUK as master data has them, in the order chosen."""
    m = MasterData(ctx.session)
    rows = []
    for kode in require_list_of("tuk_kode", tuk_kode, str):
        tuk = m.tuk(kode)
        if tuk is None:
            raise ServiceTaskError(f"TUK {kode} tidak ada di data master TUK")
        rows.append(tuk_data(tuk))
    return rows


@operator("tutup_pendaftaran")
def tutup_pendaftaran(ctx: ServiceContext, call_activity: str, signal: str) -> dict[str, Any]:
    """Close registration: signal every registration still running (they end as 'ditutup')."""
    n = ctx.signal_children(call_activity, signal)
    return {"ditutup_pada": ctx.now.isoformat(), "pendaftaran_dihentikan": n}


def pengajuan_apl(ctx: ServiceContext, username: str) -> Event:
    """The candidate's last submission of FR.APL.01/02 in this period's registration (its data and its moment):
    read from the registration's history, so the period does not carry every candidate's answers."""
    # The candidate's few instances by subject (its index), then their history (by instance): not the
    # period's thousands of children.
    instances = ctx.session.execute(
        select(ProcessInstance.id, ProcessInstance.root_id, ProcessInstance.status).where(
            ProcessInstance.subject == username
        )
    ).all()
    ids = [i.id for i in instances if i.root_id == ctx.root_id and i.status == InstanceStatus.COMPLETED]
    submitted = ctx.session.scalars(
        select(Event)
        .where(Event.instance_id.in_(ids), Event.type == EventType.TASK_COMPLETED)
        .order_by(Event.id.desc())
    )
    for event in submitted:
        if isinstance(event.data, dict) and isinstance(event.data.get("apl02"), list):
            return event
    raise ServiceTaskError(f"FR.APL.02 {username} tidak ditemukan di pendaftaran periode ini")


@operator("apl02_peserta")
def apl02_peserta(ctx: ServiceContext, username: str) -> list[dict[str, Any]]:
    """The FR.APL.02 the candidate last submitted in this period's registration (:func:`pengajuan_apl`)."""
    return list(pengajuan_apl(ctx, username).data["apl02"])


def _verifikasi_data(row: VerifikasiTuk) -> dict[str, Any]:
    return {
        "id": row.id,
        "kode": row.tuk.kode,
        "nama": row.tuk.nama,
        "jenis": row.tuk.jenis,
        "verifikator": row.verifikator,
        "tanggal": row.tanggal.isoformat(),
        "kesimpulan": row.kesimpulan,
        "ditetapkan_oleh": row.ditetapkan_oleh,
        "ditetapkan_at": row.ditetapkan_at.isoformat() if row.ditetapkan_at else None,
        "berlaku_sd": row.berlaku_sd.isoformat() if row.berlaku_sd else None,
    }


@operator("tetapkan_tuk_terverifikasi")
def tetapkan_tuk_terverifikasi(ctx: ServiceContext, tuk: dict[str, Any], verifikasi: dict[str, Any]) -> dict[str, Any]:
    """Record the Ketua LSP's penetapan: this TUK is verified for this period (a mandiri TUK for a year)."""
    if not isinstance(tuk, dict) or not isinstance(verifikasi, dict):
        raise ServiceTaskError("parameters 'tuk' and 'verifikasi' must be objects")
    master = MasterData(ctx.session).tuk(tuk.get("kode"))
    if master is None:
        raise ServiceTaskError(f"TUK {tuk.get('kode')} tidak ada di data master TUK")
    existing = ctx.session.scalars(
        select(VerifikasiTuk).where(VerifikasiTuk.tuk_id == master.id, VerifikasiTuk.instance_id == ctx.instance_id)
    ).first()
    if existing is not None:
        return _verifikasi_data(existing)
    if verifikasi.get("kesimpulan", "sesuai") != "sesuai":
        raise ServiceTaskError(f"TUK {master.kode}: kesimpulan verifikasi belum sesuai, tidak dapat ditetapkan")
    pada = as_date(verifikasi.get("tanggal")) or hari_ini(ctx)
    row = VerifikasiTuk(
        tuk_id=master.id,
        root_id=ctx.root_id,
        instance_id=ctx.instance_id,
        verifikator=str(tuk.get("verifikator") or verifikasi.get("verifikator") or ""),
        tanggal=pada,
        kesimpulan="sesuai",
        ditetapkan_oleh=ctx.actor,
        ditetapkan_at=ctx.now,
        berlaku_sd=tambah_tahun(pada, 1) if master.jenis == "mandiri" else None,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return _verifikasi_data(row)


@operator("pastikan_tuk_terverifikasi")
def pastikan_tuk_terverifikasi(ctx: ServiceContext, tuk_kode: str) -> dict[str, Any]:
    """Refuse to assess at a TUK not verified for this period (Pedoman BNSP 206)."""
    m = MasterData(ctx.session)
    tuk = m.tuk(tuk_kode)
    if tuk is None:
        raise ServiceTaskError(f"TUK {tuk_kode} tidak ada di data master TUK: asesmen tidak boleh dilaksanakan")
    pada = tanggal_asesmen(ctx.data, hari_ini(ctx))
    row = m.verifikasi_berlaku(tuk, ctx.root_id, pada)
    if row is None:
        raise ServiceTaskError(
            f"TUK {tuk.kode} ({tuk.nama}) belum terverifikasi untuk periode ini: asesmen tidak boleh dilaksanakan"
        )
    assert row.ditetapkan_at is not None
    return {"kode": tuk.kode, "diverifikasi_pada": row.ditetapkan_at.isoformat()}


# What the process versions deployed before `lama` was a parameter run with (step 6's time standard); a new
# deployment gives it in the BPMN (the deploy lint's `duration_parameters` refuses one that does not).
LAMA_VERSI_LAMA = Durasi("P14D")


@operator("batas_tindak_lanjut_ditunda")
def batas_tindak_lanjut_ditunda(ctx: ServiceContext, lama: Durasi = LAMA_VERSI_LAMA) -> str:
    """The end of the follow-up on candidates the pleno postponed (ditunda): now + `lama`, the ISO 8601 duration
    the BPMN gives (the shipped process: 'P14D', step 6's time standard), in WIB. When it passes before the
    follow-up pleno has decided, the candidates are carried to a later batch."""
    try:
        durasi = parse_duration(str(lama))
    except ValueError as exc:
        raise ServiceTaskError(f"parameter 'lama': {exc}") from exc
    return (ctx.now + durasi).astimezone(WIB).isoformat()


@operator("susun_kelompok_ditunda")
def susun_kelompok_ditunda(
    ctx: ServiceContext, pleno: dict[str, Any], hasil: list[dict[str, Any]], bukti_tambahan: dict[str, Any]
) -> list[dict[str, Any]]:
    """Who reviews the additional evidence: one group per asesor who assessed a candidate the pleno postponed
    (ditunda), each candidate with their skema, their units as the asesor assessed them, what the pleno asked
    for and the evidence Kabid Sertifikasi gathered. The asesor's recommendation on it goes to the follow-up
    pleno (SOP step 6: the pleno reviews the evidence and the asesor's recommendation)."""
    pleno = require_object("pleno", pleno)
    bukti_tambahan = require_object("bukti_tambahan", bukti_tambahan)
    by_username = {h.get("username"): h for h in require_objects("hasil", hasil)}
    bukti = {b.get("username"): b for b in objects(bukti_tambahan.get("peserta"))}
    kelompok: dict[str, list[dict[str, Any]]] = {}
    for k in objects(pleno.get("keputusan")):
        if k.get("keputusan") != "ditunda":
            continue
        h = by_username.get(k.get("username")) or {}
        if not h.get("asesor"):
            raise ServiceTaskError(f"peserta ditunda {k.get('username')} tidak memiliki asesor")
        b = bukti.get(k.get("username")) or {}
        kelompok.setdefault(str(h["asesor"]), []).append(
            {
                "username": k.get("username"),
                "skema_nomor": h.get("skema_nomor"),
                "unit": objects(h.get("unit")),
                "catatan_pleno": k.get("catatan") or "",
                "bukti": b.get("bukti") or "",
                "berkas_id": b.get("berkas_id"),
            }
        )
    return [{"asesor": asesor, "peserta": peserta} for asesor, peserta in sorted(kelompok.items())]


@operator("batas_banding")
def batas_banding(ctx: ServiceContext) -> str:
    """The end of the banding window: now + the LSP's masa banding (days), in WIB."""
    lsp = MasterData(ctx.session).lsp()
    hari = int(lsp.masa_banding_hari) if lsp is not None and lsp.masa_banding_hari else 14
    return (ctx.now + timedelta(days=hari)).astimezone(WIB).isoformat()
