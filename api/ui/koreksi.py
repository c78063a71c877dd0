"""Koreksi: an issued document put right from the browser, by the route its kind takes (as POST
/api/dokumen/{id}/koreksi, `api.services.register.correct`): an SK by a new SK "tentang Perubahan atas
Keputusan ..." of the Ketua LSP in office, a letter by a ralat, anything else by a new version keeping its number;
a certificate is never corrected (its route is "Ganti blangko" on the Dokumen page).

The page lists the document's written text, field by field, with what it says now; the person changes what is
wrong and gives the reason. Who a document names, what an SK decided, its signatory and the LSP's profile are not
fields here: the service refuses changing them (`api.services.dokumen.corrected_data`), and so the page does not
offer them. Only what changed is sent, as a JSON merge patch.
"""

import copy
import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.errors import ApiError
from api.permissions import may_correct
from api.routes.deps import AppSettings, BackgroundWorker, Db, Now, unstorable
from api.schemas.dokumen import Correction
from api.services import register
from api.services.dokumen import USERNAME_KEYS
from api.services.register import Jalur
from api.ui.dokumen import angka_atau_none, galat_page, tidak_ada
from api.ui.kirim import Submitted
from api.ui.sesi import PageUser
from api.ui.templating import page
from service_tasks.keputusan import KUNCI_KEPUTUSAN

router = APIRouter(include_in_schema=False)

# Keys never offered: who the document names and what it records as decided or recommended (both refused by the
# service), the codes of what it is about (a skema, a TUK), the amendment's own record, the signatory and the LSP's
# profile (the profile is corrected on its own page; the signatory is whoever signed).
TIDAK_DIKOREKSI = (
    USERNAME_KEYS
    | KUNCI_KEPUTUSAN
    | {
        "skema_nomor",
        "tuk_kode",
        "perubahan",
        "penandatangan",
        "lsp",
        "dibaca_asesor",
        "kode_verifikasi",
        "rujukan",  # the documents it cites, by their number and date as the register has them
        "foto",  # the pas foto the candidate uploaded ({sha256, content_type}): a file, not text
        "content_type",
    }
)
# A value longer than this is not text a person retypes (an image, an embedded file): not offered.
PANJANG_MAKS = 4000
TANGGAL = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WAKTU = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:")  # a moment the system recorded, not text a person wrote
JALUR = {
    Jalur.PERUBAHAN_SK: (
        "Keputusan ini diubah dengan keputusan baru \u201ctentang Perubahan atas Keputusan \u2026\u201d bernomor"
        " sendiri, yang ditandatangani Ketua LSP yang menjabat. Keputusan lama tetap tersimpan."
    ),
    Jalur.RALAT: (
        "Surat ini tetap bernomor sama; kekeliruannya diralat dengan surat ralat bernomor sendiri yang menyebut"
        " bagian tertulis dan seharusnya."
    ),
    Jalur.VERSI: "Dokumen ini diperbaiki sebagai versi baru dengan nomor yang sama; versi lama tetap tersimpan.",
}


@dataclass(frozen=True)
class Bidang:
    """One piece of the document's text: where it is in the data, its label, what it says."""

    path: tuple[str | int, ...]
    label: str
    nilai: str

    @property
    def nama(self) -> str:
        return "f." + ".".join(str(p) for p in self.path)

    @property
    def tanggal(self) -> bool:
        return bool(TANGGAL.match(self.nilai))

    @property
    def panjang(self) -> bool:
        return len(self.nilai) > 80 or "\n" in self.nilai


def _label(path: tuple[str | int, ...]) -> str:
    """As the ralat will name it (list items numbered from 1)."""
    return register.bagian(".".join(str(p + 1) if isinstance(p, int) else p for p in path))


def bidang(data: Any, path: tuple[str | int, ...] = ()) -> list[Bidang]:
    """Every text of the data a person may correct, in the document's order."""
    found: list[Bidang] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in TIDAK_DIKOREKSI and not key.endswith("sha256"):  # a file's hash is no text either
                found += bidang(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += bidang(value, (*path, i))
    elif isinstance(data, str) and path and len(data) <= PANJANG_MAKS and not WAKTU.match(data):
        found.append(Bidang(path, _label(path), data))
    return found


@dataclass(frozen=True)
class Kelompok:
    """The fields of one row of a list at the document's top (a candidate of an SK's lampiran), folded under its
    name so a long document stays short; or the run of other fields, shown open."""

    judul: str | None
    bidang: list[Bidang]
    terbuka: bool = False  # a row the person changed something in (a refused form shows it open)


def kelompok(data: dict[str, Any], fields: list[Bidang], nilai: dict[str, str]) -> list[Kelompok]:
    """`fields` in order, a row of a top-level list (`daftar.3.*`) grouped under "Daftar › 4: <its nama>"."""
    out: list[Kelompok] = []
    for f in fields:
        diubah = f.nama in nilai and nilai[f.nama].replace("\r\n", "\n").strip() != f.nilai
        baris = f.path[:2] if len(f.path) > 2 and isinstance(f.path[1], int) else None
        judul = None
        if baris is not None:
            judul = _label(baris)
            item = data.get(str(baris[0]))
            nama = item[int(baris[1])].get("nama") if isinstance(item, list) else None
            if isinstance(nama, str) and nama:
                judul = f"{judul}: {nama}"
        if out and out[-1].judul == judul:
            out[-1].bidang.append(f)
            if diubah:
                out[-1] = Kelompok(judul, out[-1].bidang, True)
        else:
            out.append(Kelompok(judul, [f], diubah))
    return out


def tambalan(data: dict[str, Any], fields: list[Bidang], form: dict[str, str]) -> dict[str, Any]:
    """The JSON merge patch of what the form changed: each top-level part that changed, whole (a list is
    replaced whole by a merge patch, so a change inside one sends the list)."""
    baru = copy.deepcopy(data)
    for f in fields:
        nilai = form.get(f.nama)
        if nilai is None:
            continue
        nilai = nilai.replace("\r\n", "\n").strip()
        if nilai == f.nilai:
            continue
        target: Any = baru
        for p in f.path[:-1]:
            target = target[p]
        target[f.path[-1]] = nilai
    return {k: v for k, v in baru.items() if v != data.get(k)}


def _form(
    request: Request,
    user: PageUser,
    doc: register.UntukDikoreksi,
    *,
    nilai: dict[str, str] | None = None,
    alasan: str = "",
    errors: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    fields = bidang(doc.data)
    return page(
        request,
        "koreksi.html",
        user,
        title=f"Koreksi {doc.label} {doc.dokumen.number}",
        aktif="dokumen",
        status_code=status_code,
        doc=doc,
        penjelasan=JALUR.get(doc.jalur, ""),
        kelompok=kelompok(doc.data, fields, nilai or {}),
        kosong=not fields,
        nilai=nilai or {},
        alasan=alasan,
        errors=errors or [],
    )


def _dokumen(request: Request, db: Db, user: PageUser, document_id: str) -> register.UntukDikoreksi | HTMLResponse:
    """The document to correct, or the page saying why not (not a corrector, not found, not theirs to read)."""
    if not may_correct(user):
        return galat_page(request, user, ApiError(403))
    try:
        return register.untuk_dikoreksi(db, user, angka_atau_none(document_id) or tidak_ada(document_id))
    except ApiError as exc:
        return galat_page(request, user, exc)


@router.get("/dokumen/{document_id}/koreksi")
def koreksi_form(request: Request, document_id: str, db: Db, user: PageUser) -> HTMLResponse:
    doc = _dokumen(request, db, user, document_id)
    return doc if isinstance(doc, HTMLResponse) else _form(request, user, doc)


@router.post("/dokumen/{document_id}/koreksi")
def koreksi_kirim(
    request: Request,
    document_id: str,
    db: Db,
    settings: AppSettings,
    now: Now,
    worker: BackgroundWorker,
    user: PageUser,
    form: Submitted,
) -> Response:
    """The correction sent: refused with the reasons on the same form, the person's changes kept; else back to
    the Dokumen page at the document's kind, where the new version or SK is listed."""
    doc = _dokumen(request, db, user, document_id)
    if isinstance(doc, HTMLResponse):
        return doc
    sent = {k: v for k, v in form.items() if isinstance(v, str)}
    alasan = " ".join(sent.get("alasan", "").split())[:1000]
    nilai = {k: v[:PANJANG_MAKS] for k, v in sent.items() if k.startswith("f.")}
    errors = [m for k, v in nilai.items() for _, m in unstorable(v, k)][:1]
    if doc.diganti_oleh is not None:
        errors.append(f"Dokumen ini sudah diganti dengan dokumen nomor {doc.diganti_oleh}: koreksi yang terbaru.")
    if len(alasan) < 5:
        errors.append("Tuliskan alasan koreksi (sekurang-kurangnya 5 huruf).")
    patch = tambalan(doc.data, bidang(doc.data), nilai)
    if not patch:
        errors.append("Belum ada yang diubah: ubah bagian yang keliru.")
    if errors:
        return _form(request, user, doc, nilai=nilai, alasan=alasan, errors=errors, status_code=422)
    try:
        register.correct(db, settings, now, user, doc.dokumen.id, Correction(alasan=alasan, data=patch))
    except ApiError as exc:
        if exc.status in (403, 409, 422) and (found := exc.body.get("errors")):
            messages = [str(e.get("message")) for e in found if e.get("message")]
            return _form(request, user, doc, nilai=nilai, alasan=alasan, errors=messages, status_code=exc.status)
        return galat_page(request, user, exc)
    worker.wake()
    return RedirectResponse(f"/dokumen?jenis={doc.dokumen.kind}", status_code=303)
