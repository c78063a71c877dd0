"""TUK: staff and asesor read, master writers write."""

from fastapi import APIRouter, status

from api.permissions import MasterWriter, StaffOrAsesor
from api.routes.deps import Db, Id, Now, PageNumber, PageSize, Search
from api.schemas.common import Page
from api.schemas.master import TukIn, TukOut, TukPatch
from api.services.master import tuk

router = APIRouter(prefix="/api/tuk", tags=["master data"])


@router.get("", response_model=Page[TukOut])
def list_tuk(
    db: Db,
    user: StaffOrAsesor,
    q: Search = None,
    aktif: bool | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Page[TukOut]:
    return tuk.list_page(db, q, aktif, page, page_size)


@router.post("", response_model=TukOut, status_code=status.HTTP_201_CREATED)
def create_tuk(body: TukIn, db: Db, now: Now, user: MasterWriter) -> TukOut:
    return tuk.create(db, now, user.username, body)


@router.get("/{tuk_id}", response_model=TukOut)
def get_tuk(tuk_id: Id, db: Db, user: StaffOrAsesor) -> TukOut:
    return tuk.get(db, tuk_id)


@router.patch("/{tuk_id}", response_model=TukOut)
def update_tuk(tuk_id: Id, body: TukPatch, db: Db, now: Now, user: MasterWriter) -> TukOut:
    return tuk.update(db, now, user.username, tuk_id, body)


@router.post("/{tuk_id}/nonaktifkan", response_model=TukOut)
def deactivate_tuk(tuk_id: Id, db: Db, now: Now, user: MasterWriter) -> TukOut:
    return tuk.set_aktif(db, now, user.username, tuk_id, False)


@router.post("/{tuk_id}/aktifkan", response_model=TukOut)
def activate_tuk(tuk_id: Id, db: Db, now: Now, user: MasterWriter) -> TukOut:
    return tuk.set_aktif(db, now, user.username, tuk_id, True)
