"""The audit search's answer: one page of rows (history events and master-data changes) with the cursor of
the next page."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditRow(BaseModel):
    """One row: a history event of an instance (`jenis` "proses"), a change of master data ("data_induk"), or a
    substitute named or ended ("pengganti": `subjek` the absent person, `record_id` the substitution's id,
    `rincian` its diwakili, pengganti, mulai, sampai, alasan and keterangan)."""

    jenis: str
    id: int
    at: datetime
    type: str  # an EventType, an AksiDataInduk for a master-data change, a PeristiwaPengganti
    actor: str | None
    # A history event: its period (the root instance's business key), instance, process and what it is about.
    periode: str | None = None
    instance_id: int | None = None
    process_key: str | None = None
    # Who or what the instance or the master-data record is about (a candidate's username, a skema's nomor...).
    subjek: str | None = None
    task_id: str | None = None
    task_name: str | None = None
    lane: str | None = None
    # A master-data change: which data and record.
    data_induk: str | None = None
    record_id: int | None = None
    # The event's data, or the change's fields {field: {sebelum, sesudah}}.
    rincian: dict[str, Any]


class AuditPage(BaseModel):
    """One page, newest first; `next_cursor` asks for the next (None: this is the last)."""

    items: list[AuditRow]
    next_cursor: str | None
