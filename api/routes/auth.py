"""Log in (OAuth2 password flow, rate-limited: api/login_guard.py), log out, change one's password, who am I."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import Caller
from api.login_guard import LoginBusy, LoginGuard, login_keys
from api.routes.deps import AppSettings, Db, Guard, Now, UserCache
from api.schemas import Me, PasswordChange, Token
from api.services import users

router = APIRouter(prefix="/api", tags=["auth"])


def _wrong() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail="wrong username or password", headers={"WWW-Authenticate": "Bearer"}
    )


def _keys(request: Request, username: str) -> dict[str, str]:
    return login_keys(request.client.host if request.client else None, username)


def _admit(guard: LoginGuard, keys: dict[str, str], now: datetime) -> None:
    """429 with Retry-After while these keys are backing off."""
    wait = guard.retry_after(keys, now)
    if wait:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many failed logins: try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )


def _busy() -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE, detail="too many logins at once: retry", headers={"Retry-After": "1"}
    )


@router.post(
    "/auth/token",
    response_model=Token,
    responses={429: {"description": "too many failed logins: wait Retry-After"}, 503: {"description": "busy"}},
)
def login(
    request: Request,
    db: Db,
    settings: AppSettings,
    now: Now,
    guard: Guard,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    keys = _keys(request, form.username)
    _admit(guard, keys, now)
    try:
        with guard.hashing():
            access_token = users.token(db, settings, now, form.username, form.password)
    except LoginBusy:
        raise _busy() from None
    if access_token is None:
        guard.failed(keys, now)
        raise _wrong()
    guard.succeeded(keys["account"])
    return Token(access_token=access_token)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(db: Db, cache: UserCache, user: Caller) -> Response:
    """End every session of the caller: all their tokens (on every device) are refused from now on."""
    users.logout(db, user.username)
    cache.pop(user.username, None)  # this process refuses the old tokens at once; others within seconds
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/password", response_model=Token)
def change_password(
    request: Request,
    body: PasswordChange,
    db: Db,
    settings: AppSettings,
    now: Now,
    guard: Guard,
    cache: UserCache,
    user: Caller,
) -> Token:
    """A new password (the old one required), ending every session; answers a fresh token for the caller.
    A weak new password is a 422 naming `new_password`; a wrong old one a 401, counted like a failed login."""
    keys = _keys(request, user.username)
    _admit(guard, keys, now)
    try:
        with guard.hashing():
            access_token = users.change_password(db, settings, now, user.username, body.old_password, body.new_password)
    except LoginBusy:
        raise _busy() from None
    if access_token is None:
        guard.failed(keys, now)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong old password")
    cache.pop(user.username, None)
    return Token(access_token=access_token)


@router.get("/me", response_model=Me)
def me(user: Caller) -> Me:
    return Me(username=user.username, full_name=user.full_name, roles=sorted(user.roles))
