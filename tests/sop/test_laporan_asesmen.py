"""Step 5's FR.AK.05 (each asesor's report, which their surat tugas demands) and step 6's surat tugas of the asesor
who re-assesses after an upheld appeal (issue 12).
(How these tests work: tests/sop/__init__.py.)
"""

from datetime import datetime, timedelta
from typing import Any

import pytest
from lxml import html as lxml_html

from api.settings import PROJECT_ROOT
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import on_the_day, pdf_text, rapat
from tests.support.sop_branches import Calon

OPR = sop.OPR
LAPORAN = sop.LAPORAN

CALON = [
    Calon("peserta", asesor="asesor"),
    Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True),
    Calon("peserta4", OPR, asesor="asesor2", tuk="TUK-02", hadir=False),
]


def assessed_without_reports(api: Api) -> int:
    """Every candidate of CALON assessed (or recorded absent); the asesors' FR.AK.05 not yet written."""
    root = b.ready(api, CALON)
    for c in CALON:
        b.assess(api, c)
    api.drain()
    return root


def laporan(**changes: Any) -> dict[str, Any]:
    isi = sop.laporan_asesmen_isi()
    isi["laporan_asesmen"].update(changes)
    return isi


def test_each_asesor_reports_on_their_group_before_the_pleno_and_the_pleno_cites_the_reports(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    root = assessed_without_reports(api)
    # One report per asesor, skema and TUK; the pleno waits for them.
    [t1] = sop.tasks_named(api, "asesor", LAPORAN)
    [t2] = sop.tasks_named(api, "asesor2", LAPORAN)
    assert sop.tasks_named(api, "asesor3", LAPORAN) == [] and sop.tasks_named(api, "kabid_sertifikasi", b.PLENO) == []

    api.complete("asesor", t1["id"], laporan(saran_perbaikan="Tidak ada"))  # no one BK: nothing to suggest
    api.complete(
        "asesor2",
        t2["id"],
        laporan(
            aspek_positif="Asesi hadir tepat waktu, peralatan workshop lengkap",
            aspek_negatif="Satu asesi tidak hadir karena sakit",
            penolakan_hasil="Tidak ada asesi yang menolak hasil asesmen",
            saran_perbaikan="Cahyo Nugroho berlatih kembali pemeriksaan akhir kendaraan",
            catatan="Asesmen berjalan lancar",
        ),
    )
    api.drain()
    assert sop.tasks_named(api, "kabid_sertifikasi", b.PLENO) != []

    [ak05_asesor, ak05_asesor2] = b.documents(api, root, "laporan_asesmen")
    assert (ak05_asesor.number, ak05_asesor2.number) == ("001/LSP-STMI/AK05/XII/2026", "002/LSP-STMI/AK05/XII/2026")
    [ak02] = b.documents(api, root, "rekaman_asesmen", candidate="peserta3")
    text = pdf_text(api, ak05_asesor2.id)
    for phrase in [
        "FR.AK.05. LAPORAN ASESMEN",
        "Nomor: 002/LSP-STMI/AK05/XII/2026",
        "Skema sertifikasi : Operator Perakitan Kendaraan Bermotor Roda Empat (SKM/LSP-STMI/002/2024)",
        "TUK : Workshop Otomotif dan Laboratorium Polimer, Gedung D Lantai 1, Politeknik STMI Jakarta",
        "Nama asesor : Hendra Gunawan, S.T. (No. Reg. MET.000.002517 2018)",
        "Tanggal asesmen : 1 Desember 2026",
        # K/BK as the asesor's FR.AK.02 gave it (cited by number), the absent candidate with the reason recorded.
        f"1 Cahyo Nugroho 2301001 ✓ FR.AK.02 Nomor {ak02.number}; belum kompeten pada unit C.291000.015.01",
        "2 Dian Puspitasari 2301002 Tidak hadir: Sakit",
        "Jumlah 0 1 Tidak hadir: 1",
        "Aspek negatif dan positif dalam asesmen Positif: Asesi hadir tepat waktu, peralatan workshop lengkap "
        "Negatif: Satu asesi tidak hadir karena sakit",
        "Pencatatan penolakan hasil asesmen Tidak ada asesi yang menolak hasil asesmen",
        "Saran perbaikan (asesor / personil terkait) Cahyo Nugroho berlatih kembali pemeriksaan akhir kendaraan",
        "Catatan Asesmen berjalan lancar",
        "Jakarta Pusat, 1 Desember 2026 Asesor Kompetensi, Hendra Gunawan, S.T. No. Reg. MET.000.002517 2018",
    ]:
        assert rapat(phrase) in text, phrase

    # The surat tugas asks the asesor for what is collected: FR.AK.02 per consenting candidate, then this report.
    [surat_tugas] = [d for d in b.documents(api, root, "surat_tugas_asesor") if d.key == "asesor2"]
    assert rapat(
        "mengisi rekaman asesmen (FR.AK.02) setiap asesi yang telah menyetujui asesmen (FR.AK.01), dan menyerahkan "
        "laporan asesmen (FR.AK.05) beserta rekomendasi hasil asesmen kepada Kepala Bidang Sertifikasi paling lambat "
        "2 (dua) hari setelah asesmen."
    ) in pdf_text(api, surat_tugas.id)

    # Only the asesor who signs it reads it, besides staff.
    assert api.get("asesor2", f"/api/dokumen/{ak05_asesor2.id}").status_code == 200
    assert api.get("asesor", f"/api/dokumen/{ak05_asesor2.id}").status_code == 403
    assert api.get("peserta3", f"/api/dokumen/{ak05_asesor2.id}").status_code == 403

    # The Berita Acara of the pleno names the reports it decided on.
    b.decide(api, {"peserta": "K", "peserta3": "BK"})
    [ba] = b.documents(api, root, "berita_acara_pleno")
    assert rapat(
        "berdasarkan berita acara asesmen, dokumen asesmen yang telah terisi, laporan asesmen asesor (FR.AK.05) "
        "Nomor 001/LSP-STMI/AK05/XII/2026 tanggal 1 Desember 2026 dan Nomor 002/LSP-STMI/AK05/XII/2026 tanggal "
        "1 Desember 2026 dan rekomendasi asesor kompetensi."
    ) in pdf_text(api, ba.id)


def test_a_report_saying_no_suggestion_for_a_bk_candidate_or_with_a_blank_aspect_is_refused(api: Api) -> None:
    root = assessed_without_reports(api)
    [t] = sop.tasks_named(api, "asesor2", LAPORAN)
    # Beside the form, the asesor sees their candidates with the K/BK of their FR.AK.02 (not typed again).
    api.client.cookies.clear()
    r = api.client.post("/login", data={"username": "asesor2", "password": "asesor2-demo"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = api.client.get(f"/tasks/{t['id']}")
    assert page.status_code == 200, page.text
    shown = " ".join(lxml_html.fromstring(page.text).xpath("string(//section[@aria-labelledby])").split())
    for phrase in [
        "Asesi yang Anda laporkan",
        "Operator Perakitan Kendaraan Bermotor Roda Empat, Workshop Otomotif dan Laboratorium Polimer.",  # TUK-02
        "Cahyo Nugroho NIM 2301001 Belum kompeten (BK) BK: C.291000.015.01 Buka",
        "Dian Puspitasari NIM 2301002 Tidak hadir: Sakit -",
    ]:
        assert phrase in shown, (phrase, shown)
    b.refused(
        api,
        "asesor2",
        t["id"],
        laporan(saran_perbaikan="Tidak ada."),
        root,
        {"laporan_asesmen.saran_perbaikan": ["Tuliskan saran perbaikan", "Cahyo Nugroho (peserta3)", "Belum Kompeten"]},
    )
    b.refused(
        api,
        "asesor2",
        t["id"],
        laporan(aspek_positif="   "),
        root,
        {"laporan_asesmen.aspek_positif": ["Aspek positif wajib diisi"]},
    )
    assert b.documents(api, root, "laporan_asesmen") == []


def test_the_asesor_picked_to_re_assess_gets_a_surat_tugas_citing_the_sk_banding_and_the_window(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)  # Tuesday 1 December 2026
    root = b.assessed(api, CALON)
    b.decide(api, {"peserta": "K", "peserta3": "BK"})
    b.appeal(api, "peserta3")
    b.decide_appeal(api, "diterima")
    t = sop.one(api, "kabid_sertifikasi", b.ASESOR_ULANG)
    # The asesor who assessed first may not re-assess; the window starts today or later and ends after it starts, on
    # its first day after the hour it begins.
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        {
            "asesor_ulang": {
                "asesor": "asesor2",
                "tanggal_mulai": "2026-11-30",
                "tanggal_selesai": "2026-11-29",
                "pukul_mulai": "12.00",
                "pukul_selesai": "09:00",
            }
        },
        root,
        {
            "asesor_ulang.asesor": ["asesor lain", "Hendra Gunawan, S.T. (asesor2)", "menilai semula"],
            "asesor_ulang.tanggal_mulai": ["30 November 2026 sudah lewat", "1 Desember 2026"],
            "asesor_ulang.tanggal_selesai": ["29 November 2026 sebelum mulainya (30 November 2026)"],
            "asesor_ulang.pukul_selesai": ["selesai pukul 09.00, tidak sesudah mulainya pukul 12.00"],
        },
    )
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        {
            "asesor_ulang": {
                "asesor": "asesor4",
                "tanggal_mulai": "2026-12-07",
                "tanggal_selesai": "2026-12-04",
                **sop.PUKUL_ULANG,
            }
        },
        root,
        {"asesor_ulang.tanggal_selesai": ["4 Desember 2026 sebelum mulainya (7 Desember 2026)"]},
    )
    assert b.documents(api, root, "surat_tugas_asesor_ulang") == []
    api.complete(
        "kabid_sertifikasi",
        t["id"],
        {
            "asesor_ulang": {
                "asesor": "asesor4",
                "tanggal_mulai": "2026-12-03",
                "tanggal_selesai": "2026-12-04",
                **sop.PUKUL_ULANG,
            }
        },
    )
    api.drain()

    [sk_banding] = b.documents(api, root, "sk_banding")
    [surat] = b.documents(api, root, "surat_tugas_asesor_ulang")
    assert (sk_banding.number, surat.number) == ("006/LSP-STMI/SK/XII/2026", "003/LSP-STMI/ST-AS/XII/2026")
    text = pdf_text(api, surat.id)
    for phrase in [
        "SURAT TUGAS Nomor: 003/LSP-STMI/ST-AS/XII/2026",
        # The SK Jadwal as amended once every candidate had a session (before this letter).
        "Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 001/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 "
        "tentang Jadwal Uji Kompetensi sebagaimana telah diubah dengan Keputusan Ketua LSP Politeknik STMI Jakarta "
        "Nomor 002/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026;",
        "4. Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 006/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 "
        "tentang Hasil Banding Asesmen atas nama Cahyo Nugroho, yang menerima banding dan memerintahkan asesmen ulang.",
        "1 Ir. Rudi Hartono, M.T. MET.000.006092 2021 Asesor Kompetensi (asesmen ulang)",
        "Nama asesi : Cahyo Nugroho (NIM 2301001), Teknik Industri Otomotif",
        "Skema sertifikasi : Operator Perakitan Kendaraan Bermotor Roda Empat (SKM/LSP-STMI/002/2024)",
        "Asesor semula : Hendra Gunawan, S.T. (No. Reg. MET.000.002517 2018), tidak menilai ulang",
        "Waktu pelaksanaan : Kamis, 3 Desember 2026 s.d. Jumat, 4 Desember 2026",
        "Pukul : 09.00–12.00 WIB, Kamis, 3 Desember 2026",
        "Tempat (TUK) : Workshop Otomotif dan Laboratorium Polimer",
        # The re-assessment's three forms, as the banding process collects them (consent, record, feedback).
        "memperoleh persetujuan asesi atas asesmen ulang (FR.AK.01) sebelum menilai, mengisi rekaman asesmen ulang "
        "(FR.AK.02) beserta rekomendasinya untuk diputuskan tim banding paling lambat 4 Desember 2026, dan memberi "
        "kesempatan asesi menyampaikan umpan balik asesmen ulang (FR.AK.03).",
        "Jakarta Pusat, 1 Desember 2026 Ketua LSP Politeknik STMI Jakarta, Ir. Ratna Dewi Lestari, M.M. "
        "NIP 197805222005012001",
    ]:
        assert rapat(phrase) in text, phrase
    # The re-assessing asesor reads their letter; the asesor who assessed first does not.
    assert api.get("asesor4", f"/api/dokumen/{surat.id}").status_code == 200
    assert api.get("asesor2", f"/api/dokumen/{surat.id}").status_code == 403
    # The candidate agrees to the re-assessment (FR.AK.01); then it reaches the re-assessing asesor.
    sop.setuju_asesmen_ulang(api, "peserta3")
    assert b.task_about(api, "asesor4", b.MENILAI_ULANG, "peserta3")


def test_the_report_is_due_two_days_after_the_asesor_is_asked_for_it_as_the_surat_tugas_says(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    assessed_without_reports(api)
    [t] = sop.tasks_named(api, "asesor", LAPORAN)
    # "paling lambat 2 (dua) hari setelah asesmen": the task's own time standard (dueAfter P2D), sooner than
    # step 5's due date.
    assert datetime.fromisoformat(t["due_at"]) - datetime.fromisoformat(t["created_at"]) == timedelta(days=2)


def test_the_surat_tugas_states_the_report_deadline_the_deployed_report_task_carries(api: Api) -> None:
    # The process designer gives the asesor's report 3 days instead of 2; the caller is deployed with it (a called
    # process is the newest deployed no later than its caller), the SOP's own text unchanged but for a note.
    laporan_bpmn = (PROJECT_ROOT / "processes" / "laporan_asesmen.bpmn").read_text()
    sop_bpmn = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()
    assert laporan_bpmn.count('name="dueAfter" value="P2D"') == 1
    files = {
        "laporan_asesmen.bpmn": laporan_bpmn.replace('name="dueAfter" value="P2D"', 'name="dueAfter" value="P3D"'),
        "uji_kompetensi.bpmn": sop_bpmn + "<!-- deployed with the report's new time standard -->\n",
    }
    upload = [("files", (name, body.encode(), "application/xml")) for name, body in files.items()]
    r = api.post("desainer", "/api/deployments", files=upload)
    assert r.status_code == 201, r.text

    root = b.assigned(api, CALON)
    [surat_tugas] = [d for d in b.documents(api, root, "surat_tugas_asesor") if d.key == "asesor2"]
    text = pdf_text(api, surat_tugas.id)
    assert (
        rapat(
            "dan menyerahkan laporan asesmen (FR.AK.05) beserta rekomendasi hasil asesmen kepada Kepala Bidang "
            "Sertifikasi paling lambat 3 (tiga) hari setelah asesmen."
        )
        in text
    )
    assert rapat("2 (dua) hari") not in text
