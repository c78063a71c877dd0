"""The pages' Jinja2 environment: Indonesian filters, the navigation per role, and `page()`, which every
screen answers with (layout, user, CSRF token and the LSP's name filled in)."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.auth import CurrentUser
from api.permissions import AUDIT_READERS, DASBOR_READERS, PENGGANTI_ADMINS, PENGGANTI_ROLES, STAFF
from api.services import notifikasi
from api.store.enums import Role
from api.ui.sesi import COOKIE, CSRF_FIELD, CSRF_HEADER, csrf_token
from service_tasks import format_indonesia as fmt

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
env = templates.env
env.trim_blocks = True
env.lstrip_blocks = True

ROLE_LABELS: dict[str, str] = {
    Role.DIREKTUR: "Direktur",
    Role.KETUA_LSP: "Ketua LSP",
    Role.KABID_ADMINISTRASI: "Kabid Administrasi",
    Role.KABID_SERTIFIKASI: "Kabid Sertifikasi",
    Role.ASESOR: "Asesor Kompetensi",
    Role.PESERTA: "Peserta Uji Kompetensi",
    Role.ADMIN: "Administrator",
    Role.DESAINER: "Perancang proses",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    key: str  # the `aktif` a page passes to mark itself current
    roles: frozenset[str] | None = None  # None: every signed-in user


_STAFF = frozenset({Role.DIREKTUR, Role.KETUA_LSP, Role.KABID_ADMINISTRASI, Role.KABID_SERTIFIKASI})
NAV: tuple[NavItem, ...] = (
    NavItem("Status saya", "/status", "status", frozenset({Role.PESERTA})),
    NavItem("Tugas saya", "/tasks", "tugas"),
    NavItem("Asesmen saya", "/asesor", "asesor", frozenset({Role.ASESOR})),
    NavItem("Antrian berkas", "/berkas/antrian", "antrian", frozenset({Role.KABID_ADMINISTRASI})),
    NavItem("Dasbor", "/dasbor", "dasbor", DASBOR_READERS),
    NavItem("Mulai periode", "/periode/baru", "periode", frozenset({Role.DIREKTUR})),
    NavItem("Dokumen", "/dokumen", "dokumen"),
    NavItem("Perancang", "/modeler", "perancang", frozenset({Role.DESAINER, Role.ADMIN})),
    NavItem("Jejak audit", "/audit", "audit", AUDIT_READERS),
    NavItem("Pengganti", "/pengganti", "pengganti", PENGGANTI_ROLES | PENGGANTI_ADMINS),
    # The master writers keep it; the Direktur reads it. (An asesor may open it too, without a menu item.)
    NavItem("Pengurus pleno", "/pengurus-pleno", "pengurus", STAFF),
    NavItem("Akun", "/akun", "akun"),
)


def nav_for(user: CurrentUser) -> list[NavItem]:
    return [item for item in NAV if item.roles is None or user.roles & item.roles]


def landing(user: CurrentUser) -> str:
    """Where a role lands after login: what it has to do."""
    if Role.PESERTA in user.roles:
        return "/status"
    if Role.ASESOR in user.roles and not user.roles & _STAFF:
        return "/asesor"
    if user.roles & {Role.KETUA_LSP, Role.DIREKTUR} and not user.roles & {Role.KABID_ADMINISTRASI}:
        return "/dasbor"
    if user.roles & {Role.DESAINER} and not user.roles & _STAFF:
        return "/modeler"
    return "/tasks"


def jatuh_tempo(due: datetime | None, now: datetime) -> tuple[str, str]:
    """The due badge of a task: its words and its tone (`lewat`, `dekat`, ``)."""
    if due is None:
        return "", ""
    days = (fmt.as_date(due) - fmt.as_date(now)).days  # type: ignore[operator]
    if days < 0:
        return f"Terlambat {-days} hari", "lewat"
    if days == 0:
        return "Jatuh tempo hari ini", "dekat"
    if days == 1:
        return "Jatuh tempo besok", "dekat"
    return f"{days} hari lagi", ""


def waktu(value: Any) -> str:
    """11 Juni 2026, 14.30 WIB."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return "-"
    local = value.astimezone(fmt.WIB) if value.tzinfo else value
    return f"{fmt.tanggal(local)}, {local:%H.%M} WIB"


env.filters.update(
    tanggal=fmt.tanggal,
    hari_tanggal=fmt.hari_tanggal,
    rupiah=fmt.rupiah,
    angka=fmt.angka,
    persen=fmt.persen,
    durasi=fmt.durasi,
    waktu=waktu,
)
env.globals.update(ROLE_LABELS=ROLE_LABELS, jatuh_tempo=jatuh_tempo, CSRF_FIELD=CSRF_FIELD, CSRF_HEADER=CSRF_HEADER)


def page(
    request: Request,
    template: str,
    user: CurrentUser | None,
    *,
    title: str,
    aktif: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A whole page (or, for an htmx request of a fragment template, just the fragment) in the layout."""
    settings = request.app.state.settings
    token = request.cookies.get(COOKIE, "")
    values = {
        "user": user,
        "title": title,
        "aktif": aktif,
        "nav": nav_for(user) if user else [],
        "csrf": csrf_token(settings, token) if user and token else "",
        "lsp_nama": _lsp_name(request),
        "pengembangan": settings.env != "production",
        "now": request.app.state.clock.now(),
        # The bell's count of unread notifications (one indexed count per signed-in page).
        "lonceng": notifikasi.belum_dibaca(request.app.state.db, user.username) if user else 0,
        **context,
    }
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    if user is not None:
        # A signed-in page shows someone's data: never kept by the browser (a lab's shared computer) or a proxy.
        response.headers["Cache-Control"] = "no-store"
    return response


def _lsp_name(request: Request) -> str:
    """The LSP's name for the header, read once per process (it changes as often as the LSP's licence)."""
    cached: str | None = getattr(request.app.state, "ui_lsp_nama", None)
    if cached is None:
        from api.store.master import LspProfil  # the store: a one-row read, no service needed

        with request.app.state.db.reading() as session:
            lsp = session.get(LspProfil, 1)
            if lsp is None:
                return "LSP"  # not yet set up: read again next time
            cached = lsp.nama
        request.app.state.ui_lsp_nama = cached
    return cached
