"""Master-data lookups for service tasks and validators: one query each, None when unknown.

They return inactive records too: whether `aktif` matters is the caller's decision.
"""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from api.master.models import Asesor, KonflikKepentingan, LspProfil, Peserta, Skema, Tuk
from api.models import User


def lsp_profil(session: Session) -> LspProfil | None:
    return session.get(LspProfil, 1)


def skema_by_nomor(session: Session, nomor: str) -> Skema | None:
    return session.scalars(select(Skema).where(Skema.nomor == nomor)).first()


def asesor_by_username(session: Session, username: str) -> Asesor | None:
    return session.scalars(select(Asesor).join(Asesor.user).where(User.username == username)).first()


def peserta_by_username(session: Session, username: str) -> Peserta | None:
    return session.scalars(select(Peserta).join(Peserta.user).where(User.username == username)).first()


def tuk_by_kode(session: Session, kode: str) -> Tuk | None:
    return session.scalars(select(Tuk).where(Tuk.kode == kode)).first()


def konflik_ada(session: Session, asesor_username: str, peserta_username: str) -> bool:
    """Whether the asesor declared a conflict of interest with the candidate."""
    asesor_user, peserta_user = aliased(User), aliased(User)
    query = (
        select(KonflikKepentingan.id)
        .join(Asesor, Asesor.id == KonflikKepentingan.asesor_id)
        .join(asesor_user, asesor_user.id == Asesor.user_id)
        .join(Peserta, Peserta.id == KonflikKepentingan.peserta_id)
        .join(peserta_user, peserta_user.id == Peserta.user_id)
        .where(asesor_user.username == asesor_username, peserta_user.username == peserta_username)
    )
    return bool(session.scalar(select(exists(query))))
