"""The audit search (`GET /api/audit`, `GET /api/audit.csv`): every instance's history and the change history of
master data, for the administrator, Ketua LSP and Direktur (`AuditReader`). api/services/audit.py has the query."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.permissions import AuditReader
from api.routes.deps import Db, PageSize
from api.schemas.audit import AuditPage
from api.services import audit
from api.store.enums import JenisAudit
from api.store.storage import attachment_disposition

router = APIRouter(prefix="/api", tags=["audit"])


def _filter(
    actor: Annotated[str | None, Query(max_length=64, description="who acted (username)")] = None,
    type: Annotated[
        str | None, Query(max_length=40, description="an event type, or what was done to master data")
    ] = None,
    kind: Annotated[JenisAudit | None, Query(description="history events or master-data changes")] = None,
    period: Annotated[str | None, Query(max_length=200, description="period: its instance id or business key")] = None,
    peserta: Annotated[str | None, Query(max_length=200, description="a candidate's NIM, username or name")] = None,
    skema: Annotated[str | None, Query(max_length=100, description="skema nomor")] = None,
    date_from: Annotated[date | None, Query(description="first day (WIB), included")] = None,
    date_to: Annotated[date | None, Query(description="last day (WIB), included")] = None,
    task: Annotated[str | None, Query(max_length=300, description="a task's id or its name")] = None,
) -> audit.AuditFilter:
    def clean(value: str | None) -> str | None:
        return (value.strip() or None) if value is not None else None

    return audit.AuditFilter(
        actor=clean(actor),
        type=clean(type),
        kind=kind,
        period=clean(period),
        peserta=clean(peserta),
        skema=clean(skema),
        date_from=date_from,
        date_to=date_to,
        task=clean(task),
    )


Filter = Annotated[audit.AuditFilter, Depends(_filter)]


@router.get("/audit", response_model=AuditPage)
def search(
    db: Db,
    user: AuditReader,
    where: Filter,
    cursor: Annotated[str | None, Query(max_length=100, description="the previous page's next_cursor")] = None,
    page_size: PageSize = 50,
) -> AuditPage:
    """Every instance's history and every change of master data, newest first, narrowed by actor, event type,
    kind, period, candidate, skema, date range (WIB days) and task; paged by `cursor`."""
    return audit.search(db, where, cursor, page_size)


@router.get("/audit.csv", response_class=StreamingResponse)
def search_csv(db: Db, user: AuditReader, where: Filter) -> StreamingResponse:
    """The whole search as CSV (UTF-8), streamed: the same filters as `GET /api/audit`."""
    return StreamingResponse(
        audit.csv_stream(db, where),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": attachment_disposition("jejak-audit.csv")},
    )
