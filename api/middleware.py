"""What every request and response passes through before the routes (pure ASGI: no body copies):

- `RequestLimits`: nothing is read before it is allowed. A body larger than its route's limit is refused
  413 (at once when Content-Length says so, otherwise as soon as the streamed bytes pass the limit, without
  reading the rest); a multipart body (an upload) is read only after the bearer token in the headers has
  been verified, so an anonymous upload is refused 401 before a byte of it is spooled.
- `SecurityHeaders`: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, CSP `frame-ancestors
  'none'`, `Referrer-Policy: same-origin` on every response; on the API's (private data: tasks,
  candidates' files, documents) also `Cache-Control: no-store` and CSP `sandbox` (nothing it serves runs
  script in the browser). A route that sets one of these keeps its own.
- `PageCompression`: gzip for the pages and their styles and scripts (not the API, not PDFs or images).
"""

import re
from typing import Any

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import CSRF_HEADER, SESSION_COOKIE, caller_for_token, request_token
from api.errors import answer_to
from api.settings import Settings

# Room for the multipart framing (boundaries, part headers, the form's other fields) around a file.
MULTIPART_OVERHEAD = 64 * 1024
_DEPLOYMENT_UPLOADS = re.compile(r"^/api/deployments(/validate)?/?$")
_FILE_UPLOADS = re.compile(r"^/api/(tasks/[^/]+/(berkas|import)|lsp/logo)/?$|^/tasks/[^/]+/impor/?$")


def body_limit(settings: Settings, path: str) -> int:
    """The largest body a request to `path` may send: a deployment's files, one uploaded file, or the rest."""
    if _DEPLOYMENT_UPLOADS.match(path):
        return settings.max_deployment_body_bytes
    if _FILE_UPLOADS.match(path):
        return settings.max_upload_bytes + MULTIPART_OVERHEAD
    return settings.max_body_bytes


def too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {
            "detail": f"request body larger than {limit} bytes",
            "errors": [{"path": "body", "message": f"isi permintaan lebih besar dari {limit} byte"}],
        },
        status_code=413,
        headers={"Connection": "close"},
    )


class RequestLimits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        limit = body_limit(state.settings, scope["path"])
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await too_large(limit)(scope, receive, send)
            return
        if headers.get("content-type", "").lower().startswith("multipart/") and not await self._authorised(
            state, headers, scope, receive, send
        ):
            return
        received = 0
        refused = False  # the 413 went out: what the app sends after it is dropped

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await too_large(limit)(scope, receive, send)
                    # The app sees a client gone away: it stops reading and its answer goes nowhere.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted, guarded_send)

    async def _authorised(self, state: Any, headers: Headers, scope: Scope, receive: Receive, send: Send) -> bool:
        """Verify the bearer token (or the session cookie with its CSRF token) before an upload is read; on
        failure answer its 401 (or 403) and say no."""
        scheme, _, bearer = headers.get("authorization", "").partition(" ")
        cookie = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
        # A page's form posted without JavaScript carries its CSRF token as a form field, which the page checks
        # once the body is read (api/ui/sesi.py, within the body limit): here only its session is verified.
        page_form = not scope["path"].startswith("/api/") and headers.get(CSRF_HEADER) is None
        try:
            if page_form and cookie and not bearer:
                token: str | None = cookie
            else:
                token = request_token(
                    state.settings.secret_key,
                    scope["method"],
                    bearer if scheme.lower() == "bearer" else None,
                    cookie,
                    headers.get(CSRF_HEADER),
                )
            await run_in_threadpool(caller_for_token, state, token)
        except HTTPException as exc:
            await JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)(scope, receive, send)
            return False
        except Exception as exc:  # the user's lookup met a busy database (503), or a bug (500): as a route would
            await answer_to(exc, f"{scope['method']} {scope['path']}").response()(scope, receive, send)
            return False
        return True


_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
# The pages (modeller, diagram, /verify) may not be framed. The API serves data, never a page that runs:
# whatever it answers (a document's HTML preview, a deployed XML file, an upload) runs no script even when
# opened in a tab. A route may set its own (a rendered PDF: Chromium shows no PDF in a sandbox).
_PAGE_CSP = b"frame-ancestors 'none'"
_API_CSP = b"sandbox; frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = scope["path"].startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ALWAYS if name not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", _API_CSP if private else _PAGE_CSP))
                if private and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


# What is worth compressing: pages, their styles and scripts. Documents and evidence (PDF, images) are
# compressed already; the API's JSON is left as integrators receive it today.
_COMPRESSED_ALREADY = ("application/pdf", "image/png", "image/jpeg", "image/webp", "application/zip")
_NOT_PAGES = ("/api/",)


class PageCompression:
    """gzip for the pages and their static files when the browser accepts it: a student's phone on a slow,
    metered connection gets the htmx script in 13 KB rather than 37."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1024, exclude_content_types=_COMPRESSED_ALREADY)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(_NOT_PAGES):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
