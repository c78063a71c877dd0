"""What a document records about the LSP, people, skema and TUK, read from master data at issue time.

A document's data is a snapshot: it keeps what was true when it was signed (the LSP's address and logo,
the asesor's MET, the candidate's NIK), so a later change of master data never rewrites an issued letter.
"""

from datetime import date
from typing import Any

from sqlalchemy import select

from api.store.enums import Role
from api.store.master import Tuk
from api.store.models import User, UserRole
from service_tasks.context import ServiceContext
from service_tasks.data_induk import MasterData


def tuk_data(row: Tuk) -> dict[str, Any]:
    return {
        "kode": row.kode,
        "nama": row.nama,
        "jenis": row.jenis,
        "alamat": row.alamat,
        "kapasitas": row.kapasitas,
        "penanggung_jawab": row.penanggung_jawab,
    }


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def lsp(m: MasterData) -> dict[str, Any]:
    """The LSP's identity, licence, address, logo and Ketua."""
    row = m.lsp()
    if row is None:
        return {"nama": None, "kode": None, "no_lisensi": None, "ketua": None}
    return {
        "nama": row.nama,
        "kode": row.kode,
        "no_lisensi": row.no_lisensi,
        "lisensi_berlaku_sd": iso(row.lisensi_berlaku_sd),
        "alamat": row.alamat,
        "kota": row.kota,
        "telepon": row.telepon,
        "email": row.email,
        "website": row.website,
        # The logo as it was at issue time: a file in the content-addressed store, printed on the kop surat.
        "logo_sha256": row.logo_sha256,
        "logo_content_type": row.logo_content_type,
        "ketua": (
            {"username": row.ketua.username, "nama": row.ketua.full_name, "nip": row.ketua.nip}
            if row.ketua is not None
            else None
        ),
    }


def institusi(m: MasterData) -> dict[str, Any] | None:
    """The institution's identity for its kop surat; None until its profile is recorded."""
    row = m.institusi()
    if row is None:
        return None
    return {
        "nama": row.nama,
        "induk": row.induk.splitlines() if row.induk else [],
        "kode": row.kode,
        "alamat": row.alamat,
        "kota": row.kota,
        "telepon": row.telepon,
        "email": row.email,
        "website": row.website,
        "logo_sha256": row.logo_sha256,
        "logo_content_type": row.logo_content_type,
    }


def orang(m: MasterData, username: Any) -> dict[str, Any]:
    """A person as a document names them; an official with their NIP (printed under the signature)."""
    user = m.user(username)
    if user is None:
        return {"username": username, "nama": username, "nip": None}
    return {"username": username, "nama": user.full_name, "nip": user.nip}


def asesor(m: MasterData, username: Any) -> dict[str, Any]:
    """An asesor (or verifikator) with their No. Reg. MET and its validity."""
    row = m.asesor(username)
    if row is None:
        return {**orang(m, username), "no_reg_met": None, "met_berlaku_sd": None}
    return {
        "username": username,
        "nama": row.user.full_name,
        "no_reg_met": row.no_reg_met,
        "met_berlaku_sd": iso(row.met_berlaku_sd),
    }


def peserta(m: MasterData, p: dict[str, Any]) -> dict[str, Any]:
    """The candidate as a card or certificate prints them: process data completed from the master."""
    username = p.get("username")
    record = m.peserta(username)
    if record is None:
        return {
            "username": username,
            "nama": p.get("nama") or orang(m, username)["nama"],
            "nim": p.get("nim"),
            "prodi": p.get("prodi"),
            "nik": None,
            "tempat_lahir": None,
            "tanggal_lahir": None,
            "jenis_kelamin": None,
        }
    return {
        "username": username,
        "nama": record.user.full_name,
        "nim": record.nim,
        "prodi": record.prodi,
        "nik": record.nik,
        "tempat_lahir": record.tempat_lahir,
        "tanggal_lahir": iso(record.tanggal_lahir),
        "jenis_kelamin": record.jenis_kelamin,
        "alamat": record.alamat,
        "telepon": record.telepon,
        "email": record.email,
    }


def skema(m: MasterData, nomor: Any, judul: Any = None, unit: bool = False) -> dict[str, Any]:
    """A skema's number, title and kind (with its units when `unit`); the given title when unknown."""
    row = m.skema(nomor)
    if row is None:
        return {"nomor": nomor, "judul": judul, **({"unit": []} if unit else {})}
    data: dict[str, Any] = {
        "nomor": row.nomor,
        "judul": row.judul,
        "jenis": row.jenis,
        "level_kkni": row.level_kkni,
        "bidang": row.bidang,
    }
    if unit:
        data["unit"] = [
            {"kode": u.get("kode"), "judul": u.get("judul"), "jenis_standar": u.get("jenis_standar")}
            for u in row.unit or []
        ]
    return data


def tuk(m: MasterData, kode: Any, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """A TUK as master data has it; else what the process data gave."""
    row = m.tuk(kode)
    if row is not None:
        return tuk_data(row)
    return dict(given) if given else {"kode": kode}


def target(m: MasterData, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Target rows with each skema's number and title from master data."""
    found = []
    for t in rows:
        s = skema(m, t.get("skema_nomor"), t.get("skema_judul"))
        found.append({**t, "skema_nomor": s["nomor"], "skema_judul": s["judul"]})
    return found


# The title a substitute signs under, "a.n." the absent official's (their first staff role in this order).
JABATAN_PERAN = (
    (Role.KETUA_LSP, "Ketua LSP"),
    (Role.DIREKTUR, "Direktur"),
    (Role.KABID_SERTIFIKASI, "Kepala Bidang Sertifikasi"),
    (Role.KABID_ADMINISTRASI, "Kepala Bidang Administrasi"),
)


def jabatan_pengguna(ctx: ServiceContext, username: str) -> str:
    roles = set(ctx.session.scalars(select(UserRole.role).join(User).where(User.username == username)))
    return next((jabatan for role, jabatan in JABATAN_PERAN if role in roles), "Pejabat pengganti")


def penandatangan(m: MasterData, ctx: ServiceContext, jabatan: str) -> dict[str, Any]:
    """Who signs as `jabatan`: the actor; a substitute standing in for the absent official (`ctx.atas_nama`)
    signs "a.n." that title under their own (documents/_ttd.html prints `atas_nama`)."""
    if ctx.atas_nama is None:
        return {"jabatan": jabatan, **orang(m, ctx.actor)}
    return {"jabatan": jabatan_pengguna(ctx, ctx.actor), **orang(m, ctx.actor), "atas_nama": jabatan}


def ketua_menandatangani(m: MasterData, ctx: ServiceContext) -> dict[str, Any]:
    """The Ketua LSP as the signatory of a document issued on the actor's completion: the Ketua; when the actor
    stands in for the absent Ketua, the substitute "a.n. Ketua LSP"."""
    signer = ketua(m)
    if ctx.atas_nama is not None and ctx.atas_nama == signer.get("username"):
        return penandatangan(m, ctx, "Ketua LSP")
    return signer


def direktur(ctx: ServiceContext) -> dict[str, Any]:
    """The Direktur who approves the RAB [K: DOMAIN.md section 1]: the active user with role direktur."""
    user = ctx.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.DIREKTUR, User.active.is_(True)).order_by(User.id)
    ).first()
    if user is None:
        return {"jabatan": "Direktur", "username": None, "nama": None, "nip": None}
    return {"jabatan": "Direktur", "username": user.username, "nama": user.full_name, "nip": user.nip}


def ketua(m: MasterData) -> dict[str, Any]:
    """The Ketua LSP as a signatory."""
    orang_ = lsp(m).get("ketua") or {"username": None, "nama": None}
    return {"jabatan": "Ketua LSP", **orang_}


def bernama(m: MasterData, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Result rows (ids: username, skema_nomor) with the candidate's `nama` and the skema's `skema_judul` from
    the master data, as a document keeps them beside what it prints."""
    found = m.data_peserta(rows)
    return [{**r, "nama": f.get("nama"), "skema_judul": f.get("skema_judul")} for r, f in zip(rows, found, strict=True)]
