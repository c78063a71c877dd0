"""Who may call what: every route the app serves, called as every identity, with real records.

`RULES` is the one table: for each route (method, path template) the identities it allows, on which record
(`tests/support/authz.py` builds a state where each exists and names who it is about). An allowed identity
gets anything but 401/403 (an empty body may well give 422, a second claim 409); a refused one 401 when
anonymous, else 403 (or 404 where the table says the route hides that the record exists). Nobody ever gets
a 5xx. A route the app serves that the table does not name fails the test, and so does a rule for a route
that no longer exists: a new route needs its rule here.

Requests carry no body unless `BODIES` gives one: a body the route's schema accepts where the permission
is decided after the body is read (in the service, not in a role dependency), so the check is reached.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from api.app import create_app
from api.auth import CSRF_HEADER, SESSION_COOKIE, csrf_token
from tests.support import authz
from tests.support.api import Api
from tests.support.authz import ANONIM, IDENTITIES, Obyek
from tests.support.databases import settings_for
from tests.support.sop import PDF


def _set(*names: str) -> frozenset[str]:
    unknown = set(names) - set(IDENTITIES)
    assert not unknown, unknown
    return frozenset(names)


PUBLIK = _set(*IDENTITIES)
SIGNED_IN = PUBLIK - {ANONIM}
STAFF = _set(*authz.STAFF)
MASTER_WRITERS = STAFF - {"direktur"}
REVOKERS = _set("admin", "ketua_lsp")
REISSUERS = _set("admin", "ketua_lsp", "kabid_administrasi")
HANDOVER_RECORDERS = _set("admin", "ketua_lsp", "kabid_administrasi")
DESIGNERS = _set("desainer", "admin")
STAFF_OR_DESIGNER = STAFF | {"desainer"}
ASESOR = _set("asesor", "asesor_lain")
PESERTA = _set("peserta", "peserta_lain")
AUDIT_READERS = _set("admin", "ketua_lsp", "direktur")
PENGGANTI = STAFF  # the officials (Direktur, Ketua LSP, the Kabids) and admin


@dataclass(frozen=True)
class Access:
    """Who may call a route on one record (`on`, a name in `authz.build`; None: no path parameters)."""

    allowed: frozenset[str]
    on: str | None = None
    refused: frozenset[int] = frozenset({403})
    # The record exists, so an allowed identity never gets 404 (False where the route is called on purpose
    # with what does not exist: an unknown certificate code, the changes of a first version).
    found: bool = True
    # A successful call ends the caller's sessions (a logout): the caller logs in again for the next route.
    logs_out: bool = False


# A task route, on an open task in each kind of lane: for the users of its lane, narrowed to the candidate
# (or their asesor) it is about.
ON_TASKS = (
    Access(_set("peserta"), "task_peserta"),
    Access(_set("asesor"), "task_asesor"),
    Access(_set("direktur"), "task_direktur"),
)
NOT_THEIRS = frozenset({403, 404})
ON_TASK_PAGES = tuple(Access(a.allowed, a.on, refused=NOT_THEIRS) for a in ON_TASKS)
ON_OTHER_SCREEN = Access(_set("direktur"), "task_direktur", refused=NOT_THEIRS, found=False)
# An instance's comments: a period (about everyone) for staff alone; a candidate's instance for staff, the
# candidate and the asesor who assessed them there.
ON_INSTANCE_KOMENTAR = (
    Access(STAFF, "period", refused=NOT_THEIRS),
    Access(STAFF | {"peserta", "asesor"}, "instance_peserta", refused=NOT_THEIRS),
)
# Reading a document: staff read every kind; a candidate their card and FR.AK.02; an asesor the FR.AK.02 of
# the candidates they assessed and the letters addressed to them (README, Documents).
ON_DOCUMENTS = (
    Access(STAFF, "dokumen_staff"),
    Access(STAFF | {"peserta", "asesor"}, "dokumen_kartu"),  # the candidate, and their asesor
    Access(STAFF | {"peserta", "asesor"}, "dokumen_rekaman"),
    Access(STAFF | {"asesor"}, "dokumen_surat_tugas"),
)


def master(prefix: str, on: str, readers: frozenset[str], own: frozenset[str] | None) -> dict[tuple[str, str], Any]:
    """A master-data resource: lists and records read by `readers`, written by the master writers; `/saya`
    (the caller's own record) read by `own`."""
    record = f"{prefix}/{{{on}_id}}"
    rules: dict[tuple[str, str], Any] = {
        ("GET", prefix): Access(readers),
        ("POST", prefix): Access(MASTER_WRITERS),
        ("GET", record): Access(readers, on),
        ("PATCH", record): Access(MASTER_WRITERS, on),
        ("POST", f"{record}/nonaktifkan"): Access(MASTER_WRITERS, on),
        ("POST", f"{record}/aktifkan"): Access(MASTER_WRITERS, on),
    }
    if own is not None:
        rules[("GET", f"{prefix}/saya")] = Access(own)
    return rules


RULES: dict[tuple[str, str], Access | tuple[Access, ...]] = {
    # The browser pages, their assets and the API's description hold no data: public.
    ("GET", "/openapi.json"): Access(PUBLIK),
    ("GET", "/docs"): Access(PUBLIK),
    ("GET", "/docs/oauth2-redirect"): Access(PUBLIK),
    ("GET", "/redoc"): Access(PUBLIK),
    ("GET", "/modeler"): Access(SIGNED_IN),
    ("GET", "/instances/{instance_id}/diagram"): Access(SIGNED_IN, "period"),
    ("GET", "/web/{path}"): Access(PUBLIK, "web_asset"),
    ("GET", "/vendor/bpmn-js/{path}"): Access(PUBLIK, "vendor_asset"),
    ("GET", "/ui/static/{path}"): Access(PUBLIK, "ui_asset"),
    ("GET", "/vendor/htmx/{path}"): Access(PUBLIK, "htmx_asset"),
    # The pages (api/ui): a visitor without a session is sent to the login page (303).
    ("GET", "/"): Access(PUBLIK),
    ("GET", "/login"): Access(PUBLIK),
    ("POST", "/login"): Access(PUBLIK),
    ("POST", "/logout"): Access(SIGNED_IN, logs_out=True),
    ("GET", "/akun"): Access(SIGNED_IN),
    # Status saya: a candidate's own status; anyone else is sent on to their own landing page (303).
    ("GET", "/status"): Access(SIGNED_IN),
    # A period at a glance: Ketua LSP and Direktur, the Kabids and admin (the staff); never peserta or asesor.
    ("GET", "/dasbor"): Access(STAFF),
    ("GET", "/dasbor/{instance_id}"): Access(STAFF, "period"),
    ("GET", "/dasbor/{instance_id}/{panel}.csv"): Access(STAFF, "dasbor_csv"),
    ("GET", "/dasbor/{instance_id}/{panel}.xlsx"): Access(STAFF, "dasbor_csv"),
    ("GET", "/dasbor/tren"): Access(STAFF),
    ("GET", "/dasbor/tren.csv"): Access(STAFF),
    ("GET", "/dasbor/tren.xlsx"): Access(STAFF),
    ("GET", "/api/periode/tren"): Access(STAFF),
    ("GET", "/api/periode"): Access(STAFF),
    ("GET", "/api/periode/{instance_id}/dasbor"): Access(STAFF, "period"),
    # Jejak audit: every instance's history and master-data changes: admin, Ketua LSP, Direktur (never a Kabid).
    ("GET", "/audit"): Access(AUDIT_READERS),
    ("GET", "/api/audit"): Access(AUDIT_READERS),
    ("GET", "/api/audit.csv"): Access(AUDIT_READERS),
    # Mulai periode: who may start a period (the Direktur); anyone else an Indonesian 403 page.
    ("GET", "/periode/baru"): Access(_set("direktur")),
    ("POST", "/periode/baru"): Access(_set("direktur")),
    # Tugas saya and a task's page: what the API allows, a task the caller may not see is a 404 page.
    ("GET", "/tasks"): Access(SIGNED_IN),
    ("GET", "/tasks/sekaligus"): Access(SIGNED_IN),
    ("POST", "/tasks/sekaligus"): Access(SIGNED_IN),
    ("GET", "/tasks/{task_id}"): ON_TASK_PAGES,
    ("POST", "/tasks/{task_id}/complete"): ON_TASK_PAGES,
    ("POST", "/tasks/{task_id}/draft"): ON_TASK_PAGES,
    ("POST", "/tasks/{task_id}/claim"): ON_TASK_PAGES,
    ("POST", "/tasks/{task_id}/unclaim"): ON_TASK_PAGES,
    # Asesmen saya: an asesor's own sessions; another asesor's session is not found.
    ("GET", "/asesor"): Access(ASESOR),
    ("GET", "/asesor/sesi/{root_id}/{tuk_kode}"): Access(_set("asesor"), "sesi_asesor", refused=NOT_THEIRS),
    ("POST", "/asesor/sesi/{root_id}/{tuk_kode}/kehadiran"): Access(_set("asesor"), "sesi_asesor", refused=NOT_THEIRS),
    # The evidence queue and its screens: staff; the check's and the opening's screens on a task of theirs
    # (here a task of another kind: found by its worker, who is told it is not this screen's).
    ("GET", "/berkas/antrian"): Access(STAFF),
    ("GET", "/berkas/antrian/progres"): Access(STAFF),
    ("POST", "/berkas/antrian/berikutnya"): Access(STAFF),
    ("GET", "/berkas/{berkas_id}/lihat"): Access(STAFF | {"peserta", "asesor"}, "berkas_peserta"),
    ("GET", "/berkas/periksa/{task_id}"): ON_OTHER_SCREEN,
    ("POST", "/berkas/periksa/{task_id}"): ON_OTHER_SCREEN,
    ("POST", "/berkas/periksa/{task_id}/lepas"): ON_OTHER_SCREEN,
    ("GET", "/pendaftaran/buka/{task_id}"): ON_OTHER_SCREEN,
    ("POST", "/pendaftaran/buka/{task_id}"): ON_OTHER_SCREEN,
    ("POST", "/pendaftaran/{task_id}/pilihan"): ON_OTHER_SCREEN,
    ("POST", "/akun/kata-sandi"): Access(SIGNED_IN),
    # Dokumen (api/ui/dokumen.py): the list shows each user what they may read; a document as the API's.
    ("GET", "/dokumen"): Access(SIGNED_IN),
    ("GET", "/dokumen/progres/{instance_id}"): Access(STAFF, "period"),
    ("GET", "/dokumen/arsip/{instance_id}"): Access(STAFF, "period"),
    ("GET", "/dokumen/register-sertifikat/{instance_id}"): Access(HANDOVER_RECORDERS, "period"),
    ("POST", "/dokumen/{document_id}/serah-terima"): Access(HANDOVER_RECORDERS, "dokumen_staff"),
    ("GET", "/dokumen/{document_id}/unduh"): ON_DOCUMENTS,
    ("GET", "/dokumen/{document_id}/pratinjau"): ON_DOCUMENTS,
    ("GET", "/dokumen/{document_id}/cetak"): Access(STAFF, "dokumen_staff"),
    ("POST", "/dokumen/{document_id}/coba-lagi"): Access(STAFF, "dokumen_staff"),
    ("POST", "/dokumen/{document_id}/ganti-blangko"): Access(REISSUERS, "dokumen_staff"),
    ("POST", "/dokumen/{document_id}/cabut"): Access(REVOKERS, "dokumen_staff"),
    ("GET", "/dokumen/{document_id}/koreksi"): Access(MASTER_WRITERS, "dokumen_staff"),
    ("POST", "/dokumen/{document_id}/koreksi"): Access(MASTER_WRITERS, "dokumen_staff"),
    ("GET", "/tasks/{task_id}/impor"): ON_TASKS,
    ("POST", "/tasks/{task_id}/impor"): ON_TASKS,
    ("GET", "/tasks/{task_id}/impor/templat"): ON_TASKS,
    # The certificate check a QR code opens, health and logging in: public.
    ("GET", "/verify/{code}"): Access(PUBLIK, "verify", found=False),
    ("GET", "/api/health"): Access(PUBLIK),
    ("GET", "/api/health/live"): Access(PUBLIK),
    ("POST", "/api/auth/token"): Access(PUBLIK),
    ("POST", "/api/auth/logout"): Access(SIGNED_IN, logs_out=True),
    ("POST", "/api/auth/password"): Access(SIGNED_IN),
    ("PATCH", "/api/users/{username}"): Access(_set("admin"), "user"),
    ("POST", "/api/users/{username}/nonaktifkan"): Access(_set("admin"), "user"),
    ("POST", "/api/users/{username}/aktifkan"): Access(_set("admin"), "user"),
    ("GET", "/api/deployments/menunggu-persetujuan"): Access(DESIGNERS | {"ketua_lsp"}),
    ("POST", "/api/deployments/{deployment_id}/setujui"): Access(_set("ketua_lsp"), "deployment"),
    ("POST", "/api/deployments/{deployment_id}/tolak"): Access(_set("ketua_lsp"), "deployment"),
    ("POST", "/api/dokumen/{document_id}/retry-render"): Access(STAFF, "dokumen_staff"),
    ("GET", "/api/me"): Access(SIGNED_IN),
    # Notifications (api/routes/notifikasi.py, api/ui/notifikasi.py): each user reads and marks only their own;
    # another's answers 404, as one that does not exist.
    ("GET", "/api/notifikasi"): Access(SIGNED_IN),
    ("POST", "/api/notifikasi/baca-semua"): Access(SIGNED_IN),
    ("POST", "/api/notifikasi/{notifikasi_id}/baca"): Access(_set("peserta"), "notifikasi", refused=frozenset({404})),
    ("GET", "/api/me/notifikasi"): Access(SIGNED_IN),
    ("PATCH", "/api/me/notifikasi"): Access(SIGNED_IN),
    ("GET", "/notifikasi"): Access(SIGNED_IN),
    ("POST", "/notifikasi/baca-semua"): Access(SIGNED_IN),
    ("GET", "/notifikasi/{notifikasi_id}/buka"): Access(_set("peserta"), "notifikasi", refused=frozenset({404})),
    ("POST", "/notifikasi/{notifikasi_id}/baca"): Access(_set("peserta"), "notifikasi", refused=frozenset({404})),
    ("POST", "/akun/notifikasi"): Access(SIGNED_IN),
    # Where the caller stands (a candidate's periods, an asesor's candidates): only the caller's own data.
    ("GET", "/api/me/status"): Access(SIGNED_IN),
    # Processes and instances: starting by the lane of the start event (uji_kompetensi: Direktur); instances,
    # their history and diagram state for staff; cancelling for admin.
    ("GET", "/api/process-definitions"): Access(SIGNED_IN),
    ("POST", "/api/process-definitions/{key}/instances"): Access(_set("direktur"), "process"),
    ("GET", "/api/instances"): Access(STAFF),
    ("GET", "/api/instances/{instance_id}"): Access(STAFF, "period"),
    ("POST", "/api/instances/{instance_id}/cancel"): Access(_set("admin"), "period"),
    ("GET", "/api/instances/{instance_id}/history"): Access(STAFF, "period"),
    ("GET", "/api/instances/{instance_id}/diagram-state"): Access(STAFF, "period"),
    # Everyone lists a period's documents, each seeing only those they may read (checked below).
    ("GET", "/api/instances/{instance_id}/dokumen"): Access(SIGNED_IN, "period"),
    # A period's whole archive (every candidate's documents): the staff, who read them all.
    ("GET", "/api/instances/{instance_id}/arsip"): Access(STAFF, "period"),
    ("GET", "/api/instances/{instance_id}/register-sertifikat"): Access(HANDOVER_RECORDERS, "period"),
    # The inbox: a task is for the users of its lane, narrowed to the candidate or their asesor.
    ("GET", "/api/tasks"): Access(SIGNED_IN),
    ("GET", "/api/tasks/{task_id}"): ON_TASKS,
    ("POST", "/api/tasks/{task_id}/claim"): ON_TASKS,
    ("POST", "/api/tasks/{task_id}/unclaim"): ON_TASKS,
    ("POST", "/api/tasks/{task_id}/complete"): ON_TASKS,
    ("POST", "/api/tasks/{task_id}/import"): ON_TASKS,
    ("POST", "/api/tasks/{task_id}/berkas"): ON_TASKS,
    # A batch: any signed-in user; each item is checked as its single completion (tests/test_batch_completion.py).
    ("POST", "/api/tasks/complete-batch"): Access(SIGNED_IN),
    # A draft: only who may work on the task keeps one (and reads it back in the task, alone).
    ("PUT", "/api/tasks/{task_id}/draft"): ON_TASKS,
    ("DELETE", "/api/tasks/{task_id}/draft"): ON_TASKS,
    # Evidence: the candidate who uploaded it, staff, and the candidate's asesor.
    ("GET", "/api/berkas/{berkas_id}"): Access(STAFF | {"peserta", "asesor"}, "berkas_peserta"),
    # Master data (README, Master data): staff read, master writers write, asesor read skema and TUK.
    ("GET", "/api/lsp"): Access(SIGNED_IN),
    ("PUT", "/api/lsp"): Access(MASTER_WRITERS),
    ("PUT", "/api/lsp/logo"): Access(MASTER_WRITERS),
    ("GET", "/api/institusi"): Access(SIGNED_IN),
    ("PUT", "/api/institusi"): Access(MASTER_WRITERS),
    ("PUT", "/api/institusi/logo"): Access(MASTER_WRITERS),
    **master("/api/skema", "skema", STAFF | ASESOR, None),
    **master("/api/tuk", "tuk", STAFF | ASESOR, None),
    **master("/api/asesor", "asesor", STAFF, ASESOR),
    **master("/api/peserta", "peserta", STAFF, PESERTA),
    # Eligible pleno staff: read as TUK are (the pleno's form offers them), written by the master writers.
    **master("/api/pengurus-pleno", "pengurus", STAFF | ASESOR, None),
    # Its page (api/ui/pengurus_pleno.py): read as the API is, written by the same master writers.
    ("GET", "/pengurus-pleno"): Access(STAFF | ASESOR),
    ("POST", "/pengurus-pleno"): Access(MASTER_WRITERS),
    ("POST", "/pengurus-pleno/{pengurus_id}/nonaktifkan"): Access(MASTER_WRITERS, "pengurus"),
    ("POST", "/pengurus-pleno/{pengurus_id}/aktifkan"): Access(MASTER_WRITERS, "pengurus"),
    # A conflict of interest: master writers, or the asesor about themselves.
    ("POST", "/api/asesor/{asesor_id}/konflik"): Access(MASTER_WRITERS | {"asesor"}, "asesor"),
    # Documents.
    ("GET", "/api/dokumen/{document_id}"): ON_DOCUMENTS,
    ("GET", "/api/dokumen/{document_id}/html"): ON_DOCUMENTS,
    # A certificate's print layer for the blangko: the staff who print (422 on a document that is not one).
    ("GET", "/api/dokumen/{document_id}/cetak"): Access(STAFF, "dokumen_staff"),
    ("POST", "/api/dokumen/{document_id}/koreksi"): Access(MASTER_WRITERS, "dokumen_staff"),
    ("POST", "/api/dokumen/{document_id}/cabut"): Access(REVOKERS, "dokumen_staff"),
    ("POST", "/api/dokumen/{document_id}/ganti-blangko"): Access(REISSUERS, "dokumen_staff"),
    ("POST", "/api/dokumen/{document_id}/serah-terima"): Access(HANDOVER_RECORDERS, "dokumen_staff"),
    # Deployments and versions: designers deploy and validate; staff and designers read.
    ("GET", "/api/deployments"): Access(DESIGNERS),
    ("POST", "/api/deployments"): Access(DESIGNERS),
    ("POST", "/api/deployments/validate"): Access(DESIGNERS),
    ("GET", "/api/deployments/{deployment_id}/files/{name}"): Access(STAFF_OR_DESIGNER, "deployed_file"),
    ("GET", "/api/process-properties"): Access(STAFF_OR_DESIGNER),
    ("GET", "/api/process-models"): Access(STAFF_OR_DESIGNER),
    ("GET", "/api/process-definitions/{key}/versions"): Access(STAFF_OR_DESIGNER, "process"),
    ("GET", "/api/process-definitions/{key}/versions/{version}/files"): Access(STAFF_OR_DESIGNER, "version"),
    ("GET", "/api/process-definitions/{key}/versions/{version}/forms/{name}"): Access(
        STAFF_OR_DESIGNER, "version_form"
    ),
    ("GET", "/api/form-sources"): Access(STAFF_OR_DESIGNER),
    ("POST", "/modeler/pratinjau-formulir"): Access(STAFF_OR_DESIGNER),
    ("GET", "/api/process-definitions/{key}/versions/{version}/diff"): Access(
        STAFF_OR_DESIGNER, "version", found=False
    ),
    # Substitutes (api/services/pengganti.py): the officials and admin read and name theirs; a substitution is
    # ended by the absent person who named it or by admin (its substitute is refused, anyone else does not find it).
    ("GET", "/api/pengganti"): Access(PENGGANTI),
    ("POST", "/api/pengganti"): Access(PENGGANTI),
    ("POST", "/api/pengganti/{pengganti_id}/akhiri"): Access(
        _set("kabid_sertifikasi", "admin"), "pengganti", refused=NOT_THEIRS
    ),
    ("GET", "/pengganti"): Access(PENGGANTI),
    ("POST", "/pengganti"): Access(PENGGANTI - {"admin"}),  # the page names one's own; admin names via the API
    ("POST", "/pengganti/{pengganti_id}/akhiri"): Access(
        _set("kabid_sertifikasi", "admin"), "pengganti", refused=NOT_THEIRS
    ),
    # Users: admin.
    ("GET", "/api/users"): Access(_set("admin")),
    ("POST", "/api/users"): Access(_set("admin")),
    # Comments (api/services/komentar.py): on a task, whoever may see the task; on an instance, staff, the
    # candidate it is about and an asesor who holds or held a task in it (anyone else: not found).
    ("GET", "/api/tasks/{task_id}/komentar"): ON_TASKS,
    ("POST", "/api/tasks/{task_id}/komentar"): ON_TASKS,
    ("GET", "/api/instances/{instance_id}/komentar"): ON_INSTANCE_KOMENTAR,
    ("POST", "/api/instances/{instance_id}/komentar"): ON_INSTANCE_KOMENTAR,
    ("POST", "/tasks/{task_id}/komentar"): ON_TASK_PAGES,
    ("GET", "/instances/{instance_id}/komentar"): ON_INSTANCE_KOMENTAR,
    ("POST", "/instances/{instance_id}/komentar"): ON_INSTANCE_KOMENTAR,
}

# Bodies for the routes whose permission is decided after the body is parsed (in the service).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/process-definitions/{key}/instances"): {"json": {"data": {}}},
    ("POST", "/api/tasks/{task_id}/complete"): {"json": {"data": {}}},
    ("GET", "/berkas/antrian/progres"): {"params": {"periode": 1}},
    ("PUT", "/api/tasks/{task_id}/draft"): {"json": {"data": {"catatan": "belum selesai"}}},
    ("PATCH", "/api/users/{username}"): {"json": {"nip": "198001102006042003"}},
    ("POST", "/api/tasks/{task_id}/berkas"): {"files": {"file": ("bukti.pdf", PDF, "application/pdf")}},
    ("POST", "/api/tasks/{task_id}/import"): {"files": {"file": ("nomor.xlsx", b"PK\x03\x04", "application/zip")}},
    ("POST", "/tasks/{task_id}/impor"): {"files": {"berkas": ("nomor.xlsx", b"PK\x03\x04", "application/zip")}},
    ("POST", "/api/asesor/{asesor_id}/konflik"): {
        "json": {"peserta_username": "peserta40", "keterangan": "Tetangga satu rumah"}
    },
    ("POST", "/api/tasks/{task_id}/komentar"): {"json": {"isi": "Catatan matriks"}},
    ("POST", "/api/instances/{instance_id}/komentar"): {"json": {"isi": "Catatan matriks"}},
    ("POST", "/tasks/{task_id}/komentar"): {"data": {"isi": "Catatan matriks"}},
    ("POST", "/instances/{instance_id}/komentar"): {"data": {"isi": "Catatan matriks"}},
}


def served_routes(data_dir: Path) -> set[tuple[str, str]]:
    """Every (method, path template) the app answers: the OpenAPI operations and the routes left out of it
    (pages, the docs, static mounts as `<mount>/{path}`)."""
    app = create_app(settings_for("sqlite://", data_dir))
    operations = {(m.upper(), path) for path, item in app.openapi()["paths"].items() for m in item}
    routes: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            routes.add(("GET", f"{route.path}/{{path}}"))
        else:
            routes.update((m, str(route.path)) for m in route.methods or () if m != "HEAD")
    assert operations <= routes, operations - routes
    return routes


def test_every_route_the_app_serves_has_exactly_one_rule(tmp_path: Path) -> None:
    served = served_routes(tmp_path)
    assert sorted(served - RULES.keys()) == [], "routes without a rule in RULES: add one"
    assert sorted(RULES.keys() - served) == [], "rules for routes the app no longer serves: remove them"


def _accesses(rule: Access | tuple[Access, ...]) -> tuple[Access, ...]:
    return rule if isinstance(rule, tuple) else (rule,)


def _is_page(path: str) -> bool:
    """A page of the web application (api/ui): it takes the session cookie, not the bearer token."""
    return not path.startswith(("/api/", "/web/", "/vendor/", "/ui/static/", "/docs", "/redoc", "/openapi", "/verify/"))


def _call(api: Api, method: str, path: str, access: Access, obyek: Obyek, identity: str) -> int:
    username = obyek.username(identity)
    headers = api.headers(username) if username is not None else {}
    if headers and _is_page(path):
        # The pages' session is the same token in a cookie, with its CSRF token on an unsafe request.
        token = headers.pop("Authorization").removeprefix("Bearer ")
        headers = {
            "Cookie": f"{SESSION_COOKIE}={token}",
            CSRF_HEADER: csrf_token(api.app.state.settings.secret_key, token),
        }
    url = path.format(**obyek.params)
    answer = api.client.request(method, url, headers=headers, follow_redirects=False, **BODIES.get((method, path), {}))
    status = int(answer.status_code)
    if _is_page(path) and status == 303 and answer.headers["location"].startswith("/login?next="):
        status = 401  # a page's "log in first" is its 401
    if access.logs_out and username is not None and status < 400:
        api.forget(username)
    return status


def _verdict(access: Access, identity: str, status: int) -> str | None:
    """What is wrong with `status` for `identity` (None: nothing)."""
    if status >= 500:
        return "server error"
    if identity in access.allowed:
        if status in (401, 403):
            return "refused an allowed identity"
        return "not found: the state lacks the record" if status == 404 and access.found else None
    expected = {401} if identity == ANONIM else access.refused
    return None if status in expected else f"expected {sorted(expected)}"


def test_every_route_answers_each_identity_as_the_table_says(api: Api) -> None:
    objects = authz.build(api)
    objects[""] = Obyek()
    violations: list[str] = []
    for (method, path), rule in RULES.items():
        for access in _accesses(rule):
            obyek = objects[access.on or ""]
            for identity in IDENTITIES:
                status = _call(api, method, path, access, obyek, identity)
                wrong = _verdict(access, identity, status)
                if wrong is not None:
                    who = obyek.username(identity) or ANONIM
                    violations.append(f"{method} {path} on {access.on} as {identity} ({who}): {status}, {wrong}")
    assert violations == []


def test_a_candidate_and_an_asesor_list_only_the_documents_they_may_read(api: Api) -> None:
    objects = authz.build(api)
    period = objects["period"].params["instance_id"]

    def kinds(username: str) -> list[tuple[str, str | None]]:
        r = api.get(username, f"/api/instances/{period}/dokumen", params={"include_children": "true"})
        assert r.status_code == 200, r.text
        return sorted((d["kind"], d["candidate"]) for d in r.json())

    # peserta agreed to FR.AK.01 and was assessed (FR.AK.03 not yet given); peserta3 not assessed yet.
    assert kinds("peserta") == [
        ("asesmen_mandiri", "peserta"),
        ("kartu_peserta", "peserta"),
        ("permohonan_sertifikasi", "peserta"),
        ("persetujuan_asesmen", "peserta"),
        ("rekaman_asesmen", "peserta"),
    ]
    assert kinds("peserta3") == [
        ("asesmen_mandiri", "peserta3"),
        ("kartu_peserta", "peserta3"),
        ("permohonan_sertifikasi", "peserta3"),
    ]
    # Each asesor also reads the SK Jadwal as amended with their sessions.
    assert kinds("asesor") == [
        ("asesmen_mandiri", "peserta"),
        ("kartu_peserta", "peserta"),
        ("persetujuan_asesmen", "peserta"),
        ("rekaman_asesmen", "peserta"),
        ("sk_jadwal", None),
        ("surat_tugas_asesor", None),
    ]
    assert kinds("asesor2") == [
        ("asesmen_mandiri", "peserta3"),
        ("formulir_verifikasi_tuk", None),
        ("kartu_peserta", "peserta3"),
        ("sk_jadwal", None),
        ("sk_penetapan_tuk", None),
        ("surat_tugas_asesor", None),
        ("surat_tugas_verifikasi_tuk", None),
    ]
    assert kinds("desainer") == []
