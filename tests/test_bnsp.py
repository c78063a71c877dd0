"""The BNSP interface: the blangko request's candidate list in BNSP's upload layout (one sheet per skema, the column
codes in row 1, dates as dates), and the certificate's print layer for BNSP's pre-printed blangko (only the
variable fields; the certificate's own file stays the full design)."""

import hashlib
import io
import os
import shutil
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from api.services import dokumen as dokumen_service
from service_tasks import render
from service_tasks.render import RenderJob
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.test_documents import STAFF, on_the_day_of_the_period, pdf_text, period_with_files
from tests.test_ui_dokumen import Page, row_of

HEADER = [
    "NOMOR URUT",
    "NAMA ASESI",
    "NIK",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "JENIS KELAMIN",
    "ALAMAT",
    "KODE KOTA",
    "KODE PROVINSI",
    "TELEPON",
    "EMAIL",
    "KODE PENDIDIKAN",
    "KODE PEKERJAAN",
    "NOMOR SKEMA",
    "KODE TUK",
    "TANGGAL UJI",
    "NO. REG. ASESOR",
    "KODE SUMBER ANGGARAN",
    "REKOMENDASI",
]


def rendered_period(api: Api, monkeypatch: pytest.MonkeyPatch) -> int:
    """The period walked on its day (tests/test_documents.py), every document rendered: its root."""
    on_the_day_of_the_period(api, monkeypatch)
    return period_with_files(api)


def test_the_blangko_list_is_one_sheet_per_skema_with_the_column_codes_in_row_one_and_dates_as_dates(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance_id = rendered_period(api, monkeypatch)
    [lampiran] = b.documents(api, instance_id, "permohonan_blangko_lampiran")
    r = api.get(STAFF, f"/api/dokumen/{lampiran.id}")
    assert r.status_code == 200
    workbook = load_workbook(io.BytesIO(r.content))

    # A sheet per skema with an assessed candidate, named by the skema's number ("/" is not allowed in a name).
    assert workbook.sheetnames == ["SKM-LSP-STMI-001-2024", "SKM-LSP-STMI-002-2024"]
    jwd, opr = workbook.worksheets
    for sheet in (jwd, opr):
        assert [c.value for c in sheet[1]] == HEADER  # the header is row 1: no title rows above it
    assert [[c.value for c in row] for row in jwd.iter_rows(min_row=2)] == [
        [
            1,
            "Andi Pratama",
            "3171041203040001",
            "Jakarta",
            datetime(2004, 3, 12),
            "L",
            "Jl. Pramuka Raya No. 10, Jakarta",
            None,
            None,
            "081290007919",
            "peserta@example.ac.id",
            None,
            None,
            "SKM/LSP-STMI/001/2024",
            "TUK-01",
            datetime(2026, 12, 1),
            "MET.000.001234 2019",
            None,
            "K",
        ],
        [
            2,
            "Bunga Maharani",
            "3275036507040002",
            "Bekasi",
            datetime(2004, 7, 25),
            "P",
            "Jl. Pemuda No. 17, Jakarta",
            None,
            None,
            "081290015838",
            "peserta2@example.ac.id",
            None,
            None,
            "SKM/LSP-STMI/001/2024",
            "TUK-01",
            datetime(2026, 12, 1),
            "MET.000.001234 2019",
            None,
            "K",
        ],
    ]
    # Each sheet counts from 1; the asesor of the other skema is theirs.
    assert [(c.value) for c in opr[2]][:3] == [1, "Cahyo Nugroho", "3374020211030003"]
    assert opr["Q2"].value == "MET.000.002517 2018"
    # Dates are Excel dates shown day/month/year; a NIK is text, never a number that loses its digits.
    for cell in (jwd["E2"], jwd["P2"], opr["E2"], opr["P2"]):
        assert cell.is_date and cell.number_format == "DD/MM/YYYY"
    assert jwd["C2"].data_type == "s" and jwd["C2"].number_format == "@"
    # Every column a designer fills from the data names a key the operator keeps for each candidate.
    sources = {k["sumber"] for k in render.kolom_blangko()["kolom"] if k["sumber"]}
    assert sources - {"nomor_urut"} <= set(lampiran.data["asesi"][0])


def job(asesi: list[dict[str, Any]]) -> RenderJob:
    return RenderJob(
        id=1,
        kind="permohonan_blangko_lampiran",
        number="001/LSP-STMI/PB/XII/2026",
        title="Lampiran",
        version=1,
        created_at="2026-12-01T02:00:00+00:00",
        data={"periode": "2026 Genap", "nomor_surat": "001/LSP-STMI/PB/XII/2026", "asesi": asesi},
    )


def test_a_sheet_name_drops_what_excel_forbids_and_stays_unique_within_31_characters() -> None:
    taken: set[str] = set()
    assert render.nama_lembar("SKM/LSP:X*1?[2]", taken) == "SKM-LSP-X-1--2-"
    assert render.nama_lembar("skm/lsp:x*1?[2]", taken) == "skm-lsp-x-1--2- (2)"
    long = "SKM/LSP-POLITEKNIK-STMI-JAKARTA/001/2024"
    assert render.nama_lembar(long, taken) == "SKM-LSP-POLITEKNIK-STMI-JAKARTA"
    assert render.nama_lembar(long, taken) == "SKM-LSP-POLITEKNIK-STMI-JAK (2)"
    assert render.nama_lembar(None, taken) == "Tanpa skema"


def test_a_column_a_designer_gives_one_value_fills_every_row_and_a_missing_date_is_left_blank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = {
        "format_tanggal": "DD/MM/YYYY",
        "kolom": [
            {"kode": "NOMOR URUT", "sumber": "nomor_urut", "jenis": "angka"},
            {"kode": "NAMA ASESI", "sumber": "nama", "jenis": "teks"},
            {"kode": "TANGGAL UJI", "sumber": "tanggal_uji", "jenis": "tanggal"},
            {"kode": "KODE SUMBER ANGGARAN", "sumber": None, "nilai": "2", "jenis": "teks"},
        ],
    }
    monkeypatch.setattr(render, "kolom_blangko", lambda: spec)
    # A list issued before the test date was kept (no `tanggal_uji`) still renders.
    content = render.xlsx(job([{"skema_nomor": "SKM/A/1", "nama": "Andi Pratama", "hasil": "K"}]))
    sheet = load_workbook(io.BytesIO(content))["SKM-A-1"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["NOMOR URUT", "NAMA ASESI", "TANGGAL UJI", "KODE SUMBER ANGGARAN"],
        [1, "Andi Pratama", None, "2"],
    ]


# On BNSP's blangko these are printed already: the print layer must never print them again.
STATIC_TEXT = [  # as the full design prints them
    "SERTIFIKAT KOMPETENSI",
    "Certificate of Competence",
    "Dengan ini menyatakan bahwa",
    "This is to certify that",
    "Telah kompeten pada bidang",
    "Dengan Kualifikasi",
    "Sertifikat ini berlaku untuk",
    "Atas nama",
    "Badan Nasional Sertifikasi Profesi",
    "On behalf of",
    "No. Reg.",
    "No. Blangko",
    "Lisensi BNSP",
    "LSP POLITEKNIK STMI JAKARTA",
    "Pindai untuk verifikasi",
    "Pas foto",
    "DAFTAR UNIT KOMPETENSI",
    "Kode Unit",
    "Judul Unit",
    "Tanda tangan pemilik",
    "http",
]


def test_staff_download_a_certificates_print_layer_with_only_its_variable_fields_once_rendered_then_kept(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance_id = rendered_period(api, monkeypatch)
    [cert] = b.documents(api, instance_id, "sertifikat", candidate="peserta")
    full_design = api.get(STAFF, f"/api/dokumen/{cert.id}").content
    # Rendered by the renderer's process pool (the processes that render the issued documents), never in the
    # web process: each render sent to the pool is counted.
    api.app.state.settings.render_processes = 1
    renderer = api.app.state.worker.renderer
    renders: list[tuple[str, int]] = []
    submit = renderer.pool.submit

    def counted(fn: Any, job: RenderJob) -> Any:
        renders.append((fn.__name__, job.id))
        return submit(fn, job)

    monkeypatch.setattr(renderer.pool, "submit", counted)

    r = api.get(STAFF, f"/api/dokumen/{cert.id}/cetak")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert 'filename="sertifikat_' in r.headers["content-disposition"]
    assert "_peserta_cetak.pdf" in r.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 2  # the front, and the units on the back
    front = " ".join((reader.pages[0].extract_text() or "").split())
    back = " ".join((reader.pages[1].extract_text() or "").split())
    for field in (
        "62090 2512 4 0000001 2026",
        "Andi Pratama",
        "TIK 1234 00001 2026",
        "Teknologi Informasi dan Komunikasi",
        "Junior Web Developer",
        "SKM/LSP-STMI/001/2024",
        "1 Desember 2029",
        "Jakarta Pusat, 1 Desember 2026",
        "Ketua LSP Politeknik STMI Jakarta",
        "Ir. Ratna Dewi Lestari, M.M.",
    ):
        assert field in front, field
    for field in ("J.620100.004.02", "Menggunakan Struktur Data", "J.620100.019.02", "Andi Pratama"):
        assert field in back, field
    text = pdf_text(r.content)
    assert [s for s in STATIC_TEXT if s in text] == []
    assert len(reader.pages[0].images) == 1  # the holder's pas foto (the QR code is drawn, not an image)

    # Asked again it is read back, not rendered again; the certificate's own file is still the full design.
    assert renders == [("render_print_layer", cert.id)]
    [pid] = renderer.pool.pids()
    assert pid != os.getpid()
    again = api.get(STAFF, f"/api/dokumen/{cert.id}/cetak")
    assert again.content == r.content and renders == [("render_print_layer", cert.id)]
    assert again.headers["content-disposition"] == r.headers["content-disposition"]
    # The print layer and the document's own file are answered with the same headers.
    for answer in (r, api.get(STAFF, f"/api/dokumen/{cert.id}")):
        assert answer.headers["content-disposition"].startswith('inline; filename="sertifikat_')
        assert answer.headers["etag"] == f'"{hashlib.sha256(answer.content).hexdigest()}"'
        assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert api.get(STAFF, f"/api/dokumen/{cert.id}").content == full_design
    preview = pdf_text(full_design)
    for phrase in ("SERTIFIKAT KOMPETENSI", "Dengan ini menyatakan bahwa", "DAFTAR UNIT KOMPETENSI", "No. Blangko"):
        assert phrase in preview
    # A designer's changed layout prints anew.
    monkeypatch.setattr(dokumen_service, "lapisan_cetak_versi", lambda: "tata letak baru")
    assert api.get(STAFF, f"/api/dokumen/{cert.id}/cetak").status_code == 200
    assert renders == [("render_print_layer", cert.id)] * 2


def test_only_staff_get_a_print_layer_and_only_of_a_certificate_still_in_force(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance_id = rendered_period(api, monkeypatch)
    [cert] = b.documents(api, instance_id, "sertifikat", candidate="peserta")
    # The holder reads their certificate (the full design) but does not print on a blangko; nor does an asesor.
    assert api.get("peserta", f"/api/dokumen/{cert.id}").status_code == 200
    for username in ("peserta", "asesor"):
        r = api.get(username, f"/api/dokumen/{cert.id}/cetak")
        assert r.status_code == 403, (username, r.text)
    [lampiran] = b.documents(api, instance_id, "permohonan_blangko_lampiran")
    r = api.get(STAFF, f"/api/dokumen/{lampiran.id}/cetak")
    assert r.status_code == 422 and "not a certificate" in r.json()["detail"]
    # On the Dokumen page staff find "Cetak di blangko" beside the certificate; its holder does not.
    staf, pemegang = Page(api, STAFF), Page(api, "peserta")
    assert "Cetak di blangko" in row_of(staf.get("/dokumen", params={"jenis": "sertifikat"}).text, cert.id)
    assert "Cetak di blangko" not in row_of(pemegang.get("/dokumen").text, cert.id)
    page = staf.get(f"/dokumen/{cert.id}/cetak")
    assert page.status_code == 200 and page.headers["content-type"] == "application/pdf"
    assert page.content == api.get(STAFF, f"/api/dokumen/{cert.id}/cetak").content
    assert pemegang.get(f"/dokumen/{cert.id}/cetak").status_code == 403
    assert (
        api.post("ketua_lsp", f"/api/dokumen/{cert.id}/cabut", json={"alasan": "Bukti dipalsukan"}).status_code == 204
    )
    r = api.get(STAFF, f"/api/dokumen/{cert.id}/cetak")
    assert r.status_code == 409 and "dicabut" in r.json()["detail"]
    assert "Cetak di blangko" not in row_of(staf.get("/dokumen", params={"jenis": "sertifikat"}).text, cert.id)
    assert "Tidak dicetak lagi" in staf.get(f"/dokumen/{cert.id}/cetak").text


def cached_print_layers(api: Api) -> list[str]:
    """The files under data_dir/cetak (the kept print layers, and any half-written one)."""
    root = Path(api.app.state.settings.data_dir) / "cetak"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_print_layer_that_cannot_be_rendered_answers_503_in_both_languages_keeps_nothing_and_prints_once_fixed(
    api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    instance_id = rendered_period(api, monkeypatch)
    [cert] = b.documents(api, instance_id, "sertifikat", candidate="peserta")
    # A designer's template with a syntax error, in a copy of documents/ the renderer reads instead.
    documents = tmp_path / "documents"
    shutil.copytree(render.DOCUMENTS_DIR, documents)
    good = (documents / "sertifikat_cetak.html").read_text("utf-8")
    (documents / "sertifikat_cetak.html").write_text(good + "\n{% if %}\n", "utf-8")
    environment = render.environment
    monkeypatch.setattr(render, "DOCUMENTS_DIR", documents)
    monkeypatch.setattr(render, "environment", lambda: environment(str(documents)))

    r = api.get(STAFF, f"/api/dokumen/{cert.id}/cetak")
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["detail"].startswith(f"the print layer of certificate {cert.id} could not be rendered (")
    assert "TemplateSyntaxError" in body["detail"] and "needs a fix" in body["detail"]
    assert body["errors"] == [
        {
            "path": "",
            "message": "Lapisan cetak tidak dapat dibuat: templat atau tata letaknya (documents/sertifikat_cetak.html, "
            "sertifikat_cetak.json) bermasalah. Tidak ada yang disimpan; minta perancang dokumen memperbaikinya.",
        }
    ]
    assert "retry-after" not in r.headers  # asking again fails again until the template is fixed
    assert cached_print_layers(api) == []
    page = Page(api, STAFF).get(f"/dokumen/{cert.id}/cetak")
    assert page.status_code == 503
    assert "Lapisan cetak gagal dibuat" in page.text and "minta perancang dokumen memperbaikinya" in page.text

    # A layout file gone: the same.
    (documents / "sertifikat_cetak.html").write_text(good, "utf-8")
    layout = (documents / "sertifikat_cetak.json").read_bytes()
    (documents / "sertifikat_cetak.json").unlink()
    r = api.get(STAFF, f"/api/dokumen/{cert.id}/cetak")
    assert r.status_code == 503 and "FileNotFoundError" in r.json()["detail"], r.text
    assert r.json()["errors"] == body["errors"]
    assert cached_print_layers(api) == []
    (documents / "sertifikat_cetak.json").write_bytes(layout)

    # A render process that dies: 503 with Retry-After, nothing kept.
    api.app.state.settings.render_processes = 1
    renderer = api.app.state.worker.renderer

    def died(fn: Any, job: RenderJob) -> tuple[Future[Any], Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
        return future, object()

    submit = renderer.pool.submit
    monkeypatch.setattr(renderer.pool, "submit", died)
    r = api.get(STAFF, f"/api/dokumen/{cert.id}/cetak")
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "5"
    assert r.json()["detail"].endswith("nothing was kept, retry")
    assert r.json()["errors"] == [
        {
            "path": "",
            "message": "Lapisan cetak belum dapat dibuat: proses pembuat PDF terhenti. Tidak ada yang disimpan; "
            "coba lagi.",
        }
    ]
    assert cached_print_layers(api) == []

    # Fixed, and the processes back: it prints, and is kept.
    monkeypatch.setattr(renderer.pool, "submit", submit)
    r = api.get(STAFF, f"/api/dokumen/{cert.id}/cetak")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(r.content)).pages) == 2
    assert len(cached_print_layers(api)) == 1


LONG_UNIT = (
    "Mengimplementasikan rancangan antarmuka pengguna dan pengalaman pengguna berbasis web yang responsif, "
    "aksesibel, dan terintegrasi dengan layanan data aplikasi pada lingkungan produksi organisasi"
)


def printed_lines(content: bytes, page: int) -> list[tuple[float, float, str]]:
    """Each text run on a page of a PDF: its baseline (points from the paper's bottom), its size in points, its text."""
    runs: list[tuple[float, float, str]] = []

    def seen(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            runs.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], round(size * tm[3] * cm[3], 2), text.strip()))

    PdfReader(io.BytesIO(content)).pages[page].extract_text(visitor_text=seen)
    return runs


def test_a_unit_title_too_long_for_its_row_on_the_back_page_prints_smaller_and_whole_inside_the_row() -> None:
    unit = [
        {"kode": "J.620100.004.02", "judul": "Menggunakan Struktur Data"},
        {"kode": "J.620100.019.02", "judul": LONG_UNIT},
        {"kode": "J.620100.020.02", "judul": "Menggunakan SQL"},
    ]
    data = {"peserta": {"nama": "Andi Pratama"}, "skema": {"judul": "Junior Web Developer"}, "unit": unit}
    content = render.lapisan_cetak(
        RenderJob(id=1, kind="sertifikat", number="1", title="Sertifikat", version=1, created_at="", data=data)
    )
    runs = printed_lines(content, 1)
    title = [(y, size) for y, size, text in runs if text in LONG_UNIT]
    assert " ".join(text for _, _, text in runs if text in LONG_UNIT) == LONG_UNIT  # whole, in 3 lines
    assert len(title) == 3
    # The shipped layout: rows 9 mm apart from 52 mm below the paper's top, at 10 pt, smaller down to 7 pt. The
    # second row spans 61-70 mm from the top: 668.98-643.46 pt from the bottom of the 297 mm page.
    assert {size for _, size in title} == {7.5}
    # Descenders (0.22 em below the baseline) and ascenders (0.7 em above it) inside the row.
    assert all(643.46 + 7.5 * 0.22 <= y <= 668.98 - 7.5 * 0.7 for y, _ in title)
    # The short titles around it keep the row's size.
    assert [size for _, size, text in runs if text in ("Menggunakan Struktur Data", "Menggunakan SQL")] == [10, 10]
