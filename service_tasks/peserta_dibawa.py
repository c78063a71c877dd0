"""Candidates carried to a later batch, as the process recorded them (table `peserta_dibawa`).

A decision the pleno postponed (ditunda) has a follow-up in step 6: the follow-up pleno decides K or BK, or carries
the candidate over ("dibawa ke periode berikutnya"), or its deadline passes. When that follow-up ends,
`catat_peserta_dibawa` writes one record per candidate still ditunda (candidate, skema, the period they came from,
the SK Penetapan in force, the reason). A later period owes each open record a place: `pendaftar_usulan` proposes
them first and Membuka pendaftaran lists them (:func:`peserta_dibawa`, one query however many periods came
before). The first later period whose registration accepts the candidate's berkas takes them up
(`ambil_peserta_dibawa`): no other period proposes them after that.
"""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.store.master import Peserta
from api.store.models import PesertaDibawa, ProcessInstance, User
from service_tasks import operator
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.keputusan_tercatat import keputusan_akhir

# Why a candidate is carried when no follow-up decision gives a reason (its deadline passed).
ALASAN_TANPA_KEPUTUSAN = "tidak diputuskan sampai tahap penerbitan sertifikat selesai"


@dataclass(frozen=True)
class DibawaTerbuka:
    """An open record: a candidate an earlier period carried over whom no later period has registered yet."""

    username: str
    skema_nomor: str
    alasan: str
    root_id: int  # the period that carried them
    periode: str | None  # its business key


@operator("catat_peserta_dibawa")
def catat_peserta_dibawa(ctx: ServiceContext) -> list[str]:
    """Step 6's follow-up on the postponed candidates is over (the follow-up pleno decided, or its deadline passed):
    every candidate the recorded decisions (:func:`keputusan_akhir`) still hold ditunda is carried to a later
    batch, one record each, in the SK's order. A retry or a second run writes nothing twice (the unique
    candidate, skema and period). Returns their usernames."""
    dibawa = [k for k in keputusan_akhir(ctx.session, ctx.instance_id).values() if k.keputusan == "ditunda"]
    if not dibawa:
        return []
    peserta_id = dict(
        ctx.session.execute(
            select(User.username, Peserta.id)
            .join(Peserta, Peserta.user_id == User.id)
            .where(User.username.in_([k.username for k in dibawa]))
        ).all()
    )
    rows = []
    for k in dibawa:
        if k.username not in peserta_id or not k.skema_nomor:
            raise ServiceTaskError(f"{k.username}: peserta atau skema yang dibawa tidak ada di data induk")
        rows.append(
            {
                "peserta_id": peserta_id[k.username],
                "skema_nomor": k.skema_nomor,
                "asal_root_id": ctx.root_id,
                "asal_instance_id": ctx.instance_id,
                "dokumen_id": k.dokumen_id,
                "alasan": k.alasan or ALASAN_TANPA_KEPUTUSAN,
                "created_at": ctx.now,
            }
        )
    insert = postgresql.insert if ctx.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    ctx.session.execute(
        insert(PesertaDibawa)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["peserta_id", "skema_nomor", "asal_root_id"])
    )
    return [k.username for k in dibawa]


@operator("ambil_peserta_dibawa")
def ambil_peserta_dibawa(ctx: ServiceContext) -> int:
    """This registration accepted the candidate's berkas: this period takes up their open records from earlier
    periods. The first period to accept them takes them; one that accepts them later, or at the same moment and
    loses the row (the conditional update finds it taken), changes nothing. Returns how many it took."""
    instance = ctx.session.get(ProcessInstance, ctx.instance_id)
    if instance is None or not instance.subject:
        raise ServiceTaskError("pendaftaran ini tidak menyebut peserta")
    peserta = select(Peserta.id).join(User, User.id == Peserta.user_id).where(User.username == instance.subject)
    result = ctx.session.execute(
        update(PesertaDibawa)
        .where(
            PesertaDibawa.peserta_id == peserta.scalar_subquery(),
            PesertaDibawa.diambil_root_id.is_(None),
            PesertaDibawa.ditutup_at.is_(None),
            PesertaDibawa.asal_root_id < ctx.root_id,
        )
        .values(diambil_root_id=ctx.root_id, diambil_instance_id=ctx.instance_id, diambil_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


def peserta_dibawa(session: Session, root_id: int) -> list[DibawaTerbuka]:
    """The candidates the periods before `root_id` carried to a later batch and no period has registered since (the
    open records): the later batch owes them a place. Oldest period first, in the SK's order; a candidate carried
    twice once, with the later period's place and reason. One query, however many periods came before."""
    rows = session.execute(
        select(User.username, PesertaDibawa.skema_nomor, PesertaDibawa.alasan, PesertaDibawa.asal_root_id)
        .add_columns(ProcessInstance.business_key)
        .join(Peserta, Peserta.id == PesertaDibawa.peserta_id)
        .join(User, User.id == Peserta.user_id)
        .outerjoin(ProcessInstance, ProcessInstance.id == PesertaDibawa.asal_root_id)
        .where(
            PesertaDibawa.diambil_root_id.is_(None),
            PesertaDibawa.ditutup_at.is_(None),
            PesertaDibawa.asal_root_id < root_id,
        )
        .order_by(PesertaDibawa.asal_root_id, PesertaDibawa.id)
    ).all()
    dibawa: dict[str, DibawaTerbuka] = {}
    for username, skema_nomor, alasan, asal, periode in rows:
        dibawa.pop(username, None)  # carried again later: the later period's place, reason and order
        dibawa[username] = DibawaTerbuka(username, skema_nomor, alasan, asal, periode)
    return list(dibawa.values())


def dibawa_dari(session: Session, root_id: int) -> list[DibawaTerbuka]:
    """The candidates period `root_id` carried to a later batch, as recorded (taken up since or not; not a record
    closed), by username."""
    rows = session.execute(
        select(User.username, PesertaDibawa.skema_nomor, PesertaDibawa.alasan, PesertaDibawa.asal_root_id)
        .join(Peserta, Peserta.id == PesertaDibawa.peserta_id)
        .join(User, User.id == Peserta.user_id)
        .where(PesertaDibawa.asal_root_id == root_id, PesertaDibawa.ditutup_at.is_(None))
        .order_by(User.username)
    ).all()
    return [DibawaTerbuka(username, skema_nomor, alasan, asal, None) for username, skema_nomor, alasan, asal in rows]
