"""Bodies of `GET/POST /api/tasks/{id}/komentar` and `/api/instances/{id}/komentar`."""

from datetime import datetime

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

MAX_ISI = 4000  # characters of one comment: a note, not a document


class KomentarIn(BaseModel):
    """A new comment. Kept forever and never edited: a correction is a new comment."""

    isi: str = Field(description=f"the text, 1 to {MAX_ISI} characters once trimmed")
    untuk_peserta: bool = Field(
        False,
        description="shown to the candidate the task or instance is about; false (the default) keeps a staff "
        "note internal. A candidate's own comments are always shown to them.",
    )

    @field_validator("isi")
    @classmethod
    def _isi(cls, value: str) -> str:
        text = value.replace("\r\n", "\n").strip()
        if not text:
            raise PydanticCustomError("komentar_kosong", "komentar wajib diisi")
        if len(text) > MAX_ISI:
            raise PydanticCustomError(
                "komentar_panjang",
                "komentar paling panjang {batas} karakter (ini {panjang} karakter)",
                {"batas": f"{MAX_ISI:,}".replace(",", "."), "panjang": f"{len(text):,}".replace(",", ".")},
            )
        return text


class KomentarOut(BaseModel):
    id: int
    instance_id: int
    task_id: str | None = Field(description="the task it was written on; null: on the instance itself")
    task_name: str | None
    penulis: str = Field(description="the author's username")
    penulis_nama: str | None
    isi: str
    untuk_peserta: bool
    created_at: datetime
