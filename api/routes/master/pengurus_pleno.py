"""Pengurus pleno: staff and asesor read, master writers write."""

from fastapi import APIRouter, status

from api.permissions import MasterWriter, StaffOrAsesor
from api.routes.deps import Db, Id, Now, PageNumber, PageSize, Search
from api.schemas.common import Page
from api.schemas.master import PengurusPlenoIn, PengurusPlenoOut, PengurusPlenoPatch
from api.services.master import pengurus_pleno

router = APIRouter(prefix="/api/pengurus-pleno", tags=["master data"])


@router.get("", response_model=Page[PengurusPlenoOut])
def list_pengurus_pleno(
    db: Db,
    user: StaffOrAsesor,
    q: Search = None,
    aktif: bool | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Page[PengurusPlenoOut]:
    return pengurus_pleno.list_page(db, q, aktif, page, page_size)


@router.post("", response_model=PengurusPlenoOut, status_code=status.HTTP_201_CREATED)
def create_pengurus_pleno(body: PengurusPlenoIn, db: Db, now: Now, user: MasterWriter) -> PengurusPlenoOut:
    return pengurus_pleno.create(db, now, user.username, body)


@router.get("/{pengurus_id}", response_model=PengurusPlenoOut)
def get_pengurus_pleno(pengurus_id: Id, db: Db, user: StaffOrAsesor) -> PengurusPlenoOut:
    return pengurus_pleno.get(db, pengurus_id)


@router.patch("/{pengurus_id}", response_model=PengurusPlenoOut)
def update_pengurus_pleno(
    pengurus_id: Id, body: PengurusPlenoPatch, db: Db, now: Now, user: MasterWriter
) -> PengurusPlenoOut:
    return pengurus_pleno.update(db, now, user.username, pengurus_id, body)


@router.post("/{pengurus_id}/nonaktifkan", response_model=PengurusPlenoOut)
def deactivate_pengurus_pleno(pengurus_id: Id, db: Db, now: Now, user: MasterWriter) -> PengurusPlenoOut:
    return pengurus_pleno.set_aktif(db, now, user.username, pengurus_id, False)


@router.post("/{pengurus_id}/aktifkan", response_model=PengurusPlenoOut)
def activate_pengurus_pleno(pengurus_id: Id, db: Db, now: Now, user: MasterWriter) -> PengurusPlenoOut:
    return pengurus_pleno.set_aktif(db, now, user.username, pengurus_id, True)
