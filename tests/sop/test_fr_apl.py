"""FR.APL.01 and FR.APL.02 as the filled forms an LSP files: the application issued when Kabid Administrasi decides
it (accepted or refused, never while it is returned for revision), the self-assessment issued when the asesor ends
the pra-asesmen; each dated by the days the people acted, read by the candidate (and FR.APL.02 by their asesor)
(issue 12, part 5)."""

from datetime import datetime
from typing import Any

import pytest

from tests.support import hari, sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon

HARI = [datetime(2026, 12, d, 9, 0, tzinfo=sop.WIB) for d in (1, 2, 3, 4)]
PEKERJAAN = {
    "nama_institusi": "PT Polimer Nusantara",
    "jabatan": "Teknisi laboratorium (magang)",
    "alamat": "Kawasan Industri Pulogadung Blok C-7, Jakarta",
    "telepon": "(021) 4600123",
    "email": "lab@polimer.example.co.id",
}


def submit(api: Api, username: str, nomor: str, bk: dict[str, str] | None = None, **apl01: Any) -> dict[str, Any]:
    """The candidate submits FR.APL.01/02 (sop.apl: every element K, "Laporan praktik") with `apl01` fields changed
    and the last element of each unit in `bk` answered BK with the evidence given."""
    t = sop.one(api, username, b.APL)
    data = sop.apl(api, username, t["id"], nomor)
    data["apl01"] |= apl01
    for jawaban in data["apl02"]:
        if jawaban["unit_kode"] in (bk or {}):
            jawaban["elemen"][-1] |= {"kompeten": False, "bukti": (bk or {})[jawaban["unit_kode"]]}
    api.complete(username, t["id"], data)
    return data


def decide(api: Api, username: str, keputusan: str, alasan: str = "", catatan: str = "") -> None:
    """Kabid Administrasi decides `username`'s berkas, every piece of evidence "ada, memenuhi syarat" when accepted,
    else "ada, tidak memenuhi syarat" with `catatan`."""
    t = b.task_about(api, "kabid_administrasi", b.MEMERIKSA, username)
    data = sop.task_data(api, "kabid_administrasi", t["id"])
    body = sop.pemeriksaan(data, keputusan, alasan)
    for bukti in body["pemeriksaan"]["bukti"]:
        bukti["catatan"] = catatan
    api.complete("kabid_administrasi", t["id"], body)


def test_fr_apl_01_is_issued_when_the_berkas_is_decided_not_while_returned_dated_by_submission_and_check(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    hari.on_the_day(api, monkeypatch, HARI[0])
    root = b.registration_open(api, [Calon("peserta"), Calon("peserta5", skema=sop.MUTU)])
    submit(api, "peserta", sop.JWD)
    submit(api, "peserta5", sop.MUTU, tujuan_asesmen="rpl", pendidikan="SMK Kimia Industri", pekerjaan=PEKERJAAN)

    hari.on_the_day(api, monkeypatch, HARI[1])
    decide(api, "peserta", "dikembalikan", "Pindaian KTM tidak terbaca; unggah ulang")
    decide(api, "peserta5", "ditolak", "Bukan mahasiswa tingkat akhir", catatan="KTM semester lalu")
    # Returned for revision: nothing is decided, nothing is issued for peserta.
    [ditolak] = b.documents(api, root, "permohonan_sertifikasi")
    assert (ditolak.candidate, ditolak.number) == ("peserta5", "001/LSP-STMI/APL01/XII/2026")

    hari.on_the_day(api, monkeypatch, HARI[2])
    submit(api, "peserta", sop.JWD)
    hari.on_the_day(api, monkeypatch, HARI[3])
    decide(api, "peserta", "diterima")
    [_, diterima] = b.documents(api, root, "permohonan_sertifikasi")
    assert (diterima.candidate, diterima.number) == ("peserta", "002/LSP-STMI/APL01/XII/2026")

    # The pas foto uploaded with the form is printed beside the personal data.
    assert diterima.data["peserta"]["foto"]["content_type"] == "image/png"
    text = hari.pdf_text(api, diterima.id)
    for phrase in (
        "FR.APL.01. PERMOHONAN SERTIFIKASI KOMPETENSI",
        "Nomor: 002/LSP-STMI/APL01/XII/2026 — uji kompetensi periode 2026 Genap",
        "Bagian 1: Rincian Data Pemohon Sertifikasi".upper(),
        "Nama lengkap : Andi Pratama No. KTP/NIK : 3171041203040001 NIM : 2303001",
        "Tempat, tanggal lahir : Jakarta, 12 Maret 2004 Jenis kelamin : Laki-laki",
        "Alamat rumah : Jl. Pramuka Raya No. 10, Jakarta No. telepon/HP : 081290007919 Email : peserta@example.ac.id",
        "Pendidikan terakhir : D3 (tingkat akhir) Program studi : Sistem Informasi Industri Otomotif",
        "b. Data pekerjaan sekarang Pemohon tidak mengisi data pekerjaan (belum bekerja).",
        "Judul skema sertifikasi : Junior Web Developer Nomor skema sertifikasi : SKM/LSP-STMI/001/2024",
        "Jenis skema : Okupasi",
        "Tujuan asesmen : ☑ Sertifikasi ☐ Sertifikasi ulang ☐ Pengakuan Kompetensi Terkini (PKT) "
        "☐ Rekognisi Pembelajaran Lampau (RPL) ☐ Lainnya",
        "1 J.620100.004.02 Menggunakan Struktur Data SKKNI",
        "2 J.620100.005.02 Mengimplementasikan User Interface SKKNI",
        "6 J.620100.019.02 Menggunakan Library atau Komponen Pre-Existing SKKNI",
        "Bagian 3: Bukti Kelengkapan Pemohon".upper(),
        "1 Kartu tanda mahasiswa Persyaratan dasar ✓",
        "Rekomendasi (diisi oleh LSP): Berdasarkan ketentuan persyaratan dasar, maka pemohon: ☑ Diterima "
        "☐ Tidak diterima sebagai peserta sertifikasi.",
        "Pemohon/Kandidat: ☑ Dengan ini saya menyatakan bahwa data yang saya isikan adalah benar dan dapat "
        "dipertanggungjawabkan. Nama : Andi Pratama Tanggal : 3 Desember 2026 Tanda tangan :",
        "Admin LSP: Jabatan : Kepala Bidang Administrasi Nama : Sri Wahyuni, S.E. NIP : 198001102006042003 "
        "Tanggal : 4 Desember 2026 Tanda tangan :",
    ):
        assert hari.rapat(phrase) in text, phrase
    assert "Catatan" not in text and "None" not in text

    assert ditolak.data["bukti"] == [
        {
            "jenis": "dasar",
            "nama": "Kartu tanda mahasiswa",
            "status": "ada_tidak_memenuhi",
            "catatan": "KTM semester lalu",
        }
    ]
    text = hari.pdf_text(api, ditolak.id)
    for phrase in (
        "Nomor: 001/LSP-STMI/APL01/XII/2026",
        "Nama lengkap : Eko Saputra No. KTP/NIK : 3215083005040005",
        "Pendidikan terakhir : SMK Kimia Industri",
        "Nama institusi/perusahaan : PT Polimer Nusantara Jabatan : Teknisi laboratorium (magang) "
        "Alamat kantor : Kawasan Industri Pulogadung Blok C-7, Jakarta No. telepon kantor : (021) 4600123 "
        "Email kantor : lab@polimer.example.co.id",
        "Judul skema sertifikasi : Analis Pengendalian Mutu Produk Polimer",
        "Jenis skema : KKNI (jenjang 4)",
        "☐ Sertifikasi ☐ Sertifikasi ulang ☐ Pengakuan Kompetensi Terkini (PKT) ☑ Rekognisi Pembelajaran Lampau (RPL)",
        "5 C.222000.014.01 Menyusun Laporan Hasil Pengujian Mutu SKKNI",
        "1 Kartu tanda mahasiswa Persyaratan dasar Catatan: KTM semester lalu ✓",
        "☐ Diterima ☑ Tidak diterima sebagai peserta sertifikasi. Catatan: Bukan mahasiswa tingkat akhir.",
        "Pemohon/Kandidat: ☑ Dengan ini saya menyatakan bahwa data yang saya isikan adalah benar dan dapat "
        "dipertanggungjawabkan. Nama : Eko Saputra Tanggal : 1 Desember 2026",
        "Nama : Sri Wahyuni, S.E. NIP : 198001102006042003 Tanggal : 2 Desember 2026",
    ):
        assert hari.rapat(phrase) in text, phrase

    # The candidate reads their own; no other candidate, and no asesor (FR.APL.01 is the LSP's check).
    assert api.get("peserta", f"/api/dokumen/{diterima.id}").status_code == 200
    assert api.get("peserta5", f"/api/dokumen/{ditolak.id}").status_code == 200
    assert api.get("peserta5", f"/api/dokumen/{diterima.id}").status_code == 403
    assert api.get("peserta", f"/api/dokumen/{ditolak.id}").status_code == 403
    assert api.get("asesor", f"/api/dokumen/{diterima.id}").status_code == 403


def test_fr_apl_02_is_issued_when_the_asesor_ends_the_pra_asesmen_with_each_elements_answer_and_the_review(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    hari.on_the_day(api, monkeypatch, HARI[0])
    stopped, continued = Calon("peserta"), Calon("peserta2")
    root = b.registration_open(api, [stopped, continued])
    submit(api, "peserta", sop.JWD, bk={"J.620100.019.02": "Belum pernah memakai library pihak ketiga"})
    submit(api, "peserta2", sop.JWD)
    sop.check_files(api, {"peserta": ("diterima", ""), "peserta2": ("diterima", "")})
    sop.close_registration(api, root)
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    api.complete("kabid_sertifikasi", t["id"], b.penugasan([stopped, continued]))
    assert b.documents(api, root, "asesmen_mandiri") == []  # the asesor has not reviewed yet

    hari.on_the_day(api, monkeypatch, HARI[2])
    t = b.task_about(api, "asesor", b.PRA_ASESMEN, "peserta")
    alasan = "Bukti portofolio belum relevan dengan unit pemrograman web"
    api.complete("asesor", t["id"], {"pra_asesmen": {"rekomendasi": "tidak_lanjut", "catatan": alasan}})
    b.pra_asesmen(api, [continued])

    tidak_lanjut, lanjut = b.documents(api, root, "asesmen_mandiri")
    assert [(d.candidate, d.number) for d in (tidak_lanjut, lanjut)] == [
        ("peserta", "001/LSP-STMI/APL02/XII/2026"),
        ("peserta2", "002/LSP-STMI/APL02/XII/2026"),
    ]
    # The candidate's answers per element as they gave them: the last element of the last unit BK with their
    # evidence, the others K; nothing answered per unit.
    k = (True, "Laporan praktik")
    assert [
        (u["kode"], u["kompeten"], [(e["kompeten"], e["bukti"]) for e in u["elemen"]])
        for u in tidak_lanjut.data["unit"]
    ] == [
        ("J.620100.004.02", None, [k, k]),
        ("J.620100.005.02", None, [k, k]),
        ("J.620100.010.01", None, [k, k]),
        ("J.620100.016.01", None, [k, k]),
        ("J.620100.017.02", None, [k, k, k]),
        ("J.620100.019.02", None, [k, (False, "Belum pernah memakai library pihak ketiga")]),
    ]
    text = hari.pdf_text(api, tidak_lanjut.id)
    for phrase in (
        "FR.APL.02. ASESMEN MANDIRI",
        "Nomor: 001/LSP-STMI/APL02/XII/2026 — uji kompetensi periode 2026 Genap",
        "Skema sertifikasi : Junior Web Developer Nomor skema : SKM/LSP-STMI/001/2024 "
        "Nama asesi : Andi Pratama (NIM 2303001) "
        "Nama asesor : Budi Santoso, S.Kom., M.T. (No. Reg. MET.000.001234 2019)",
        "No. Dapatkah saya melakukan elemen ini? (elemen kompetensi dan kriteria unjuk kerja) K BK Bukti yang relevan",
        "1 J.620100.004.02 Menggunakan Struktur Data "
        "1.1 Elemen 1: Mengidentifikasi konsep data dan struktur data "
        "1.1 Konsep data dan struktur data diidentifikasi sesuai konteks permasalahan "
        "1.2 Alternatif struktur data dibandingkan kelebihan dan kekurangannya ✓ Laporan praktik "
        "1.2 Elemen 2: Menerapkan struktur data dan akses terhadap struktur data "
        "2.1 Struktur data diimplementasikan sesuai bahasa pemrograman yang dipergunakan "
        "2.2 Akses terhadap data dinyatakan dalam algoritma yang efisien ✓ Laporan praktik",
        "6 J.620100.019.02 Menggunakan Library atau Komponen Pre-Existing "
        "6.1 Elemen 1: Melakukan pemilihan unit-unit reuse yang potensial",
        "2.3 Program yang dihubungkan dengan library diterapkan ✓ Belum pernah memakai library pihak ketiga",
        "Asesi: Nama : Andi Pratama Tanggal : 1 Desember 2026 Tanda tangan :",
        "Ditinjau oleh asesor: Nama : Budi Santoso, S.Kom., M.T. No. Reg. MET : MET.000.001234 2019 "
        "Tanggal : 3 Desember 2026 Tanda tangan :",
        "Rekomendasi asesor: ☐ Asesmen dapat dilanjutkan ☑ Asesmen tidak dapat dilanjutkan "
        "Catatan: Bukti portofolio belum relevan dengan unit pemrograman web.",
    ):
        assert hari.rapat(phrase) in text, phrase
    assert "None" not in text
    text = hari.pdf_text(api, lanjut.id)
    for phrase in (
        "Nama asesi : Bunga Maharani (NIM 2303002)",
        "Rekomendasi asesor: ☑ Asesmen dapat dilanjutkan ☐ Asesmen tidak dapat dilanjutkan Catatan: Bukti memadai.",
    ):
        assert hari.rapat(phrase) in text, phrase

    # The candidate and their asesor read it; another candidate and another asesor do not.
    assert api.get("peserta", f"/api/dokumen/{tidak_lanjut.id}").status_code == 200
    assert api.get("asesor", f"/api/dokumen/{tidak_lanjut.id}").status_code == 200
    assert api.get("peserta2", f"/api/dokumen/{tidak_lanjut.id}").status_code == 403
    assert api.get("asesor2", f"/api/dokumen/{tidak_lanjut.id}").status_code == 403
    assert api.get("peserta", f"/api/dokumen/{lanjut.id}").status_code == 403
