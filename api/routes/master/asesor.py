"""Asesor: staff read, master writers write, an asesor reads their own record; a conflict of interest is
declared by a master writer or the asesor themselves."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.auth import Caller
from api.permissions import AsesorRole, MasterWriter, Staff
from api.routes.deps import Db, Id, Now, PageNumber, PageSize, Search
from api.schemas.common import Page
from api.schemas.master import AsesorIn, AsesorOut, AsesorPatch, KonflikIn, KonflikOut
from api.services.master import asesor

router = APIRouter(prefix="/api/asesor", tags=["master data"])


@router.get("", response_model=Page[AsesorOut])
def list_asesor(
    db: Db,
    now: Now,
    user: Staff,
    q: Search = None,
    aktif: bool | None = None,
    skema: Annotated[str | None, Query(description="only asesor competent in this skema (nomor)")] = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Page[AsesorOut]:
    return asesor.list_page(db, now, q, aktif, skema, page, page_size)


@router.get("/saya", response_model=AsesorOut)
def my_asesor(db: Db, now: Now, user: AsesorRole) -> AsesorOut:
    """The calling asesor's own record (MET, competences, declared conflicts)."""
    return asesor.mine(db, now, user.username)


@router.post("", response_model=AsesorOut, status_code=status.HTTP_201_CREATED)
def create_asesor(body: AsesorIn, db: Db, now: Now, user: MasterWriter) -> AsesorOut:
    return asesor.create(db, now, user.username, body)


@router.get("/{asesor_id}", response_model=AsesorOut)
def get_asesor(asesor_id: Id, db: Db, now: Now, user: Staff) -> AsesorOut:
    return asesor.get(db, now, asesor_id)


@router.patch("/{asesor_id}", response_model=AsesorOut)
def update_asesor(asesor_id: Id, body: AsesorPatch, db: Db, now: Now, user: MasterWriter) -> AsesorOut:
    return asesor.update(db, now, user.username, asesor_id, body)


@router.post("/{asesor_id}/nonaktifkan", response_model=AsesorOut)
def deactivate_asesor(asesor_id: Id, db: Db, now: Now, user: MasterWriter) -> AsesorOut:
    return asesor.set_aktif(db, now, user.username, asesor_id, False)


@router.post("/{asesor_id}/aktifkan", response_model=AsesorOut)
def activate_asesor(asesor_id: Id, db: Db, now: Now, user: MasterWriter) -> AsesorOut:
    return asesor.set_aktif(db, now, user.username, asesor_id, True)


@router.post("/{asesor_id}/konflik", response_model=KonflikOut, status_code=status.HTTP_201_CREATED)
def declare_konflik(asesor_id: Id, body: KonflikIn, db: Db, now: Now, user: Caller) -> KonflikOut:
    """Declare a conflict of interest: staff who write master data, or the asesor about themselves
    (the Kode Etik Asesor asks asesor to disclose their relationships with candidates)."""
    return asesor.declare_konflik(db, now, user, asesor_id, body)
