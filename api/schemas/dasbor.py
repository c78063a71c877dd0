"""Body of `GET /api/periode/{id}/dasbor`: one period at a glance for Ketua LSP and Direktur.

Derived from the period's records, never kept by hand: the SOP steps the runtime noted
(`process_instance.steps`) against the time standards of the BPMN version the period runs, the escalation
tasks (`step_escalated` events), the submissions the history recorded, the final decisions
(`service_tasks.keputusan_tercatat`), the certificate register and the documents.
"""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class PeriodeRingkas(BaseModel):
    """A period (a root instance of the SOP process)."""

    id: int
    business_key: str | None
    status: str = Field(description="the instance's status: running, completed, cancelled, error")
    mulai: datetime
    selesai: datetime | None
    langkah_berjalan: str | None = Field(description="the last SOP step started and not completed")
    langkah_berjalan_nama: str | None
    eskalasi_terbuka: int
    sedang_diproses: bool = Field(
        default=False,
        description="one of the period's instances waits for the worker to run on after a step just completed "
        "(a user task with asyncAfter); only in the period's own dashboard",
    )


class LangkahDasbor(BaseModel):
    """One SOP step of the period against its time standard."""

    nomor: str
    nama: str
    standar_detik: float | None = Field(description="the step's time standard (the BPMN's timeStandard)")
    mulai: datetime | None
    batas: datetime | None = Field(description="planned due: start + time standard")
    selesai: datetime | None
    keadaan: Literal["belum", "berjalan", "selesai", "terhenti"] = Field(
        description="terhenti: left unfinished by a period that ended (cancelled)"
    )
    lama_detik: float | None = Field(description="done - start, or now - start while it runs")
    terlambat: bool = Field(description="done after its due, or running past it")
    terlambat_detik: float | None
    tugas_terbuka: int = Field(description="ready tasks of the step in the period and its children")
    eskalasi_terbuka: int


class Eskalasi(BaseModel):
    """An escalation task: a step ran over its standard and its supervisor must follow it up."""

    task_id: str
    nama: str
    langkah: str | None
    langkah_nama: str | None
    peran: str | None
    batas_langkah: datetime | None = Field(description="the due the step ran over")
    dibuat: datetime
    terbuka: bool
    dibatalkan: bool = Field(description="its task was cancelled (the period ended) rather than followed up")
    diklaim_oleh: str | None
    selesai: datetime | None
    selesai_oleh: str | None


class CorongBaris(BaseModel):
    """From target to certificate for one skema (or prodi): each candidate counted once per column."""

    kunci: str = Field(description="the skema's nomor, or the prodi's name")
    judul: str
    target: int
    terdaftar: int = Field(description="submitted FR.APL.01 (at least once)")
    diterima: int = Field(description="registration accepted (Kabid Administrasi's last check)")
    hadir: int = Field(description="present at the assessment (the asesor's last attendance record)")
    kompeten: int = Field(description="final decision K (pleno as its approved SK states it, upheld appeals)")
    sertifikat: int = Field(description="certificates issued in the period (a re-issued one counted once)")


class KeputusanSkema(BaseModel):
    """The final decisions per skema."""

    skema_nomor: str
    skema_judul: str
    k: int
    bk: int
    ditunda: int


class DokumenJenis(BaseModel):
    """Render progress of one kind of document."""

    jenis: str
    label: str
    total: int
    selesai: int
    gagal: int


class DokumenProgres(BaseModel):
    total: int
    selesai: int
    gagal: int
    per_jenis: list[DokumenJenis]


class LaporanPeriode(BaseModel):
    """The period's Laporan (SOP step 7's output), its latest version."""

    dokumen_id: int
    nomor: str
    siap: bool = Field(description="its PDF is rendered (`GET /api/dokumen/{id}`)")


class KepatuhanBaris(BaseModel):
    """Tasks with a due (their step's) of one step, role or person against it: done by the due, done after it,
    still open past it. The share on time counts the tasks decided (done, or open past the due)."""

    kunci: str = Field(description="the step's number, the role, or the person's username")
    judul: str = Field(description="the step's name, the role's or the person's name")
    peran: str | None = Field(description="the role of the person's tasks (per person only)")
    tepat_waktu: int = Field(description="done by their due")
    terlambat_selesai: int = Field(description="done after their due")
    terlambat_terbuka: int = Field(description="still open past their due (who is behind)")
    berjalan: int = Field(description="still open, not yet due")
    persen_tepat_waktu: float | None = Field(
        description="tepat_waktu / (tepat_waktu + terlambat_selesai + terlambat_terbuka) x 100; null when none"
    )


class Kepatuhan(BaseModel):
    """Time-standard compliance of the period's tasks (each task's due is its SOP step's due)."""

    per_langkah: list[KepatuhanBaris]
    per_peran: list[KepatuhanBaris]
    per_orang: list[KepatuhanBaris] = Field(
        description="staff and asesors (the person who completed the task, or holds it open), most behind first"
    )
    total: KepatuhanBaris


class KeputusanKelompok(BaseModel):
    """The final decisions of the candidates assessed at one TUK or by one asesor (as Kabid Sertifikasi assigned
    them: the last assignment holds)."""

    kunci: str = Field(description="the TUK's code or the asesor's username")
    judul: str
    k: int
    bk: int
    ditunda: int


class TrenPeriode(BaseModel):
    """One period's figures beside the others'."""

    id: int
    business_key: str | None
    status: str
    mulai: datetime
    target: int
    terdaftar: int
    diterima: int
    hadir: int
    kompeten: int
    belum_kompeten: int
    sertifikat: int
    langkah_selesai: int
    langkah_terlambat: int = Field(description="steps done after their due, or running (or stopped) past it")
    tugas_tepat_waktu: int
    tugas_diputuskan: int = Field(description="tasks done, or open past their due")
    persen_tepat_waktu: float | None
    eskalasi: int = Field(description="escalations raised in the period")


class Dasbor(BaseModel):
    periode: PeriodeRingkas
    pada: datetime = Field(description="when these figures were read")
    langkah: list[LangkahDasbor]
    eskalasi: list[Eskalasi]
    corong: list[CorongBaris] = Field(description="per skema")
    corong_total: CorongBaris
    corong_prodi: list[CorongBaris]
    keputusan: list[KeputusanSkema]
    keputusan_tuk: list[KeputusanKelompok]
    keputusan_asesor: list[KeputusanKelompok]
    kepatuhan: Kepatuhan
    dokumen: DokumenProgres
    laporan: LaporanPeriode | None
