"""Master data over REST: the LSP profile, skema, asesor (with conflicts of interest), TUK and peserta.

Staff and the administrator read everything; an asesor reads skema and TUK and their own record, a peserta
their own record. Admin, Ketua LSP and both Kabid write. Nothing is deleted: records that processes and
certificates refer to are deactivated instead (`POST /{id}/nonaktifkan`, undone by `/aktifkan`).
"""

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from api.auth import Caller, CurrentUser, require_roles
from api.errors import ApiError
from api.master.schemas import (
    AsesorIn,
    AsesorOut,
    AsesorPatch,
    Halaman,
    KonflikIn,
    KonflikOut,
    LspIn,
    LspOut,
    PesertaIn,
    PesertaOut,
    PesertaPatch,
    SkemaIn,
    SkemaOut,
    SkemaPatch,
    TukIn,
    TukOut,
    TukPatch,
)
from api.store.master import Asesor, KonflikKepentingan, LspProfil, Peserta, Sertifikat, Skema, Tuk
from api.store.models import STAFF_ROLES, User
from service_tasks.format_indonesia import WIB

router = APIRouter(prefix="/api", tags=["master data"])

STAFF = STAFF_ROLES
WRITERS = ("admin", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi")
Reader = Annotated[CurrentUser, require_roles(*STAFF)]
ReaderOrAsesor = Annotated[CurrentUser, require_roles(*STAFF, "asesor")]
Writer = Annotated[CurrentUser, require_roles(*WRITERS)]
Page = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=500)]
Search = Annotated[str | None, Query(max_length=100, description="case-insensitive part of a code, number or name")]

# Unique constraints -> the request field a duplicate is reported on (PostgreSQL names the constraint).
UNIQUE_FIELDS = {
    "uq_skema_nomor": "nomor",
    "uq_tuk_kode": "kode",
    "uq_asesor_user_id": "username",
    "uq_asesor_no_reg_met": "no_reg_met",
    "uq_peserta_user_id": "username",
    "uq_peserta_nim": "nim",
    "uq_konflik_asesor_peserta": "peserta_username",
}
# SQLite names the columns instead: "UNIQUE constraint failed: peserta.nim".
SQLITE_UNIQUE = {
    "skema.nomor": "nomor",
    "tuk.kode": "kode",
    "asesor.user_id": "username",
    "asesor.no_reg_met": "no_reg_met",
    "peserta.user_id": "username",
    "peserta.nim": "nim",
    "konflik_kepentingan.asesor_id": "peserta_username",
}

M = TypeVar("M")


def today(request: Request) -> date:
    return request.app.state.clock.now().astimezone(WIB).date()


def _error(status_code: int, field: str, message: str) -> ApiError:
    # The shape of every error body (api/errors.py, api/routes/users.py): the path of the field at fault.
    return ApiError(status_code, message, [{"path": field, "message": message}])


def _duplicate(field: str, value: object) -> ApiError:
    return _error(409, field, f"{field} {value!r} sudah terdaftar")


def _flush(session: Session) -> None:
    """Write now, so a duplicate that slipped past the checks (a concurrent request) is a 409 naming the field."""
    try:
        session.flush()
    except IntegrityError as exc:
        diag = getattr(exc.orig, "diag", None)
        field = UNIQUE_FIELDS.get(getattr(diag, "constraint_name", None) or "")
        if field is None:
            match = re.search(r"UNIQUE constraint failed: ([\w.]+)", str(exc.orig))
            field = SQLITE_UNIQUE.get(match.group(1)) if match else None
        if field is None:
            raise
        raise _error(409, field, f"{field} sudah terdaftar") from exc


def _get(session: Session, model: type[M], id_: int, what: str) -> M:
    row = session.get(model, id_)
    if row is None:
        raise ApiError(404, f"{what} {id_} tidak ditemukan")
    return row


def _taken(session: Session, column: Any, value: object, own_id: int | None = None) -> bool:
    query = select(column.class_.id).where(column == value)
    if own_id is not None:
        query = query.where(column.class_.id != own_id)
    return session.scalars(query.limit(1)).first() is not None


def _user_with_role(session: Session, username: str, role: str, field: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise _error(422, field, f"pengguna {username!r} tidak ada")
    if role not in user.role_codes:
        raise _error(422, field, f"pengguna {username!r} tidak memiliki peran {role}")
    return user


def _pattern(q: str) -> str:
    escaped = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(q: str | None, *columns: Any) -> list[ColumnElement[bool]]:
    if not q or not q.strip():
        return []
    pattern = _pattern(q)
    return [or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))]


def _page(
    session: Session, query: Select[Any], count: Select[Any], page: int, page_size: int, out: Callable[[Any], Any]
) -> dict[str, Any]:
    total = session.scalar(count) or 0
    rows = session.scalars(query.offset((page - 1) * page_size).limit(page_size)).unique().all()
    return {"items": [out(r) for r in rows], "total": total, "page": page, "page_size": page_size}


def _set_aktif(request: Request, model: type[Any], id_: int, aktif: bool, what: str) -> Any:
    with request.app.state.db.transaction() as session:
        row = _get(session, model, id_, what)
        if row.aktif != aktif:
            row.aktif = aktif
            row.updated_at = request.app.state.clock.now()
            _flush(session)
        return row


# --- LSP profile


def _lsp_out(lsp: LspProfil, on: date) -> LspOut:
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
        updated_at=lsp.updated_at,
        updated_by=lsp.updated_by,
    )


@router.get("/lsp", response_model=LspOut)
def get_lsp(request: Request, user: Caller) -> LspOut:
    """The LSP's profile: every signed-in user may read it (it heads every letter)."""
    with request.app.state.db.reading() as session:
        lsp = session.get(LspProfil, 1)
        if lsp is None:
            raise ApiError(404, "profil LSP belum diisi")
        return _lsp_out(lsp, today(request))


@router.put("/lsp", response_model=LspOut)
def put_lsp(body: LspIn, request: Request, user: Writer) -> LspOut:
    with request.app.state.db.transaction() as session:
        ketua = _user_with_role(session, body.ketua, "ketua_lsp", "ketua") if body.ketua else None
        lsp = session.get(LspProfil, 1) or LspProfil(id=1)
        for field, value in body.model_dump(exclude={"ketua"}).items():
            setattr(lsp, field, value)
        lsp.ketua = ketua
        lsp.updated_at = request.app.state.clock.now()
        lsp.updated_by = user.username
        session.add(lsp)
        _flush(session)
        return _lsp_out(lsp, today(request))


# --- Skema


@router.get("/skema", response_model=Halaman[SkemaOut])
def list_skema(
    request: Request,
    user: ReaderOrAsesor,
    q: Search = None,
    aktif: bool | None = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> dict[str, Any]:
    where = _search(q, Skema.nomor, Skema.judul, Skema.bidang)
    if aktif is not None:
        where.append(Skema.aktif.is_(aktif))
    with request.app.state.db.reading() as session:
        return _page(
            session,
            select(Skema).where(*where).order_by(Skema.nomor),
            select(func.count(Skema.id)).where(*where),
            page,
            page_size,
            SkemaOut.model_validate,
        )


@router.post("/skema", response_model=SkemaOut, status_code=status.HTTP_201_CREATED)
def create_skema(body: SkemaIn, request: Request, user: Writer) -> SkemaOut:
    now = request.app.state.clock.now()
    with request.app.state.db.transaction() as session:
        if _taken(session, Skema.nomor, body.nomor):
            raise _duplicate("nomor", body.nomor)
        skema = Skema(**body.model_dump(), aktif=True, created_at=now, updated_at=now)
        session.add(skema)
        _flush(session)
        return SkemaOut.model_validate(skema)


@router.get("/skema/{skema_id}", response_model=SkemaOut)
def get_skema(skema_id: int, request: Request, user: ReaderOrAsesor) -> SkemaOut:
    with request.app.state.db.reading() as session:
        return SkemaOut.model_validate(_get(session, Skema, skema_id, "skema"))


@router.patch("/skema/{skema_id}", response_model=SkemaOut)
def update_skema(skema_id: int, body: SkemaPatch, request: Request, user: Writer) -> SkemaOut:
    changes = body.perubahan()
    with request.app.state.db.transaction() as session:
        skema = _get(session, Skema, skema_id, "skema")
        nomor = changes.get("nomor", skema.nomor)
        if nomor != skema.nomor:
            if _taken(session, Skema.nomor, nomor, skema.id):
                raise _duplicate("nomor", nomor)
            # Certificates keep the nomor they were issued under; renaming would orphan them.
            if session.scalars(select(Sertifikat.id).where(Sertifikat.skema_nomor == skema.nomor).limit(1)).first():
                raise _error(409, "nomor", "nomor skema sudah tercantum pada sertifikat dan tidak dapat diubah")
        for field, value in changes.items():
            setattr(skema, field, value)
        skema.updated_at = request.app.state.clock.now()
        _flush(session)
        return SkemaOut.model_validate(skema)


@router.post("/skema/{skema_id}/nonaktifkan", response_model=SkemaOut)
def deactivate_skema(skema_id: int, request: Request, user: Writer) -> SkemaOut:
    return SkemaOut.model_validate(_set_aktif(request, Skema, skema_id, False, "skema"))


@router.post("/skema/{skema_id}/aktifkan", response_model=SkemaOut)
def activate_skema(skema_id: int, request: Request, user: Writer) -> SkemaOut:
    return SkemaOut.model_validate(_set_aktif(request, Skema, skema_id, True, "skema"))


# --- Asesor


def _asesor_out(asesor: Asesor, on: date) -> AsesorOut:
    return AsesorOut(
        id=asesor.id,
        username=asesor.username,
        nama=asesor.nama,
        no_reg_met=asesor.no_reg_met,
        met_berlaku_sd=asesor.met_berlaku_sd,
        met_berlaku=asesor.met_berlaku_pada(on),
        skema=asesor.skema_nomor,
        konflik=[_konflik_out(k) for k in asesor.konflik],
        aktif=asesor.aktif,
        created_at=asesor.created_at,
        updated_at=asesor.updated_at,
    )


def _konflik_out(konflik: KonflikKepentingan) -> KonflikOut:
    return KonflikOut(
        peserta_username=konflik.peserta.username,
        peserta_nama=konflik.peserta.nama,
        keterangan=konflik.keterangan,
        dinyatakan_at=konflik.dinyatakan_at,
        dinyatakan_oleh=konflik.dinyatakan_oleh,
    )


def _skema_list(session: Session, nomor: Sequence[str]) -> list[Skema]:
    """The skema with these numbers, each once, by nomor (as they are read back); a 422 naming an unknown one."""
    wanted = [n.strip() for n in nomor]
    found = {s.nomor: s for s in session.scalars(select(Skema).where(Skema.nomor.in_(wanted)))}
    for i, n in enumerate(wanted):
        if n not in found:
            raise _error(422, f"skema.{i}", f"skema {n!r} tidak ada")
    return [found[n] for n in sorted(found)]


def _asesor_query() -> Select[Any]:
    return select(Asesor).join(Asesor.user).options(contains_eager(Asesor.user))


@router.get("/asesor", response_model=Halaman[AsesorOut])
def list_asesor(
    request: Request,
    user: Reader,
    q: Search = None,
    aktif: bool | None = None,
    skema: Annotated[str | None, Query(description="only asesor competent in this skema (nomor)")] = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> dict[str, Any]:
    where = _search(q, User.username, User.full_name, Asesor.no_reg_met)
    if aktif is not None:
        where.append(Asesor.aktif.is_(aktif))
    if skema:
        where.append(Asesor.skema.any(Skema.nomor == skema))
    on = today(request)
    with request.app.state.db.reading() as session:
        return _page(
            session,
            _asesor_query().where(*where).order_by(User.full_name, Asesor.id),
            select(func.count(Asesor.id)).join(Asesor.user).where(*where),
            page,
            page_size,
            lambda a: _asesor_out(a, on),
        )


@router.get("/asesor/saya", response_model=AsesorOut)
def my_asesor(request: Request, user: Annotated[CurrentUser, require_roles("asesor")]) -> AsesorOut:
    """The calling asesor's own record (MET, competences, declared conflicts)."""
    with request.app.state.db.reading() as session:
        asesor = session.scalars(_asesor_query().where(User.username == user.username)).first()
        if asesor is None:
            raise ApiError(404, "data asesor Anda belum didaftarkan")
        return _asesor_out(asesor, today(request))


@router.post("/asesor", response_model=AsesorOut, status_code=status.HTTP_201_CREATED)
def create_asesor(body: AsesorIn, request: Request, user: Writer) -> AsesorOut:
    now = request.app.state.clock.now()
    with request.app.state.db.transaction() as session:
        account = _user_with_role(session, body.username, "asesor", "username")
        if _taken(session, Asesor.user_id, account.id):
            raise _duplicate("username", body.username)
        if _taken(session, Asesor.no_reg_met, body.no_reg_met):
            raise _duplicate("no_reg_met", body.no_reg_met)
        asesor = Asesor(
            user=account,
            no_reg_met=body.no_reg_met,
            met_berlaku_sd=body.met_berlaku_sd,
            skema=_skema_list(session, body.skema),
            konflik=[],
            aktif=True,
            created_at=now,
            updated_at=now,
        )
        session.add(asesor)
        _flush(session)
        return _asesor_out(asesor, today(request))


@router.get("/asesor/{asesor_id}", response_model=AsesorOut)
def get_asesor(asesor_id: int, request: Request, user: Reader) -> AsesorOut:
    with request.app.state.db.reading() as session:
        return _asesor_out(_get(session, Asesor, asesor_id, "asesor"), today(request))


@router.patch("/asesor/{asesor_id}", response_model=AsesorOut)
def update_asesor(asesor_id: int, body: AsesorPatch, request: Request, user: Writer) -> AsesorOut:
    changes = body.perubahan()
    with request.app.state.db.transaction() as session:
        asesor = _get(session, Asesor, asesor_id, "asesor")
        if "no_reg_met" in changes and _taken(session, Asesor.no_reg_met, changes["no_reg_met"], asesor.id):
            raise _duplicate("no_reg_met", changes["no_reg_met"])
        if "skema" in changes:
            asesor.skema = _skema_list(session, changes.pop("skema"))
        for field, value in changes.items():
            setattr(asesor, field, value)
        asesor.updated_at = request.app.state.clock.now()
        _flush(session)
        return _asesor_out(asesor, today(request))


@router.post("/asesor/{asesor_id}/nonaktifkan", response_model=AsesorOut)
def deactivate_asesor(asesor_id: int, request: Request, user: Writer) -> AsesorOut:
    return _asesor_out(_set_aktif(request, Asesor, asesor_id, False, "asesor"), today(request))


@router.post("/asesor/{asesor_id}/aktifkan", response_model=AsesorOut)
def activate_asesor(asesor_id: int, request: Request, user: Writer) -> AsesorOut:
    return _asesor_out(_set_aktif(request, Asesor, asesor_id, True, "asesor"), today(request))


@router.post("/asesor/{asesor_id}/konflik", response_model=KonflikOut, status_code=status.HTTP_201_CREATED)
def declare_konflik(asesor_id: int, body: KonflikIn, request: Request, user: Caller) -> KonflikOut:
    """Declare a conflict of interest: staff who write master data, or the asesor about themselves
    (the Kode Etik Asesor asks asesor to disclose their relationships with candidates)."""
    with request.app.state.db.transaction() as session:
        asesor = _get(session, Asesor, asesor_id, "asesor")
        if not user.has_any(*WRITERS) and not (user.has_any("asesor") and asesor.user_id == user.id):
            raise ApiError(403, f"requires one of the roles: {', '.join(WRITERS)}, or the asesor themselves")
        peserta = session.scalars(
            select(Peserta).join(Peserta.user).where(User.username == body.peserta_username)
        ).first()
        if peserta is None:
            raise _error(422, "peserta_username", f"peserta {body.peserta_username!r} tidak ada")
        if any(k.peserta_id == peserta.id for k in asesor.konflik):
            raise _error(
                409, "peserta_username", f"konflik kepentingan dengan {body.peserta_username!r} sudah dinyatakan"
            )
        konflik = KonflikKepentingan(
            asesor=asesor,
            peserta=peserta,
            keterangan=body.keterangan,
            dinyatakan_at=request.app.state.clock.now(),
            dinyatakan_oleh=user.username,
        )
        session.add(konflik)
        _flush(session)
        return _konflik_out(konflik)


# --- TUK


@router.get("/tuk", response_model=Halaman[TukOut])
def list_tuk(
    request: Request,
    user: ReaderOrAsesor,
    q: Search = None,
    aktif: bool | None = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> dict[str, Any]:
    where = _search(q, Tuk.kode, Tuk.nama, Tuk.alamat)
    if aktif is not None:
        where.append(Tuk.aktif.is_(aktif))
    with request.app.state.db.reading() as session:
        return _page(
            session,
            select(Tuk).where(*where).order_by(Tuk.kode),
            select(func.count(Tuk.id)).where(*where),
            page,
            page_size,
            TukOut.model_validate,
        )


@router.post("/tuk", response_model=TukOut, status_code=status.HTTP_201_CREATED)
def create_tuk(body: TukIn, request: Request, user: Writer) -> TukOut:
    now = request.app.state.clock.now()
    with request.app.state.db.transaction() as session:
        if _taken(session, Tuk.kode, body.kode):
            raise _duplicate("kode", body.kode)
        tuk = Tuk(**body.model_dump(), aktif=True, created_at=now, updated_at=now)
        session.add(tuk)
        _flush(session)
        return TukOut.model_validate(tuk)


@router.get("/tuk/{tuk_id}", response_model=TukOut)
def get_tuk(tuk_id: int, request: Request, user: ReaderOrAsesor) -> TukOut:
    with request.app.state.db.reading() as session:
        return TukOut.model_validate(_get(session, Tuk, tuk_id, "TUK"))


@router.patch("/tuk/{tuk_id}", response_model=TukOut)
def update_tuk(tuk_id: int, body: TukPatch, request: Request, user: Writer) -> TukOut:
    changes = body.perubahan()
    with request.app.state.db.transaction() as session:
        tuk = _get(session, Tuk, tuk_id, "TUK")
        if "kode" in changes and _taken(session, Tuk.kode, changes["kode"], tuk.id):
            raise _duplicate("kode", changes["kode"])
        for field, value in changes.items():
            setattr(tuk, field, value)
        tuk.updated_at = request.app.state.clock.now()
        _flush(session)
        return TukOut.model_validate(tuk)


@router.post("/tuk/{tuk_id}/nonaktifkan", response_model=TukOut)
def deactivate_tuk(tuk_id: int, request: Request, user: Writer) -> TukOut:
    return TukOut.model_validate(_set_aktif(request, Tuk, tuk_id, False, "TUK"))


@router.post("/tuk/{tuk_id}/aktifkan", response_model=TukOut)
def activate_tuk(tuk_id: int, request: Request, user: Writer) -> TukOut:
    return TukOut.model_validate(_set_aktif(request, Tuk, tuk_id, True, "TUK"))


# --- Peserta


def _peserta_query() -> Select[Any]:
    return select(Peserta).join(Peserta.user).options(contains_eager(Peserta.user))


@router.get("/peserta", response_model=Halaman[PesertaOut])
def list_peserta(
    request: Request,
    user: Reader,
    q: Search = None,
    aktif: bool | None = None,
    prodi: Annotated[str | None, Query(max_length=200)] = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> dict[str, Any]:
    where = _search(q, User.username, User.full_name, Peserta.nim, Peserta.prodi)
    if aktif is not None:
        where.append(Peserta.aktif.is_(aktif))
    if prodi:
        where.append(Peserta.prodi == prodi)
    with request.app.state.db.reading() as session:
        return _page(
            session,
            _peserta_query().where(*where).order_by(User.full_name, Peserta.id),
            select(func.count(Peserta.id)).join(Peserta.user).where(*where),
            page,
            page_size,
            PesertaOut.model_validate,
        )


@router.get("/peserta/saya", response_model=PesertaOut)
def my_peserta(request: Request, user: Annotated[CurrentUser, require_roles("peserta")]) -> PesertaOut:
    """The calling candidate's own record."""
    with request.app.state.db.reading() as session:
        peserta = session.scalars(_peserta_query().where(User.username == user.username)).first()
        if peserta is None:
            raise ApiError(404, "data peserta Anda belum didaftarkan")
        return PesertaOut.model_validate(peserta)


@router.post("/peserta", response_model=PesertaOut, status_code=status.HTTP_201_CREATED)
def create_peserta(body: PesertaIn, request: Request, user: Writer) -> PesertaOut:
    now = request.app.state.clock.now()
    with request.app.state.db.transaction() as session:
        account = _user_with_role(session, body.username, "peserta", "username")
        if _taken(session, Peserta.user_id, account.id):
            raise _duplicate("username", body.username)
        if _taken(session, Peserta.nim, body.nim):
            raise _duplicate("nim", body.nim)
        peserta = Peserta(
            user=account, **body.model_dump(exclude={"username"}), aktif=True, created_at=now, updated_at=now
        )
        session.add(peserta)
        _flush(session)
        return PesertaOut.model_validate(peserta)


@router.get("/peserta/{peserta_id}", response_model=PesertaOut)
def get_peserta(peserta_id: int, request: Request, user: Reader) -> PesertaOut:
    with request.app.state.db.reading() as session:
        return PesertaOut.model_validate(_get(session, Peserta, peserta_id, "peserta"))


@router.patch("/peserta/{peserta_id}", response_model=PesertaOut)
def update_peserta(peserta_id: int, body: PesertaPatch, request: Request, user: Writer) -> PesertaOut:
    changes = body.perubahan()
    with request.app.state.db.transaction() as session:
        peserta = _get(session, Peserta, peserta_id, "peserta")
        if "nim" in changes and _taken(session, Peserta.nim, changes["nim"], peserta.id):
            raise _duplicate("nim", changes["nim"])
        for field, value in changes.items():
            setattr(peserta, field, value)
        peserta.updated_at = request.app.state.clock.now()
        _flush(session)
        return PesertaOut.model_validate(peserta)


@router.post("/peserta/{peserta_id}/nonaktifkan", response_model=PesertaOut)
def deactivate_peserta(peserta_id: int, request: Request, user: Writer) -> PesertaOut:
    return PesertaOut.model_validate(_set_aktif(request, Peserta, peserta_id, False, "peserta"))


@router.post("/peserta/{peserta_id}/aktifkan", response_model=PesertaOut)
def activate_peserta(peserta_id: int, request: Request, user: Writer) -> PesertaOut:
    return PesertaOut.model_validate(_set_aktif(request, Peserta, peserta_id, True, "peserta"))
