"""The pages' session: the same signed token the API issues, kept in an HttpOnly cookie, and a CSRF token
bound to it that every unsafe page request must carry (a form field or the `X-CSRF-Token` header htmx sends).

A logout, password change or deactivation revokes the cookie exactly as it revokes a bearer token: both carry
the user's token version (api/auth.py).
"""

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response, status

from api import auth
from api.auth import CSRF_HEADER, CurrentUser, caller_for_token, csrf_ok
from api.auth import SESSION_COOKIE as COOKIE
from api.settings import Settings

CSRF_FIELD = "csrf"
# How many fields a page's form may post: a form of hundreds of rows (registration opened for 500 candidates
# sends two per row) must not meet Starlette's default of 1000. The body's size cap (UJIKOM_MAX_BODY_BYTES)
# bounds the parsing whatever the count. The form is parsed here first, and Starlette keeps it for the page.
MAX_FORM_FIELDS = 50_000
__all__ = ["COOKIE", "CSRF_FIELD", "CSRF_HEADER", "PageUser", "csrf_token"]
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class LoginRequired(Exception):
    """No valid session: the handler in api/ui/__init__.py sends the browser to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def csrf_token(settings: Settings, session_token: str) -> str:
    return auth.csrf_token(settings.secret_key, session_token)


def set_session(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=settings.env == "production",
        path="/",
    )


def end_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=settings.env == "production", path="/")


def login_url(next_path: str) -> str:
    return "/login" if next_path in ("", "/") else f"/login?next={quote(next_path, safe='/')}"


def optional_user(request: Request) -> CurrentUser | None:
    """The signed-in user of this page request, or None (no cookie, or a revoked or expired one)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return caller_for_token(request.app.state, token)
    except HTTPException:
        return None


async def page_user(request: Request) -> CurrentUser:
    """The signed-in user, else the login page; an unsafe request must also carry this session's CSRF token."""
    user = optional_user(request)
    if user is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if request.method in _UNSAFE:
        await check_csrf(request)
    return user


async def check_csrf(request: Request) -> None:
    """403 unless the request carries this session's CSRF token, in the header (htmx) or the form field."""
    token = request.cookies.get(COOKIE) or ""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form(max_fields=MAX_FORM_FIELDS)
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf_ok(request.app.state.settings.secret_key, token, sent):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="missing or wrong CSRF token: reload the page")


PageUser = Annotated[CurrentUser, Depends(page_user)]
