"""Who may sit on a rapat pleno (Pedoman BNSP 201, ISO/IEC 17024 §9): the LSP's configurable set of eligible
decision-makers (`pengurus_pleno`, master data), never a candidate and never an IT role; and, per skema decided,
one member competent in the skema's field (`Skema.bidang`). The master-data service and the pleno's form
source and validator all read these rules from here."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.enums import Role
from api.store.master import PengurusPleno
from api.store.models import User

# The roles of the LSP's decision-makers; admin and desainer run the system and decide nothing.
PERAN_PENGAMBIL_KEPUTUSAN = frozenset(
    {Role.KETUA_LSP, Role.KABID_SERTIFIKASI, Role.KABID_ADMINISTRASI, Role.DIREKTUR, Role.ASESOR}
)
PERAN_TI = frozenset({Role.ADMIN, Role.DESAINER})


def bukan_pengambil_keputusan(user: User) -> str | None:
    """Why this user may never sit on a pleno (a candidate, an IT role only), or None."""
    roles = set(user.role_codes)
    if Role.PESERTA in roles:
        return f"{user.full_name} ({user.username}) adalah peserta uji kompetensi: tidak boleh menjadi anggota pleno"
    if not roles & PERAN_PENGAMBIL_KEPUTUSAN:
        peran = ", ".join(sorted(roles & PERAN_TI)) or "tanpa peran"
        return (
            f"{user.full_name} ({user.username}) berperan {peran} (peran TI), bukan pengurus LSP: "
            "tidak boleh menjadi anggota pleno"
        )
    return None


def pengurus_aktif(session: Session, usernames: Iterable[str] | None = None) -> dict[str, PengurusPleno]:
    """username -> the active eligible pleno staff (with an active account), all or those of `usernames`."""
    query = select(PengurusPleno).join(PengurusPleno.user).where(PengurusPleno.aktif, User.active)
    if usernames is not None:
        query = query.where(User.username.in_(sorted({u for u in usernames if isinstance(u, str)})))
    return {p.user.username: p for p in session.scalars(query)}


def kompeten_bidang(pengurus: PengurusPleno | None, bidang: str) -> bool:
    return pengurus is not None and bidang.casefold() in {b.casefold() for b in pengurus.bidang or []}
