"""Users, passwords (argon2) and bearer tokens (JWT), FastAPI's OAuth2 password flow."""

import hashlib
import hmac
import time
from datetime import datetime, timedelta
from typing import Annotated, Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.master import Peserta
from api.store.models import User

ALGORITHM = "HS256"
# A user's roles, active flag and token version are re-read at most this often per process: each request
# would otherwise pay two queries. A logout, password change or deactivation drops the user's entry in the
# process that served it (the routes pop it), so there it takes effect at once; other processes (a second `serve`)
# notice within this time.
USER_CACHE_SECONDS = 5.0
# Tokens whose signature this process has checked, with the claims it read (HS256 costs ~0.1 ms a request): the
# claims are still checked every time (expiry against the service's clock, the version against the user).
# Keyed by the secret too: a token is only known good under the key that signed it.
_verified: dict[tuple[str, str], tuple[Any, Any, Any]] = {}
VERIFIED_TOKENS_MAX = 10_000
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
    """The user whose username, or (a candidate) whose NIM, is `username`, when the password is right."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        by_nim = select(User).join(Peserta, Peserta.user_id == User.id).where(Peserta.nim == username)
        user = session.scalars(by_nim).first()
    if user is None or not user.active:
        # Hash anyway, with the parameters of a real account's hash, so an unknown or deactivated username
        # costs as long as a wrong password.
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


_DUMMY_HASH = _hasher.hash("not-a-password")


def create_token(user: User, secret: str, minutes: int, now: datetime) -> str:
    """A bearer token for `user`, carrying their token version: bumping it (logout, password change,
    deactivation) revokes every token issued before."""
    claims = {"sub": user.username, "ver": user.token_version, "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, ALGORITHM)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


class CurrentUser:
    """The caller, as the routes need it: username, name and role codes."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.username = user.username
        self.full_name = user.full_name
        self.roles = set(user.role_codes)
        self.token_version = user.token_version

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def caller_for_token(state: Any, token: str | None) -> CurrentUser:
    """The user a bearer token stands for, or a 401 (`state` is the app's state: settings, clock, db,
    user cache). Used by `current_user` and, before a multipart body is read, by api/middleware.py."""
    caller = cached_caller(state, token)
    return caller if caller is not None else _caller_from_db(state, token)


def cached_caller(state: Any, token: str | None) -> CurrentUser | None:
    """The caller from the token and this process's user cache without touching the database: a 401 for a
    bad, expired or revoked token; None when the user must be read (not cached, stale, or another version)."""
    username, version = _token_subject(state, token)
    hit: tuple[float, CurrentUser] | None = state.user_cache.get(username)
    # A token of another version than the cached user's is checked against the database (a token issued by
    # another process after a password change must not wait for this cache to expire).
    if hit is None or time.monotonic() - hit[0] >= USER_CACHE_SECONDS or hit[1].token_version != version:
        return None
    return hit[1]


def _caller_from_db(state: Any, token: str | None) -> CurrentUser:
    username, version = _token_subject(state, token)
    cache: dict[str, tuple[float, CurrentUser]] = state.user_cache
    with state.db.reading() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None or not user.active:
            cache.pop(username, None)
            raise _unauthorized("user unknown or deactivated")
        caller = CurrentUser(user)
    cache[username] = (time.monotonic(), caller)
    if version != caller.token_version:
        raise _unauthorized("token revoked (logged out, password changed or user deactivated): log in again")
    return caller


def _token_subject(state: Any, token: str | None) -> tuple[str, int]:
    """The username and token version of a good, unexpired token, else a 401."""
    if not token:
        raise _unauthorized("not authenticated: send 'Authorization: Bearer <token>' from POST /api/auth/token")
    exp, username, version = _claims(token, state.settings.secret_key)
    if not isinstance(exp, int | float) or exp <= state.clock.now().timestamp():
        raise _unauthorized("token expired: log in again")
    if not isinstance(username, str) or not isinstance(version, int):
        raise _unauthorized("invalid token")
    return username, version


def _claims(token: str, secret: str) -> tuple[Any, Any, Any]:
    """The expiry, subject and token version of a token whose signature is good under `secret`, else a 401."""
    known = _verified.get((secret, token))
    if known is not None:
        return known
    try:
        # Expiry is checked by the caller against the service's clock (the one tests move), not PyJWT's wall time.
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"verify_iat": False, "verify_exp": False})
    except jwt.PyJWTError as exc:
        raise _unauthorized("invalid token") from exc
    if len(_verified) >= VERIFIED_TOKENS_MAX:
        _verified.clear()
    claims = _verified[(secret, token)] = (payload.get("exp"), payload.get("sub"), payload.get("ver", 0))
    return claims


# The pages' session (api/ui/sesi.py) keeps the same token in an HttpOnly cookie. The API takes it too, so the
# modeller and the pages' scripts call the API without a token in JavaScript; an unsafe request made with the
# cookie must carry the session's CSRF token in this header (a bearer token needs none: no browser sends it
# on its own).
SESSION_COOKIE = "ujikom_sesi"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def csrf_token(secret: str, session_token: str) -> str:
    """The CSRF token of one session: a keyed hash of the session's token, so it needs no storage and dies
    with the session."""
    return hmac.new(secret.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()[:40]


def csrf_ok(secret: str, session_token: str, sent: str | None) -> bool:
    return bool(session_token) and sent is not None and hmac.compare_digest(sent, csrf_token(secret, session_token))


def request_token(secret: str, method: str, bearer: str | None, cookie: str | None, csrf: str | None) -> str | None:
    """The token a request authenticates with: its bearer token, else its session cookie (an unsafe method
    only with the session's CSRF token in `X-CSRF-Token`: otherwise a 403)."""
    if bearer or not cookie:
        return bearer
    if method.upper() not in _SAFE_METHODS and not csrf_ok(secret, cookie, csrf):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"a request with the session cookie must send {CSRF_HEADER}"
        )
    return cookie


async def current_user(request: Request, bearer: Annotated[str | None, Depends(oauth2_scheme)]) -> CurrentUser:
    """In the event loop when the user is cached (no thread hop for most requests); the database read of a
    user not cached runs in the thread pool."""
    state = request.app.state
    token = request_token(
        state.settings.secret_key,
        request.method,
        bearer,
        request.cookies.get(SESSION_COOKIE),
        request.headers.get(CSRF_HEADER),
    )
    caller = cached_caller(state, token)
    return caller if caller is not None else await run_in_threadpool(_caller_from_db, state, token)


Caller = Annotated[CurrentUser, Depends(current_user)]


def require_roles(*roles: str):
    def check(user: Caller) -> CurrentUser:
        if not user.has_any(*roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"requires one of the roles: {', '.join(roles)}")
        return user

    return Depends(check)
