"""Peserta: staff read, master writers write, a candidate reads their own record."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.permissions import MasterWriter, PesertaRole, Staff
from api.routes.deps import Db, Id, Now, PageNumber, PageSize, Search
from api.schemas.common import Page
from api.schemas.master import PesertaIn, PesertaOut, PesertaPatch
from api.services.master import peserta

router = APIRouter(prefix="/api/peserta", tags=["master data"])


@router.get("", response_model=Page[PesertaOut])
def list_peserta(
    db: Db,
    user: Staff,
    q: Search = None,
    aktif: bool | None = None,
    prodi: Annotated[str | None, Query(max_length=200)] = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Page[PesertaOut]:
    return peserta.list_page(db, q, aktif, prodi, page, page_size)


@router.get("/saya", response_model=PesertaOut)
def my_peserta(db: Db, user: PesertaRole) -> PesertaOut:
    """The calling candidate's own record."""
    return peserta.mine(db, user.username)


@router.post("", response_model=PesertaOut, status_code=status.HTTP_201_CREATED)
def create_peserta(body: PesertaIn, db: Db, now: Now, user: MasterWriter) -> PesertaOut:
    return peserta.create(db, now, user.username, body)


@router.get("/{peserta_id}", response_model=PesertaOut)
def get_peserta(peserta_id: Id, db: Db, user: Staff) -> PesertaOut:
    return peserta.get(db, peserta_id)


@router.patch("/{peserta_id}", response_model=PesertaOut)
def update_peserta(peserta_id: Id, body: PesertaPatch, db: Db, now: Now, user: MasterWriter) -> PesertaOut:
    return peserta.update(db, now, user.username, peserta_id, body)


@router.post("/{peserta_id}/nonaktifkan", response_model=PesertaOut)
def deactivate_peserta(peserta_id: Id, db: Db, now: Now, user: MasterWriter) -> PesertaOut:
    return peserta.set_aktif(db, now, user.username, peserta_id, False)


@router.post("/{peserta_id}/aktifkan", response_model=PesertaOut)
def activate_peserta(peserta_id: Id, db: Db, now: Now, user: MasterWriter) -> PesertaOut:
    return peserta.set_aktif(db, now, user.username, peserta_id, True)
