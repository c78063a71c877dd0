"""Users, passwords (argon2) and bearer tokens (JWT), FastAPI's OAuth2 password flow."""

import time
from datetime import datetime, timedelta
from typing import Annotated

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.models import User

ALGORITHM = "HS256"
# A user's roles and active flag are re-read at most this often per process: each request would
# otherwise pay two queries. A deactivation or role change takes effect within this time.
USER_CACHE_SECONDS = 5.0
_hasher = PasswordHasher()
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        # Hash anyway so an unknown username takes as long as a wrong password.
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


_DUMMY_HASH = _hasher.hash("not-a-password")


def create_token(username: str, secret: str, minutes: int, now: datetime) -> str:
    return jwt.encode({"sub": username, "iat": now, "exp": now + timedelta(minutes=minutes)}, secret, ALGORITHM)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


class CurrentUser:
    """The caller, as the routes need it: username, name and role codes."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.username = user.username
        self.full_name = user.full_name
        self.roles = set(user.role_codes)

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def current_user(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> CurrentUser:
    if not token:
        raise _unauthorized("not authenticated: send 'Authorization: Bearer <token>' from POST /api/auth/token")
    settings = request.app.state.settings
    try:
        # Expiry is checked against the service's clock (the one tests move), not PyJWT's wall time.
        payload = jwt.decode(
            token, settings.secret_key, algorithms=[ALGORITHM], options={"verify_iat": False, "verify_exp": False}
        )
    except jwt.PyJWTError as exc:
        raise _unauthorized("invalid token") from exc
    if not isinstance(payload.get("exp"), int | float) or payload["exp"] <= request.app.state.clock.now().timestamp():
        raise _unauthorized("token expired: log in again")
    username = payload.get("sub")
    if not isinstance(username, str):
        raise _unauthorized("invalid token")
    cache: dict[str, tuple[float, CurrentUser]] = request.app.state.user_cache
    hit = cache.get(username)
    if hit is not None and time.monotonic() - hit[0] < USER_CACHE_SECONDS:
        return hit[1]
    with request.app.state.db.reading() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None or not user.active:
            cache.pop(username, None)
            raise _unauthorized("user unknown or deactivated")
        caller = CurrentUser(user)
    cache[username] = (time.monotonic(), caller)
    return caller


Caller = Annotated[CurrentUser, Depends(current_user)]


def require_roles(*roles: str):
    def check(user: Caller) -> CurrentUser:
        if not user.has_any(*roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"requires one of the roles: {', '.join(roles)}")
        return user

    return Depends(check)
