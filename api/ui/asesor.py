"""Asesor Kompetensi: Asesmen saya (`/asesor`: sessions, open tasks by kind, candidates, MET, documents addressed
to me) and the session roster (`/asesor/sesi/{period}/{TUK}`), where the attendance of a whole session is
recorded in one submit (`sesi_asesmen.catat_kehadiran`, through `tasks.complete_batch`)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import CurrentUser
from api.errors import ApiError
from api.routes.deps import AppSettings, BackgroundWorker, ClockDep, Db, Id, Now, unstorable
from api.schemas.batch import MAX_BATCH_ITEMS, BatchOutcome
from api.services import sesi_asesmen
from api.services.sesi_asesmen import CalonSesi, Sesi
from api.store.enums import Role
from api.ui.sesi import PageUser
from api.ui.templating import page
from service_tasks import format_indonesia as fmt

router = APIRouter(include_in_schema=False)
HADIR, TIDAK_HADIR, NANTI = "ya", "tidak", ""
FIELDS = ("tanggal", "alasan_di_luar_jadwal", "catatan")
# The titles the form gives its fields, should a served form lack one.
JUDUL_BAWAAN = {
    "hadir": "Peserta hadir",
    "tanggal": "Tanggal asesmen",
    "alasan_di_luar_jadwal": "Alasan asesmen di luar jadwal",
    "catatan": "Catatan",
}


def rentang(mulai: date | None, selesai: date | None) -> str:
    """'10 Desember 2026', or '10 s.d. 11 Desember 2026' style ranges written out in full."""
    if mulai is None and selesai is None:
        return "Belum dijadwalkan"
    if mulai is None or selesai is None or mulai == selesai:
        return fmt.tanggal(mulai or selesai)
    return f"{fmt.tanggal(mulai)} s.d. {fmt.tanggal(selesai)}"


def _bukan_asesor(request: Request, user: CurrentUser) -> HTMLResponse | None:
    if user.has_any(Role.ASESOR):
        return None
    return page(
        request,
        "asesor_bukan.html",
        user,
        title="Bukan halaman Anda",
        status_code=403,
    )


@router.get("/asesor")
def beranda(request: Request, db: Db, now: Now, user: PageUser) -> Response:
    if (refused := _bukan_asesor(request, user)) is not None:
        return refused
    data = sesi_asesmen.beranda(db, user, now)
    today = now.astimezone(fmt.WIB).date()
    return page(
        request,
        "asesor.html",
        user,
        title="Asesmen saya",
        aktif="asesor",
        b=data,
        today=today,
        rentang=rentang,
    )


# --------------------------------------------------------------------------------------------------
# The session roster and its attendance


@dataclass
class Baris:
    """One open attendance row as the page shows it: the values sent (or proposed) and their errors."""

    calon: CalonSesi
    hadir: str = HADIR
    nilai: dict[str, str] = field(default_factory=dict)
    galat: dict[str, str] = field(default_factory=dict)  # field -> message
    galat_baris: str = ""  # a refusal not about one field

    @property
    def task_id(self) -> str:
        assert self.calon.tugas_kehadiran is not None
        return self.calon.tugas_kehadiran

    def id(self, name: str) -> str:
        return f"f-{self.task_id}-{name}"


def _schema_fields(schema: dict[str, Any]) -> dict[str, Any]:
    kehadiran = (schema.get("properties") or {}).get("kehadiran") or {}
    props: dict[str, Any] = kehadiran.get("properties") or {}
    return props


def _judul(props: dict[str, Any]) -> dict[str, str]:
    return {k: str((props.get(k) or {}).get("title") or v) for k, v in JUDUL_BAWAAN.items()}


def _show_roster(
    request: Request,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    user: CurrentUser,
    s: Sesi,
    *,
    sent: dict[str, Baris] | None = None,
    ringkasan: list[tuple[str, str]] | None = None,
    galat_umum: str = "",
    tercatat: int = 0,
    sudah: int = 0,
    status_code: int = 200,
) -> HTMLResponse:
    schema = sesi_asesmen.kehadiran_form(db, clock, settings, user, s)
    props = _schema_fields(schema)
    petunjuk = str((props.get("alasan_di_luar_jadwal") or {}).get("description") or "")
    usul = {"tanggal": str((props.get("tanggal") or {}).get("default") or "")}
    hadir_bawaan = HADIR if (props.get("hadir") or {}).get("default", True) else TIDAK_HADIR
    rows = []
    for c in s.calon:
        if c.tugas_kehadiran is None:
            continue
        row = (sent or {}).get(c.tugas_kehadiran) or Baris(calon=c, hadir=hadir_bawaan, nilai=dict(usul))
        row.calon = c
        rows.append(row)
    return page(
        request,
        "asesor_sesi.html",
        user,
        title=f"Daftar peserta {s.tuk_kode}",
        aktif="asesor",
        s=s,
        baris={r.task_id: r for r in rows},
        judul=_judul(props),
        perlu_alasan=lambda r: _perlu_alasan(s, r, petunjuk),
        ringkasan=ringkasan or [],
        galat_umum=galat_umum,
        tercatat=tercatat,
        sudah=sudah,
        rentang=rentang,
        status_code=status_code,
    )


def _perlu_alasan(s: Sesi, row: Baris, petunjuk: str) -> str:
    """The hint of the reason field when the row needs one, else "": its day lies outside the SK Jadwal's window
    (the validator then requires a reason), or the field holds a value or an error."""
    pada = fmt.as_date(row.nilai.get("tanggal"))
    if pada is not None and s.mulai is not None and s.selesai is not None and not s.mulai <= pada <= s.selesai:
        return (
            f"{fmt.tanggal(pada)} di luar jadwal asesmen dalam SK Jadwal ({rentang(s.mulai, s.selesai)}): wajib diisi."
        )
    if row.nilai.get("alasan_di_luar_jadwal") or "alasan_di_luar_jadwal" in row.galat:
        return petunjuk or JUDUL_BAWAAN["alasan_di_luar_jadwal"]
    return ""


def _not_found(request: Request, user: CurrentUser) -> HTMLResponse:
    return page(
        request,
        "asesor_bukan.html",
        user,
        title="Sesi tidak ditemukan",
        aktif="asesor",
        tidak_ada=True,
        status_code=404,
    )


@router.get("/asesor/sesi/{root_id}/{tuk_kode}")
def roster(
    request: Request,
    root_id: Id,
    tuk_kode: str,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    user: PageUser,
    tercatat: int = 0,
    sudah: int = 0,
) -> Response:
    if (refused := _bukan_asesor(request, user)) is not None:
        return refused
    try:
        s = sesi_asesmen.sesi(db, user, root_id, tuk_kode)
    except ApiError:
        return _not_found(request, user)
    return _show_roster(request, db, clock, settings, user, s, tercatat=max(0, tercatat), sudah=max(0, sudah))


@router.post("/asesor/sesi/{root_id}/{tuk_kode}/kehadiran")
async def catat(
    request: Request,
    root_id: Id,
    tuk_kode: str,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    worker: BackgroundWorker,
    user: PageUser,
) -> Response:
    """Every row with Hadir or Tidak hadir completes its attendance task, in one batch; rows left at "Catat
    nanti" are not sent. Each refused row keeps what was typed and shows why, the others are recorded."""
    if (refused := _bukan_asesor(request, user)) is not None:
        return refused
    try:
        s = sesi_asesmen.sesi(db, user, root_id, tuk_kode)
    except ApiError:
        return _not_found(request, user)
    form = await request.form()
    by_task = {c.tugas_kehadiran: c for c in s.calon if c.tugas_kehadiran}
    sent: dict[str, Baris] = {}
    data: dict[str, dict[str, Any]] = {}
    stale = 0
    for task_id in [v for v in form.getlist("tugas") if isinstance(v, str)][:MAX_BATCH_ITEMS]:
        if task_id in sent:
            continue
        c = by_task.get(task_id)
        if c is None:
            stale += 1  # recorded already (a second submit, another device): never completed twice
            continue
        row = Baris(calon=c, hadir=_text(form.get(f"hadir-{task_id}")))
        row.nilai = {k: _text(form.get(f"{k}-{task_id}")).strip() for k in FIELDS}
        sent[task_id] = row
        bad = [m for k, v in row.nilai.items() for _, m in unstorable(v, k)]
        if bad:
            row.galat_baris = bad[0]
        elif row.hadir in (HADIR, TIDAK_HADIR):
            kehadiran: dict[str, Any] = {"hadir": row.hadir == HADIR}
            kehadiran.update({k: v for k, v in row.nilai.items() if v})
            data[task_id] = {"kehadiran": kehadiran}
    if not data and not any(r.galat_baris for r in sent.values()):
        if stale and not sent:
            return RedirectResponse(f"{s.tautan}?sudah={stale}", status_code=303)
        return _show_roster(
            request,
            db,
            clock,
            settings,
            user,
            s,
            sent=sent,
            galat_umum="Pilih Hadir atau Tidak hadir untuk setidaknya satu peserta.",
            status_code=422,
        )
    result = sesi_asesmen.catat_kehadiran(db, clock, settings, user, root_id, tuk_kode, data) if data else None
    if result is not None and result.completed:
        worker.wake()
    outcomes = {o.task_id: o for o in (result.items if result else [])}
    ringkasan: list[tuple[str, str]] = []
    for task_id, row in sent.items():
        o = outcomes.get(task_id)
        if o is not None:
            _place(row, o)
        for key, message in [(k, m) for k, m in row.galat.items()] + (
            [("", row.galat_baris)] if row.galat_baris else []
        ):
            who = f"{row.calon.nama} ({row.calon.nim})" if row.calon.nim else row.calon.nama
            ringkasan.append((f"#{row.id(key or 'hadir')}", f"{who}: {message}"))
    done = result.completed if result else 0
    stale += sum(1 for o in outcomes.values() if o.status == 409)
    if not ringkasan:
        return RedirectResponse(f"{s.tautan}?tercatat={done}&sudah={stale}", status_code=303)
    s = sesi_asesmen.sesi(db, user, root_id, tuk_kode)  # the rows recorded now show as recorded
    return _show_roster(
        request,
        db,
        clock,
        settings,
        user,
        s,
        sent=sent,
        ringkasan=ringkasan,
        tercatat=done,
        sudah=stale,
        status_code=422,
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _place(row: Baris, o: BatchOutcome) -> None:
    """Put an item's refusal on its row: at the field its path names, else on the row."""
    if o.status in (200, 409):
        return
    if o.status in (403, 404):
        row.galat_baris = "Tugas ini bukan tugas Anda; baris ini tidak dicatat."
    elif o.status == 503:
        row.galat_baris = "Sistem sedang sibuk; baris ini belum disimpan. Kirim lagi sebentar lagi."
    elif o.status == 422 and o.errors:
        judul = JUDUL_BAWAAN
        for e in o.errors:
            path = str(e.get("path") or "")
            name = path.removeprefix("kehadiran.") if path.startswith("kehadiran.") else ""
            message = str(e.get("message") or "")
            if name == "hadir":
                row.galat_baris = f"{judul['hadir']}: {message}"
            elif name in FIELDS:
                row.galat[name] = message
            else:
                row.galat_baris = message
    else:
        row.galat_baris = "Baris ini tidak dapat dicatat; tidak ada yang tersimpan untuknya."
