"""User accounts: the list, a new account, and who a login is."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.auth import authenticate, create_token, hash_password
from api.errors import ApiError
from api.schemas import UserIn, UserOut
from api.settings import Settings
from api.store.db import Database
from api.store.models import ROLES, User, UserRole

_USERNAME_TAKEN = [{"path": "username", "message": "nama pengguna sudah dipakai"}]


def _out(u: User) -> UserOut:
    return UserOut(username=u.username, full_name=u.full_name, roles=u.role_codes, active=u.active)


def list_users(db: Database) -> list[UserOut]:
    with db.reading() as session:
        return [_out(u) for u in session.scalars(select(User).order_by(User.username))]


def create(db: Database, now: datetime, body: UserIn) -> UserOut:
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
        return _out(u)


def token(db: Database, settings: Settings, now: datetime, username: str, password: str) -> str | None:
    """A bearer token for the right password of an active user; None otherwise."""
    with db.reading() as session:
        user = authenticate(session, username, password)
        if user is None:
            return None
        return create_token(user.username, settings.secret_key, settings.token_minutes, now)
