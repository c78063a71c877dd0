"""Masuk (login), Keluar (logout) and Beranda: `/` leads each role to what it has to do."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import CurrentUser
from api.errors import ApiError
from api.login_guard import LoginBusy, login_keys
from api.routes.deps import AppSettings, Db, Guard, Now, UserCache
from api.schemas.notifikasi import PreferensiNotifikasi, PreferensiPatch
from api.seed import DEMO_USERS
from api.services import notifikasi, users
from api.ui.sesi import PageUser, end_session, optional_user, set_session
from api.ui.templating import ROLE_LABELS, landing, page
from service_tasks.format_indonesia import kalimat

router = APIRouter(include_in_schema=False)


def _safe_next(next_path: str | None) -> str:
    """Only a path of this site: never an open redirect to another host."""
    if next_path and next_path.startswith("/") and not next_path.startswith(("//", "/\\")):
        return next_path
    return ""


def _demo_accounts(settings: AppSettings) -> list[dict[str, str]]:
    """The demo accounts, offered as buttons in development only (their passwords are published)."""
    if settings.env != "development":
        return []
    return [
        {"username": u, "password": f"{u}-demo", "nama": nama, "peran": ", ".join(ROLE_LABELS.get(r, r) for r in roles)}
        for u, nama, roles in DEMO_USERS
    ]


def _login_page(
    request: Request, settings: AppSettings, next_path: str, *, galat: str = "", username: str = "", status: int = 200
) -> HTMLResponse:
    return page(
        request,
        "login.html",
        None,
        title="Masuk",
        next=next_path,
        galat=galat,
        username=username,
        demo=_demo_accounts(settings),
        status_code=status,
    )


@router.get("/")
def beranda(request: Request) -> Response:
    user = optional_user(request)
    return RedirectResponse(landing(user) if user else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request, settings: AppSettings, next: str | None = None) -> Response:
    user = optional_user(request)
    if user is not None:
        return RedirectResponse(_safe_next(next) or landing(user), status_code=303)
    return _login_page(request, settings, _safe_next(next))


@router.post("/login")
def login(
    request: Request,
    db: Db,
    settings: AppSettings,
    now: Now,
    guard: Guard,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The same account check and backoff as POST /api/auth/token; the token goes into an HttpOnly cookie.
    (No CSRF token yet: there is no session to forge. SameSite=Lax keeps other sites from posting a session in.)"""
    next_path = _safe_next(next)
    if not username.strip() or not password:
        return _login_page(
            request, settings, next_path, galat="Isi nama pengguna dan kata sandi.", username=username, status=422
        )
    keys = login_keys(request.client.host if request.client else None, username)
    wait = guard.retry_after(keys, now)
    if wait:
        galat = f"Terlalu banyak percobaan yang gagal. Coba lagi dalam {wait} detik."
        return _login_page(request, settings, next_path, galat=galat, username=username, status=429)
    try:
        with guard.hashing():
            token = users.token(db, settings, now, username.strip(), password)
    except LoginBusy:
        galat = "Layanan sedang sibuk. Coba lagi sebentar lagi."
        return _login_page(request, settings, next_path, galat=galat, username=username, status=503)
    if token is None:
        guard.failed(keys, now)
        galat = "Nama pengguna atau kata sandi salah."
        return _login_page(request, settings, next_path, galat=galat, username=username, status=401)
    guard.succeeded(keys["account"])
    response = RedirectResponse(next_path or "/", status_code=303)
    set_session(response, settings, token)
    return response


@router.post("/logout")
def logout(db: Db, settings: AppSettings, cache: UserCache, user: PageUser) -> Response:
    """End every session of the user, as the API's logout does, and drop the cookie."""
    users.logout(db, user.username)
    cache.pop(user.username, None)
    response = RedirectResponse("/login", status_code=303)
    end_session(response, settings)
    return response


def _sentence(text: str) -> str:
    return kalimat(text[:1].upper() + text[1:])


def _akun_page(
    request: Request,
    user: CurrentUser,
    *,
    errors: list[dict[str, str]] | None = None,
    pesan: str = "",
    status: int = 200,
    galat_notifikasi: list[dict[str, str]] | None = None,
    isian_notifikasi: PreferensiNotifikasi | None = None,
) -> HTMLResponse:
    preferensi = isian_notifikasi or notifikasi.preferensi(request.app.state.db, user.username)
    return page(
        request,
        "akun.html",
        user,
        title="Akun saya",
        aktif="akun",
        errors=errors or [],
        pesan=pesan,
        preferensi=preferensi,
        galat_notifikasi=galat_notifikasi or [],
        status_code=status,
    )


@router.get("/akun")
def akun(request: Request, user: PageUser, diubah: bool = False, notifikasi_diubah: bool = False) -> HTMLResponse:
    pesan = "Kata sandi Anda telah diubah." if diubah else ""
    if notifikasi_diubah:
        pesan = "Pengaturan notifikasi Anda telah disimpan."
    return _akun_page(request, user, pesan=pesan)


@router.post("/akun/notifikasi")
def ubah_notifikasi(
    request: Request,
    db: Db,
    user: PageUser,
    email: Annotated[str, Form(max_length=200)] = "",
    email_notifikasi: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The API's `PATCH /api/me/notifikasi`: the address and e-mail on or off (an unticked box sends nothing)."""
    body = PreferensiPatch(email=email.strip() or None, email_notifikasi=email_notifikasi == "ya")
    try:
        notifikasi.ubah_preferensi(db, user.username, body)
    except ApiError as exc:
        errors = [{"path": e["path"], "message": _sentence(e["message"])} for e in exc.body.get("errors", [])]
        isian = PreferensiNotifikasi(email=email, email_notifikasi=body.email_notifikasi or False)
        return _akun_page(request, user, galat_notifikasi=errors, isian_notifikasi=isian, status=422)
    return RedirectResponse("/akun?notifikasi_diubah=1", status_code=303)


@router.post("/akun/kata-sandi")
def ganti_kata_sandi(
    request: Request,
    db: Db,
    settings: AppSettings,
    now: Now,
    guard: Guard,
    cache: UserCache,
    user: PageUser,
    lama: Annotated[str, Form(max_length=1000)] = "",
    baru: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """The API's password change: every other session ends; this browser gets the new session."""
    keys = login_keys(request.client.host if request.client else None, user.username)
    if wait := guard.retry_after(keys, now):
        errors = [{"path": "lama", "message": f"Terlalu banyak percobaan yang gagal. Coba lagi dalam {wait} detik."}]
        return _akun_page(request, user, errors=errors, status=429)
    try:
        with guard.hashing():
            token = users.change_password(db, settings, now, user.username, lama, baru)
    except LoginBusy:
        errors = [{"path": "lama", "message": "Layanan sedang sibuk. Coba lagi sebentar lagi."}]
        return _akun_page(request, user, errors=errors, status=503)
    except ApiError as exc:
        errors = [{"path": "baru", "message": _sentence(e["message"])} for e in exc.body.get("errors", [])]
        return _akun_page(request, user, errors=errors, status=422)
    if token is None:
        guard.failed(keys, now)
        return _akun_page(request, user, errors=[{"path": "lama", "message": "Kata sandi lama salah."}], status=401)
    cache.pop(user.username, None)
    response = RedirectResponse("/akun?diubah=1", status_code=303)
    set_session(response, settings, token)
    return response
