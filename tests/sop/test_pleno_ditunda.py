"""Step 6, a decision the pleno postponed (ditunda): the additional evidence, the follow-up pleno by the pleno's
membership rules, an amending SK Penetapan before the appeal window and the blangko request, or the candidate
carried to a later batch, and the time standard that ends the follow-up. (How these tests work:
tests/sop/__init__.py.)
"""

from datetime import date, datetime, timedelta
from typing import Any

import lxml.html
import pytest
from sqlalchemy import event, select

from api.settings import PROJECT_ROOT
from api.store.master import Peserta
from api.store.models import PesertaDibawa, ProcessInstance, User
from service_tasks.context import ServiceContext
from service_tasks.peserta_dibawa import catat_peserta_dibawa, peserta_dibawa
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import on_the_day, pdf_text, rapat
from tests.support.sop_branches import Calon
from tests.test_register import refused_request
from tests.test_ui_peserta import browser, open_status, stepper, words

OPR = sop.OPR

# peserta: K directly; peserta3 (Cahyo Nugroho, every unit K) postponed by the pleno.
CALON = [Calon("peserta", asesor="asesor"), Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02")]
# The same with a BK unit for peserta3.
CALON_BK = [Calon("peserta", asesor="asesor"), Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True)]


def postponed(api: Api, calon: list[Calon] = CALON) -> int:
    root = b.assessed(api, calon)
    b.decide_postponing(api, {"peserta": "K", "peserta3": "ditunda"})
    return root


def evidence(api: Api, rekomendasi: str) -> None:
    """Kabid Sertifikasi gathers peserta3's additional evidence; their asesor (asesor2) recommends on it."""
    b.evidence_reviewed(api, {"peserta3": rekomendasi})


def follow_up(api: Api, keputusan: str) -> None:
    t = sop.one(api, "kabid_sertifikasi", b.PLENO_LANJUTAN)
    done = api.complete("kabid_sertifikasi", t["id"], b.pleno_lanjutan({"peserta3": keputusan}))
    assert done["continuing"] is True  # `asyncAfter`: the SK and the carry are the worker's, not the request's
    api.drain()


def carried_over(api: Api) -> int:
    """peserta3 postponed, then carried to a later batch by the follow-up pleno; the period's id."""
    root = postponed(api)
    evidence(api, "dibawa")
    follow_up(api, "dibawa")
    return root


def certificates_for(api: Api, usernames: list[str]) -> None:
    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    api.complete("kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(usernames)}})
    api.drain()


def carried(api: Api) -> list[dict[str, Any]]:
    """Every stored record of a carry to a later batch, oldest first, with the candidate's username."""
    with api.app.state.db.reading() as session:
        rows = session.execute(
            select(PesertaDibawa, User.username)
            .join(Peserta, Peserta.id == PesertaDibawa.peserta_id)
            .join(User, User.id == Peserta.user_id)
            .order_by(PesertaDibawa.id)
        ).all()
        return [
            {
                "peserta": username,
                "skema_nomor": r.skema_nomor,
                "asal_root_id": r.asal_root_id,
                "asal_instance_id": r.asal_instance_id,
                "dokumen_id": r.dokumen_id,
                "alasan": r.alasan,
                "diambil_root_id": r.diambil_root_id,
                "diambil": r.diambil_at is not None,
                "ditutup_at": r.ditutup_at,
                "alasan_ditutup": r.alasan_ditutup,
            }
            for r, username in rows
        ]


def penerbitan_of(api: Api, root: int) -> int:
    with api.app.state.db.reading() as session:
        return int(
            session.scalars(
                select(ProcessInstance.id).where(
                    ProcessInstance.root_id == root, ProcessInstance.key == "penerbitan_sertifikat"
                )
            ).one()
        )


def registered_and_accepted(api: Api, root: int, username: str, nomor: str) -> None:
    """Period `root` opens registration for `username` in skema `nomor`; they submit and their berkas is accepted."""
    sop.open_registration(api, root, {username: nomor})
    api.drain()
    sop.submit_apl(api, username, nomor)
    sop.check_files(api, {username: ("diterima", "")})
    api.drain()


def hasil_sertifikasi(api: Api, root: int) -> dict[str, Any]:
    """What step 6 handed to step 7, as Ketua LSP's evaluation task sees it."""
    t = sop.one(api, "ketua_lsp", b.EVALUASI, instance_id=root)
    return sop.task_data(api, "ketua_lsp", t["id"])["hasil_sertifikasi"]


def test_a_postponed_candidate_waits_for_more_evidence_and_nothing_goes_to_bnsp_before_the_follow_up(
    api: Api,
) -> None:
    root = postponed(api)
    assert b.documents(api, root, "permohonan_blangko") == []
    assert len(b.documents(api, root, "sk_penetapan")) == 1
    assert sop.tasks_named(api, "kabid_administrasi", b.NOMOR) == []
    assert sop.tasks_named(api, "peserta3", b.BANDING) == []
    t = sop.one(api, "kabid_sertifikasi", b.BUKTI_TAMBAHAN)
    form = sop.task_detail(api, "kabid_sertifikasi", t["id"])["form"]["schema"]
    rows = form["properties"]["bukti_tambahan"]["properties"]["peserta"]
    # The form offers the postponed candidate only; Kabid Sertifikasi records the evidence, not a recommendation.
    assert [c["const"] for c in rows["items"]["properties"]["username"]["oneOf"]] == ["peserta3"]
    assert rows["default"] == [{"username": "peserta3", "bukti": ""}]
    assert "rekomendasi" not in rows["items"]["properties"]
    assert [s for s in stepper(open_status(api, "peserta3")) if s.startswith("Pleno")] == [
        "Pleno: Sedang berlangsung: Keputusan ditunda: bukti tambahan dikumpulkan untuk rapat pleno lanjutan"
    ]


def test_the_candidates_own_asesor_reviews_the_additional_evidence_before_the_follow_up_pleno_decides(
    api: Api,
) -> None:
    root = postponed(api)
    b.evidence_recorded(api, ["peserta3"])
    assert sop.tasks_named(api, "kabid_sertifikasi", b.PLENO_LANJUTAN) == []  # waits for the asesor
    assert sop.tasks_named(api, "asesor", b.REKOMENDASI_DITUNDA) == []  # not peserta3's asesor
    t = sop.one(api, "asesor2", b.REKOMENDASI_DITUNDA)
    # The task is about the asesor themself: the inbox names them, never by their username.
    assert (t["subject"], t["subject_name"]) == ("asesor2", "Hendra Gunawan, S.T.")
    detail = sop.task_detail(api, "asesor2", t["id"])
    peserta = detail["data"]["kelompok_ditunda"]["peserta"]
    assert [(p["username"], p["catatan_pleno"], p["bukti"]) for p in peserta] == [
        ("peserta3", "Bukti portofolio perlu dilengkapi", "Portofolio proyek perakitan dan wawancara lanjutan")
    ]
    rows = detail["form"]["schema"]["properties"]["rekomendasi_ditunda"]["properties"]["peserta"]
    assert [c["const"] for c in rows["items"]["properties"]["username"]["oneOf"]] == ["peserta3"]
    # Proposed: the asesor's own FR.AK.02 recommendation (every unit K); the reason is theirs to write.
    assert rows["default"] == [{"username": "peserta3", "rekomendasi": "K", "alasan": ""}]
    b.refused(
        api,
        "asesor2",
        t["id"],
        b.rekomendasi_ditunda({"peserta": "K"}),
        root,
        {
            "rekomendasi_ditunda.peserta.0.username": ["Andi Pratama", "bukan peserta ditunda yang Anda nilai"],
            "rekomendasi_ditunda.peserta": ["belum dicatat", "Cahyo Nugroho"],
        },
    )
    api.complete("asesor2", t["id"], b.rekomendasi_ditunda({"peserta3": "BK"}))
    api.drain()
    t = sop.one(api, "kabid_sertifikasi", b.PLENO_LANJUTAN)
    form = sop.task_detail(api, "kabid_sertifikasi", t["id"])["form"]["schema"]
    # The follow-up pleno opens with the asesor's recommendation.
    assert form["properties"]["pleno_lanjutan"]["properties"]["keputusan"]["default"] == [
        {"username": "peserta3", "keputusan": "BK", "alasan": "Bukti tambahan memadai"}
    ]


def test_the_reviewing_asesor_sees_the_evidence_beside_the_form_and_may_open_its_file_as_no_other_asesor_may(
    api: Api,
) -> None:
    postponed(api)
    t = sop.one(api, "kabid_sertifikasi", b.BUKTI_TAMBAHAN)
    r = sop.upload(api, "kabid_sertifikasi", t["id"], "portofolio.pdf")
    assert r.status_code == 201, r.text
    berkas = r.json()["id"]
    data = b.bukti_tambahan(["peserta3"])
    data["bukti_tambahan"]["peserta"][0]["berkas_id"] = berkas
    api.complete("kabid_sertifikasi", t["id"], data)
    api.drain()
    assert api.get("asesor2", f"/api/berkas/{berkas}").status_code == 200  # peserta3's asesor
    assert api.get("asesor", f"/api/berkas/{berkas}").status_code == 403  # peserta's, not peserta3's
    t = sop.one(api, "asesor2", b.REKOMENDASI_DITUNDA)
    page = browser(api, "asesor2").get(f"/tasks/{t['id']}")
    assert page.status_code == 200
    panel = lxml.html.fromstring(page.text).get_element_by_id("judul-rekomendasi-ditunda").getparent()
    assert words(panel.find(".//tbody")) == (
        "Cahyo Nugroho NIM 2301001 Operator Perakitan Kendaraan Bermotor Roda Empat Semua unit K Buka FR.AK.02 "
        "Cahyo Nugroho (tab baru) Bukti portofolio perlu dilengkapi Portofolio proyek perakitan dan wawancara "
        "lanjutan Buka berkas bukti tambahan Cahyo Nugroho (tab baru)"
    )
    assert panel.xpath(".//a[starts-with(@href, '/api/berkas/')]/@href") == [f"/api/berkas/{berkas}"]


def test_when_the_asesor_gives_no_recommendation_by_the_deadline_the_candidate_is_carried_over(
    api: Api, clock: Any
) -> None:
    root = postponed(api)
    t = sop.one(api, "kabid_sertifikasi", b.BUKTI_TAMBAHAN)
    batas = datetime.fromisoformat(sop.task_data(api, "kabid_sertifikasi", t["id"])["batas_tindak_lanjut"])
    api.complete("kabid_sertifikasi", t["id"], b.bukti_tambahan(["peserta3"]))
    api.drain()
    assert sop.tasks_named(api, "asesor2", b.REKOMENDASI_DITUNDA)
    b.advance_to(api, clock, batas + timedelta(minutes=1))
    assert sop.tasks_named(api, "asesor2", b.REKOMENDASI_DITUNDA) == []
    assert sop.tasks_named(api, "kabid_sertifikasi", b.PLENO_LANJUTAN) == []
    [surat] = b.documents(api, root, "permohonan_blangko")
    assert [d["nama"] for d in surat.data["daftar_kompeten"]] == ["Andi Pratama"]
    certificates_for(api, ["peserta"])
    assert hasil_sertifikasi(api, root)["pleno_lanjutan"]["lewat_waktu"] is True
    [period] = api.get("peserta3", "/api/me/status").json()["peserta"]
    assert (period["hasil"]["keputusan"]["keputusan"], period["hasil"]["keputusan"]["dibawa"]) == ("ditunda", True)


def test_a_postponed_candidate_decided_k_by_the_follow_up_pleno_gets_an_amending_sk_and_a_certificate_this_period(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    root = postponed(api)
    evidence(api, "K")
    assert b.documents(api, root, "permohonan_blangko") == []  # the evidence is a recommendation, not a decision
    t = sop.one(api, "kabid_sertifikasi", b.PLENO_LANJUTAN)
    form = sop.task_detail(api, "kabid_sertifikasi", t["id"])["form"]["schema"]
    assert form["properties"]["pleno_lanjutan"]["properties"]["keputusan"]["default"] == [
        {"username": "peserta3", "keputusan": "K", "alasan": "Bukti tambahan memadai"}
    ]
    follow_up(api, "K")

    [sk, perubahan] = b.documents(api, root, "sk_penetapan")
    assert (perubahan.supersedes_id, perubahan.version, perubahan.number) == (sk.id, 2, "006/LSP-STMI/SK/XII/2026")
    assert perubahan.title == "Perubahan atas SK penetapan hasil asesmen 2026 Genap"
    for phrase in [
        "yaitu 1 asesi Kompeten (K), 0 asesi Belum Kompeten (BK) dan 1 asesi yang keputusannya ditunda.",
        "KEEMPAT : Keputusan atas asesi yang ditunda ditetapkan dalam rapat pleno lanjutan setelah bukti tambahan "
        "dikumpulkan, atau asesi dibawa ke periode uji kompetensi berikutnya.",
        "2 Cahyo Nugroho 2301001 Operator Perakitan Kendaraan Bermotor Roda Empat Hendra Gunawan, S.T. "
        "MET.000.002517 2018 Ditunda",
    ]:
        assert rapat(phrase) in pdf_text(api, sk.id), phrase
    text = pdf_text(api, perubahan.id)
    for phrase in [
        "NOMOR 006/LSP-STMI/SK/XII/2026 TENTANG PERUBAHAN ATAS KEPUTUSAN KETUA LSP POLITEKNIK STMI JAKARTA NOMOR "
        "005/LSP-STMI/SK/XII/2026 TENTANG PENETAPAN HASIL ASESMEN UJI KOMPETENSI PERIODE 2026 GENAP",
        "bahwa Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 "
        "perlu diubah karena rapat pleno lanjutan tanggal 1 Desember 2026, setelah bukti tambahan, memutuskan "
        "Cahyo Nugroho Kompeten (K) atas asesi yang keputusannya ditunda;",
        "d. Hasil rapat pleno lanjutan tanggal 1 Desember 2026 di Ruang Rapat LSP atas bukti tambahan asesi yang "
        "keputusannya ditunda;",
        "KESATU : Mengubah Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 tanggal "
        "1 Desember 2026 tentang Penetapan Hasil Asesmen Uji Kompetensi Periode 2026 Genap, sehingga berbunyi",
        "yaitu 2 asesi Kompeten (K) dan 0 asesi Belum Kompeten (BK).",
        "Berdasarkan rapat pleno tanggal 1 Desember 2026 dan rapat pleno lanjutan tanggal 1 Desember 2026.",
        "2 Cahyo Nugroho rapat pleno lanjutan tanggal 1 Desember 2026 2301001 Operator Perakitan Kendaraan Bermotor "
        "Roda Empat Hendra Gunawan, S.T. MET.000.002517 2018 K",
        "KETUA LSP POLITEKNIK STMI JAKARTA, Ir. Ratna Dewi Lestari, M.M. NIP 197805222005012001",
    ]:
        assert rapat(phrase) in text, phrase
    assert "ditunda.KEEMPAT" not in text  # nothing is left postponed in the amended SK

    # The blangko request follows the amending SK, for both candidates; both get a certificate in this period.
    [surat] = b.documents(api, root, "permohonan_blangko")
    assert [d["nama"] for d in surat.data["daftar_kompeten"]] == ["Andi Pratama", "Cahyo Nugroho"]
    certificates_for(api, ["peserta", "peserta3"])
    assert sorted(c.peserta_username for c in b.certificates(api)) == ["peserta", "peserta3"]
    hasil = hasil_sertifikasi(api, root)
    assert [k["username"] for k in hasil["kompeten"]] == ["peserta", "peserta3"]
    assert [(k["username"], k["keputusan"]) for k in hasil["pleno_lanjutan"]["keputusan"]] == [("peserta3", "K")]
    status = stepper(open_status(api, "peserta3"))
    assert status[-2:] == [
        "Pleno: Selesai: Keputusan ditetapkan rapat pleno lanjutan",
        "Sertifikat: Selesai: Sertifikat terbit",
    ]


def test_the_follow_up_pleno_keeps_the_plenos_membership_rules_and_its_refusals_change_nothing(api: Api) -> None:
    root = postponed(api)
    t = sop.one(api, "kabid_sertifikasi", b.BUKTI_TAMBAHAN)
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        b.bukti_tambahan({"peserta": "K"}),
        root,
        {
            "bukti_tambahan.peserta.0.username": ["(peserta)", "tidak ditunda"],
            "bukti_tambahan.peserta": ["belum dicatat", "(peserta3)"],
        },
    )
    evidence(api, "K")
    t = sop.one(api, "kabid_sertifikasi", b.PLENO_LANJUTAN)
    # peserta3's asesor may not decide on peserta3.
    with_asesor = b.pleno_lanjutan({"peserta3": "K"}, anggota=["kabid_sertifikasi", "kabid_administrasi", "asesor2"])
    b.refused(
        api, "kabid_sertifikasi", t["id"], with_asesor, root, {"pleno_lanjutan.anggota.2": ["(asesor2)", "asesor dari"]}
    )
    # A student is never a member, and the follow-up is held after the pleno that postponed, not before.
    data = b.pleno_lanjutan({"peserta3": "K"}, anggota=["kabid_sertifikasi", "kabid_administrasi", "peserta2"])
    data["pleno_lanjutan"]["tanggal"] = (
        date.fromisoformat(data["pleno_lanjutan"]["tanggal"]) - timedelta(days=1)
    ).isoformat()
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        data,
        root,
        {
            "pleno_lanjutan.anggota.2": ["(peserta2)", "peserta"],
            "pleno_lanjutan.tanggal": ["sebelum rapat pleno yang menunda"],
        },
    )
    # Every postponed candidate is decided, and only they.
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        b.pleno_lanjutan({"peserta": "BK"}),
        root,
        {"pleno_lanjutan.keputusan.0.username": ["(peserta)"], "pleno_lanjutan.keputusan": ["(peserta3)"]},
    )
    assert len(b.documents(api, root, "sk_penetapan")) == 1


def test_a_postponed_candidate_with_a_bk_unit_cannot_be_decided_k_and_a_bk_after_the_follow_up_may_appeal_and_win(
    api: Api,
) -> None:
    root = postponed(api, CALON_BK)
    bk_unit = sop.units(api, OPR)[-1]["kode"]
    b.evidence_recorded(api, ["peserta3"])
    t = sop.one(api, "asesor2", b.REKOMENDASI_DITUNDA)
    b.refused(
        api,
        "asesor2",
        t["id"],
        b.rekomendasi_ditunda({"peserta3": "K"}),
        root,
        {"rekomendasi_ditunda.peserta.0.rekomendasi": ["(peserta3)", "Kompeten", bk_unit]},
    )
    api.complete("asesor2", t["id"], b.rekomendasi_ditunda({"peserta3": "BK"}))
    api.drain()
    t = sop.one(api, "kabid_sertifikasi", b.PLENO_LANJUTAN)
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        b.pleno_lanjutan({"peserta3": "K"}),
        root,
        {"pleno_lanjutan.keputusan.0.keputusan": ["(peserta3)", "Kompeten", bk_unit]},
    )
    follow_up(api, "BK")

    [_, perubahan] = b.documents(api, root, "sk_penetapan")
    assert [(d["username"], d["keputusan"]) for d in perubahan.data["daftar"]] == [("peserta", "K"), ("peserta3", "BK")]
    # BK by the follow-up pleno: the candidate may appeal, and the tim banding is independent of both plenos.
    t = sop.one(api, "peserta3", b.BANDING)
    about = sop.task_data(api, "peserta3", t["id"])["peserta_banding"]
    assert (about["keputusan"], about["anggota_pleno"]) == ("BK", sop.PLENO)
    assert b.documents(api, root, "permohonan_blangko") == []  # the appeal window comes first

    # Upheld, re-assessed K by another asesor and decided K by the tim banding: the SK's third version says K.
    b.upheld_and_reassessed(api, "peserta3")
    api.drain()
    b.decide_reassessment(api, "K")
    api.drain()
    [_, _, banding] = b.documents(api, root, "sk_penetapan")
    assert (banding.version, banding.supersedes_id) == (3, perubahan.id)
    assert [(d["username"], d["keputusan"]) for d in banding.data["daftar"]] == [("peserta", "K"), ("peserta3", "K")]
    [surat] = b.documents(api, root, "permohonan_blangko")
    assert [d["nama"] for d in surat.data["daftar_kompeten"]] == ["Andi Pratama", "Cahyo Nugroho"]
    certificates_for(api, ["peserta", "peserta3"])
    assert sorted(c.peserta_username for c in b.certificates(api)) == ["peserta", "peserta3"]


def test_a_postponed_candidate_carried_to_a_later_batch_is_recorded_so_and_reported(api: Api) -> None:
    root = carried_over(api)
    assert len(b.documents(api, root, "sk_penetapan")) == 1  # nothing decided: the SK stands
    [surat] = b.documents(api, root, "permohonan_blangko")
    assert [d["nama"] for d in surat.data["daftar_kompeten"]] == ["Andi Pratama"]
    certificates_for(api, ["peserta"])
    hasil = hasil_sertifikasi(api, root)
    assert [k["username"] for k in hasil["kompeten"]] == ["peserta"]
    [period] = api.get("peserta3", "/api/me/status").json()["peserta"]
    keputusan = period["hasil"]["keputusan"]
    assert (keputusan["keputusan"], keputusan["sumber"], keputusan["dibawa"], keputusan["alasan"]) == (
        "ditunda",
        "pleno_lanjutan",
        True,
        "Peserta sakit, bukti belum dapat dikumpulkan",
    )
    assert (
        "Pleno: Berhenti di sini: Keputusan ditunda: dibawa ke periode uji kompetensi berikutnya "
        "(Peserta sakit, bukti belum dapat dikumpulkan)"
    ) in stepper(open_status(api, "peserta3"))
    sop.step_7(api, root)
    api.drain()
    [laporan] = b.documents(api, root, "laporan")
    assert (laporan.data["jumlah_k"], laporan.data["jumlah_bk"], laporan.data["jumlah_ditunda"]) == (1, 0, 1)
    assert rapat(
        # Nothing decided by the follow-up pleno, no appeal: neither is said with its zeros.
        "Keputusan yang ditunda : Dibawa ke periode berikutnya 1: Cahyo Nugroho (Operator Perakitan Kendaraan "
        "Bermotor Roda Empat), alasan: Peserta sakit, bukti belum dapat dikumpulkan Rekomendasi asesor : Kompeten "
        "2, Belum Kompeten 0 Sertifikat terbit"
    ) in pdf_text(api, laporan.id)
    # The Laporan lists whom the process recorded as carried over, with the recorded reason.
    assert laporan.data["ditunda"]["dibawa"] == [
        {
            "username": "peserta3",
            "nama": "Cahyo Nugroho",
            "skema_judul": "Operator Perakitan Kendaraan Bermotor Roda Empat",
            "alasan": "Peserta sakit, bukti belum dapat dikumpulkan",
        }
    ]
    assert [(c["peserta"], c["alasan"]) for c in carried(api)] == [
        ("peserta3", "Peserta sakit, bukti belum dapat dikumpulkan")
    ]


def test_when_the_follow_up_outlasts_the_step_6_time_standard_the_candidate_is_carried_over_and_the_period_goes_on(
    api: Api, clock: Any
) -> None:
    root = postponed(api)
    t = sop.one(api, "kabid_sertifikasi", b.BUKTI_TAMBAHAN)
    batas = datetime.fromisoformat(sop.task_data(api, "kabid_sertifikasi", t["id"])["batas_tindak_lanjut"])
    assert timedelta(days=14) - timedelta(minutes=5) < batas - api.app.state.clock.now() <= timedelta(days=14)
    evidence(api, "K")
    b.advance_to(api, clock, batas - timedelta(minutes=1))
    assert sop.tasks_named(api, "kabid_sertifikasi", b.PLENO_LANJUTAN)  # still within the time standard

    b.advance_to(api, clock, batas + timedelta(minutes=1))
    assert sop.tasks_named(api, "kabid_sertifikasi", b.PLENO_LANJUTAN) == []
    assert any(e["type"] == "timer_fired" for e in b.history_of(api, root))
    assert len(b.documents(api, root, "sk_penetapan")) == 1
    [surat] = b.documents(api, root, "permohonan_blangko")
    assert [d["nama"] for d in surat.data["daftar_kompeten"]] == ["Andi Pratama"]
    certificates_for(api, ["peserta"])
    hasil = hasil_sertifikasi(api, root)
    assert hasil["pleno_lanjutan"] == {
        "lewat_waktu": True,
        "keputusan": [
            {
                "username": "peserta3",
                "keputusan": "dibawa",
                "alasan": "batas waktu tindak lanjut keputusan ditunda lewat",
            }
        ],
    }
    [period] = api.get("peserta3", "/api/me/status").json()["peserta"]
    assert (period["hasil"]["keputusan"]["keputusan"], period["hasil"]["keputusan"]["dibawa"]) == ("ditunda", True)
    assert [(c["peserta"], c["asal_root_id"], c["alasan"]) for c in carried(api)] == [
        ("peserta3", root, "tidak diputuskan sampai tahap penerbitan sertifikat selesai")
    ]


def test_the_follow_up_window_is_the_duration_the_process_designer_writes_in_the_bpmn(api: Api) -> None:
    text = (PROJECT_ROOT / "processes" / "penerbitan_sertifikat.bpmn").read_text()
    lama = """<spiffworkflow:parameter id="lama" type="any" value="'P14D'"/>"""
    assert text.count(lama) == 1
    files = [("files", ("penerbitan_sertifikat.bpmn", text.replace("'P14D'", "'P3D'").encode(), "text/xml"))]
    r = api.post("desainer", "/api/deployments", files=files)
    assert r.status_code == 201, r.text  # a duration is no issuing change: it deploys at once
    postponed(api)
    t = sop.one(api, "kabid_sertifikasi", b.BUKTI_TAMBAHAN)
    batas = datetime.fromisoformat(sop.task_data(api, "kabid_sertifikasi", t["id"])["batas_tindak_lanjut"])
    assert timedelta(days=3) - timedelta(minutes=5) < batas - api.app.state.clock.now() <= timedelta(days=3)


def registration_proposal(api: Api, root: int) -> list[dict[str, Any]]:
    """The rows Kabid Administrasi's "Membuka pendaftaran" opens with in period `root`, steps 1 and 2 done first."""
    sop.step_1_and_2(api, root)
    return proposed(api, root)


def proposed(api: Api, root: int) -> list[dict[str, Any]]:
    """The rows the waiting "Membuka pendaftaran" of period `root` opens with now."""
    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=root)
    schema = sop.task_detail(api, "kabid_administrasi", t["id"])["form"]["schema"]
    rows: list[dict[str, Any]] = schema["properties"]["daftar_pendaftar"]["default"]
    return rows


def test_a_candidate_carried_to_a_later_batch_is_proposed_first_when_the_next_period_opens_registration(
    api: Api,
) -> None:
    carried_over(api)
    kedua = sop.start_period(api, "LSP-2027-GANJIL")["id"]
    # peserta3 first, counted in the Teknik Industri Otomotif target of 2 for OPR: one more of that prodi by NIM.
    assert registration_proposal(api, kedua) == [
        {"username": "peserta3", "skema_nomor": OPR},
        {"username": "peserta", "skema_nomor": sop.JWD},
        {"username": "peserta2", "skema_nomor": sop.JWD},
        {"username": "peserta4", "skema_nomor": OPR},
        {"username": "peserta5", "skema_nomor": sop.MUTU},
    ]
    # Kabid Administrasi sees who was carried over, from where and why, beside the form.
    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=kedua)
    page = browser(api, "kabid_administrasi").get(f"/tasks/{t['id']}")
    assert page.status_code == 200
    table = lxml.html.fromstring(page.text).xpath("//table[@aria-labelledby='judul-dibawa']")[0]
    assert [words(row) for row in table.xpath("./tbody/tr")] == [
        "Cahyo Nugroho NIM 2301001 dari LSP-2026-GENAP Operator Perakitan Kendaraan Bermotor Roda Empat "
        "diusulkan di formulir Peserta sakit, bukti belum dapat dikumpulkan"
    ]
    sop.open_registration(api, kedua, {"peserta3": OPR, "peserta": sop.JWD})
    api.drain()
    assert [(c["peserta"], c["diambil_root_id"]) for c in carried(api)] == [("peserta3", None)]  # not yet accepted
    sop.submit_apl(api, "peserta3", OPR)
    sop.check_files(api, {"peserta3": ("diterima", "")})
    api.drain()
    # Their berkas accepted in this period: it took them up, and a later period owes peserta3 nothing more.
    [record] = carried(api)
    assert (record["peserta"], record["diambil_root_id"], record["diambil"]) == ("peserta3", kedua, True)
    ketiga = sop.start_period(api, "LSP-2027-GENAP")["id"]
    assert registration_proposal(api, ketiga) == [
        {"username": "peserta", "skema_nomor": sop.JWD},
        {"username": "peserta2", "skema_nomor": sop.JWD},
        {"username": "peserta3", "skema_nomor": OPR},
        {"username": "peserta4", "skema_nomor": OPR},
        {"username": "peserta5", "skema_nomor": sop.MUTU},
    ]


def test_a_candidate_decided_after_the_postponement_is_not_carried_into_the_next_period(api: Api) -> None:
    postponed(api)
    evidence(api, "BK")
    follow_up(api, "BK")
    assert carried(api) == []
    kedua = sop.start_period(api, "LSP-2027-GANJIL")["id"]
    assert [r["username"] for r in registration_proposal(api, kedua)] == [
        "peserta",
        "peserta2",
        "peserta3",
        "peserta4",
        "peserta5",
    ]


def test_the_ketua_cannot_decide_a_carried_candidate_by_amending_the_sk_and_they_are_still_proposed_first(
    api: Api,
) -> None:
    root = carried_over(api)
    [sk] = b.documents(api, root, "sk_penetapan")
    path = f"/api/dokumen/{sk.id}/koreksi"
    daftar = [dict(r, keputusan="K") if r["username"] == "peserta3" else r for r in sk.data["daftar"]]
    change = {"alasan": "bukti tambahan peserta telah dinilai", "data": {"daftar": daftar}}
    assert [r["username"] for r in sk.data["daftar"]] == ["peserta", "peserta3"]
    message = ["tidak dapat mengubah keputusan", "rapat pleno lanjutan", "banding"]
    refused_request(api, "ketua_lsp", path, change, root, 422, {"data.daftar.1.keputusan": message})
    # Nor by leaving the candidate out of the SK.
    tanpa = {"alasan": "peserta dikeluarkan", "data": {"daftar": [r for r in daftar if r["username"] != "peserta3"]}}
    refused_request(api, "ketua_lsp", path, tanpa, root, 422, {"data.daftar.1.keputusan": message})
    # An amendment of the SK's wording is the signatory's to make: its number follows the SK Penetapan 005.
    ejaan = [dict(r, nama="Cahyo Nugroho, S.Tr.") if r["username"] == "peserta3" else r for r in sk.data["daftar"]]
    r = api.post("ketua_lsp", path, json={"alasan": "gelar peserta", "data": {"daftar": ejaan}})
    assert r.status_code == 201, r.text
    assert r.json()["number"] == "006/LSP-STMI/SK/XII/2026"
    [record] = carried(api)
    assert (record["peserta"], record["ditutup_at"]) == ("peserta3", None)
    kedua = sop.start_period(api, "LSP-2027-GANJIL")["id"]
    assert registration_proposal(api, kedua)[0] == {"username": "peserta3", "skema_nomor": OPR}


def test_a_carry_to_a_later_batch_is_stored_once_with_its_origin_sk_and_reason_even_when_the_step_runs_again(
    api: Api,
) -> None:
    root = carried_over(api)
    [sk] = b.documents(api, root, "sk_penetapan")
    penerbitan = penerbitan_of(api, root)
    expected = [
        {
            "peserta": "peserta3",
            "skema_nomor": OPR,
            "asal_root_id": root,
            "asal_instance_id": penerbitan,
            "dokumen_id": sk.id,
            "alasan": "Peserta sakit, bukti belum dapat dikumpulkan",
            "diambil_root_id": None,
            "diambil": False,
            "ditutup_at": None,
            "alasan_ditutup": None,
        }
    ]
    assert carried(api) == expected
    # The step run again (a retry, or a second worker): nothing written twice.
    with api.app.state.db.transaction() as session:
        ctx = ServiceContext(
            session=session,
            instance_id=penerbitan,
            root_id=root,
            business_key="LSP-2026-GENAP",
            task_id="ulang",
            element_id="mencatat_peserta_dibawa",
            task_name="Mencatat daftar peserta dibawa ke periode berikutnya",
            lane=None,
            actor="system",
            now=api.app.state.clock.now(),
            data={},
            nomor_format="",
        )
        assert catat_peserta_dibawa(ctx) == ["peserta3"]
    assert carried(api) == expected


def test_when_two_later_periods_open_at_once_the_first_to_accept_the_carried_candidate_takes_them_from_the_other(
    api: Api,
) -> None:
    carried_over(api)
    kedua = sop.start_period(api, "LSP-2027-GANJIL")["id"]
    ketiga = sop.start_period(api, "LSP-2027-GENAP")["id"]
    assert registration_proposal(api, kedua)[0] == {"username": "peserta3", "skema_nomor": OPR}
    assert registration_proposal(api, ketiga)[0] == {"username": "peserta3", "skema_nomor": OPR}
    registered_and_accepted(api, ketiga, "peserta3", OPR)
    assert [(c["peserta"], c["diambil_root_id"]) for c in carried(api)] == [("peserta3", ketiga)]
    # The other period no longer proposes them first, nor lists them beside its form.
    assert proposed(api, kedua) == [
        {"username": "peserta", "skema_nomor": sop.JWD},
        {"username": "peserta2", "skema_nomor": sop.JWD},
        {"username": "peserta3", "skema_nomor": OPR},
        {"username": "peserta4", "skema_nomor": OPR},
        {"username": "peserta5", "skema_nomor": sop.MUTU},
    ]
    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=kedua)
    page = browser(api, "kabid_administrasi").get(f"/tasks/{t['id']}")
    assert page.status_code == 200
    assert lxml.html.fromstring(page.text).xpath("//table[@aria-labelledby='judul-dibawa']") == []
    # Accepting them there too later changes nothing: the record stays with the period that took them first.
    registered_and_accepted(api, kedua, "peserta3", OPR)
    assert [(c["peserta"], c["diambil_root_id"]) for c in carried(api)] == [("peserta3", ketiga)]


def test_the_lookup_of_carried_candidates_is_one_query_however_many_earlier_periods_carried_them(api: Api) -> None:
    carried_over(api)
    [record] = carried(api)
    earlier = [sop.start_period(api, f"LSP-2027-{n}")["id"] for n in ("A", "B", "C", "D")]
    later = sop.start_period(api, "LSP-2028-GANJIL")["id"]
    db = api.app.state.db

    def lookup() -> tuple[list[str], list[str]]:
        statements: list[str] = []

        def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):  # not the transaction's BEGIN
                statements.append(statement)

        with db.reading() as session:
            event.listen(db.engine, "before_cursor_execute", note)
            try:
                found = peserta_dibawa(session, later)
            finally:
                event.remove(db.engine, "before_cursor_execute", note)
        return [d.username for d in found], statements

    usernames, statements = lookup()
    assert (usernames, len(statements)) == (["peserta3"], 1), statements
    # Four more earlier periods, each having carried one more candidate.
    with db.transaction() as session:
        for asal, username in zip(earlier, ["peserta", "peserta2", "peserta4", "peserta5"], strict=True):
            session.add(
                PesertaDibawa(
                    peserta_id=session.scalars(
                        select(Peserta.id).join(User, User.id == Peserta.user_id).where(User.username == username)
                    ).one(),
                    skema_nomor=sop.JWD,
                    asal_root_id=asal,
                    asal_instance_id=record["asal_instance_id"],
                    dokumen_id=record["dokumen_id"],
                    alasan="Peserta sakit",
                    created_at=api.app.state.clock.now(),
                )
            )
    usernames, statements = lookup()
    assert (usernames, len(statements)) == (["peserta3", "peserta", "peserta2", "peserta4", "peserta5"], 1), statements
