"""The certificate register cannot be corrupted (issue 12, part 3): BNSP's number shapes, blangko serials
printed once for all time, one active certificate per holder and skema unless re-certifying, no certificate
corrected in place (a misprint goes BNSP's route: BA kerusakan blangko, new blangko, re-issue, the register and
the verification page agree), an SK amended only by its signatory as a new SK.

Every refusal is checked to change nothing (`tests.support.sop_branches.refused`, or `refused_request` here
for routes that are not task completions)."""

import io
import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.schemas.master import LspIn
from api.store.master import POLA_NO_REGISTRASI, POLA_NO_SERTIFIKAT, Sertifikat
from api.store.models import Dokumen
from tests.sop.test_sertifikat import CERT_CALON, nomor, numbers_waiting
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.pages import signed_in

ADMIN = "kabid_administrasi"
JWD_NO = "62090 2512 4 0000001 2026"


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).split())


def rendered(api: Api, doc_id: int, user: str = ADMIN) -> str:
    api.app.state.worker.render_documents()
    r = api.get(user, f"/api/dokumen/{doc_id}")
    assert r.status_code == 200, r.text
    return pdf_text(r.content)


def register_rows(api: Api) -> list[tuple[Any, ...]]:
    with api.app.state.db.reading() as session:
        return [
            (s.peserta_username, s.no_sertifikat, s.no_registrasi, s.no_blangko, s.status, s.diganti_oleh_id)
            for s in session.scalars(select(Sertifikat).order_by(Sertifikat.id))
        ]


def earlier_certificate(api: Api, username: str, no_blangko: str, skema: str = sop.JWD, **kw: Any) -> None:
    """A certificate the register holds from an earlier period (active for three years)."""
    with api.app.state.db.transaction() as session:
        today = api.app.state.clock.now().date()
        session.add(
            Sertifikat(
                kode_verifikasi=f"lama-{no_blangko}",
                peserta_username=username,
                nama=kw.get("nama", "Pemegang Lama"),
                skema_nomor=skema,
                skema_judul="Junior Web Developer",
                no_sertifikat=kw.get("no_sertifikat", "62090 2512 4 0009999 2025"),
                no_registrasi=kw.get("no_registrasi", "TIK 1234 09999 2025"),
                no_blangko=no_blangko,
                terbit=today - timedelta(days=300),
                berlaku_sd=today + timedelta(days=800),
                status="aktif",
                instance_id=999_999,
                root_id=999_999,
                created_at=api.app.state.clock.now(),
            )
        )


def refused_request(
    api: Api, username: str, path: str, body: dict[str, Any], root: int, status: int, expect: dict[str, list[str]]
) -> dict[str, Any]:
    """POST `body`; the refusal has `status`, names each path of `expect` with the words given, and nothing
    changed: documents, inboxes, history and the certificate register are as before."""
    before = (b.snapshot(api, root), register_rows(api))
    r = api.post(username, path, json=body)
    assert r.status_code == status, r.text
    answer = r.json()
    assert answer.get("detail"), answer
    for at, words in expect.items():
        message = b.message_at(answer, at)
        for word in words:
            assert word.lower() in message.lower(), (at, word, message)
    assert (b.snapshot(api, root), register_rows(api)) == before, "a refused request changed something"
    return answer


def certified(api: Api) -> tuple[int, Sertifikat]:
    """peserta (JWD) and peserta2 certified with BNSP's numbers; peserta3 BK. Returns peserta's certificate."""
    root, task = numbers_waiting(api)
    api.complete(ADMIN, task, nomor(sop.nomor_sertifikat(["peserta", "peserta2"])))
    api.drain()
    with api.app.state.db.reading() as session:
        cert = session.scalars(select(Sertifikat).where(Sertifikat.peserta_username == "peserta")).one()
        session.expunge(cert)
    return root, cert


# --- numbers -----------------------------------------------------------------------------------------


def test_certificate_and_registration_numbers_not_in_bnsp_shape_are_refused(api: Api) -> None:
    root, task = numbers_waiting(api)
    rows = sop.nomor_sertifikat(["peserta", "peserta2"])
    rows[0]["no_sertifikat"] = "ABC"
    rows[1]["no_registrasi"] = "REG-0001"
    b.refused(
        api,
        ADMIN,
        task,
        nomor(rows),
        root,
        {
            "nomor_sertifikat.sertifikat.0.no_sertifikat": [
                "Nomor sertifikat ABC tidak sesuai bentuk nomor BNSP",
                "KBLI 5 angka, KBJI 4 angka, jenjang KKNI 1 angka, nomor urut 7 angka, tahun 4 angka",
                "contoh 62090 2512 4 0000001 2026",
            ],
            "nomor_sertifikat.sertifikat.1.no_registrasi": [
                "Nomor registrasi REG-0001 tidak sesuai bentuk nomor BNSP",
                "contoh TIK 1234 00001 2026",
            ],
        },
    )
    assert b.certificates(api) == []


def test_the_lsp_profile_sets_its_own_bnsp_number_shapes_and_an_invalid_pattern_is_refused(api: Api) -> None:
    root, task = numbers_waiting(api)
    profile = {k: v for k, v in api.get("admin", "/api/lsp").json().items() if k not in READ_ONLY_LSP}
    assert (profile["pola_no_sertifikat"], profile["pola_no_registrasi"]) == (None, None)
    r = api.client.put("/api/lsp", headers=api.headers("admin"), json={**profile, "pola_no_sertifikat": "([0-9]"})
    assert r.status_code == 422, r.text
    [error] = [e for e in r.json()["errors"] if e["path"] == "body.pola_no_sertifikat"]
    assert "pola nomor bukan regular expression yang sah" in error["message"]
    assert api.get("admin", "/api/lsp").json()["pola_no_sertifikat"] is None

    pola = r"SRT-\d{4}"
    r = api.client.put("/api/lsp", headers=api.headers("admin"), json={**profile, "pola_no_sertifikat": pola})
    assert r.status_code == 200 and r.json()["pola_no_sertifikat"] == pola
    rows = sop.nomor_sertifikat(["peserta", "peserta2"])
    b.refused(
        api,
        ADMIN,
        task,
        nomor(rows),
        root,
        {
            "nomor_sertifikat.sertifikat.0.no_sertifikat": [
                "Nomor sertifikat 62090 2512 4 0000001 2026 tidak sesuai pola nomor BNSP di profil LSP (SRT-\\d{4})"
            ]
        },
    )
    rows[0]["no_sertifikat"], rows[1]["no_sertifikat"] = "SRT-0001", "SRT-0002"
    api.complete(ADMIN, task, nomor(rows))
    api.drain()
    assert sorted(c.no_sertifikat for c in b.certificates(api)) == ["SRT-0001", "SRT-0002"]


READ_ONLY_LSP = {"lisensi_berlaku", "ketua_nama", "updated_at", "updated_by"}


# --- blangko serials ---------------------------------------------------------------------------------


def test_a_blangko_serial_printed_in_an_earlier_period_is_refused_naming_its_certificate(api: Api) -> None:
    root, task = numbers_waiting(api)
    earlier_certificate(api, "peserta9", "B-00002", nama="Putri Ramadhani")
    b.refused(
        api,
        ADMIN,
        task,
        nomor(sop.nomor_sertifikat(["peserta", "peserta2"])),
        root,
        {
            "nomor_sertifikat.sertifikat.1.no_blangko": [
                "Nomor blangko B-00002 sudah dipakai sertifikat 62090 2512 4 0009999 2025 Putri Ramadhani (peserta9)",
                "satu blangko hanya dicetak sekali",
            ]
        },
    )
    assert [c.peserta_username for c in b.certificates(api)] == ["peserta9"]


def test_the_database_itself_refuses_a_blangko_serial_twice(api: Api) -> None:
    earlier_certificate(api, "peserta9", "B-00077")
    with pytest.raises(IntegrityError):
        earlier_certificate(
            api, "peserta8", "B-00077", no_sertifikat="62090 2512 4 0009998 2025", no_registrasi="TIK 1234 09998 2025"
        )


# --- one active certificate per holder and skema -------------------------------------------------------


def test_a_holder_of_an_active_certificate_registers_for_the_skema_again_only_to_be_recertified(api: Api) -> None:
    root, task, data = b.apl_open(api)
    earlier_certificate(api, "peserta", "B-00500", nama="Andi Pratama")
    b.refused(
        api,
        "peserta",
        task,
        data,
        root,
        {
            "apl01.tujuan_asesmen": [
                "Andi Pratama (peserta) masih memegang sertifikat aktif 62090 2512 4 0009999 2025 untuk skema "
                "Junior Web Developer (SKM/LSP-STMI/001/2024)",
                "hanya bila tujuan asesmen pada FR.APL.01 sertifikasi ulang atau PKT",
            ]
        },
    )
    api.complete("peserta", task, {**data, "apl01": {**data["apl01"], "tujuan_asesmen": "sertifikasi_ulang"}})
    assert sop.tasks_named(api, ADMIN, "Memeriksa kelengkapan berkas pendaftaran") != []


def test_no_second_active_certificate_is_issued_for_the_same_holder_and_skema(api: Api) -> None:
    root, task = numbers_waiting(api)  # peserta registered for certification, not re-certification
    earlier_certificate(api, "peserta", "B-00500", nama="Andi Pratama")
    b.refused(
        api,
        ADMIN,
        task,
        nomor(sop.nomor_sertifikat(["peserta", "peserta2"])),
        root,
        {
            "nomor_sertifikat.sertifikat.0.username": [
                "Andi Pratama (peserta) masih memegang sertifikat aktif 62090 2512 4 0009999 2025",
                "sertifikat kedua untuk skema yang sama",
            ]
        },
    )
    assert [c.no_blangko for c in b.certificates(api)] == ["B-00500"]


# --- no correction in place: the misprint route ----------------------------------------------------------


def test_a_certificate_is_never_corrected_in_place(api: Api) -> None:
    root, cert = certified(api)
    fix = {"alasan": "Nama salah ketik", "data": {"peserta": {"nama": "Andi Pratama Putra"}, "no_sertifikat": "X"}}
    refused_request(
        api,
        ADMIN,
        f"/api/dokumen/{cert.document_id}/koreksi",
        fix,
        root,
        422,
        {"": ["Sertifikat tidak dikoreksi", "berita acara kerusakan blangko", "blangko baru"]},
    )
    assert "Andi Pratama Putra" not in api.client.get(f"/verify/{cert.kode_verifikasi}").text


def test_a_misprinted_certificate_is_reissued_on_a_new_blangko_and_the_register_and_verification_agree(
    api: Api,
) -> None:
    root, cert = certified(api)
    path = f"/api/dokumen/{cert.document_id}/ganti-blangko"
    body = {"kerusakan": "Tinta luntur pada nama pemegang", "no_blangko_baru": "B-00101"}

    # The new blangko must be one never printed: peserta2's, or the spoiled one itself, are refused.
    refused_request(
        api,
        ADMIN,
        path,
        {**body, "no_blangko_baru": "B-00002"},
        root,
        409,
        {"no_blangko_baru": ["Nomor blangko B-00002 sudah dipakai sertifikat 62090 2512 4 0000002 2026"]},
    )
    refused_request(
        api,
        ADMIN,
        path,
        {**body, "no_blangko_baru": "B-00001"},
        root,
        422,
        {"no_blangko_baru": ["Nomor blangko B-00001 adalah blangko yang rusak"]},
    )
    # A corrected number must be in BNSP's shape and nobody else's.
    refused_request(
        api,
        ADMIN,
        path,
        {**body, "no_sertifikat": "62090 2512 4 0000002 2026"},
        root,
        409,
        {"no_sertifikat": ["Nomor sertifikat 62090 2512 4 0000002 2026 sudah dipakai sertifikat Bunga Maharani"]},
    )
    refused_request(
        api, ADMIN, path, {**body, "no_registrasi": "ABC"}, root, 422, {"no_registrasi": ["tidak sesuai bentuk"]}
    )
    assert api.post("peserta", path, json=body).status_code == 403

    r = api.post(ADMIN, path, json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    ba, new = out["berita_acara"], out["sertifikat"]
    assert ba["kind"] == "berita_acara_kerusakan_blangko" and "/BA-KB/" in ba["number"]
    assert (new["version"], new["supersedes_id"], new["number"]) == (2, cert.document_id, JWD_NO)

    # The register: the old row replaced (its blangko stays spent), the new one active on the new blangko.
    rows = register_rows(api)
    assert [r[:5] for r in rows] == [
        ("peserta", JWD_NO, "TIK 1234 00001 2026", "B-00001", "diganti"),
        ("peserta2", "62090 2512 4 0000002 2026", "TIK 1234 00002 2026", "B-00002", "aktif"),
        ("peserta", JWD_NO, "TIK 1234 00001 2026", "B-00101", "aktif"),
    ]
    with api.app.state.db.reading() as session:
        old = session.get(Sertifikat, cert.id)
        replacement = session.scalars(select(Sertifikat).where(Sertifikat.no_blangko == "B-00101")).one()
        assert old is not None and old.diganti_oleh_id == replacement.id
        assert replacement.kode_verifikasi == out["kode_verifikasi"] != cert.kode_verifikasi
        assert (replacement.terbit, replacement.berlaku_sd) == (cert.terbit, cert.berlaku_sd)

    # The verification pages: the old QR says DIGANTI and points at the new one, which is AKTIF.
    old_page = api.client.get(f"/verify/{cert.kode_verifikasi}").text
    assert "DIGANTI" in old_page and "AKTIF" not in old_page
    assert "sertifikat diterbitkan ulang pada blangko B-00101" in old_page
    assert f'href="{out["kode_verifikasi"]}"' in old_page
    new_page = api.client.get(f"/verify/{out['kode_verifikasi']}").text
    assert "AKTIF" in new_page and "B-00101" in new_page and JWD_NO in new_page

    # The documents say it: the BA names both blangko; the re-issued certificate has no correction note.
    text = rendered(api, ba["id"])
    for phrase in (
        "BERITA ACARA KERUSAKAN BLANGKO SERTIFIKAT KOMPETENSI",
        f"Nomor: {ba['number']}",
        "Nomor blangko rusak : B-00001",
        "Nama pemegang : Andi Pratama",
        "Nomor sertifikat : 62090 2512 4 0000001 2026",
        "Uraian kerusakan : Tinta luntur pada nama pemegang",
        "dicetak ulang pada blangko pengganti nomor B-00101 dengan nomor sertifikat dan nomor registrasi yang sama",
        "dikembalikan kepada BNSP",
        "Sri Wahyuni, S.E.",
        "Ir. Ratna Dewi Lestari, M.M.",
        "Tembusan:",
        "Badan Nasional Sertifikasi Profesi (BNSP) Arsip",
    ):
        assert phrase in text, phrase
    if dump := os.environ.get("UJIKOM_TEST_DUMP_PDF"):  # to look at them as images while building
        for name, doc_id in (("ba_kerusakan", ba["id"]), ("sertifikat_ulang", new["id"])):
            Path(dump, f"{name}.pdf").write_bytes(api.get(ADMIN, f"/api/dokumen/{doc_id}").content)
    certificate = rendered(api, new["id"])
    assert "No. Blangko B-00101" in certificate and "Perbaikan" not in certificate and "B-00001" not in certificate
    assert len(PdfReader(io.BytesIO(api.get(ADMIN, f"/api/dokumen/{new['id']}").content)).pages) == 2

    # Replaced once: the old one cannot be re-issued again, nor its documents corrected.
    refused_request(api, ADMIN, path, {**body, "no_blangko_baru": "B-00102"}, root, 409, {"": ["sudah diganti"]})


def test_a_revoked_certificate_is_not_reissued(api: Api) -> None:
    root, cert = certified(api)
    assert api.post("ketua_lsp", f"/api/dokumen/{cert.document_id}/cabut", json={"alasan": "Bukti palsu"}).status_code
    refused_request(
        api,
        "ketua_lsp",
        f"/api/dokumen/{cert.document_id}/ganti-blangko",
        {"kerusakan": "Tinta luntur", "no_blangko_baru": "B-00101"},
        root,
        409,
        {"": ["Sertifikat yang dicabut tidak diterbitkan ulang"]},
    )


# --- an SK is amended by its signatory, as a new SK ---------------------------------------------------------


def test_an_sk_is_amended_only_by_its_signatory_as_a_new_sk_with_its_own_number(api: Api) -> None:
    root = b.decided(api, CERT_CALON)
    [sk] = b.documents(api, root, "sk_penetapan")
    change = {"alasan": "tempat rapat pleno keliru", "data": {"pleno": {"tempat": "Ruang Rapat Direktorat"}}}
    refused_request(
        api,
        ADMIN,
        f"/api/dokumen/{sk.id}/koreksi",
        change,
        root,
        403,
        {"": ["Keputusan hanya dapat diubah oleh penandatangannya (Ir. Ratna Dewi Lestari, M.M.) atau penggantinya"]},
    )
    r = api.post("ketua_lsp", f"/api/dokumen/{sk.id}/koreksi", json=change)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["number"] != sk.number and "/SK/" in new["number"] and new["supersedes_id"] == sk.id
    assert new["title"] == f"Perubahan atas {sk.title}"
    text = rendered(api, new["id"])
    for phrase in (
        f"NOMOR {new['number']}",
        f"TENTANG PERUBAHAN ATAS KEPUTUSAN KETUA LSP POLITEKNIK STMI JAKARTA NOMOR {sk.number} TENTANG",
        "Menimbang : a. bahwa Keputusan Ketua LSP Politeknik STMI Jakarta Nomor",
        "perlu diubah karena tempat rapat pleno keliru; b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam"
        " huruf a, perlu menetapkan Keputusan Ketua LSP Politeknik STMI Jakarta tentang Perubahan atas Keputusan Ketua"
        f" LSP Politeknik STMI Jakarta Nomor {sk.number}; Mengingat",
        "Berita Acara Rapat Pleno Nomor",
        "di Ruang Rapat Direktorat",
        "KESATU : Mengubah Keputusan Ketua LSP Politeknik STMI Jakarta Nomor",
        "sehingga berbunyi sebagaimana tercantum dalam Keputusan ini.",
        "yang tidak diubah dengan Keputusan ini dinyatakan tetap berlaku.",
    ):
        assert phrase in text, phrase
    assert "Perbaikan ke-1" not in text
    assert "telah dibahas dalam rapat pleno" not in text  # the amended SK's own considerations stay in it
    with api.app.state.db.reading() as session:
        old = session.get(Dokumen, sk.id)
        assert old is not None and old.number == sk.number and old.data == sk.data  # the amended SK stays
    # The amended SK is replaced once; the next amendment amends the amending SK.
    refused_request(
        api, "ketua_lsp", f"/api/dokumen/{sk.id}/koreksi", change, root, 409, {"": ["sudah diganti", new["number"]]}
    )


def test_the_default_bnsp_shapes_accept_the_numbers_bnsp_issues() -> None:
    for ok in ("62090 2512 4 0000001 2026", "620902512400000012026"):
        assert re.fullmatch(POLA_NO_SERTIFIKAT, ok), ok
    for bad in ("ABC", "62090 2512 4 000001 2026", "62090-2512-4-0000001-2026"):
        assert not re.fullmatch(POLA_NO_SERTIFIKAT, bad), bad
    for ok in ("TIK 1234 00001 2026", "KTL 1588 01153 2019"):
        assert re.fullmatch(POLA_NO_REGISTRASI, ok), ok
    for bad in ("REG-0001", "tik 1234 00001 2026", "TIK 1234 00001"):
        assert not re.fullmatch(POLA_NO_REGISTRASI, bad), bad


# --- a letter is corrected by a ralat -------------------------------------------------------------------


def test_a_letter_is_corrected_by_a_ralat_with_its_own_number_and_the_letter_keeps_its_number(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    api.drain()
    [nd] = b.documents(api, root, "nota_dinas")
    path = f"/api/dokumen/{nd.id}/koreksi"
    same = {"alasan": "Hal nota dinas kurang lengkap", "data": {"hal": nd.data["hal"]}}
    refused_request(api, ADMIN, path, same, root, 422, {"data": ["Koreksi tidak mengubah isi surat"]})

    hal = "Target uji kompetensi dan sertifikasi kompetensi periode Genap 2025/2026"
    r = api.post(ADMIN, path, json={"alasan": "hal nota dinas tidak menyebut periode", "data": {"hal": hal}})
    assert r.status_code == 201, r.text
    corrected = r.json()
    assert (corrected["number"], corrected["version"], corrected["supersedes_id"]) == (nd.number, 2, nd.id)
    [ralat] = b.documents(api, root, "ralat")
    assert "/RL/" in ralat.number and ralat.number != nd.number

    text = rendered(api, ralat.id)
    if dump := os.environ.get("UJIKOM_TEST_DUMP_PDF"):
        Path(dump, "ralat.pdf").write_bytes(api.get(ADMIN, f"/api/dokumen/{ralat.id}").content)
    for phrase in (
        f"Nomor : {ralat.number}",
        "Hal : Ralat Nota Dinas Nomor",
        "Yth. Penerima Nota Dinas Nomor",
        "terdapat kekeliruan: hal nota dinas tidak menyebut periode.",
        "No. Bagian Tertulis Seharusnya",
        "hal Target uji kompetensi dan sertifikasi kompetensi 2026 Genap, terdapat kekeliruan",
        "1 Hal Target uji kompetensi dan sertifikasi kompetensi 2026 Genap "
        "Target uji kompetensi dan sertifikasi kompetensi periode Genap 2025/2026",
        "Dr. Mustofa, S.T., M.T.",
        "Tembusan:",
    ):
        assert phrase in text, phrase
    letter = rendered(api, corrected["id"])
    assert hal in letter and "Perbaikan ke-1" not in letter and f"diralat dengan No. {ralat.number}" in letter


def test_a_ralat_is_read_by_whoever_reads_the_letter_it_corrects(api: Api) -> None:
    root = b.assigned(api, [b.Calon("peserta", asesor="asesor"), b.Calon("peserta3", asesor="asesor2", tuk="TUK-02")])
    api.drain()
    [st] = [d for d in b.documents(api, root, "surat_tugas_asesor") if "asesor2" not in json.dumps(d.data)]
    change = {"alasan": "hal surat tugas kurang lengkap", "data": {"hal": "Penugasan asesor kompetensi"}}
    r = api.post(ADMIN, f"/api/dokumen/{st.id}/koreksi", json=change)
    assert r.status_code == 201, r.text
    [ralat] = b.documents(api, root, "ralat")
    rendered(api, ralat.id)
    assert api.get("asesor", f"/api/dokumen/{ralat.id}").status_code == 200  # the asesor the letter names
    for other in ("asesor2", "peserta"):  # another asesor; a candidate, who never reads a surat tugas
        assert api.get(other, f"/api/dokumen/{ralat.id}").status_code == 403, other
    for username, listed in (("asesor", True), ("asesor2", False)):  # on their documents page
        with signed_in(api.app, username) as page:
            assert (ralat.number in page.get("/dokumen").text) is listed, username


def test_a_correction_never_changes_who_a_document_concerns_and_nothing_is_written(api: Api) -> None:
    root = b.assigned(api, [b.Calon("peserta", asesor="asesor"), b.Calon("peserta3", asesor="asesor2", tuk="TUK-02")])
    api.drain()
    [st] = [d for d in b.documents(api, root, "surat_tugas_asesor") if "asesor2" not in json.dumps(d.data)]
    assert st.data["asesor"]["username"] == "asesor"
    message = ["tidak dapat mengganti atau menghapus orang", "melalui prosesnya"]
    # A ralat handing the letter to another asesor: the process still sends the first one.
    ganti = {"alasan": "asesor diganti", "data": {"asesor": {"username": "asesor2", "nama": "Hendra Gunawan"}}}
    refused_request(api, ADMIN, f"/api/dokumen/{st.id}/koreksi", ganti, root, 422, {"data.asesor": message})
    # Nor a candidate's kartu turned into another candidate's, or the person taken out.
    [kartu] = b.documents(api, root, "kartu_peserta", candidate="peserta")
    lain = {"alasan": "peserta keliru", "data": {"peserta": {"username": "peserta3"}}}
    refused_request(api, ADMIN, f"/api/dokumen/{kartu.id}/koreksi", lain, root, 422, {"data.peserta": message})
    hapus = {"alasan": "peserta keliru", "data": {"peserta": {"username": None}}}
    refused_request(api, ADMIN, f"/api/dokumen/{kartu.id}/koreksi", hapus, root, 422, {"data.peserta": message})
    # The name as written is the letter's to correct.
    ejaan = {"alasan": "gelar asesor tidak ditulis", "data": {"asesor": {"nama": "Drs. Bambang Sutrisno, M.Kom."}}}
    assert api.post(ADMIN, f"/api/dokumen/{st.id}/koreksi", json=ejaan).status_code == 201


def test_a_successor_as_ketua_lsp_amends_the_sk_of_their_predecessor_and_signs_the_amendment(api: Api) -> None:
    root = b.decided(api, CERT_CALON)
    [sk] = b.documents(api, root, "sk_penetapan")
    baru = {"username": "ketua2", "full_name": "Dr. Hendra Wijaya, M.T.", "password": "ketua2-demo"}
    assert api.post("admin", "/api/users", json={**baru, "roles": ["ketua_lsp"]}).status_code == 201
    change = {"alasan": "tempat rapat pleno keliru", "data": {"pleno": {"tempat": "Ruang Rapat Direktorat"}}}
    # Not yet Ketua LSP: a second user of the role is no successor.
    refused_request(
        api,
        "ketua2",
        f"/api/dokumen/{sk.id}/koreksi",
        change,
        root,
        403,
        {"": ["atau penggantinya sebagai Ketua LSP"]},
    )
    profil = {k: v for k, v in api.get("ketua_lsp", "/api/lsp").json().items() if k in LspIn.model_fields}
    assert (
        api.client.put("/api/lsp", headers=api.headers("admin"), json={**profil, "ketua": "ketua2"}).status_code == 200
    )
    r = api.post("ketua2", f"/api/dokumen/{sk.id}/koreksi", json=change)
    assert r.status_code == 201, r.text
    text = rendered(api, r.json()["id"])
    assert "Dr. Hendra Wijaya, M.T." in text and "Ratna Dewi Lestari" not in text
    # The predecessor, no longer Ketua, amends no more: neither the amendment nor an SK they signed themselves.
    jadwal = b.documents(api, root, "sk_jadwal")[0]  # step 2's (the assignment's amendment follows it)
    for doc_id in (r.json()["id"], jadwal.id):
        refused_request(
            api, "ketua_lsp", f"/api/dokumen/{doc_id}/koreksi", change, root, 403, {"": ["yang menjabat saat ini"]}
        )


def test_an_sk_a_substitute_signed_for_the_ketua_is_amended_by_the_ketua_not_by_the_substitute(api: Api) -> None:
    root = b.decided(api, CERT_CALON)
    [sk] = b.documents(api, root, "sk_penetapan")
    with api.app.state.db.transaction() as session:  # an SK as issued while kabid_sertifikasi stood in for the Ketua
        row = session.get_one(Dokumen, sk.id)
        wakil = {"jabatan": "Kepala Bidang Sertifikasi", "username": "kabid_sertifikasi", "atas_nama": "Ketua LSP"}
        copy = Dokumen(
            **{
                c: getattr(row, c) for c in ("instance_id", "root_id", "task_id", "element_id", "kind", "title", "code")
            },
            key=f"{row.key}-an",
            number=f"{row.number}-AN",
            month=row.month,
            year=row.year,
            data={**row.data, "penandatangan": {**row.data["penandatangan"], **wakil}},
            created_at=row.created_at,
        )
        session.add(copy)
        session.flush()
        sk_id = copy.id
    change = {"alasan": "tempat rapat pleno keliru", "data": {"pleno": {"tempat": "Ruang Rapat Direktorat"}}}
    refused_request(
        api,
        "kabid_sertifikasi",
        f"/api/dokumen/{sk_id}/koreksi",
        change,
        root,
        403,
        {"": ["atau penggantinya sebagai Ketua LSP"]},
    )
    r = api.post("ketua_lsp", f"/api/dokumen/{sk_id}/koreksi", json=change)
    assert r.status_code == 201, r.text
    assert "Ir. Ratna Dewi Lestari, M.M." in rendered(api, r.json()["id"])  # the Ketua signs the amendment
