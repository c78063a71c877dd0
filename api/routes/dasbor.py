"""A period at a glance (`GET /api/periode`, `GET /api/periode/{id}/dasbor`): what the Ketua LSP's and the
Direktur's dashboard page shows, as JSON."""

from fastapi import APIRouter

from api.errors import ApiError
from api.permissions import DasborReader
from api.routes.deps import Db, Id, Now
from api.schemas.dasbor import Dasbor, PeriodeRingkas, TrenPeriode
from api.services import dasbor

router = APIRouter(prefix="/api/periode", tags=["dasbor"])


@router.get("", response_model=list[PeriodeRingkas])
def periode_list(db: Db, user: DasborReader) -> list[PeriodeRingkas]:
    """The periods (root instances of the SOP process), newest first, with the running SOP step and the
    number of open escalations. Staff and admin."""
    return dasbor.periode_list(db)


@router.get("/tren", response_model=list[TrenPeriode])
def periode_tren(db: Db, now: Now, user: DasborReader) -> list[TrenPeriode]:
    """The last ten periods side by side, oldest first: target, registered, accepted, present, Kompeten, BK and
    certificates; the steps done and late against their time standards; the tasks done on time against those
    decided (done, or open past their due); the escalations raised. Staff and admin."""
    return dasbor.tren(db, now)


@router.get("/{instance_id}/dasbor", response_model=Dasbor, responses={404: {"description": "no such period"}})
def periode_dasbor(instance_id: Id, db: Db, now: Now, user: DasborReader) -> Dasbor:
    """One period at a glance: the SOP steps against their time standards (planned due against actual start
    and done, overdue, the ready tasks and open escalations per step), the escalations, the counts from
    target to certificate per skema and per prodi (target, registered, accepted, present, Kompeten,
    certificate), the final decisions K/BK/ditunda per skema, per TUK and per asesor, time-standard compliance
    (the tasks with a due done by it, after it, or open past it, per step, role and person, most behind first),
    and the documents' render progress per kind.
    Staff and admin."""
    found = dasbor.dasbor(db, now, instance_id)
    if found is None:
        raise ApiError(404, f"no period {instance_id}")
    return found
