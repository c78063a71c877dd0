"""The LSP's profile: one row, heading every letter."""

from datetime import date, datetime

from api.auth import CurrentUser
from api.errors import ApiError
from api.schemas.master import LspIn, LspOut
from api.services.master.crud import catat, flush, snapshot, today, user_with_role
from api.store.db import Database
from api.store.enums import AksiDataInduk, DataInduk, Role
from api.store.master import LspProfil


def _out(lsp: LspProfil, on: date) -> LspOut:
    return LspOut(
        nama=lsp.nama,
        kode=lsp.kode,
        no_lisensi=lsp.no_lisensi,
        lisensi_berlaku_sd=lsp.lisensi_berlaku_sd,
        lisensi_berlaku=lsp.lisensi_berlaku_sd >= on,
        alamat=lsp.alamat,
        kota=lsp.kota,
        telepon=lsp.telepon,
        email=lsp.email,
        website=lsp.website,
        ketua=lsp.ketua.username if lsp.ketua else None,
        ketua_nama=lsp.ketua.full_name if lsp.ketua else None,
        rasio_asesi_per_asesor=lsp.rasio_asesi_per_asesor,
        masa_banding_hari=lsp.masa_banding_hari,
        masa_berlaku_sertifikat_tahun=lsp.masa_berlaku_sertifikat_tahun,
        pola_no_sertifikat=lsp.pola_no_sertifikat,
        pola_no_registrasi=lsp.pola_no_registrasi,
        updated_at=lsp.updated_at,
        updated_by=lsp.updated_by,
    )


def get(db: Database, now: datetime) -> LspOut:
    with db.reading() as session:
        lsp = session.get(LspProfil, 1)
        if lsp is None:
            raise ApiError(404, "no LSP profile yet: PUT /api/lsp first")
        return _out(lsp, today(now))


def put(db: Database, now: datetime, user: CurrentUser, body: LspIn) -> LspOut:
    with db.transaction() as session:
        ketua = user_with_role(session, body.ketua, Role.KETUA_LSP, "ketua") if body.ketua else None
        existing = session.get(LspProfil, 1)
        fields = (*(f for f in LspIn.model_fields if f != "ketua"), "ketua_user_id")
        before = snapshot(existing, fields) if existing else {}
        lsp = existing or LspProfil(id=1)
        for field, value in body.model_dump(exclude={"ketua"}).items():
            setattr(lsp, field, value)
        lsp.ketua = ketua
        lsp.updated_at = now
        lsp.updated_by = user.username
        session.add(lsp)
        flush(session)
        aksi = AksiDataInduk.DIUBAH if existing else AksiDataInduk.DIBUAT
        catat(session, now, user.username, DataInduk.LSP, 1, lsp.kode, aksi, before, snapshot(lsp, fields))
        return _out(lsp, today(now))
