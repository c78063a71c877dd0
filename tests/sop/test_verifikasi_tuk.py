"""Step 4, TUK verification: a TUK that fails is fixed and re-verified, or its candidates move to a verified TUK.
(How these tests work: tests/sop/__init__.py.)
"""

from datetime import datetime, timedelta
from typing import Any

import pytest

from api.store.master import VerifikasiTuk
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import on_the_day, pdf_text, rapat
from tests.support.sop_branches import Calon

OPR = sop.OPR


def no_assessment_started(api: Api) -> None:
    for asesor in b.ASESOR:
        assert sop.tasks_named(api, asesor, b.KEHADIRAN) == [], asesor


def test_a_tuk_that_fails_first_is_fixed_reverified_and_set_before_assessment_starts(api: Api) -> None:
    calon = [Calon("peserta")]
    root = b.assigned(api, calon)
    b.verify(api, "TUK-01", "belum_sesuai")
    assert sop.tasks_named(api, "ketua_lsp", b.MENETAPKAN_TUK) == []  # a failed TUK is not set verified
    t = b.task_about(api, "kabid_sertifikasi", b.TINDAK_LANJUT_TUK, "TUK-01")
    no_assessment_started(api)

    api.complete(
        "kabid_sertifikasi", t["id"], {"tindak_lanjut_tuk": {"tindakan": "perbaiki", "catatan": "UPS dipasang"}}
    )
    b.verify(api, "TUK-01", "sesuai")  # re-verified after the fix
    api.drain()
    no_assessment_started(api)  # verified but not yet set by Ketua LSP
    b.set_verified(api, "TUK-01")
    api.drain()

    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    assert sop.task_data(api, "asesor", t["id"])["peserta_asesmen"]["tuk_kode"] == "TUK-01"
    formulir = b.documents(api, root, "formulir_verifikasi_tuk")
    assert [d.data.get("verifikasi", d.data).get("kesimpulan") for d in formulir] == ["belum_sesuai", "sesuai"]


MOVING = [Calon("peserta", asesor="asesor", tuk="TUK-01"), Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02")]


def test_moving_candidates_to_a_tuk_not_yet_verified_is_refused_and_nobody_is_assessed(api: Api) -> None:
    root = b.assigned(api, MOVING)
    b.verify(api, "TUK-01", "belum_sesuai")
    t = b.task_about(api, "kabid_sertifikasi", b.TINDAK_LANJUT_TUK, "TUK-01")
    pindah = {"tindak_lanjut_tuk": {"tindakan": "pindah", "tuk_pengganti": "TUK-02", "catatan": "Pindah"}}
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        pindah,
        root,
        {"tindak_lanjut_tuk.tuk_pengganti": ["TUK-02", "belum terverifikasi"]},
    )
    b.verify(api, "TUK-02", "sesuai")  # verified, not yet set by Ketua LSP: still refused
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        pindah,
        root,
        {"tindak_lanjut_tuk.tuk_pengganti": ["TUK-02", "belum terverifikasi"]},
    )
    no_assessment_started(api)
    assert len(b.documents(api, root, "kartu_peserta")) == 2


def test_moving_candidates_to_a_verified_tuk_reissues_their_card_and_letter_and_assesses_them_there(
    api: Api,
) -> None:
    root = b.assigned(api, MOVING)
    b.verify(api, "TUK-02", "sesuai")
    b.set_verified(api, "TUK-02")
    api.drain()
    no_assessment_started(api)  # TUK-01 is not verified yet: no candidate is assessed
    kartu_before = {d.candidate: d.number for d in b.documents(api, root, "kartu_peserta")}
    surat_before = [d.number for d in b.documents(api, root, "surat_tugas_asesor")]

    b.verify(api, "TUK-01", "belum_sesuai")
    t = b.task_about(api, "kabid_sertifikasi", b.TINDAK_LANJUT_TUK, "TUK-01")
    api.complete(
        "kabid_sertifikasi",
        t["id"],
        {"tindak_lanjut_tuk": {"tindakan": "pindah", "tuk_pengganti": "TUK-02", "catatan": "Lab tidak siap"}},
    )
    api.drain()

    kartu = b.documents(api, root, "kartu_peserta")
    reissued = [d for d in kartu if d.number not in kartu_before.values()]
    assert [d.candidate for d in reissued] == ["peserta"]  # peserta3 was at TUK-02 already
    assert reissued[0].data["tuk"]["kode"] == "TUK-02"
    surat = b.documents(api, root, "surat_tugas_asesor")
    new_surat = [d for d in surat if d.number not in surat_before]
    assert len(new_surat) == 1 and "TUK-02" in str(new_surat[0].data)
    assert len({d.number for d in kartu + surat}) == len(kartu) + len(surat)

    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    assert sop.task_data(api, "asesor", t["id"])["peserta_asesmen"]["tuk_kode"] == "TUK-02"
    t = b.task_about(api, "asesor2", b.KEHADIRAN, "peserta3")
    assert sop.task_data(api, "asesor2", t["id"])["peserta_asesmen"]["tuk_kode"] == "TUK-02"


def test_a_mandiri_tuk_found_belum_sesuai_this_period_does_not_pass_on_last_years_approval(api: Api) -> None:
    [tuk] = [t for t in api.get("admin", "/api/tuk", params={"q": "TUK-02"}).json()["items"] if t["kode"] == "TUK-02"]
    r = api.client.patch(f"/api/tuk/{tuk['id']}", headers=api.headers("admin"), json={"jenis": "mandiri"})
    assert r.status_code == 200, r.text
    with api.app.state.db.transaction() as session:  # approved last year, still within its one-year validity
        now = api.app.state.clock.now()
        session.add(
            VerifikasiTuk(
                tuk_id=tuk["id"],
                root_id=0,
                instance_id=0,
                verifikator="asesor3",
                tanggal=(now - timedelta(days=200)).date(),
                kesimpulan="sesuai",
                ditetapkan_oleh="ketua_lsp",
                ditetapkan_at=now - timedelta(days=200),
                berlaku_sd=(now + timedelta(days=165)).date(),
            )
        )
    root = b.assigned(api, MOVING)
    b.verify(api, "TUK-02", "belum_sesuai")  # this period's verification of TUK-02 fails
    b.verify(api, "TUK-01", "belum_sesuai")
    t = b.task_about(api, "kabid_sertifikasi", b.TINDAK_LANJUT_TUK, "TUK-01")
    pindah = {"tindak_lanjut_tuk": {"tindakan": "pindah", "tuk_pengganti": "TUK-02", "catatan": "Pindah"}}
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        pindah,
        root,
        {"tindak_lanjut_tuk.tuk_pengganti": ["TUK-02", "belum terverifikasi"]},
    )


def test_a_tuk_verification_dated_in_the_future_or_after_the_sk_jadwals_assessment_is_refused(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)  # Tuesday 1 December 2026; the SK Jadwal: assessment 11-12 December
    root = b.assigned(api, [Calon("peserta")])
    t = b.task_about(api, b.VERIFIKATOR["TUK-01"], b.VERIFIKASI, "TUK-01")["id"]

    def pada(tanggal: str) -> dict[str, Any]:
        data = sop.verifikasi()
        data["verifikasi"]["tanggal"] = tanggal
        return data

    b.refused(
        api,
        b.VERIFIKATOR["TUK-01"],
        t,
        pada("2026-12-30"),
        root,
        {"verifikasi.tanggal": ["Tanggal verifikasi (30 Desember 2026) belum terjadi", "hari ini (1 Desember 2026)"]},
    )
    # Two weeks on, the verification is entered for a day after the assessment window: refused too.
    on_the_day(api, monkeypatch, datetime(2026, 12, 14, 9, 0, tzinfo=sop.WIB))
    b.refused(
        api,
        b.VERIFIKATOR["TUK-01"],
        t,
        pada("2026-12-13"),
        root,
        {
            "verifikasi.tanggal": [
                "Tanggal verifikasi 13 Desember 2026 setelah jadwal asesmen dalam SK Jadwal",
                "(11 Desember 2026 s.d. 12 Desember 2026)",
                "sebelum asesmen",
            ]
        },
    )
    assert b.documents(api, root, "formulir_verifikasi_tuk") == []
    api.complete(b.VERIFIKATOR["TUK-01"], t, pada("2026-12-10"))
    [formulir] = b.documents(api, root, "formulir_verifikasi_tuk")
    assert rapat("10 Desember 2026") in pdf_text(api, formulir.id)


def test_setting_a_tuk_verified_issues_the_ketuas_sk_citing_the_verification_form_read_by_its_verifikator(
    api: Api,
) -> None:
    root = b.ready(api, [Calon("peserta")])

    [formulir] = b.documents(api, root, "formulir_verifikasi_tuk")
    [sk] = b.documents(api, root, "sk_penetapan_tuk")
    assert sk.number == "003/LSP-STMI/SK/XII/2026"  # after the SK Jadwal and its amendment, in the one SK series
    text = pdf_text(api, sk.id)
    for phrase in (
        "KEPUTUSAN KETUA LSP POLITEKNIK STMI JAKARTA",
        f"NOMOR {sk.number}",
        "PENETAPAN LABORATORIUM KOMPUTER TERPADU SEBAGAI TEMPAT UJI KOMPETENSI TERVERIFIKASI PERIODE 2026 GENAP",
        f"sebagaimana tercantum dalam Formulir Hasil Verifikasi TUK Nomor {formulir.number} tanggal",
        "telah diverifikasi oleh Hendra Gunawan, S.T.",
        "Menetapkan Laboratorium Komputer Terpadu (TUK-01)",
        "sebagai tempat uji kompetensi terverifikasi untuk uji kompetensi dan sertifikasi kompetensi "
        "periode 2026 Genap",
        "Tembusan: Kepala Bidang Sertifikasi",
        "Ir. Ratna Dewi Lestari, M.M. NIP 197805222005012001",
    ):
        assert rapat(phrase) in text, phrase

    assert api.get(b.VERIFIKATOR["TUK-01"], f"/api/dokumen/{sk.id}").status_code == 200
    assert api.get("peserta", f"/api/dokumen/{sk.id}").status_code == 403
