"""Output documents as PDFs: what each one says (read back from the PDF), who may download it, corrections as
new versions, the render queue and its progress, and the public certificate verification page."""

import io
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from api.store.master import Sertifikat
from api.store.models import Dokumen, NumberSequence
from service_tasks import call
from service_tasks.context import ServiceContext
from service_tasks.nomor_surat import terbitkan
from service_tasks.render import qr_svg, verify_url
from tests.support import sop
from tests.support.api import Api
from tests.support.waiting import wait_until

STAFF = "kabid_administrasi"


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).split())


def documents(api: Api, instance_id: int, user: str = STAFF) -> list[dict[str, Any]]:
    r = api.get(user, f"/api/instances/{instance_id}/dokumen", params={"include_children": "true"})
    assert r.status_code == 200, r.text
    return r.json()


def rows(api: Api, instance_id: int) -> dict[int, Dokumen]:
    with api.app.state.db.reading() as session:
        return {d.id: d for d in session.scalars(select(Dokumen).where(Dokumen.root_id == instance_id))}


def download(api: Api, doc_id: int, user: str = STAFF) -> bytes:
    r = api.get(user, f"/api/dokumen/{doc_id}")
    assert r.status_code == 200, r.text
    return r.content


def period_with_files(api: Api, processes: int = 0) -> int:
    instance_id = sop.walk_period(api)
    api.app.state.settings.render_processes = processes
    api.app.state.worker.render_documents()
    return instance_id


# The period of the PDF test is walked on this day (the service's clock and the forms' dates), so that what
# the letters must print about dates and money can be written out by hand below.
HARI_PERIODE = datetime(2026, 12, 1, 9, 0, tzinfo=sop.WIB)  # a Tuesday
TANGGAL_SURAT = "1 Desember 2026"
TANGGAL_ASESMEN = "11 Desember 2026"  # the plan's asesmen_mulai: ten days on (tests/support/sop.py, jadwal)
BERLAKU_SD = "1 Desember 2029"  # masa_berlaku_sertifikat_tahun = 3
PADA_HARI_INI = "Pada hari ini Selasa tanggal satu bulan Desember tahun dua ribu dua puluh enam"
# The session each kartu prints: sop.SESI_OF in the plan's sessions (sop.jadwal), written out.
SESI_KARTU = {
    "peserta": "Sesi 1, 08.00–12.00 WIB",
    "peserta2": "Sesi 2, 13.00–16.00 WIB",
    "peserta3": "Sesi 1, 08.00–12.00 WIB",
    "peserta4": "Sesi 1, 08.00–12.00 WIB",
}
RAB_TOTAL = "Rp2.175.000,00"  # 4 OH x Rp500.000 + 5 OK x Rp35.000
RAB_TERBILANG = "Dua juta seratus tujuh puluh lima ribu rupiah"


def on_the_day_of_the_period(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the service's clock, and the dates the tests' forms write, to HARI_PERIODE."""
    clock = api.app.state.clock
    clock.advance(HARI_PERIODE - clock.now())

    class OnThatDay(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            moment = clock.now()
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    monkeypatch.setattr(sop, "datetime", OnThatDay)


def expected_phrases(doc: Dokumen) -> list[str]:
    """What the letter must say: the instance data it was issued with, and dates and money written by hand."""
    d = doc.data
    lsp = d["lsp"]
    common = [lsp["nama"].upper() if doc.kind != "sertifikat" else lsp["nama"].upper(), doc.number]
    if doc.kind in ("nota_dinas", "tor", "rab", "sk_jadwal", "permohonan_blangko", "laporan", "surat_tugas_asesor"):
        common.append(TANGGAL_SURAT)
    kind = doc.kind
    if kind == "nota_dinas":
        return common + ["NOTA DINAS", d["dari"]["nama"], d["periode"]] + [t["skema_judul"] for t in d["target"]]
    if kind == "tor":
        return common + ["KERANGKA ACUAN KERJA", d["tor"]["latar_belakang"], d["tor"]["maksud_tujuan"]]
    if kind == "rab":
        return common + [
            RAB_TOTAL,
            RAB_TERBILANG,
            "Disetujui oleh",
            d["disetujui_oleh"]["nama"],
        ]
    if kind == "sk_jadwal" and "pelaksanaan" in d:  # the SK amending it once every candidate has a session
        return common + [
            "PERUBAHAN ATAS KEPUTUSAN KETUA",
            "JADWAL PELAKSANAAN UJI KOMPETENSI",
            TANGGAL_ASESMEN,
            "Jumlah peserta : 4 orang",
            "Budi Santoso, S.Kom., M.T.",
            "Hendra Gunawan, S.T.",
            "13.00–16.00",
        ]
    if kind == "sk_jadwal":
        return (
            common
            + ["KEPUTUSAN KETUA", "MEMUTUSKAN", TANGGAL_ASESMEN, "Sesi Asesmen", "Sabtu, 12 Desember 2026"]
            + ["Tembusan: Direktur Kepala Bidang Administrasi LSP Kepala Bidang Sertifikasi LSP"]
            + [t["nama"] for t in d["tuk"]]
        )
    if kind == "pemberitahuan_pendaftaran":
        return common + ["Pemberitahuan Hasil Pemeriksaan", d["peserta"]["nama"], d["skema"]["judul"], d["alasan"]]
    if kind == "permohonan_sertifikasi":
        return common + [
            "FR.APL.01. PERMOHONAN SERTIFIKASI KOMPETENSI",
            d["peserta"]["nama"],
            d["skema"]["judul"],
            "Rekomendasi (diisi oleh LSP)",
        ]
    if kind == "asesmen_mandiri":
        return (
            common
            + ["FR.APL.02. ASESMEN MANDIRI", d["peserta"]["nama"], d["asesor"]["nama"]]
            + [u["kode"] for u in d["unit"]]
        )
    if kind == "pemberitahuan_pra_asesmen":
        return common + ["Pemberitahuan Hasil Pra-Asesmen", d["peserta"]["nama"], d["skema"]["judul"], d["alasan"]]
    if kind == "pemberitahuan_hasil_uji":
        return (
            common
            + ["Pemberitahuan Hasil Uji Kompetensi", d["peserta"]["nama"], d["sk_penetapan"]["nomor"], "Belum Kompeten"]
            + [u["kode"] for u in d["unit_bk"]]
        )
    if kind == "kartu_peserta":
        p = d["peserta"]
        return common + [
            "KARTU PESERTA",
            p["nama"],
            p["nik"],
            d["skema"]["judul"],
            d["tuk"]["nama"],
            d["asesor"]["nama"],
            "Jumat, 11 Desember 2026",
            SESI_KARTU[doc.candidate],
        ]
    if kind == "surat_tugas_asesor":
        return (
            common + ["SURAT TUGAS", d["asesor"]["nama"], d["asesor"]["no_reg_met"]] + [p["nama"] for p in d["peserta"]]
        )
    if kind == "surat_tugas_verifikasi_tuk":
        return common + ["SURAT TUGAS", d["verifikator"]["nama"], d["verifikator"]["no_reg_met"], d["tuk"]["nama"]]
    if kind == "formulir_verifikasi_tuk":
        kesimpulan = "BELUM SESUAI" if d["kesimpulan"] == "belum_sesuai" else "SESUAI"
        return common + ["HASIL VERIFIKASI", d["tuk"]["nama"], d["verifikator"]["nama"], kesimpulan]
    if kind == "sk_penetapan_tuk":
        tuk, verifikator = d["tuk"]["nama"], d["verifikator"]["nama"]
        return common + ["KEPUTUSAN KETUA", "TEMPAT UJI KOMPETENSI TERVERIFIKASI", tuk, verifikator]
    if kind == "rekaman_asesmen":
        hasil = "KOMPETEN (K)" if d["rekomendasi"] == "K" else "BELUM KOMPETEN (BK)"
        return (
            common
            + ["FR.AK.02", d["peserta"]["nama"], d["asesor"]["nama"], hasil]
            + [u["kode"] for u in d["penilaian"]["unit"]]
        )
    if kind == "persetujuan_asesmen":
        return common + [
            "FR.AK.01. PERSETUJUAN ASESMEN DAN KERAHASIAAN",
            d["peserta"]["nama"],
            d["asesor"]["nama"],
            d["asesor"]["no_reg_met"],
            d["skema"]["judul"],
            d["tuk"]["nama"],
            "☑ Hasil observasi langsung",
            "Hari/tanggal: Selasa, 1 Desember 2026",
            "Saya setuju mengikuti asesmen",
        ]
    if kind == "umpan_balik_asesmen":
        return common + [
            "FR.AK.03. UMPAN BALIK DAN CATATAN ASESMEN",
            d["peserta"]["nama"],
            d["asesor"]["nama"],
            "Tanggal asesmen : Selasa, 1 Desember 2026",
            "Catatan/komentar lainnya: Baik",
        ]
    if kind == "banding_asesmen":
        return common + [
            "FR.AK.04. BANDING ASESMEN",
            d["peserta"]["nama"],
            d["asesor"]["nama"],
            d["skema"]["judul"],
            "Apakah Anda telah mendiskusikan banding dengan asesor?",
            d["banding"]["alasan"],
        ]
    if kind == "berita_acara_asesmen":
        return (
            common
            + ["BERITA ACARA ASESMEN", PADA_HARI_INI, "DAFTAR HADIR"]
            + [p["nama"] for k in d["kelompok"] for p in k["peserta"]]
            + [a["no_reg_met"] for k in d["kelompok"] for a in k["asesor"]]
        )
    if kind == "laporan_asesmen":
        return (
            common
            + ["FR.AK.05. LAPORAN ASESMEN", d["skema"]["judul"], d["asesor"]["nama"], d["asesor"]["no_reg_met"]]
            + [p["nama"] for p in d["peserta"]]
            + [d["laporan"]["aspek_positif"], d["laporan"]["penolakan_hasil"]]
        )
    if kind == "surat_tugas_asesor_ulang":
        return common + [
            "SURAT TUGAS",
            TANGGAL_SURAT,
            d["asesor"]["nama"],
            d["peserta"]["nama"],
            d["skema"]["judul"],
            "tentang Hasil Banding Asesmen atas nama",  # the SK's number: tests/sop/test_laporan_asesmen.py
            "Asesor semula",
            d["asesor_semula"]["nama"],
        ]
    if kind == "berita_acara_pleno":
        return (
            common
            + [
                "BERITA ACARA RAPAT PLENO",
                PADA_HARI_INI,
                "pukul 09.00 WIB",
                "Notulis rapat:",
                "DAFTAR HADIR RAPAT PLENO",
            ]
            + [a["nama"] for a in d["anggota"]]
            + [k["nama"] for k in d["keputusan"]]
        )
    if kind == "sk_penetapan":
        return common + ["PENETAPAN HASIL ASESMEN", "MEMUTUSKAN"] + [k["nama"] for k in d["daftar"]]
    if kind == "sk_banding":
        return common + ["HASIL BANDING", d["peserta"]["nama"], "DITERIMA"] + [a["nama"] for a in d["tim_banding"]]
    if kind == "permohonan_blangko":
        return common + ["Permohonan blangko", f"{d['jumlah_blangko']} ("] + [x["nama"] for x in d["daftar_kompeten"]]
    if kind == "sertifikat":
        return [
            "SERTIFIKAT KOMPETENSI",
            d["no_sertifikat"],
            d["no_registrasi"],
            d["peserta"]["nama"],
            d["skema"]["judul"],
            "Atas nama Badan Nasional Sertifikasi Profesi",
            BERLAKU_SD,
            "This certificate is valid for 3 years, until 1 December 2029",  # English in its English line
            "DAFTAR UNIT KOMPETENSI",
            verify_url(sop_base_url, d["kode_verifikasi"]),
        ] + [u["kode"] for u in d["unit"]]
    if kind == "laporan":
        return (
            common
            + ["LAPORAN UJI KOMPETENSI", "Target dan Realisasi", "Waktu Pelaksanaan terhadap Standar SOP"]
            + [r["judul"] for r in d["per_skema"].values()]
            + [r["nama"] for r in d["per_tuk"].values()]
            + [r["nama"] for r in d["per_asesor"].values()]
            + [step["nama"] for step in d["langkah"]]
        )
    raise AssertionError(f"no expectations for {kind}")


sop_base_url = "http://127.0.0.1:8000"  # the default UJIKOM_PUBLIC_BASE_URL


def test_after_a_period_every_output_of_every_step_is_a_pdf_saying_what_the_instance_decided(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day_of_the_period(api, monkeypatch)
    instance_id = sop.walk_period(api)
    listed = documents(api, instance_id)
    period = api.get(STAFF, f"/api/instances/{instance_id}").json()
    assert period["dokumen"] == {"done": 0, "total": len(listed), "failed": 0}  # issued, waiting for the renderer

    # The renderer runs in the background (as in `serve`) with its pool of two processes; progress shows on the period.
    worker = api.app.state.worker
    worker.renderer.start()
    try:

        def finished() -> dict[str, int] | None:
            now: dict[str, int] = api.get(STAFF, f"/api/instances/{instance_id}").json()["dokumen"]
            return now if now["done"] + now["failed"] == now["total"] else None

        progress = wait_until(finished, "the renderer rendering the period's documents", interval=0.2)
    finally:
        worker.renderer.stop()
    assert progress == {"done": len(listed), "total": len(listed), "failed": 0}

    listed = documents(api, instance_id)
    kinds = {d["kind"] for d in listed}
    assert kinds == {
        "nota_dinas",
        "tor",
        "rab",
        "sk_jadwal",
        "permohonan_sertifikasi",
        "pemberitahuan_pendaftaran",
        "asesmen_mandiri",
        "kartu_peserta",
        "surat_tugas_asesor",
        "surat_tugas_verifikasi_tuk",
        "formulir_verifikasi_tuk",
        "sk_penetapan_tuk",
        "persetujuan_asesmen",
        "rekaman_asesmen",
        "umpan_balik_asesmen",
        "berita_acara_asesmen",
        "laporan_asesmen",
        "berita_acara_pleno",
        "sk_penetapan",
        "pemberitahuan_hasil_uji",
        "banding_asesmen",
        "sk_banding",
        "surat_tugas_asesor_ulang",
        "permohonan_blangko",
        "permohonan_blangko_lampiran",
        "sertifikat",
        "laporan",
    }
    assert all(d["sha256"] and len(d["sha256"]) == 64 for d in listed)
    by_id = rows(api, instance_id)
    for item in listed:
        doc = by_id[item["id"]]
        assert item["number"] == doc.number and item["candidate"] == doc.candidate
        r = api.get(STAFF, f"/api/dokumen/{doc.id}")
        assert r.status_code == 200
        if doc.kind == "permohonan_blangko_lampiran":
            assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
            # One sheet per skema, the column codes in row 1 (tests/test_bnsp.py reads it cell by cell).
            workbook = load_workbook(io.BytesIO(r.content))
            values = [[c.value for c in row] for ws in workbook.worksheets for row in ws.iter_rows(min_row=2)]
            assert [(v[1], v[2], v[18]) for v in values] == [
                (a["nama"], a["nik"], a["hasil"]) for a in doc.data["asesi"]
            ]
            assert {v[1] for v in values} == {by_id_name for by_id_name in _names(sop.KOMPETEN, doc)}
            continue
        assert r.headers["content-type"] == "application/pdf"
        text = pdf_text(r.content).lower()  # headings are upper-cased by the style sheet
        for phrase in expected_phrases(doc):
            assert " ".join(str(phrase).split()).lower() in text, (doc.kind, phrase)
        # The shared style (documents/_gaya.css, given to the renderer apart) numbers every page of a letter and
        # names the document in its footer; a kartu and a certificate print no footer.
        footer = {"kartu_peserta": "kartu peserta uji kompetensi no. ", "sertifikat": "sertifikat kompetensi no. "}
        if doc.kind in footer:
            assert "hal. 1 dari" not in text and footer[doc.kind] not in text, doc.kind
        else:
            assert "hal. 1 dari" in text, doc.kind
        if doc.kind == "rekaman_asesmen":
            assert "fr.ak.02 rekaman asesmen kompetensi no. " in text

    # A certificate for each competent candidate and none for anyone else; its QR code encodes the verify URL.
    certs = [by_id[d["id"]] for d in listed if d["kind"] == "sertifikat"]
    assert sorted(c.candidate for c in certs) == sorted(sop.KOMPETEN)
    preview = api.get(STAFF, f"/api/dokumen/{certs[0].id}/html")
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    assert qr_svg(verify_url(sop_base_url, certs[0].data["kode_verifikasi"])) in preview.text
    # The preview carries the shared style in the page itself.
    assert 'html { font-family: "Liberation Serif"' in preview.text
    # A cited number is copied from the preview as it is written: no word joiner in it (the PDF keeps them).
    [sk, *_] = [by_id[d["id"]] for d in listed if d["kind"] == "sk_penetapan"]
    [ba, *_] = [by_id[d["id"]] for d in listed if d["kind"] == "berita_acara_pleno"]
    sk_preview = api.get(STAFF, f"/api/dokumen/{sk.id}/html").text
    assert f"Nomor {ba.number} tanggal" in sk_preview and "\u2060" not in sk_preview
    # The kop surat carries the LSP profile's logo.
    assert 'src="data:image/svg+xml;base64,' in api.get(STAFF, f"/api/dokumen/{listed[0]['id']}/html").text


def _names(usernames: list[str], doc: Dokumen) -> set[str]:
    return {a["nama"] for a in doc.data["asesi"] if a["username"] in usernames}


def test_candidates_and_asesor_read_only_their_own_documents(api: Api) -> None:
    instance_id = period_with_files(api)
    by_kind: dict[str, list[Dokumen]] = {}
    for doc in rows(api, instance_id).values():
        by_kind.setdefault(doc.kind, []).append(doc)

    def of(kind: str, candidate: str) -> Dokumen:
        return next(d for d in by_kind[kind] if d.candidate == candidate)

    for kind in ("kartu_peserta", "persetujuan_asesmen", "rekaman_asesmen", "umpan_balik_asesmen", "sertifikat"):
        own = of(kind, "peserta")
        assert api.get("peserta", f"/api/dokumen/{own.id}").status_code == 200
        assert api.get("peserta2", f"/api/dokumen/{own.id}").status_code == 403
        assert api.get("peserta2", f"/api/dokumen/{own.id}/html").status_code == 403
    nota = by_kind["nota_dinas"][0]
    assert api.get("peserta", f"/api/dokumen/{nota.id}").status_code == 403
    assert api.get("asesor", f"/api/dokumen/{nota.id}").status_code == 403
    assert api.get("direktur", f"/api/dokumen/{nota.id}").status_code == 200

    record = of("rekaman_asesmen", "peserta")  # assessed by `asesor`
    assert api.get("asesor", f"/api/dokumen/{record.id}").status_code == 200
    assert api.get("asesor3", f"/api/dokumen/{record.id}").status_code == 403
    assert api.get("asesor", f"/api/dokumen/{of('kartu_peserta', 'peserta').id}").status_code == 200  # their candidate
    assert api.get("asesor", f"/api/dokumen/{of('kartu_peserta', 'peserta3').id}").status_code == 403
    assert api.get("peserta", "/api/dokumen/999999").status_code == 404
    assert api.client.get(f"/api/dokumen/{record.id}").status_code == 401

    # Listing shows each caller only what they may read.
    mine = documents(api, instance_id, "peserta")
    assert {(d["kind"], d["candidate"]) for d in mine} == {
        ("permohonan_sertifikasi", "peserta"),
        ("asesmen_mandiri", "peserta"),
        ("kartu_peserta", "peserta"),
        ("persetujuan_asesmen", "peserta"),
        ("rekaman_asesmen", "peserta"),
        ("umpan_balik_asesmen", "peserta"),
        ("sertifikat", "peserta"),
    }
    # peserta3's appeal (FR.AK.04): they and the staff read it, not the asesor whose assessment they appealed.
    appeal = of("banding_asesmen", "peserta3")
    assert api.get("peserta3", f"/api/dokumen/{appeal.id}").status_code == 200
    assert api.get("asesor2", f"/api/dokumen/{appeal.id}").status_code == 403
    assert api.get("peserta", f"/api/dokumen/{appeal.id}").status_code == 403
    theirs = documents(api, instance_id, "asesor")
    assert {d["kind"] for d in theirs} == {
        "asesmen_mandiri",
        "kartu_peserta",
        "persetujuan_asesmen",
        "rekaman_asesmen",
        "umpan_balik_asesmen",
        "surat_tugas_asesor",
        "sk_jadwal",  # the amendment scheduling them, not step 2's
        "berita_acara_asesmen",
        "laporan_asesmen",
    }
    assert [d["number"] for d in theirs if d["kind"] == "sk_jadwal"] == ["002/LSP-STMI/SK/XII/2026"]
    assert {d["candidate"] for d in theirs if d["kind"] == "rekaman_asesmen"} == {"peserta", "peserta2"}
    assert {d["candidate"] for d in theirs if d["kind"] == "kartu_peserta"} == {"peserta", "peserta2"}
    assert {d["candidate"] for d in theirs if d["kind"] == "asesmen_mandiri"} == {"peserta", "peserta2"}


def test_a_correction_is_a_new_version_with_its_own_file_and_the_old_one_stays(api: Api) -> None:
    instance_id = period_with_files(api)
    card = next(d for d in rows(api, instance_id).values() if d.kind == "kartu_peserta" and d.candidate == "peserta")
    old_pdf = download(api, card.id)

    body = {"alasan": "Nama peserta salah ketik", "data": {"peserta": {"nama": "Andi Pratama Putra"}}}
    assert api.post("peserta", f"/api/dokumen/{card.id}/koreksi", json=body).status_code == 403
    r = api.post("kabid_administrasi", f"/api/dokumen/{card.id}/koreksi", json=body)
    assert r.status_code == 201, r.text
    new = r.json()
    assert (new["version"], new["supersedes_id"], new["number"], new["sha256"]) == (2, card.id, card.number, None)
    assert api.get(STAFF, f"/api/dokumen/{new['id']}").status_code == 409  # not rendered yet
    api.app.state.worker.render_documents()

    text = pdf_text(download(api, new["id"]))
    assert "Andi Pratama Putra" in text and "Perbaikan ke-1" in text and card.number in text
    assert download(api, card.id) == old_pdf  # the first version and its file are untouched
    assert "Andi Pratama Putra" not in pdf_text(old_pdf)
    versions = [d for d in documents(api, instance_id) if d["number"] == card.number]
    assert [(d["version"], d["supersedes_id"]) for d in versions] == [(1, None), (2, card.id)]
    # The candidate reads their corrected card too; a second correction of the old version is refused.
    assert api.get("peserta", f"/api/dokumen/{new['id']}").status_code == 200
    assert api.post(STAFF, f"/api/dokumen/{card.id}/koreksi", json=body).status_code == 409
    with api.app.state.db.transaction() as session:
        row = session.get(Dokumen, card.id)
        row.data = {"diubah": True}
        with pytest.raises(PermissionError):
            session.flush()
        session.rollback()


def test_a_failed_render_is_recorded_and_retried_without_stopping_the_others(api: Api) -> None:
    instance_id = sop.start_period(api)["id"]
    api.app.state.settings.render_processes = 0
    with api.app.state.db.transaction() as session:
        bad = Dokumen(
            instance_id=instance_id,
            root_id=instance_id,
            task_id="t",
            element_id="e",
            kind="tanpa_templat",
            key="",
            title="Tanpa templat",
            number="001/X",
            month=1,
            year=2026,
            data={},
            created_at=api.app.state.clock.now(),
        )
        session.add(bad)
    sop.step_1_and_2(api, instance_id)  # issues the Nota Dinas, TOR, RAB and SK Jadwal after it
    assert api.app.state.worker.render_documents() == 5
    progress = api.get(STAFF, f"/api/instances/{instance_id}").json()["dokumen"]
    assert progress == {"done": 4, "total": 5, "failed": 1}
    r = api.get(STAFF, f"/api/dokumen/{bad.id}")
    assert r.status_code == 409 and "tanpa_templat" in r.json()["detail"]
    api.app.state.worker.render_documents()  # a later pass tries again
    with api.app.state.db.reading() as session:
        row = session.get(Dokumen, bad.id)
        assert (row.render_attempts, row.rendered_at) == (2, None) and "tanpa_templat" in row.render_error


def _context(api: Api, instance_id: int, task_id: str, session: Any) -> ServiceContext:
    return ServiceContext(
        session=session,
        instance_id=instance_id,
        root_id=instance_id,
        business_key=None,
        task_id=task_id,
        element_id="uji",
        task_name="Uji",
        lane=None,
        actor="ketua_lsp",
        now=api.app.state.clock.now(),
        data={},
        nomor_format=api.app.state.settings.nomor_format,
    )


def test_numbers_are_unique_and_gapless_when_documents_are_issued_at_the_same_moment(api: Api) -> None:
    instance_id = sop.start_period(api)["id"]
    db = api.app.state.db
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issue(thread: int) -> None:
        try:
            for n in range(15):
                with db.transaction() as session:
                    doc = terbitkan(_context(api, instance_id, f"t{thread}-{n}", session), "uji", "UJI", "Uji", {})
                with lock:
                    numbers.append(doc["nomor"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    when = api.app.state.clock.now() + timedelta(hours=7)  # the LSP's calendar (WIB)
    roman = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")[when.month - 1]
    assert sorted(numbers) == [f"{i:03d}/LSP-STMI/UJI/{roman}/{when.year}" for i in range(1, 91)]


def test_a_retried_service_task_issues_no_second_number(api: Api) -> None:
    instance_id = sop.start_period(api)["id"]
    db = api.app.state.db
    params = {"periode": sop.PERIODE, "target": sop.TARGET["target"]}
    # A step that fails after drawing its number rolls back with its transaction: the number is not spent.
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            call("terbitkan_nota_dinas", _context(api, instance_id, "nd", session), **params)
            raise RuntimeError("the engine failed later in the same transaction")
    first = second = None
    with db.transaction() as session:
        first = call("terbitkan_nota_dinas", _context(api, instance_id, "nd", session), **params)
    with db.transaction() as session:  # the same task run again (a retry after a crash)
        second = call("terbitkan_nota_dinas", _context(api, instance_id, "nd", session), **params)
    assert first == second and first["nomor"].startswith("ND-001/PSTMI/")
    with db.reading() as session:
        assert session.get(NumberSequence, ("PSTMI/ND", int(first["nomor"][-4:]))).last_seq == 1
        assert len(session.scalars(select(Dokumen).where(Dokumen.kind == "nota_dinas")).all()) == 1


def test_the_verification_page_shows_a_real_certificate_its_expiry_and_revocation_and_refuses_made_up_codes(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day_of_the_period(api, monkeypatch)
    sop.walk_period(api)
    with api.app.state.db.reading() as session:
        cert = session.scalars(select(Sertifikat).where(Sertifikat.peserta_username == "peserta")).one()
    page = api.client.get(f"/verify/{cert.kode_verifikasi}")  # no login
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for phrase in (
        cert.nama,
        cert.skema_judul,
        cert.no_sertifikat,
        cert.no_registrasi,
        BERLAKU_SD,
        "AKTIF",
    ):
        assert phrase in page.text
    # Nothing beyond what the certificate shows: no NIK, birth date, username or e-mail.
    assert "3171041203040001" not in page.text and "peserta@" not in page.text and "2004" not in page.text

    made_up = api.client.get("/verify/bukan-kode-sungguhan")
    assert made_up.status_code == 404 and "TIDAK DITEMUKAN" in made_up.text

    r = api.post("ketua_lsp", f"/api/dokumen/{cert.document_id}/cabut", json={"alasan": "Bukti dipalsukan"})
    assert r.status_code == 204
    assert "DICABUT" in api.client.get(f"/verify/{cert.kode_verifikasi}").text
    # A certificate is never corrected in place: a misprint is re-issued on a new blangko (tests/test_register.py).
    with api.app.state.db.reading() as session:
        other = session.scalars(select(Sertifikat).where(Sertifikat.peserta_username == "peserta2")).one()
    api.app.state.clock.advance(timedelta(days=3 * 366 + 1))  # past berlaku_sd
    expired = api.client.get(f"/verify/{other.kode_verifikasi}")
    assert expired.status_code == 200 and "KEDALUWARSA" in expired.text and "AKTIF" not in expired.text
