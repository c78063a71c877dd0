"""Master-data tables (LSP profile, skema, asesor, TUK, peserta) and the records processes write about them
(TUK verifications, uploaded evidence, certificates).

Nothing here is deleted: a record others refer to is deactivated (`aktif = False`) instead.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.store.db import Base, UtcDateTime
from api.store.models import User

JENIS_SKEMA = ("kkni", "okupasi", "klaster")
JENIS_TUK = ("sewaktu", "tempat_kerja", "mandiri")
# BNSP's numbers (DOMAIN.md, Pedoman BNSP 302): a certificate is KBLI (5 digits) KBJI (4) KKNI level (1)
# sequence (7) year (4), e.g. "62090 2512 4 0000001 2026"; a registration is the field's code (letters, e.g.
# TIK, KTL), the LSP's code, a sequence and the year, e.g. "TIK 1234 00001 2026". Spaces between the parts are
# optional. An LSP whose BNSP numbers look otherwise sets its own in the LSP profile.
POLA_NO_SERTIFIKAT = r"\d{5} ?\d{4} ?\d ?\d{7} ?\d{4}"
POLA_NO_REGISTRASI = r"[A-Z]{2,5} ?[0-9A-Z]{3,6} ?\d{4,7} ?\d{4}"
# A replaced certificate's numbers pass to its re-issue; only one row that is not replaced holds a number.
BELUM_DIGANTI = "status <> 'diganti'"


class LspProfil(Base):
    """The LSP itself: a single row with id 1."""

    __tablename__ = "lsp_profil"
    __table_args__ = (
        CheckConstraint("id = 1", name="ck_lsp_profil_satu_baris"),
        CheckConstraint("rasio_asesi_per_asesor > 0", name="ck_lsp_profil_rasio"),
        CheckConstraint("masa_banding_hari > 0", name="ck_lsp_profil_masa_banding"),
        CheckConstraint("masa_berlaku_sertifikat_tahun > 0", name="ck_lsp_profil_masa_berlaku"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    nama: Mapped[str] = mapped_column(String(200))
    kode: Mapped[str] = mapped_column(String(32))
    no_lisensi: Mapped[str] = mapped_column(String(100))
    lisensi_berlaku_sd: Mapped[date] = mapped_column(Date)
    alamat: Mapped[str] = mapped_column(String(300))
    kota: Mapped[str] = mapped_column(String(100))
    telepon: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(200))
    ketua_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The logo on every letterhead: a file in the content-addressed store (data_dir/berkas), PNG, JPEG or SVG.
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    logo_content_type: Mapped[str | None] = mapped_column(String(100))
    # The configurable numbers the SOP leaves to the LSP (DOMAIN.md sections 1 and 2.2).
    rasio_asesi_per_asesor: Mapped[int] = mapped_column(Integer, default=10)
    masa_banding_hari: Mapped[int] = mapped_column(Integer, default=14)
    masa_berlaku_sertifikat_tahun: Mapped[int] = mapped_column(Integer, default=3)
    # BNSP's shapes of its numbers (regular expressions, matched whole); None: the defaults below.
    pola_no_sertifikat: Mapped[str | None] = mapped_column(String(300))
    pola_no_registrasi: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))

    ketua: Mapped[User | None] = relationship(lazy="joined")


INSTITUSI_NOMOR_FORMAT = "{kode}-{seq:03d}/{instansi}/{bulan_romawi}/{tahun}"


class Institusi(Base):
    """The institution the LSP P1 belongs to (the polytechnic): a single row with id 1. Its Direktur writes the
    Nota Dinas on its kop surat and numbers it in its own register, not the LSP's."""

    __tablename__ = "institusi"
    __table_args__ = (CheckConstraint("id = 1", name="ck_institusi_satu_baris"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    nama: Mapped[str] = mapped_column(String(200))
    # The lines above the name on its kop (the ministry and agency it belongs to), one per line.
    induk: Mapped[str | None] = mapped_column(String(300))
    # Its code in its letter numbers ("PSTMI"), and how they are written.
    kode: Mapped[str] = mapped_column(String(32))
    nomor_format: Mapped[str] = mapped_column(String(100), default=INSTITUSI_NOMOR_FORMAT)
    alamat: Mapped[str] = mapped_column(String(300))
    kota: Mapped[str] = mapped_column(String(100))
    telepon: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(200))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    logo_content_type: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class Skema(Base):
    __tablename__ = "skema"
    __table_args__ = (
        UniqueConstraint("nomor", name="uq_skema_nomor"),
        CheckConstraint("level_kkni IS NULL OR level_kkni BETWEEN 1 AND 9", name="ck_skema_level_kkni"),
        CheckConstraint("jenis IN ('kkni', 'okupasi', 'klaster')", name="ck_skema_jenis"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomor: Mapped[str] = mapped_column(String(100))
    judul: Mapped[str] = mapped_column(String(300))
    jenis: Mapped[str] = mapped_column(String(16))
    level_kkni: Mapped[int | None] = mapped_column(Integer)
    bidang: Mapped[str] = mapped_column(String(200))
    dalam_lisensi: Mapped[bool] = mapped_column(Boolean, default=True)
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    # [{kode, judul, jenis_standar, elemen: [{judul, kuk: [str]}]}]: always read and written whole with the skema.
    unit: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def unit_kode(self) -> list[str]:
        return [u["kode"] for u in self.unit]


class AsesorSkema(Base):
    """The skema an asesor is competent to assess."""

    __tablename__ = "asesor_skema"
    __table_args__ = (Index("ix_asesor_skema_skema", "skema_id"),)

    asesor_id: Mapped[int] = mapped_column(ForeignKey("asesor.id", ondelete="CASCADE"), primary_key=True)
    skema_id: Mapped[int] = mapped_column(ForeignKey("skema.id"), primary_key=True)


class Asesor(Base):
    __tablename__ = "asesor"
    __table_args__ = (
        UniqueConstraint("user_id", name="uq_asesor_user_id"),
        UniqueConstraint("no_reg_met", name="uq_asesor_no_reg_met"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    no_reg_met: Mapped[str] = mapped_column(String(40))
    met_berlaku_sd: Mapped[date] = mapped_column(Date)
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    skema: Mapped[list[Skema]] = relationship(secondary="asesor_skema", lazy="selectin", order_by="Skema.nomor")
    konflik: Mapped[list["KonflikKepentingan"]] = relationship(
        lazy="selectin", order_by="KonflikKepentingan.id", back_populates="asesor"
    )

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def nama(self) -> str:
        return self.user.full_name

    @property
    def skema_nomor(self) -> list[str]:
        return [s.nomor for s in self.skema]

    def met_berlaku_pada(self, tanggal: date) -> bool:
        return self.met_berlaku_sd >= tanggal


class PengurusPleno(Base):
    """A decision-maker the LSP allows on a rapat pleno (its configurable set of eligible staff): a user holding
    an LSP role (never only an IT role, never a candidate), with the skema fields (`Skema.bidang`) they are
    competent in. A pleno needs, for each skema it decides, one member competent in that skema's field."""

    __tablename__ = "pengurus_pleno"
    __table_args__ = (UniqueConstraint("user_id", name="uq_pengurus_pleno_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    jabatan: Mapped[str] = mapped_column(String(200))
    # The fields of competence, each a `Skema.bidang` ("Teknologi Informasi dan Komunikasi").
    bidang: Mapped[list[str]] = mapped_column(JSON)
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def nama(self) -> str:
        return self.user.full_name


class Peserta(Base):
    __tablename__ = "peserta"
    __table_args__ = (
        UniqueConstraint("user_id", name="uq_peserta_user_id"),
        UniqueConstraint("nim", name="uq_peserta_nim"),
        CheckConstraint("jenis_kelamin IN ('L', 'P')", name="ck_peserta_jenis_kelamin"),
        Index("ix_peserta_prodi", "prodi"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    nim: Mapped[str] = mapped_column(String(20))
    prodi: Mapped[str] = mapped_column(String(200))
    nik: Mapped[str] = mapped_column(String(16))
    tempat_lahir: Mapped[str] = mapped_column(String(100))
    tanggal_lahir: Mapped[date] = mapped_column(Date)
    jenis_kelamin: Mapped[str] = mapped_column(String(1))
    alamat: Mapped[str | None] = mapped_column(String(300))
    telepon: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def nama(self) -> str:
        return self.user.full_name


class KonflikKepentingan(Base):
    """An asesor's declared relationship with a candidate (Kode Etik Asesor): they must not assess them."""

    __tablename__ = "konflik_kepentingan"
    __table_args__ = (
        UniqueConstraint("asesor_id", "peserta_id", name="uq_konflik_asesor_peserta"),
        Index("ix_konflik_peserta", "peserta_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asesor_id: Mapped[int] = mapped_column(ForeignKey("asesor.id"))
    peserta_id: Mapped[int] = mapped_column(ForeignKey("peserta.id"))
    keterangan: Mapped[str] = mapped_column(Text)
    dinyatakan_at: Mapped[datetime] = mapped_column(UtcDateTime)
    dinyatakan_oleh: Mapped[str] = mapped_column(String(64))

    asesor: Mapped[Asesor] = relationship(back_populates="konflik")
    peserta: Mapped[Peserta] = relationship(lazy="joined", innerjoin=True)


class Tuk(Base):
    __tablename__ = "tuk"
    __table_args__ = (
        UniqueConstraint("kode", name="uq_tuk_kode"),
        CheckConstraint("kapasitas > 0", name="ck_tuk_kapasitas"),
        CheckConstraint("jenis IN ('sewaktu', 'tempat_kerja', 'mandiri')", name="ck_tuk_jenis"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(32))
    nama: Mapped[str] = mapped_column(String(200))
    jenis: Mapped[str] = mapped_column(String(16))
    alamat: Mapped[str] = mapped_column(String(300))
    penanggung_jawab: Mapped[str] = mapped_column(String(200))
    kapasitas: Mapped[int] = mapped_column(Integer)
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class VerifikasiTuk(Base):
    """A TUK verified (or not) for one period: sewaktu and tempat-kerja TUK are verified at every use."""

    __tablename__ = "verifikasi_tuk"
    __table_args__ = (Index("ix_verifikasi_tuk_tuk_root", "tuk_id", "root_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tuk_id: Mapped[int] = mapped_column(ForeignKey("tuk.id"))
    root_id: Mapped[int] = mapped_column(Integer)  # the period instance
    instance_id: Mapped[int] = mapped_column(Integer)  # the verification child instance
    verifikator: Mapped[str] = mapped_column(String(64))
    tanggal: Mapped[date] = mapped_column(Date)
    kesimpulan: Mapped[str] = mapped_column(String(16))  # sesuai | belum_sesuai
    ditetapkan_oleh: Mapped[str | None] = mapped_column(String(64))
    ditetapkan_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    berlaku_sd: Mapped[date | None] = mapped_column(Date)

    tuk: Mapped[Tuk] = relationship(lazy="joined", innerjoin=True)


class Berkas(Base):
    """An uploaded file's metadata (evidence, the candidate's pas foto); the same content (sha256) may be uploaded
    more than once."""

    __tablename__ = "berkas"
    __table_args__ = (Index("ix_berkas_sha256", "sha256"), Index("ix_berkas_instance", "instance_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    instance_id: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str] = mapped_column(String(36))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # "pas_foto" for the candidate's photo (FR.APL.01 `pas_foto_berkas_id`), with its size in pixels as shown
    # (EXIF orientation applied), read at upload; NULL for evidence files.
    jenis: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)
    lebar: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    tinggi: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)


class Sertifikat(Base):
    """A competency certificate as issued: BNSP's numbers and a code for the public verification page."""

    __tablename__ = "sertifikat"
    __table_args__ = (
        UniqueConstraint("kode_verifikasi", name="uq_sertifikat_kode_verifikasi"),
        # A blangko is a physical BNSP form: its serial is printed once, ever (a spoiled one stays on the
        # replaced row, so it is never printed again).
        UniqueConstraint("no_blangko", name="uq_sertifikat_no_blangko"),
        Index(
            "uq_sertifikat_no_sertifikat",
            "no_sertifikat",
            unique=True,
            postgresql_where=text(BELUM_DIGANTI),
            sqlite_where=text(BELUM_DIGANTI),
        ),
        Index(
            "uq_sertifikat_no_registrasi",
            "no_registrasi",
            unique=True,
            postgresql_where=text(BELUM_DIGANTI),
            sqlite_where=text(BELUM_DIGANTI),
        ),
        Index("ix_sertifikat_peserta", "peserta_username"),
        Index("ix_sertifikat_root", "root_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kode_verifikasi: Mapped[str] = mapped_column(String(64))
    peserta_username: Mapped[str] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(200))
    skema_nomor: Mapped[str] = mapped_column(String(100))
    skema_judul: Mapped[str] = mapped_column(String(300))
    no_sertifikat: Mapped[str] = mapped_column(String(100))
    no_registrasi: Mapped[str] = mapped_column(String(100))
    no_blangko: Mapped[str | None] = mapped_column(String(100))
    terbit: Mapped[date] = mapped_column(Date)
    berlaku_sd: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="aktif")  # aktif | dicabut | diganti
    dicabut_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    alasan_dicabut: Mapped[str | None] = mapped_column(Text)
    # A misprint is never corrected in place: the certificate is re-issued on a new blangko (a new row, with
    # its own verification code) and this one points at it, with the Berita Acara kerusakan blangko.
    diganti_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("sertifikat.id"))
    diganti_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ba_kerusakan_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    instance_id: Mapped[int] = mapped_column(Integer)
    root_id: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PenyerahanSertifikat(Base):
    """A printed certificate handed over (the register of certificates handed over): when, to whom (its holder or
    someone with their surat kuasa), recorded by whom. One per certificate row; a re-issued certificate is a new
    row, handed over on its own (migration 0020_serah_terima)."""

    __tablename__ = "penyerahan_sertifikat"
    __table_args__ = (
        UniqueConstraint("sertifikat_id", name="uq_penyerahan_sertifikat"),
        Index("ix_penyerahan_root", "root_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sertifikat_id: Mapped[int] = mapped_column(ForeignKey("sertifikat.id"))
    root_id: Mapped[int] = mapped_column(Integer)
    tanggal: Mapped[date] = mapped_column(Date)
    penerima: Mapped[str] = mapped_column(String(16))  # Penerima
    diterima_oleh: Mapped[str] = mapped_column(String(200))
    keterangan: Mapped[str | None] = mapped_column(Text)
    dicatat_oleh: Mapped[str] = mapped_column(String(64))
    dicatat_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PerubahanDataInduk(Base):
    """A change of master data (created, updated, deactivated, activated): who, when, which record and the
    changed fields before and after ({field: {"sebelum": ..., "sesudah": ...}}). Append-only like the history,
    written in the change's own transaction (api/services/master/crud.py `catat`); searched with the history
    by the audit search (api/services/audit.py, migration 0018_audit)."""

    __tablename__ = "perubahan_data_induk"
    __table_args__ = (
        Index("ix_perubahan_at", "at", "id"),
        Index("ix_perubahan_subjek", "subjek", "at"),
        Index("ix_perubahan_actor", "actor", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(String(16))  # DataInduk: skema, asesor, tuk, peserta, lsp, ...
    record_id: Mapped[int] = mapped_column(Integer)
    # Who or what the record is: a skema's nomor, an asesor's or peserta's username, a TUK's kode.
    subjek: Mapped[str | None] = mapped_column(String(200))
    aksi: Mapped[str] = mapped_column(String(16))  # AksiDataInduk
    perubahan: Mapped[dict[str, Any]] = mapped_column(JSON)


@event.listens_for(PerubahanDataInduk, "before_update")
@event.listens_for(PerubahanDataInduk, "before_delete")
def _changes_are_append_only(mapper: object, connection: object, target: PerubahanDataInduk) -> None:
    raise PermissionError("master-data changes are append-only")
