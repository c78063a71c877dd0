"""Substitutes (`/api/pengganti`): an official away names another to work on their tasks "atas nama" them for a
date range (api/services/pengganti.py); the list of one's substitutions, and ending one early."""

from fastapi import APIRouter, status

from api.permissions import PenggantiUser
from api.routes.deps import Db, Id, Now
from api.schemas.pengganti import PenggantiIn, PenggantiOut
from api.services import pengganti

router = APIRouter(prefix="/api/pengganti", tags=["pengganti"])


@router.get("", response_model=list[PenggantiOut])
def daftar(db: Db, now: Now, user: PenggantiUser) -> list[PenggantiOut]:
    """The substitutions the caller named or is named in, newest first (the administrator: every one), each
    with who named and who ended it, and whether it is in force now."""
    return pengganti.daftar(db, user, now)


@router.post("", response_model=PenggantiOut, status_code=status.HTTP_201_CREATED)
def buat(body: PenggantiIn, db: Db, now: Now, user: PenggantiUser) -> PenggantiOut:
    """Name `pengganti` the caller's substitute from `mulai` to `sampai` (WIB dates, both included): inside the
    range they see the caller's tasks in their inbox and complete them in their own name, "atas nama" the
    caller. Refused (422 naming the field): oneself, a candidate or someone without an official's role, a past
    start, a range overlapping the caller's other substitutions, a chain (the substitute away then, or the
    caller standing in for someone then). The administrator may name one for an official (`diwakili`)."""
    return pengganti.buat(db, user, now, body)


@router.post("/{pengganti_id}/akhiri", response_model=PenggantiOut)
def akhiri(pengganti_id: Id, db: Db, now: Now, user: PenggantiUser) -> PenggantiOut:
    """End a substitution now (before it starts, or early): by the absent person, who named it, or the
    administrator. 409 when it is over already."""
    return pengganti.akhiri(db, user, now, pengganti_id)
