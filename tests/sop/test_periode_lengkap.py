"""One period through every branch, its documents cross-checked for one story (issue 12, part 9).

Two skema, eleven candidates, each on a branch an LSP is audited on:

| candidate | skema | what happens |
|---|---|---|
| peserta (Andi Pratama) | JWD | K |
| peserta2 (Bunga Maharani) | JWD | registration returned once, then accepted; K |
| peserta6 (Fajar Ramadhan) | JWD | pra-asesmen: not continued |
| peserta7 (Gita Permatasari) | JWD | present, refuses FR.AK.01 |
| peserta8 (Hafidz Maulana) | JWD | BK, appeals, appeal rejected: BK |
| peserta9 (Indah Lestari) | JWD | the pleno postpones (ditunda), the follow-up pleno decides K: amending SK |
| peserta3 (Cahyo Nugroho) | OPR | BK, appeal upheld, re-assessed K by asesor4, tim banding K: amending SK |
| peserta4 (Dian Puspitasari) | OPR | absent |
| peserta16 (Putra Wijaya) | OPR | BK, does not appeal |
| peserta17 (Qonita Azzahra) | OPR | K |
| peserta5 (Eko Saputra) | MUTU | registration rejected |

So, written by hand: 11 registered, 1 rejected, 10 accepted; pre-assessment 9 continued, 1 not; 9 scheduled,
1 absent, 1 refusing, 7 assessed; the pleno 3 K, 3 BK, 1 ditunda; after the follow-up 4 K, 3 BK; after the upheld
appeal 5 K, 2 BK (JWD 3 K / 1 BK, OPR 2 K / 1 BK; per asesor asesor 3 K / 1 BK, asesor2 1 K / 1 BK, asesor4, who
re-assessed Cahyo, 1 K); 5 blangko, 5 certificates.
"""

import io

import pytest
from openpyxl import load_workbook

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import on_the_day, pdf_text, rapat
from tests.support.sop_branches import Calon

JWD, OPR, MUTU = sop.JWD, sop.OPR, sop.MUTU

CALON = [
    Calon("peserta", JWD, asesor="asesor"),
    Calon("peserta2", JWD, asesor="asesor"),
    Calon("peserta6", JWD, asesor="asesor"),
    Calon("peserta7", JWD, asesor="asesor", setuju=False),
    Calon("peserta8", JWD, asesor="asesor", bk=True),
    Calon("peserta9", JWD, asesor="asesor"),
    Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True),
    Calon("peserta4", OPR, asesor="asesor2", tuk="TUK-02", hadir=False),
    Calon("peserta16", OPR, asesor="asesor2", tuk="TUK-02", bk=True),
    Calon("peserta17", OPR, asesor="asesor2", tuk="TUK-02"),
]
DITOLAK = "peserta5"
DIKEMBALIKAN = "peserta2"
TIDAK_LANJUT = "peserta6"
KOMPETEN = ["peserta", "peserta2", "peserta9", "peserta3", "peserta17"]


def walk(api: Api) -> int:
    """The period, step 1 to step 7, every candidate on their branch."""
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root, kuota_min=1)
    # Step 3: registration (one returned, one rejected) and assignment with the pre-assessment.
    sop.open_registration(api, root, {c.username: c.skema for c in CALON} | {DITOLAK: MUTU})
    for c in CALON:
        sop.submit_apl(api, c.username, c.skema)
    sop.submit_apl(api, DITOLAK, MUTU)
    first = {c.username: ("diterima", "") for c in CALON if c.username != DIKEMBALIKAN}
    first[DIKEMBALIKAN] = ("dikembalikan", "Pindaian KTM tidak terbaca; unggah ulang")
    first[DITOLAK] = ("ditolak", "Bukan mahasiswa tingkat akhir")
    sop.check_files(api, first)
    sop.submit_apl(api, DIKEMBALIKAN, JWD)
    sop.check_files(api, {DIKEMBALIKAN: ("diterima", "")})
    sop.close_registration(api, root)
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    api.complete("kabid_sertifikasi", t["id"], b.penugasan(CALON))
    for c in CALON:
        t = b.task_about(api, c.asesor, b.PRA_ASESMEN, c.username)
        pra = (
            {"rekomendasi": "tidak_lanjut", "catatan": "Bukti praktik belum relevan dengan skema"}
            if c.username == TIDAK_LANJUT
            else {"rekomendasi": "lanjut", "catatan": "Bukti memadai"}
        )
        api.complete(c.asesor, t["id"], {"pra_asesmen": pra})
    api.drain()
    # Step 4: both TUK verified.
    for kode in ("TUK-01", "TUK-02"):
        b.verify(api, kode)
        b.set_verified(api, kode)
    api.drain()
    # Step 5: the assessment of everyone continued, each asesor's FR.AK.05.
    for c in CALON:
        if c.username != TIDAK_LANJUT:
            b.assess(api, c)
    api.drain()
    sop.laporan_asesor(api)
    # Step 6: the pleno postpones peserta9; the follow-up decides K.
    b.decide_postponing(
        api,
        {"peserta": "K", "peserta2": "K", "peserta8": "BK", "peserta9": "ditunda"}
        | {"peserta3": "BK", "peserta16": "BK", "peserta17": "K"},
    )
    b.evidence_reviewed(api, {"peserta9": "K"})
    t = sop.one(api, "kabid_sertifikasi", b.PLENO_LANJUTAN)
    api.complete("kabid_sertifikasi", t["id"], b.pleno_lanjutan({"peserta9": "K"}))
    api.drain()
    # Appeals: peserta16 does not appeal; peserta8's is rejected; peserta3's upheld, re-assessed K.
    t = sop.one(api, "peserta16", b.BANDING)
    api.complete("peserta16", t["id"], sop.banding(ajukan=False))
    b.appeal(api, "peserta8")
    b.decide_appeal(api, "ditolak")
    api.drain()
    b.upheld_and_reassessed(api, "peserta3")
    api.drain()
    b.decide_reassessment(api, "K")
    api.drain()
    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    api.complete("kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(KOMPETEN)}})
    api.drain()
    # Step 7.
    sop.step_7(api, root)
    api.drain()
    return root


def permohonan_blangko(api: Api, root: int) -> tuple[str, dict[str, tuple[str, str]]]:
    """The blangko request as BNSP reads it: the letter's text (without whitespace, compare with `rapat`) and, from
    its .xlsx candidate list, each candidate's name -> (skema number, K/BK). (Kept in one place: the list's layout
    follows BNSP's template, which may change.)"""
    [surat] = b.documents(api, root, "permohonan_blangko")
    [lampiran] = b.documents(api, root, "permohonan_blangko_lampiran")
    r = api.get("kabid_administrasi", f"/api/dokumen/{lampiran.id}")
    assert r.status_code == 200, r.text
    asesi: dict[str, tuple[str, str]] = {}
    for sheet in load_workbook(io.BytesIO(r.content)).worksheets:  # BNSP's upload layout: one sheet per skema
        rows = list(sheet.iter_rows(values_only=True))
        kolom = {str(name): i for i, name in enumerate(rows[0]) if name}  # the column codes in row 1
        for row in rows[1:]:
            if row[kolom["NAMA ASESI"]]:
                asesi[str(row[kolom["NAMA ASESI"]])] = (str(row[kolom["NOMOR SKEMA"]]), str(row[kolom["REKOMENDASI"]]))
    return pdf_text(api, surat.id), asesi


def text_of(api: Api, root: int, kind: str) -> list[str]:
    """Each document of `kind` in the period, in issue order, as its rendered text without whitespace."""
    return [pdf_text(api, d.id) for d in b.documents(api, root, kind)]


def says(text: str, *phrases: str) -> None:
    for phrase in phrases:
        assert rapat(phrase) in text, phrase


def test_a_period_through_every_branch_tells_one_story_in_every_document_that_counts(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    root = walk(api)

    # The amended SK Jadwal schedules the 9 who went on after the pre-assessment: JWD 5 at TUK-01, OPR 4 at TUK-02.
    [_, jadwal] = text_of(api, root, "sk_jadwal")
    says(jadwal, "NOMOR 002/LSP-STMI/SK/XII/2026", "Jumlah peserta : 9 orang")
    # The Ketua's SK setting each TUK verified (TUK-01, TUK-02) takes its place in the LSP's one SK series.
    assert [d.number for d in b.documents(api, root, "sk_penetapan_tuk")] == [
        "003/LSP-STMI/SK/XII/2026",
        "004/LSP-STMI/SK/XII/2026",
    ]
    # The surat tugas, issued after that amendment, cite the SK Jadwal as amended.
    for surat_tugas in text_of(api, root, "surat_tugas_asesor") + text_of(api, root, "surat_tugas_verifikasi_tuk"):
        says(
            surat_tugas,
            "Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 001/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 "
            "tentang Jadwal Uji Kompetensi yang dilaksanakan mulai 11 Desember 2026, sebagaimana telah diubah dengan "
            "Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 002/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026.",
        )

    # The Berita Acara Asesmen, per skema and TUK: the asesor's recommendations, the absent and the refusing.
    [ba_asesmen] = text_of(api, root, "berita_acara_asesmen")
    says(
        ba_asesmen,
        "Uji Kompetensi Skema Junior Web Developer (SKM/LSP-STMI/001/2024) oleh LSP Politeknik STMI Jakarta yang "
        "diikuti oleh 5 (lima) peserta",
        "Jumlah 3 1 Tidak hadir: 0 Menolak FR.AK.01: 1",
        "Uji Kompetensi Skema Operator Perakitan Kendaraan Bermotor Roda Empat (SKM/LSP-STMI/002/2024) oleh LSP "
        "Politeknik STMI Jakarta yang diikuti oleh 4 (empat) peserta",
        "Jumlah 1 2 Tidak hadir: 1",
    )

    # The BA Pleno decides on the 7 assessed: 3 K, 3 BK, 1 postponed; the absent and the refusing named apart.
    [ba_pleno] = text_of(api, root, "berita_acara_pleno")
    says(
        ba_pleno,
        "atas 7 (tujuh) asesi yang telah diases",
        "Jumlah: Kompeten (K) 3 asesi, Belum Kompeten (BK) 3 asesi, ditunda 1 asesi.",
        "Tidak dinilai: Gita Permatasari (hadir, menolak asesmen FR.AK.01), Dian Puspitasari (tidak hadir).",
        "4 Indah Lestari Junior Web Developer Budi Santoso, S.Kom., M.T. MET.000.001234 2019 K Ditunda",
    )

    # The SK Penetapan says the same, then its amendments: the follow-up pleno (Indah K), the upheld appeal (Cahyo K).
    [sk, sk_lanjutan, sk_banding] = text_of(api, root, "sk_penetapan")
    says(
        sk,
        "NOMOR 005/LSP-STMI/SK/XII/2026",
        "Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 001/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 tentang "
        "Jadwal Uji Kompetensi dan Sertifikasi Kompetensi Periode 2026 Genap sebagaimana telah diubah dengan Keputusan "
        "Ketua LSP Politeknik STMI Jakarta Nomor 002/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026;",
        "yaitu 3 asesi Kompeten (K), 3 asesi Belum Kompeten (BK) dan 1 asesi yang keputusannya ditunda.",
        "4 Indah Lestari 2303006 Junior Web Developer Budi Santoso, S.Kom., M.T. MET.000.001234 2019 Ditunda",
        "5 Cahyo Nugroho 2301001 Operator Perakitan Kendaraan Bermotor Roda Empat Hendra Gunawan, S.T. "
        "MET.000.002517 2018 BK",
    )
    says(
        sk_lanjutan,
        "NOMOR 006/LSP-STMI/SK/XII/2026",
        "memutuskan Indah Lestari Kompeten (K) atas asesi yang keputusannya ditunda;",
        "yaitu 4 asesi Kompeten (K) dan 3 asesi Belum Kompeten (BK).",
        "4 Indah Lestari rapat pleno lanjutan tanggal 1 Desember 2026 2303006 Junior Web Developer",
    )
    says(
        sk_banding,
        "NOMOR 009/LSP-STMI/SK/XII/2026",
        # The second amendment is "atas" the first SK, as amended by the first.
        "TENTANG PERUBAHAN KEDUA ATAS KEPUTUSAN KETUA LSP POLITEKNIK STMI JAKARTA NOMOR 005/LSP-STMI/SK/XII/2026",
        "bahwa Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 "
        "sebagaimana telah diubah dengan Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 006/LSP-STMI/SK/XII/2026 "
        "tanggal 1 Desember 2026 perlu diubah karena",
        "KESATU : Mengubah Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 tanggal "
        "1 Desember 2026 tentang Penetapan Hasil Asesmen",
        "Ketentuan lain dalam Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 sebagaimana "
        "telah diubah dengan Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 006/LSP-STMI/SK/XII/2026 tanggal "
        "1 Desember 2026 yang tidak diubah dengan Keputusan ini dinyatakan tetap berlaku.",
        "banding Cahyo Nugroho diterima dengan Keputusan Ketua LSP Politeknik STMI Jakarta Nomor "
        "008/LSP-STMI/SK/XII/2026",
        "yaitu 5 asesi Kompeten (K) dan 2 asesi Belum Kompeten (BK).",
        "3 Hafidz Maulana 2303005 Junior Web Developer Budi Santoso, S.Kom., M.T. MET.000.001234 2019 BK",
        "5 Cahyo Nugroho hasil banding, Keputusan Nomor 008/LSP-STMI/SK/XII/2026 2301001 Operator Perakitan "
        "Kendaraan Bermotor Roda Empat Ir. Rudi Hartono, M.T. MET.000.006092 2021 K",
        "6 Putra Wijaya 2301003 Operator Perakitan Kendaraan Bermotor Roda Empat Hendra Gunawan, S.T. "
        "MET.000.002517 2018 BK",
    )
    # The appeals: Hafidz's rejected, Cahyo's upheld.
    [ditolak, diterima] = text_of(api, root, "sk_banding")
    says(ditolak, "NOMOR 007/LSP-STMI/SK/XII/2026", "Hafidz Maulana", "dinyatakan DITOLAK")
    says(
        diterima,
        "NOMOR 008/LSP-STMI/SK/XII/2026",
        # Appealed after the follow-up pleno amended the SK: the SK in force is the first as amended.
        "sebagaimana ditetapkan dalam Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 "
        "tanggal 1 Desember 2026 tentang Penetapan Hasil Asesmen sebagaimana telah diubah dengan Keputusan Ketua LSP "
        "Politeknik STMI Jakarta Nomor 006/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 dengan alasan:",
    )

    # The blangko request: 5 blangko, JWD 3 K / 1 BK, OPR 2 K / 1 BK, on the SK as amended.
    surat, asesi = permohonan_blangko(api, root)
    says(
        surat,
        "sebanyak 5 (lima) lembar",
        "1 Junior Web Developer SKM/LSP-STMI/001/2024 3 1 3",
        "2 Operator Perakitan Kendaraan Bermotor Roda Empat SKM/LSP-STMI/002/2024 2 1 2",
        "Jumlah 5 2 5",
        "Keputusan Ketua LSP Nomor 005/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 tentang Penetapan Hasil Asesmen "
        "sebagaimana telah diubah dengan Keputusan Ketua LSP Nomor 006/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 "
        "dan Nomor 009/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026, Keputusan Ketua LSP Nomor "
        "007/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 dan Nomor 008/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 "
        "tentang Hasil Banding,",
    )
    for nama in ["Andi Pratama", "Bunga Maharani", "Indah Lestari", "Qonita Azzahra", "Cahyo Nugroho"]:
        says(surat, nama)
    for nama in ["Hafidz Maulana", "Putra Wijaya", "Gita Permatasari", "Dian Puspitasari", "Fajar Ramadhan"]:
        assert rapat(nama) not in surat, nama
    assert asesi == {
        "Andi Pratama": (JWD, "K"),
        "Bunga Maharani": (JWD, "K"),
        "Hafidz Maulana": (JWD, "BK"),
        "Indah Lestari": (JWD, "K"),
        "Putra Wijaya": (OPR, "BK"),
        "Qonita Azzahra": (OPR, "K"),
        "Cahyo Nugroho": (OPR, "K"),
    }

    # The certificates: one for each of the 5 Kompeten, in their skema.
    sertifikat = text_of(api, root, "sertifikat")
    assert len(sertifikat) == 5
    for nama, judul in [
        ("Andi Pratama", "Junior Web Developer"),
        ("Bunga Maharani", "Junior Web Developer"),
        ("Indah Lestari", "Junior Web Developer"),
        ("Qonita Azzahra", "Operator Perakitan Kendaraan Bermotor Roda Empat"),
        ("Cahyo Nugroho", "Operator Perakitan Kendaraan Bermotor Roda Empat"),
    ]:
        assert sum(1 for t in sertifikat if rapat(nama) in t and rapat(judul) in t) == 1, nama

    # The Laporan: the same story from registration to certificates, in totals and per skema.
    assert (len(b.documents(api, root, "rekaman_asesmen")), len(b.documents(api, root, "umpan_balik_asesmen"))) == (
        8,
        8,
    )
    [laporan] = text_of(api, root, "laporan")
    says(
        laporan,
        "Pendaftar : 11 orang (diterima 10, ditolak 1, dikembalikan dan tidak dilengkapi 0, tidak diperiksa 0)",
        "Pra-asesmen : lanjut 9, tidak lanjut 1",
        "Peserta terjadwal : 9 orang (hadir 8, tidak hadir 1); dinilai 7, menolak asesmen (FR.AK.01) 1",
        "Keputusan akhir : Kompeten 5, Belum Kompeten 2, ditunda 0, menurut rapat pleno, SK penetapan dan banding",
        # Nothing carried over: the line says only what the follow-up pleno decided.
        "Keputusan yang ditunda : diputuskan dalam rapat pleno lanjutan setelah bukti tambahan: Kompeten 1, Belum "
        "Kompeten 0 Rekomendasi asesor",
        # Step 5's seven FR.AK.02 and Cahyo's on his re-assessment: the eight the period issued.
        "Rekomendasi asesor : Kompeten 4, Belum Kompeten 3 pada asesmen; Kompeten 1, Belum Kompeten 0 pada asesmen "
        "ulang setelah banding (8 FR.AK.02)",
        # FR.AK.03: the seven assessed after step 5, and Cahyo again after his re-assessment.
        "E. UMPAN BALIK PESERTA (FR.AK.03) Diisi oleh 7 asesi: 8 formulir FR.AK.03, 1 di antaranya setelah asesmen "
        "ulang (banding); jumlah dan persentase di bawah dihitung per formulir.",
        "Sertifikat terbit : 5 lembar",
        "Banding : diajukan 2, diterima 1, ditolak 1; ditetapkan Kompeten setelah asesmen ulang (SK perubahan "
        "penetapan) 1",
        # Section B lists each skema once, in full; its tables of counts name the skema by its place in that list.
        "No. Skema Nomor skema 1 Junior Web Developer SKM/LSP-STMI/001/2024 2 Operator Perakitan Kendaraan Bermotor "
        "Roda Empat SKM/LSP-STMI/002/2024 3 Analis Pengendalian Mutu Produk Polimer SKM/LSP-STMI/003/2024",
        # Skema | Target | Pendaftar | Diterima | Ditolak | Tidak dilengkapi | Tidak diperiksa |
        # Pra-asesmen tidak lanjut | Peserta terjadwal
        "1 2 6 6 0 0 0 1 5 2 2 4 4 0 0 0 0 4 3 1 1 0 1 0 0 0 0 Jumlah 5 11 10 1 0 0 1 9",
        # Skema | Target | Peserta | K | BK | Ditunda | Tidak hadir | Menolak FR.AK.01 | Sertifikat | Realisasi
        "1 2 5 3 1 0 0 1 3 150% 2 2 4 2 1 0 1 0 2 100% 3 1 0 0 0 0 0 0 0 0% Jumlah 5 9 5 2 0 1 1 5 100%",
        # Per asesor: Cahyo's K counted under Rudi Hartono (asesor4), who re-assessed him and whom SK 009 names;
        # Hendra Gunawan keeps Dian (absent), Putra (BK) and Qonita (K). 5 + 3 + 1 = 9 candidates, K 3 + 1 + 1 = 5.
        # Asesor | No. Reg. MET | Peserta | K | BK | Ditunda | Tidak hadir | Menolak FR.AK.01
        "1 Budi Santoso, S.Kom., M.T. MET.000.001234 2019 5 3 1 0 0 1",
        "2 Hendra Gunawan, S.T. MET.000.002517 2018 3 1 1 0 1 0",
        "3 Ir. Rudi Hartono, M.T. MET.000.006092 2021 1 1 0 0 0 0",
        "Keputusan akhir asesi yang diases ulang setelah bandingnya diterima dihitung pada asesor yang menilai ulang: "
        "Cahyo Nugroho (Operator Perakitan Kendaraan Bermotor Roda Empat), semula diases oleh Hendra Gunawan, S.T., "
        "diases ulang oleh Ir. Rudi Hartono, M.T. (banding diterima dengan Keputusan Nomor 008/LSP-STMI/SK/XII/2026; "
        "Kompeten menurut Keputusan Nomor 009/LSP-STMI/SK/XII/2026).",
    )
