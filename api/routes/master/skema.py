"""Skema: staff and asesor read, master writers write."""

from fastapi import APIRouter, status

from api.permissions import MasterWriter, StaffOrAsesor
from api.routes.deps import Db, Id, Now, PageNumber, PageSize, Search
from api.schemas.common import Page
from api.schemas.master import SkemaIn, SkemaOut, SkemaPatch
from api.services.master import skema

router = APIRouter(prefix="/api/skema", tags=["master data"])


@router.get("", response_model=Page[SkemaOut])
def list_skema(
    db: Db,
    user: StaffOrAsesor,
    q: Search = None,
    aktif: bool | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Page[SkemaOut]:
    return skema.list_page(db, q, aktif, page, page_size)


@router.post("", response_model=SkemaOut, status_code=status.HTTP_201_CREATED)
def create_skema(body: SkemaIn, db: Db, now: Now, user: MasterWriter) -> SkemaOut:
    return skema.create(db, now, user.username, body)


@router.get("/{skema_id}", response_model=SkemaOut)
def get_skema(skema_id: Id, db: Db, user: StaffOrAsesor) -> SkemaOut:
    return skema.get(db, skema_id)


@router.patch("/{skema_id}", response_model=SkemaOut)
def update_skema(skema_id: Id, body: SkemaPatch, db: Db, now: Now, user: MasterWriter) -> SkemaOut:
    return skema.update(db, now, user.username, skema_id, body)


@router.post("/{skema_id}/nonaktifkan", response_model=SkemaOut)
def deactivate_skema(skema_id: Id, db: Db, now: Now, user: MasterWriter) -> SkemaOut:
    return skema.set_aktif(db, now, user.username, skema_id, False)


@router.post("/{skema_id}/aktifkan", response_model=SkemaOut)
def activate_skema(skema_id: Id, db: Db, now: Now, user: MasterWriter) -> SkemaOut:
    return skema.set_aktif(db, now, user.username, skema_id, True)
