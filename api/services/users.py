"""User accounts: the list, a new account, who a login is, and ending sessions (logout, a password change,
deactivation), each of which bumps the user's token version so every token issued before is refused. Creating,
correcting, deactivating and reactivating an account is recorded in the master-data change history
(`perubahan_data_induk`, data `akun`), searched like the rest on the audit page; passwords are not."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import authenticate, create_token, hash_password
from api.errors import ApiError
from api.schemas import UserIn, UserOut, UserUpdate
from api.services.master.crud import catat
from api.settings import Settings
from api.store.db import Database
from api.store.enums import AksiDataInduk, DataInduk
from api.store.models import ROLES, User, UserRole

PASSWORD_MIN_CHARS = 10
PASSWORD_MIN_DISTINCT = 5
# The most common passwords in Indonesian and English leaks; a longer list belongs in a proxy or an IdP.
COMMON_PASSWORDS = frozenset(
    {"password123", "1234567890", "qwertyuiop", "bismillah123", "indonesia123", "sayang12345", "passw0rd123"}
)
_USERNAME_TAKEN = [{"path": "username", "message": "nama pengguna sudah dipakai"}]


def _out(u: User) -> UserOut:
    return UserOut(username=u.username, full_name=u.full_name, roles=u.role_codes, active=u.active, nip=u.nip)


def weak_password(username: str, password: str, old: str | None = None) -> list[dict[str, str]]:
    """Why `password` is too weak for `username`, as errors on the path `path` (empty when it is fine)."""
    reasons = []
    if len(password) < PASSWORD_MIN_CHARS:
        reasons.append(f"kata sandi minimal {PASSWORD_MIN_CHARS} karakter")
    if len(set(password)) < PASSWORD_MIN_DISTINCT or password.lower() in COMMON_PASSWORDS:
        reasons.append("kata sandi terlalu mudah ditebak")
    if username.lower() in password.lower():
        reasons.append("kata sandi tidak boleh memuat nama pengguna")
    if old is not None and password == old:
        reasons.append("kata sandi baru harus berbeda dari yang lama")
    return [{"path": "password", "message": m} for m in reasons]


def list_users(db: Database) -> list[UserOut]:
    with db.reading() as session:
        return [_out(u) for u in session.scalars(select(User).order_by(User.username))]


def _dicatat(u: User) -> dict[str, object]:
    """What the change history keeps of an account."""
    return {"full_name": u.full_name, "nip": u.nip, "roles": u.role_codes, "active": u.active}


def create(db: Database, now: datetime, actor: str, body: UserIn) -> UserOut:
    unknown = sorted(set(body.roles) - set(ROLES))
    if unknown:
        raise ApiError(
            422, "unknown role", [{"path": "roles", "message": f"peran tidak dikenal: {', '.join(unknown)}"}]
        )
    with db.transaction() as session:
        if session.scalars(select(User).where(User.username == body.username)).first():
            raise ApiError(409, f"user {body.username!r} exists", _USERNAME_TAKEN)
        u = User(
            username=body.username,
            full_name=body.full_name,
            nip=body.nip,
            password_hash=hash_password(body.password),
            active=True,
            created_at=now,
            roles=[UserRole(role=r) for r in sorted(set(body.roles))],
        )
        session.add(u)
        try:
            session.flush()
        except IntegrityError as exc:  # the same account created at the same moment by another request
            raise ApiError(409, f"user {body.username!r} exists", _USERNAME_TAKEN) from exc
        catat(session, now, actor, DataInduk.AKUN, u.id, u.username, AksiDataInduk.DIBUAT, {}, _dicatat(u))
        return _out(u)


def token(db: Database, settings: Settings, now: datetime, username: str, password: str) -> str | None:
    """A bearer token for the right password of an active user; None otherwise."""
    with db.reading() as session:
        user = authenticate(session, username, password)
        if user is None:
            return None
        return create_token(user, settings.secret_key, settings.token_minutes, now)


def _user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username).with_for_update()).first()
    if user is None:
        raise ApiError(404, f"no user {username!r}")
    return user


def logout(db: Database, username: str) -> None:
    """End every session of the user: all their tokens are refused from now on."""
    with db.transaction() as session:
        _user(session, username).token_version += 1


def change_password(db: Database, settings: Settings, now: datetime, username: str, old: str, new: str) -> str | None:
    """Set a new password when `old` is the current one, ending every session; a fresh token for the caller.
    None (nothing changed) when `old` is wrong; a 422 naming the field when `new` is weak."""
    if weak := weak_password(username, new, old):
        raise ApiError(
            422, "the new password is too weak", [{"path": "new_password", "message": e["message"]} for e in weak]
        )
    # Both hashes outside the write transaction: on SQLite it holds the database's one write lock.
    with db.reading() as session:
        if authenticate(session, username, old) is None:
            return None
    password_hash = hash_password(new)
    with db.transaction() as session:
        user = _user(session, username)
        user.password_hash = password_hash
        user.token_version += 1
        session.flush()
        return create_token(user, settings.secret_key, settings.token_minutes, now)


def set_active(db: Database, now: datetime, actor: str, username: str, active: bool) -> UserOut:
    """Deactivate (ending every session) or reactivate a user; users are never deleted."""
    with db.transaction() as session:
        user = _user(session, username)
        if user.active and not active:
            user.token_version += 1
        if user.active != active:
            aksi = AksiDataInduk.DIAKTIFKAN if active else AksiDataInduk.DINONAKTIFKAN
            catat(
                session,
                now,
                actor,
                DataInduk.AKUN,
                user.id,
                username,
                aksi,
                {"active": user.active},
                {"active": active},
            )
        user.active = active
        session.flush()
        return _out(user)


def update(db: Database, now: datetime, actor: str, username: str, body: UserUpdate) -> UserOut:
    """Correct the name printed for a user or their NIP; only the fields sent change (a null NIP removes it)."""
    if "full_name" in body.model_fields_set and body.full_name is None:
        raise ApiError(422, "full_name may not be null", [{"path": "full_name", "message": "nama lengkap wajib diisi"}])
    with db.transaction() as session:
        user = _user(session, username)
        before = _dicatat(user)
        if body.full_name is not None:
            user.full_name = body.full_name
        if "nip" in body.model_fields_set:
            user.nip = body.nip
        session.flush()
        catat(session, now, actor, DataInduk.AKUN, user.id, username, AksiDataInduk.DIUBAH, before, _dicatat(user))
        return _out(user)
