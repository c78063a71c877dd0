"""Error pages in Indonesian for the pages (never for /api): 404, 403, 422 and the rest, in the layout, with a
way back. The API keeps its JSON answers (api/errors.py).

A failure is answered with a page when it happened in a page route (an endpoint of `api.ui`), or when a browser
asked for a page (`Accept: text/html`) at an address that is no route at all. An htmx request gets the page's
message alone, swapped into the main area (`HX-Retarget: #isi`), so a failed click never puts a whole page into
a table row.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import ApiError, answer_to
from api.ui.sesi import optional_user
from api.ui.templating import page

JUDUL: dict[int, str] = {
    400: "Permintaan tidak dapat dibaca",
    401: "Silakan masuk",
    403: "Akses ditolak",
    404: "Halaman tidak ditemukan",
    405: "Cara membuka halaman ini tidak didukung",
    409: "Data sudah berubah",
    413: "Isian terlalu besar",
    422: "Isian tidak dapat diterima",
    429: "Terlalu banyak permintaan",
    503: "Layanan sedang sibuk",
}
PESAN: dict[int, str] = {
    400: "Permintaan ini tidak dapat dibaca. Muat ulang halaman lalu coba lagi.",
    401: "Sesi Anda sudah berakhir. Silakan masuk lagi.",
    403: "Anda tidak berhak membuka halaman ini atau melakukan tindakan ini. Jika Anda baru saja membuka halaman "
    "ini lama sekali, muat ulang halaman lalu coba lagi.",
    404: "Halaman yang Anda cari tidak ada, sudah dipindahkan, atau tidak boleh Anda lihat.",
    405: "Halaman ini tidak dapat dibuka dengan cara itu. Kembali lalu gunakan tombol yang tersedia.",
    409: "Data ini baru saja diubah oleh orang lain. Muat ulang halaman untuk melihat keadaan terbaru.",
    413: "Isian atau berkas yang dikirim terlalu besar.",
    422: "Isian yang dikirim tidak dapat diterima. Periksa kembali isian Anda.",
    429: "Terlalu banyak permintaan dalam waktu singkat. Tunggu sebentar lalu coba lagi.",
    503: "Layanan sedang sibuk. Tidak ada yang tersimpan; coba lagi sebentar lagi.",
}
UMUM = "Terjadi kesalahan. Tidak ada yang tersimpan; coba lagi sebentar lagi."


def halaman_galat(
    request: Request,
    status: int,
    *,
    judul: str | None = None,
    pesan: str | None = None,
    rincian: list[str] | None = None,
    kembali: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
    aktif: str = "",
) -> HTMLResponse:
    """The error page (or, for htmx, its message alone into `#isi`): a title, what happened in plain words,
    the Indonesian messages of a 422 if any, and a link back (default: the user's landing page); `aktif` the
    menu item of the screen it stands for. Every page's refusal is drawn by this one page."""
    user = optional_user(request)
    ctx: dict[str, Any] = {
        "status": status,
        "judul": judul or JUDUL.get(status, "Terjadi kesalahan"),
        "pesan": pesan or PESAN.get(status, UMUM),
        "rincian": rincian or [],
        "kembali": kembali or (("/", "Kembali ke beranda") if user else ("/login", "Ke halaman Masuk")),
    }
    fragment = bool(request.headers.get("HX-Request"))
    response = page(
        request,
        "galat_isi.html" if fragment else "galat.html",
        user,
        title=str(ctx["judul"]),
        aktif=aktif,
        status_code=status,
        **ctx,
    )
    if fragment:
        response.headers["HX-Retarget"] = "#isi"
        response.headers["HX-Reswap"] = "innerHTML"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _for_pages(request: Request) -> bool:
    """A failure of a page route, or of a browser's page request to an address that is no route."""
    endpoint = request.scope.get("endpoint")
    if endpoint is not None:
        return str(getattr(endpoint, "__module__", "")).startswith("api.ui.")
    path = request.url.path
    return (
        not path.startswith(("/api/", "/web/", "/vendor/", "/ui/static/"))
        and path != "/api"
        and ("text/html" in request.headers.get("accept", ""))
    )


def _messages(errors: Any) -> list[str]:
    """The Indonesian messages of a 422's errors (the API's own words stay out: they are English)."""
    if not isinstance(errors, list):
        return []
    return [str(e["message"]) for e in errors if isinstance(e, dict) and isinstance(e.get("message"), str)]


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if not _for_pages(request):
        return await http_exception_handler(request, exc)
    return halaman_galat(request, exc.status_code, headers=dict(exc.headers or {}))


async def _api_error(request: Request, exc: Exception) -> Response:
    answer = answer_to(exc, f"{request.method} {request.url.path}")
    if not _for_pages(request):
        return answer.response()
    rincian = _messages(answer.body.get("errors")) if answer.status == 422 else []
    return halaman_galat(request, answer.status, rincian=rincian, headers=answer.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    answer = answer_to(exc, f"{request.method} {request.url.path}")
    if not _for_pages(request):
        return answer.response()
    # pydantic's messages are English: the page says what is wrong in its own words.
    return halaman_galat(
        request, 422, pesan="Alamat atau isian halaman ini tidak sah. Kembali lalu gunakan tautan yang tersedia."
    )


def install(app: FastAPI) -> None:
    """Put the page-aware handlers in front of the API's (api/errors.py) for the failures pages meet."""
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
