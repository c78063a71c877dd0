"""Substitutes (`/api/pengganti`): naming one for a date range, and the substitutions as they are read."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.store.enums import AlasanPengganti


class PenggantiIn(BaseModel):
    """Name `pengganti` as the substitute of `diwakili` (the caller when left out; someone else only for the
    administrator) from `mulai` to `sampai`, WIB dates, both included."""

    pengganti: str = Field(min_length=1, max_length=64)
    mulai: date
    sampai: date
    alasan: AlasanPengganti
    keterangan: str | None = Field(default=None, max_length=500)
    diwakili: str | None = Field(default=None, min_length=1, max_length=64)


class PenggantiOut(BaseModel):
    id: int
    diwakili: str
    diwakili_nama: str
    pengganti: str
    pengganti_nama: str
    mulai: date
    sampai: date
    alasan: AlasanPengganti
    keterangan: str | None
    dibuat_oleh: str
    dibuat_oleh_nama: str
    dibuat_pada: datetime
    diakhiri_oleh: str | None
    diakhiri_oleh_nama: str | None
    diakhiri_pada: datetime | None
    # In force at the moment of the answer (inside its range by the service's clock, not ended).
    berlaku: bool
    # Its state: "akan_datang" (not begun), "berlaku", "selesai" (past its range), "diakhiri" (ended early).
    keadaan: str
