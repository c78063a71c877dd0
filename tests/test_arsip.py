"""A period's archive (SOP Pengelolaan Arsip Aktif): one ZIP of every document of the period, filed by archive
class, with the daftar arsip (class, retention, file of each record); for the staff only, and only once every
document has its file."""

import io
import zipfile
from datetime import datetime
from typing import Any

from openpyxl import load_workbook

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.test_ui_dokumen import Page

ADMIN = "kabid_administrasi"


def archive(api: Api, username: str, root: int) -> zipfile.ZipFile:
    r = api.get(username, f"/api/instances/{root}/arsip")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["cache-control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(r.content))


def index_rows(z: zipfile.ZipFile) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(z.read("daftar_arsip.xlsx")))["Daftar Arsip"]
    return list(sheet.iter_rows(values_only=True))


def test_the_staff_download_a_whole_period_as_one_zip_filed_by_class_with_its_daftar_arsip(api: Api) -> None:
    root = sop.walk_period(api)
    api.app.state.worker.render_documents()

    z = archive(api, "ketua_lsp", root)

    assert z.testzip() is None
    names = z.namelist()
    assert len(names) == 57  # the daftar arsip and the period's 56 documents
    assert names[:6] == [
        "daftar_arsip.xlsx",
        "UK.01 Perencanaan uji kompetensi/0001 Nota Dinas ND-001-PSTMI-XII-2026.pdf",
        "UK.01 Perencanaan uji kompetensi/0002 Kerangka Acuan Kerja (TOR) 001-LSP-STMI-TOR-XII-2026.pdf",
        "UK.01 Perencanaan uji kompetensi/0003 Rencana Anggaran Biaya 001-LSP-STMI-RAB-XII-2026.pdf",
        "UK.01 Perencanaan uji kompetensi/0004 Keputusan Ketua LSP (Jadwal Uji Kompetensi) "
        "001-LSP-STMI-SK-XII-2026.pdf",
        # the SK amending it once the candidates are in their sessions: the schedule as assigned
        "UK.01 Perencanaan uji kompetensi/0005 Keputusan Ketua LSP (Jadwal Uji Kompetensi) "
        "002-LSP-STMI-SK-XII-2026 v2.pdf",
    ]
    assert (
        "UK.03 Keputusan sertifikasi/0046 Keputusan Ketua LSP (Penetapan Hasil Asesmen) 005-LSP-STMI-SK-XII-2026.pdf"
        in names
    )
    assert "UK.04 Penerbitan sertifikat/0052 Lampiran Surat Permohonan Blangko 001-LSP-STMI-PB-XII-2026.xlsx" in names
    assert (
        names[-1]
        == "UK.05 Pelaporan/0056 Laporan Uji Kompetensi dan Sertifikasi Kompetensi 001-LSP-STMI-LAP-XII-2026.pdf"
    )
    [nd] = b.documents(api, root, "nota_dinas")
    same_file = api.get("ketua_lsp", f"/api/dokumen/{nd.id}").content
    assert z.read("UK.01 Perencanaan uji kompetensi/0001 Nota Dinas ND-001-PSTMI-XII-2026.pdf") == same_file

    rows = index_rows(z)
    assert rows[0][:14] == (
        "No",
        "Kode Klasifikasi",
        "Klasifikasi",
        "Jenis Dokumen",
        "Nomor",
        "Tanggal",
        "Uraian",
        "Peserta",
        "Versi",
        "Keterangan",
        "Retensi Aktif (tahun)",
        "Retensi Inaktif (tahun)",
        "Nasib Akhir",
        "Media",
    )
    assert len(rows) == 57
    jadwal, jadwal_v2 = rows[4], rows[5]
    assert (jadwal[4], jadwal[8], jadwal[9]) == (
        "001/LSP-STMI/SK/XII/2026",
        1,
        "diganti versi 2 (002/LSP-STMI/SK/XII/2026)",
    )
    assert (jadwal_v2[4], jadwal_v2[8], jadwal_v2[9]) == ("002/LSP-STMI/SK/XII/2026", 2, "perubahan")
    nota = rows[1]
    assert nota[:5] == (1, "UK.01", "Perencanaan uji kompetensi", "Nota Dinas", "ND-001/PSTMI/XII/2026")
    assert isinstance(nota[5], datetime)  # a date cell, not text
    assert nota[10:14] == (2, 3, "Musnah", "Elektronik (PDF) dan kertas")
    sk = rows[46]
    assert sk[:5] == (
        46,
        "UK.03",
        "Keputusan sertifikasi",
        "Keputusan Ketua LSP (Penetapan Hasil Asesmen)",
        "005/LSP-STMI/SK/XII/2026",
    )
    assert sk[10:13] == (5, 10, "Permanen")
    # peserta3's upheld appeal amended it: the amending SK is its version 2, with its own number, filed beside it.
    assert sk[8:10] == (1, "diganti versi 2 (007/LSP-STMI/SK/XII/2026)")
    # The letter telling peserta3 the SK decided BK, issued as the appeal window opened, is filed with the decisions.
    hasil = rows[47]
    assert (hasil[1], hasil[3], hasil[4], hasil[7]) == (
        "UK.03",
        "Surat Pemberitahuan Hasil Uji Kompetensi",
        "001/LSP-STMI/PHU/XII/2026",
        "Cahyo Nugroho (peserta3)",
    )
    # The appeal peserta3 filed (FR.AK.04) is filed with the decisions, before the SK deciding on it.
    banding = rows[48]
    assert (banding[1], banding[3], banding[4], banding[7]) == (
        "UK.03",
        "FR.AK.04 Banding Asesmen",
        "001/LSP-STMI/AK04/XII/2026",
        "Cahyo Nugroho (peserta3)",
    )
    amended = rows[50]
    assert (amended[4], amended[8], amended[9]) == ("007/LSP-STMI/SK/XII/2026", 2, "perubahan")
    assert amended[14] == (
        "UK.03 Keputusan sertifikasi/0050 Keputusan Ketua LSP (Penetapan Hasil Asesmen) 007-LSP-STMI-SK-XII-2026 v2.pdf"
    )
    # Each candidate's FR.APL.01 is filed when Kabid Administrasi decides it (peserta2's only once, when accepted
    # after the return), their FR.APL.02 when the asesor ends the pra-asesmen.
    assert [(r[3], r[4], r[7]) for r in rows[6:9]] == [
        ("FR.APL.01 Permohonan Sertifikasi Kompetensi", "001/LSP-STMI/APL01/XII/2026", "Andi Pratama (peserta)"),
        ("FR.APL.01 Permohonan Sertifikasi Kompetensi", "002/LSP-STMI/APL01/XII/2026", "Cahyo Nugroho (peserta3)"),
        ("FR.APL.01 Permohonan Sertifikasi Kompetensi", "003/LSP-STMI/APL01/XII/2026", "Dian Puspitasari (peserta4)"),
    ]
    assert (rows[10][4], rows[10][7], rows[11][4], rows[11][7]) == (
        "004/LSP-STMI/APL01/XII/2026",
        "Eko Saputra (peserta5)",
        "005/LSP-STMI/APL01/XII/2026",
        "Bunga Maharani (peserta2)",
    )
    assert [(r[3], r[7]) for r in rows[12:16]] == [
        ("FR.APL.02 Asesmen Mandiri", "Andi Pratama (peserta)"),
        ("FR.APL.02 Asesmen Mandiri", "Bunga Maharani (peserta2)"),
        ("FR.APL.02 Asesmen Mandiri", "Cahyo Nugroho (peserta3)"),
        ("FR.APL.02 Asesmen Mandiri", "Dian Puspitasari (peserta4)"),
    ]
    surat = rows[9]  # the refused candidate's letter, issued at registration, filed with the assessment's
    assert (surat[1], surat[3], surat[7]) == (
        "UK.02",
        "Surat Pemberitahuan Hasil Pemeriksaan Berkas Pendaftaran",
        "Eko Saputra (peserta5)",
    )
    kartu = rows[16]
    assert (kartu[3], kartu[7]) == ("Kartu Peserta Uji Kompetensi", "Andi Pratama (peserta)")
    lampiran = rows[52]
    assert (lampiran[3], lampiran[13]) == ("Lampiran Surat Permohonan Blangko", "Elektronik (XLSX)")
    periode = load_workbook(io.BytesIO(z.read("daftar_arsip.xlsx")))["Periode"]
    assert [r[:2] for r in periode.iter_rows(values_only=True)][::3] == [
        ("Lembaga", "LSP Politeknik STMI Jakarta"),
        ("Jumlah arsip", 56),
    ]


def test_a_corrected_letter_is_archived_in_both_versions_with_the_ralat_filed_beside_it(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    api.drain()
    [nd] = b.documents(api, root, "nota_dinas")
    hal = "Target uji kompetensi dan sertifikasi kompetensi periode Genap 2025/2026"
    r = api.post(
        ADMIN, f"/api/dokumen/{nd.id}/koreksi", json={"alasan": "hal tidak menyebut periode", "data": {"hal": hal}}
    )
    assert r.status_code == 201, r.text
    api.app.state.worker.render_documents()

    rows = index_rows(archive(api, ADMIN, root))

    planning = [(r[3], r[4], r[8], r[9]) for r in rows[1:] if r[1] == "UK.01"]
    assert ("Nota Dinas", "ND-001/PSTMI/XII/2026", 1, "diganti versi 2") in planning
    assert ("Nota Dinas", "ND-001/PSTMI/XII/2026", 2, "koreksi: hal tidak menyebut periode") in planning
    assert [p[0] for p in planning].count("Ralat") == 1  # filed with the nota dinas it corrects
    assert any(str(r[14]).endswith("Nota Dinas ND-001-PSTMI-XII-2026 v2.pdf") for r in rows[1:])


def test_the_archive_waits_until_every_document_has_its_file_and_nothing_is_half_sent(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    api.drain()

    r = api.get("ketua_lsp", f"/api/instances/{root}/arsip")

    assert r.status_code == 409, r.text
    assert r.json()["errors"] == [
        {"path": "dokumen", "message": "4 dokumen periode ini belum selesai dibuat; unduh arsip setelah semuanya siap"}
    ]
    page = Page(api, "ketua_lsp").get(f"/dokumen/arsip/{root}")
    assert page.status_code == 409
    assert "Arsip belum lengkap" in page.text and "4 dokumen periode ini belum selesai dibuat" in page.text


def test_only_the_staff_download_an_archive_and_only_of_a_period(api: Api) -> None:
    root = sop.walk_period(api)
    api.app.state.worker.render_documents()
    [child] = [i for i in api.get("admin", "/api/instances", params={"parent_id": root}).json()["items"]][:1]

    assert api.get("peserta", f"/api/instances/{root}/arsip").status_code == 403
    assert api.get("asesor", f"/api/instances/{root}/arsip").status_code == 403
    r = api.get("ketua_lsp", f"/api/instances/{child['id']}/arsip")
    assert r.status_code == 404 and r.json()["errors"] == [
        {"path": "instance_id", "message": "periode tidak ditemukan"}
    ]
    page = Page(api, "peserta").get(f"/dokumen/arsip/{root}")
    assert page.status_code == 403 and "Hanya staf LSP yang dapat mengunduh arsip periode." in page.text
    ketua = Page(api, "ketua_lsp")
    listing = ketua.get("/dokumen", params={"periode": root})
    assert f'href="/dokumen/arsip/{root}"' in listing.text
    assert "Unduh arsip periode LSP-2026-GENAP (ZIP)" in listing.text
    download = ketua.get(f"/dokumen/arsip/{root}")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert download.headers["content-disposition"].startswith('attachment; filename="arsip-LSP-2026-GENAP.zip"')
    assert f'href="/dokumen/arsip/{root}"' not in Page(api, "peserta").get("/dokumen").text
