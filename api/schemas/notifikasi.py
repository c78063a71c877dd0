"""Notifications (`/api/notifikasi`) and each user's choice of e-mail (`/api/me/notifikasi`)."""

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, Field

from api.schemas.common import Patch


class NotifikasiOut(BaseModel):
    id: int
    jenis: str
    judul: str
    isi: str
    tautan: str  # a path of this site: the task or the document
    created_at: datetime
    dibaca_at: datetime | None
    email_status: str


class DaftarNotifikasi(BaseModel):
    """The caller's notifications, newest first, one page; and how many are unread in all."""

    belum_dibaca: int
    total: int
    page: int
    page_size: int
    items: list[NotifikasiOut]


class PreferensiNotifikasi(BaseModel):
    email: str | None
    email_notifikasi: bool


class PreferensiPatch(Patch):
    """`email` null removes the address; `email_notifikasi` false keeps notifications in-app only."""

    nullable: ClassVar[frozenset[str]] = frozenset({"email"})
    email: str | None = Field(default=None, max_length=200)
    email_notifikasi: bool | None = None
