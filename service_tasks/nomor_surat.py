"""Letter numbers and the document register: a number is issued once, with its document, never reused."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.store.models import Dokumen, NumberSequence
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import BULAN_ROMAWI, WIB, hari_ini
from service_tasks.jenis_dokumen import JENIS_DOKUMEN, JenisDokumen, Penerbit


def next_seq(session: Session, code: str, year: int) -> int:
    """Atomically take the next number of a register (row-locked upsert on both databases)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(NumberSequence)
        .values(code=code, year=year, last_seq=1)
        .on_conflict_do_update(index_elements=["code", "year"], set_={"last_seq": NumberSequence.last_seq + 1})
        .returning(NumberSequence.last_seq)
    )
    return int(session.execute(stmt).scalar_one())


def nomor_surat(fmt: str, seq: int, code: str, when: date, instansi: str = "") -> str:
    return fmt.format(
        seq=seq,
        kode=code,
        instansi=instansi,
        bulan_romawi=BULAN_ROMAWI[when.month - 1],
        bulan=when.month,
        tahun=when.year,
    )


@dataclass(frozen=True)
class Register:
    """Whose register a letter is numbered in: the LSP's (the service's `nomor_format`), or the institution's
    (its profile's format, its code as `{instansi}`, the sequence kept apart as "<instansi>/<kode>")."""

    kode: str
    format: str | None = None  # None: the LSP's
    instansi: str = ""

    @property
    def sequence(self) -> str:
        return f"{self.instansi}/{self.kode}" if self.instansi else self.kode


def terbitkan(
    ctx: ServiceContext,
    kind: str,
    code: str | None,
    title: str,
    data: dict[str, Any],
    *,
    key: str = "",
    candidate: str | None = None,
    number: str | None = None,
    register: Register | None = None,
) -> dict[str, Any]:
    """Issue one output document; a retry of the same task returns the one already issued."""
    existing = ctx.session.scalars(
        select(Dokumen).where(
            Dokumen.instance_id == ctx.instance_id,
            Dokumen.task_id == ctx.task_id,
            Dokumen.kind == kind,
            Dokumen.key == key,
            Dokumen.version == 1,
        )
    ).first()
    if existing is not None:
        return summary(existing)
    seq = None
    # The month and year of a letter are the LSP's (WIB): at 01:00 WIB on 1 July it is already VII.
    when = hari_ini(ctx)
    if number is None:
        if code is None:
            raise ServiceTaskError(f"{kind}: no number given and no register to draw one from")
        register = register or Register(code)
        code = register.sequence
        seq = next_seq(ctx.session, code, when.year)
        number = nomor_surat(register.format or ctx.nomor_format, seq, register.kode, when, register.instansi)
    doc = _dokumen(ctx, kind, title, data, key=key, candidate=candidate, number=number, code=code, seq=seq)
    ctx.session.add(doc)
    ctx.session.flush()
    return summary(doc)


def _dokumen(
    ctx: ServiceContext,
    kind: str,
    title: str,
    data: dict[str, Any],
    *,
    key: str,
    candidate: str | None,
    number: str,
    code: str | None = None,
    seq: int | None = None,
) -> Dokumen:
    when = hari_ini(ctx)
    return Dokumen(
        instance_id=ctx.instance_id,
        root_id=ctx.root_id,
        task_id=ctx.task_id,
        element_id=ctx.element_id,
        kind=kind,
        key=key,
        title=title,
        number=number,
        code=code,
        seq=seq,
        month=when.month,
        year=when.year,
        candidate=candidate,
        data=data,
        created_at=ctx.now,
        created_by=ctx.actor,
    )


@dataclass(frozen=True)
class Terbitan:
    """One document of a batch (:func:`terbitkan_bernomor`), numbered from outside (BNSP's number)."""

    key: str
    title: str
    data: dict[str, Any]
    number: str
    candidate: str | None = None


def terbitkan_bernomor(ctx: ServiceContext, jenis: JenisDokumen, batch: list[Terbitan]) -> dict[str, Dokumen]:
    """Issue many documents of one kind on this task, each numbered from outside (no register): the ones a retry
    of the task already issued are read back in one query, the new ones inserted in one flush. By key."""
    if jenis.rujukan:
        raise ServiceTaskError(f"{jenis.kind}: a kind citing other documents is issued one by one")
    issued = {
        d.key: d
        for d in ctx.session.scalars(
            select(Dokumen).where(
                Dokumen.instance_id == ctx.instance_id,
                Dokumen.task_id == ctx.task_id,
                Dokumen.kind == jenis.kind,
                Dokumen.version == 1,
            )
        )
    }
    new = [
        _dokumen(ctx, jenis.kind, t.title, t.data, key=t.key, candidate=t.candidate, number=t.number)
        for t in batch
        if t.key not in issued
    ]
    if new:
        ctx.session.add_all(new)
        ctx.session.flush()  # one INSERT of many rows (SQLAlchemy's insertmanyvalues), their ids returned
    issued.update((d.key, d) for d in new)
    return {t.key: issued[t.key] for t in batch}


# An amendment's ordinal in its title: "Perubahan atas ...", then "Perubahan Kedua atas ...", and so on.
KE = ("", "", "Kedua", "Ketiga", "Keempat", "Kelima", "Keenam", "Ketujuh", "Kedelapan", "Kesembilan", "Kesepuluh")


def perubahan_atas(old: Dokumen, alasan: str) -> dict[str, Any]:
    """What an amending SK says of the SK it amends (documents/_sk.html prints it): the SK in force it replaces
    (number, date, title) and why; the first SK of the chain (`asal`), which an amendment is always "atas"; its
    ordinal (`ke`: the second amendment is "Perubahan Kedua atas Keputusan ... Nomor <asal>"); and the amendments
    before it (`riwayat`: "... sebagaimana telah diubah dengan Keputusan ... Nomor ...")."""
    data = old.data if isinstance(old.data, dict) else {}
    lama = data.get("perubahan") if isinstance(data.get("perubahan"), dict) else None
    tanggal_lama = str(data.get("tanggal") or old.created_at.astimezone(WIB).date().isoformat())
    this = {"nomor": old.number, "tanggal": tanggal_lama, "tentang": old.title, "alasan": alasan}
    if lama is None:
        return {**this, "asal": {k: this[k] for k in ("nomor", "tanggal", "tentang")}, "ke": 1, "riwayat": []}
    asal = dict(lama.get("asal") or {"nomor": lama.get("nomor"), "tentang": lama.get("tentang")})
    if not asal.get("tanggal") and asal.get("nomor") == lama.get("nomor"):
        asal["tanggal"] = lama.get("tanggal")  # an amendment recorded before asal kept its date
    riwayat = [*(lama.get("riwayat") or []), {"nomor": old.number, "tanggal": tanggal_lama}]
    return {**this, "asal": asal, "ke": int(lama.get("ke") or 1) + 1, "riwayat": riwayat}


def judul_perubahan(old: Dokumen, perubahan: dict[str, Any]) -> str:
    """The register's title of an amending SK: "Perubahan atas <the first SK's title>", "Perubahan kedua atas ..."."""
    ke = int(perubahan.get("ke") or 1)
    asal = str((perubahan.get("asal") or {}).get("tentang") or old.title)
    return f"Perubahan {KE[ke].lower()} atas {asal}" if 1 < ke < len(KE) else f"Perubahan atas {asal}"


def terbit_pada_tugas(ctx: ServiceContext, kind: str) -> Dokumen | None:
    """The document of `kind` this service task already issued (a retried step), or None."""
    return ctx.session.scalars(
        select(Dokumen)
        .where(Dokumen.instance_id == ctx.instance_id, Dokumen.task_id == ctx.task_id, Dokumen.kind == kind)
        .order_by(Dokumen.id)
    ).first()


def register_perubahan(old: Dokumen) -> str:
    """The register an SK amending `old` draws its number from: its kind's register as it is now (an SK Penetapan
    TUK numbered in "SK-TUK" before that kind moved to the one "SK" register is amended by an SK numbered in "SK";
    the numbers already issued stay as issued)."""
    jenis = JENIS_DOKUMEN.get(old.kind)
    return (jenis.register if jenis is not None else None) or old.code or "SK"


def terbitkan_perubahan(ctx: ServiceContext, old: Dokumen, data: dict[str, Any], alasan: str) -> dict[str, Any]:
    """Issue the SK amending `old` (the version in force) on this service task: a new SK with its own number in the
    SK register, "Perubahan atas ..." with `data` and :func:`perubahan_atas`; a retry returns the one issued."""
    if (existing := terbit_pada_tugas(ctx, old.kind)) is not None:
        return summary(existing)
    when = hari_ini(ctx)
    code = register_perubahan(old)
    seq = next_seq(ctx.session, code, when.year)
    perubahan = perubahan_atas(old, alasan)
    doc = Dokumen(
        instance_id=old.instance_id,
        root_id=old.root_id,
        task_id=ctx.task_id,
        element_id=ctx.element_id,
        kind=old.kind,
        key=old.key,
        title=judul_perubahan(old, perubahan),
        number=nomor_surat(ctx.nomor_format, seq, code, when),
        code=code,
        seq=seq,
        month=when.month,
        year=when.year,
        candidate=old.candidate,
        data={**data, "tanggal": when.isoformat(), "perubahan": perubahan},
        created_at=ctx.now,
        created_by=ctx.actor,
        version=old.version + 1,
        supersedes_id=old.id,
    )
    ctx.session.add(doc)
    ctx.session.flush()
    return summary(doc)


def summary(doc: Dokumen) -> dict[str, Any]:
    return {"id": doc.id, "jenis": doc.kind, "nomor": doc.number, "judul": doc.title, "peserta": doc.candidate}


def terbitkan_dokumen(
    ctx: ServiceContext,
    jenis: JenisDokumen,
    title: str,
    data: dict[str, Any],
    *,
    key: str = "",
    candidate: str | None = None,
    number: str | None = None,
) -> dict[str, Any]:
    """Issue a document of a registered kind, numbered in its kind's register (unless `number` is given), with the
    numbers and dates of the documents it cites (its kind's `rujukan`) kept in its data."""
    if jenis.rujukan:
        data = {**data, "rujukan": rujukan(ctx, jenis.rujukan)}
    register = None
    if jenis.penerbit == Penerbit.INSTITUSI and jenis.register and (inst := MasterData(ctx.session).institusi()):
        register = Register(jenis.register, inst.nomor_format, inst.kode)
    return terbitkan(
        ctx, jenis.kind, jenis.register, title, data, key=key, candidate=candidate, number=number, register=register
    )


def rujukan(ctx: ServiceContext, kinds: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    """The period's documents of these kinds, each number once with the date it was first issued (a correction
    keeps the number and the date), in the order they were issued; a document amended by a later version under a
    number of its own (an SK perubahan) carries those amendments, in order, as `perubahan`: the document in force is
    the first as amended by them."""
    rows = ctx.session.execute(
        select(Dokumen.id, Dokumen.kind, Dokumen.number, Dokumen.created_at, Dokumen.version, Dokumen.supersedes_id)
        .where(Dokumen.root_id == ctx.root_id, Dokumen.kind.in_(kinds), Dokumen.number.is_not(None))
        .order_by(Dokumen.id)
    ).all()
    cited: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    cited_as: dict[int, dict[str, Any]] = {}  # a document's id -> the citation of the first version of its line
    for doc_id, kind, number, created_at, version, supersedes_id in rows:
        if version == 1:
            cited_as[doc_id] = {"nomor": number, "tanggal": created_at.isoformat()}
            cited[kind].append(cited_as[doc_id])
        elif supersedes_id in cited_as:
            first = cited_as[doc_id] = cited_as[supersedes_id]
            perubahan = first.setdefault("perubahan", [])
            if number != first["nomor"] and number not in (p["nomor"] for p in perubahan):
                perubahan.append({"nomor": number, "tanggal": created_at.isoformat()})
    for citation in cited_as.values():
        if citation.get("perubahan") == []:
            del citation["perubahan"]
    return cited


def dokumen_peserta(ctx: ServiceContext, kind: str, candidates: list[str]) -> dict[str, dict[str, str]]:
    """The period's first document of `kind` about each of these candidates (its number and the date it was first
    issued), for a document citing it by number and date."""
    rows = ctx.session.execute(
        select(Dokumen.candidate, Dokumen.number, Dokumen.created_at)
        .where(
            Dokumen.root_id == ctx.root_id,
            Dokumen.kind == kind,
            Dokumen.candidate.in_(candidates),
            Dokumen.version == 1,
            Dokumen.number.is_not(None),
        )
        .order_by(Dokumen.id)
    ).all()
    cited: dict[str, dict[str, str]] = {}
    for candidate, number, created_at in rows:
        cited.setdefault(str(candidate), {"nomor": number, "tanggal": created_at.isoformat()})
    return cited


def dokumen_proses(ctx: ServiceContext, kind: str) -> dict[str, str] | None:
    """The first document of `kind` issued in this instance (its number and the date it was first issued), for a
    document citing it by number and date; None when none was issued here."""
    row = ctx.session.execute(
        select(Dokumen.number, Dokumen.created_at)
        .where(
            Dokumen.instance_id == ctx.instance_id,
            Dokumen.kind == kind,
            Dokumen.version == 1,
            Dokumen.number.is_not(None),
        )
        .order_by(Dokumen.id)
        .limit(1)
    ).first()
    return {"nomor": row.number, "tanggal": row.created_at.isoformat()} if row is not None else None
