"""Step 6, the rapat pleno and appeals: who may sit, what may be decided, and the tim banding.
(How these tests work: tests/sop/__init__.py.)
"""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api.store.models import Dokumen
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import on_the_day, pdf_text, rapat
from tests.support.sop_branches import Calon
from tests.test_register import refused_request

OPR = sop.OPR


PLENO_CALON = [Calon("peserta", asesor="asesor"), Calon("peserta3", OPR, asesor="asesor2", bk=True)]


def pleno_waiting(api: Api) -> tuple[int, str]:
    root = b.assessed(api, PLENO_CALON)
    return root, sop.one(api, "kabid_sertifikasi", b.PLENO)["id"]


def no_decision_yet(api: Api, root: int) -> None:
    assert sop.tasks_named(api, "ketua_lsp", b.SK_PENETAPAN) == []
    assert b.documents(api, root, "berita_acara_pleno") == [] and b.documents(api, root, "sk_penetapan") == []


def test_a_pleno_with_the_candidates_asesor_as_a_member_is_refused(api: Api) -> None:
    root, task = pleno_waiting(api)
    data = sop.pleno({"peserta": "K", "peserta3": "BK"}, anggota=["kabid_sertifikasi", "ketua_lsp", "asesor"])
    b.refused(api, "kabid_sertifikasi", task, data, root, {"pleno.anggota.2": ["(asesor)", "asesor dari", "(peserta)"]})
    no_decision_yet(api, root)


def test_a_pleno_deciding_k_for_a_candidate_with_a_bk_unit_is_refused(api: Api) -> None:
    root, task = pleno_waiting(api)
    bk_unit = sop.units(api, OPR)[-1]["kode"]
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        sop.pleno({"peserta": "K", "peserta3": "K"}),
        root,
        {"pleno.keputusan.1.keputusan": ["(peserta3)", "Kompeten", bk_unit]},
    )
    no_decision_yet(api, root)


def test_a_pleno_leaving_a_candidate_undecided_is_refused(api: Api) -> None:
    root, task = pleno_waiting(api)
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        sop.pleno({"peserta": "K"}),
        root,
        {"pleno.keputusan": ["belum diputuskan", "(peserta3)"]},
    )
    no_decision_yet(api, root)


def test_a_pleno_dated_before_the_last_assessment_or_in_the_future_is_refused(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)  # everyone assessed on Tuesday 1 December 2026
    root, task = pleno_waiting(api)
    keputusan = {"peserta": "K", "peserta3": "BK"}

    def pleno_pada(tanggal: str) -> dict[str, Any]:
        data = sop.pleno(keputusan)
        data["pleno"]["tanggal"] = tanggal
        return data

    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        pleno_pada("2026-11-20"),
        root,
        {
            "pleno.tanggal": [
                "Tanggal rapat pleno 20 November 2026 sebelum asesmen terakhir (1 Desember 2026",
                "setelah asesmen",
            ]
        },
    )
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        pleno_pada("2026-12-02"),
        root,
        {"pleno.tanggal": ["2 Desember 2026", "belum terjadi", "hari ini (1 Desember 2026)"]},
    )
    no_decision_yet(api, root)
    api.complete("kabid_sertifikasi", task, pleno_pada("2026-12-01"))  # the same day as the assessment
    [ba] = b.documents(api, root, "berita_acara_pleno")
    assert rapat("Pada hari ini Selasa tanggal satu bulan Desember tahun dua ribu dua puluh enam") in pdf_text(
        api, ba.id
    )


BK_ONLY = [Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True)]


def hasil_sertifikasi(api: Api, root: int) -> dict[str, Any]:
    """What step 6 handed to step 7, as Ketua LSP's evaluation task sees it."""
    t = sop.one(api, "ketua_lsp", b.EVALUASI, instance_id=root)
    return sop.task_data(api, "ketua_lsp", t["id"])["hasil_sertifikasi"]


def test_when_the_appeal_window_lapses_the_bk_decision_stands_without_a_certificate(api: Api, clock: Any) -> None:
    b.set_lsp(api, masa_banding_hari=5)
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    t = sop.one(api, "peserta3", b.BANDING)
    batas = datetime.fromisoformat(sop.task_data(api, "peserta3", t["id"])["peserta_banding"]["batas_banding"])
    assert timedelta(days=5) - timedelta(minutes=5) < batas - api.app.state.clock.now() <= timedelta(days=5)

    b.advance_to(api, clock, batas - timedelta(minutes=1))
    assert sop.tasks_named(api, "peserta3", b.BANDING)  # still within the window

    b.advance_to(api, clock, batas + timedelta(minutes=1))
    assert sop.tasks_named(api, "peserta3", b.BANDING) == []
    assert any(e["type"] == "timer_fired" for e in b.history_of(api, root))
    assert sop.tasks_named(api, "ketua_lsp", b.TIM_BANDING) == []
    assert sop.tasks_named(api, "kabid_administrasi", b.NOMOR) == []
    hasil = hasil_sertifikasi(api, root)
    assert [(x["username"], x["status"]) for x in hasil["banding"]] == [("peserta3", "tidak_banding")]
    assert hasil["kompeten"] == [] and b.certificates(api) == []


def test_the_tim_bandings_decision_cannot_be_turned_by_amending_the_sk_banding(api: Api) -> None:
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    b.appeal(api, "peserta3")
    b.decide_appeal(api, "ditolak")
    api.drain()
    [sk] = b.documents(api, root, "sk_banding")
    assert sk.data["keputusan"] == "ditolak"
    change = {"alasan": "banding dikabulkan", "data": {"keputusan": "diterima"}}
    refused_request(
        api,
        "ketua_lsp",
        f"/api/dokumen/{sk.id}/koreksi",
        change,
        root,
        422,
        {"data.keputusan": ["tidak dapat mengubah keputusan"]},
    )
    assert b.certificates(api) == []


def test_a_rejected_appeal_leaves_the_decision_standing(api: Api) -> None:
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    b.appeal(api, "peserta3")
    b.decide_appeal(api, "ditolak")
    api.drain()
    assert len(b.documents(api, root, "sk_banding")) == 1
    assert len(b.documents(api, root, "sk_penetapan")) == 1  # no amending SK
    assert sop.tasks_named(api, "kabid_sertifikasi", b.ASESOR_ULANG) == []
    hasil = hasil_sertifikasi(api, root)
    assert [(x["username"], x["status"]) for x in hasil["banding"]] == [("peserta3", "ditolak")]
    assert hasil["kompeten"] == [] and b.certificates(api) == []


def test_an_upheld_appeal_is_reassessed_decided_k_by_the_tim_and_amends_the_sk_before_any_blangko_request(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    b.appeal(api, "peserta3")
    b.decide_appeal(api, "diterima")
    t = sop.one(api, "kabid_sertifikasi", b.ASESOR_ULANG)
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        {"asesor_ulang": {"asesor": "asesor2", **sop.PUKUL_ULANG, "catatan": ""}},
        root,
        {"asesor_ulang.asesor": ["asesor lain", "(asesor2)"]},
    )
    assert sop.tasks_named(api, "asesor2", b.MENILAI_ULANG) == []
    api.complete(
        "kabid_sertifikasi", t["id"], {"asesor_ulang": {"asesor": "asesor4", **sop.PUKUL_ULANG, "catatan": ""}}
    )
    b.reassess(api, "peserta3")
    api.drain()

    # The asesor's K is a recommendation: no decision yet, the SK Penetapan unchanged, no blangko requested.
    assert sop.tasks_named(api, "kabid_administrasi", b.NOMOR) == []
    [sk] = b.documents(api, root, "sk_penetapan")
    assert b.documents(api, root, "permohonan_blangko") == []
    b.decide_reassessment(api, "K")
    api.drain()

    [_, perubahan] = b.documents(api, root, "sk_penetapan")
    assert (perubahan.supersedes_id, perubahan.number) == (sk.id, "006/LSP-STMI/SK/XII/2026")
    assert perubahan.title == "Perubahan atas SK penetapan hasil asesmen 2026 Genap"
    text = pdf_text(api, perubahan.id)
    for phrase in [
        "NOMOR 006/LSP-STMI/SK/XII/2026 TENTANG PERUBAHAN ATAS KEPUTUSAN KETUA LSP POLITEKNIK STMI JAKARTA NOMOR "
        "004/LSP-STMI/SK/XII/2026 TENTANG PENETAPAN HASIL ASESMEN UJI KOMPETENSI PERIODE 2026 GENAP",
        "bahwa Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 004/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 "
        "perlu diubah karena banding Cahyo Nugroho diterima dengan Keputusan Ketua LSP Politeknik STMI Jakarta Nomor "
        "005/LSP-STMI/SK/XII/2026 dan, setelah asesmen ulang, tim banding memutuskan Cahyo Nugroho Kompeten (K);",
        "tentang Perubahan atas Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 004/LSP-STMI/SK/XII/2026;",
        "Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 tentang "
        "Hasil Banding Asesmen Cahyo Nugroho, asesmen ulang (FR.AK.02) dan keputusan tim banding",
        "KESATU : Mengubah Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 004/LSP-STMI/SK/XII/2026 tanggal "
        "1 Desember 2026 tentang Penetapan Hasil Asesmen Uji Kompetensi Periode 2026 Genap, sehingga berbunyi",
        "yaitu 1 asesi Kompeten (K) dan 0 asesi Belum Kompeten (BK).",
        "1 Cahyo Nugroho hasil banding, Keputusan Nomor 005/LSP-STMI/SK/XII/2026 2301001 Operator Perakitan "
        "Kendaraan Bermotor Roda Empat Ir. Rudi Hartono, M.T. MET.000.006092 2021 K",
        "KETUA LSP POLITEKNIK STMI JAKARTA, Ir. Ratna Dewi Lestari, M.M. NIP 197805222005012001",
    ]:
        assert rapat(phrase) in text, phrase

    # Only now is the blangko requested, for the candidate the amending SK made K, and the certificate issued.
    [surat] = b.documents(api, root, "permohonan_blangko")
    assert [d["nama"] for d in surat.data["daftar_kompeten"]] == ["Cahyo Nugroho"]
    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    api.complete(
        "kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(["peserta3"])}}
    )
    api.drain()
    assert [c.peserta_username for c in b.certificates(api)] == ["peserta3"]
    hasil = hasil_sertifikasi(api, root)
    assert [(x["username"], x["status"], x["asesor_ulang"], x["keputusan_tim"]) for x in hasil["banding"]] == [
        ("peserta3", "diterima", "asesor4", "K")
    ]
    assert [k["username"] for k in hasil["kompeten"]] == ["peserta3"] and hasil["kompeten"][0]["melalui_banding"]


def test_the_decision_on_a_reassessment_is_refused_to_a_member_of_the_appealed_pleno_and_changes_nothing(
    api: Api,
) -> None:
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})  # the pleno: kabid_sertifikasi and kabid_administrasi
    b.upheld_and_reassessed(api, "peserta3")
    # The Ketua is away; Kabid Sertifikasi, who sat on the appealed pleno, stands in for her.
    today = sop.today(api)
    body = {"pengganti": "kabid_sertifikasi", "mulai": str(today), "sampai": str(today), "alasan": "cuti"}
    r = api.post("ketua_lsp", "/api/pengganti", json=body)
    assert r.status_code == 201, r.text
    t = sop.one(api, "kabid_sertifikasi", b.HASIL_ULANG)
    assert t["atas_nama"] == "ketua_lsp"
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        sop.keputusan_asesmen_ulang("K"),
        root,
        {
            "keputusan_asesmen_ulang": [
                "Agus Salim, S.T., M.Kom. (kabid_sertifikasi) (a.n. Ir. Ratna Dewi Lestari, M.M. (ketua_lsp))",
                "anggota rapat pleno yang keputusannya dibanding",
            ]
        },
    )
    assert len(b.documents(api, root, "sk_penetapan")) == 1
    assert sop.tasks_named(api, "kabid_administrasi", b.NOMOR) == [] and b.certificates(api) == []
    # The Ketua, on no pleno, decides it.
    assert api.post("ketua_lsp", f"/api/pengganti/{r.json()['id']}/akhiri").status_code == 200
    b.decide_reassessment(api, "K")
    api.drain()
    assert len(b.documents(api, root, "sk_penetapan")) == 2
    assert sop.tasks_named(api, "kabid_administrasi", b.NOMOR)


def test_a_reassessment_with_a_bk_unit_cannot_be_decided_k_and_bk_leaves_the_sk_unamended(api: Api) -> None:
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    b.upheld_and_reassessed(api, "peserta3", bk=True)
    t = sop.one(api, "ketua_lsp", b.HASIL_ULANG)
    b.refused(
        api,
        "ketua_lsp",
        t["id"],
        sop.keputusan_asesmen_ulang("K"),
        root,
        {"keputusan_asesmen_ulang.keputusan": ["Cahyo Nugroho", "C.291000.015.01", "semua unit asesmen ulang K"]},
    )
    api.complete("ketua_lsp", t["id"], sop.keputusan_asesmen_ulang("BK", "Unit C.291000.015.01 belum kompeten"))
    api.drain()
    assert len(b.documents(api, root, "sk_penetapan")) == 1  # no amending SK: the decision stands
    hasil = hasil_sertifikasi(api, root)
    assert [(x["username"], x["status"], x["kompeten"], x["keputusan_tim"]) for x in hasil["banding"]] == [
        ("peserta3", "diterima", False, "BK")
    ]
    assert hasil["kompeten"] == [] and b.certificates(api) == []


def test_a_tim_banding_must_be_three_people_independent_of_the_assessment_and_the_pleno(api: Api) -> None:
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    t = sop.one(api, "peserta3", b.BANDING)
    api.complete("peserta3", t["id"], sop.banding())
    task = sop.one(api, "ketua_lsp", b.TIM_BANDING)["id"]

    def tim(*anggota: str) -> dict[str, Any]:
        return {"tim_banding": {"anggota": list(anggota)}}

    b.refused(api, "ketua_lsp", task, tim("direktur", "asesor3"), root, {"tim_banding.anggota": ["minimal 3"]})
    b.refused(
        api,
        "ketua_lsp",
        task,
        tim("direktur", "asesor3", "asesor2"),
        root,
        {"tim_banding.anggota.2": ["(asesor2)", "asesor peserta", "independen"]},
    )
    b.refused(
        api,
        "ketua_lsp",
        task,
        tim("direktur", "kabid_sertifikasi", "asesor3"),
        root,
        {"tim_banding.anggota.1": ["(kabid_sertifikasi)", "pleno", "independen"]},
    )
    b.refused(
        api,
        "ketua_lsp",
        task,
        tim("direktur", "asesor3", "peserta3"),
        root,
        {"tim_banding.anggota.2": ["(peserta3)", "banding"]},
    )
    assert sop.tasks_named(api, "ketua_lsp", b.KEPUTUSAN_BANDING) == []
    api.complete("ketua_lsp", task, tim(*sop.TIM_BANDING))
    assert sop.tasks_named(api, "ketua_lsp", b.KEPUTUSAN_BANDING)


def test_a_decision_postponed_by_the_pleno_is_reported_to_bnsp_neither_as_k_nor_as_bk(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    sop.step_3(api, root)
    sop.step_4(api)
    sop.step_5(api)
    t = sop.one(api, "kabid_sertifikasi", "Melaksanakan rapat pleno")
    keputusan = sop.pleno({"peserta": "K", "peserta2": "K", "peserta3": "ditunda"})
    keputusan["pleno"]["keputusan"][2]["catatan"] = "Bukti portofolio perlu dilengkapi"
    api.complete("kabid_sertifikasi", t["id"], keputusan)
    t = sop.one(api, "ketua_lsp", "Menyetujui SK penetapan hasil asesmen")
    api.complete("ketua_lsp", t["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
    api.drain()
    # The follow-up (tests/sop/test_pleno_ditunda.py) carries the candidate to a later batch.
    b.evidence_reviewed(api, {"peserta3": "dibawa"})
    t = sop.one(api, "kabid_sertifikasi", b.PLENO_LANJUTAN)
    api.complete("kabid_sertifikasi", t["id"], b.pleno_lanjutan({"peserta3": "dibawa"}))
    api.drain()

    assert sop.tasks_named(api, "peserta3", "Mengajukan banding (FR.AK.04)") == []  # only BK may appeal
    with api.app.state.db.reading() as session:
        [lampiran] = session.scalars(
            select(Dokumen).where(Dokumen.root_id == root, Dokumen.kind == "permohonan_blangko_lampiran")
        ).all()
        [surat] = session.scalars(
            select(Dokumen).where(Dokumen.root_id == root, Dokumen.kind == "permohonan_blangko")
        ).all()
    assert {a["username"]: a["hasil"] for a in lampiran.data["asesi"]} == {"peserta": "K", "peserta2": "K"}
    assert sum(r["bk"] for r in surat.data["rekap_skema"]) == 0
