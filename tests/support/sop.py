"""A period of the SOP walked through the HTTP API, each role with its own token, on the demo data.

The walk goes through the branches an LSP is audited on:
- peserta and peserta2 (Junior Web Developer, asesor `asesor`, TUK-01): peserta2's registration is
  returned once for revision, then accepted; both are Kompeten and get certificates;
- peserta3 (Operator Perakitan, asesor `asesor2`, TUK-02): one unit BK, the pleno decides BK, the
  appeal is upheld, `asesor4` re-assesses and finds every unit K, the tim banding (through Ketua LSP) decides
  K and an SK amending the SK Penetapan is issued: certificate;
- peserta4 (Operator Perakitan, TUK-02): absent on the day, carried to a later batch;
- peserta5 (Analis Mutu Polimer): registration rejected with a reason;
- TUK-01 fails its first verification, is fixed and re-verified; step 4 runs over its 1-hour standard
  and is escalated to Ketua LSP.
"""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.support import foto
from tests.support.api import Api

WIB = ZoneInfo("Asia/Jakarta")
PERIODE = "2026 Genap"
JWD = "SKM/LSP-STMI/001/2024"  # Junior Web Developer
OPR = "SKM/LSP-STMI/002/2024"  # Operator Perakitan Kendaraan Bermotor Roda Empat
MUTU = "SKM/LSP-STMI/003/2024"  # Analis Pengendalian Mutu Produk Polimer

CANDIDATES = {"peserta": JWD, "peserta2": JWD, "peserta3": OPR, "peserta4": OPR, "peserta5": MUTU}
RETURNED = {"peserta2"}
REJECTED = {"peserta5"}
ACCEPTED = [u for u in CANDIDATES if u not in REJECTED]
ASESOR_OF = {"peserta": "asesor", "peserta2": "asesor", "peserta3": "asesor2", "peserta4": "asesor2"}
TUK_OF = {"peserta": "TUK-01", "peserta2": "TUK-01", "peserta3": "TUK-02", "peserta4": "TUK-02"}
# The session of the plan (sop.jadwal) each candidate sits in: 1 is the first day's morning, 2 its afternoon.
SESI_OF = {"peserta": 1, "peserta2": 2, "peserta3": 1, "peserta4": 1}
VERIFIKATOR_OF = {"TUK-01": "asesor2", "TUK-02": "asesor3"}
TUK_GAGAL_DULU = {"TUK-01"}
ABSENT = {"peserta4"}
BK = {"peserta3"}
ASESOR_ULANG = {"peserta3": "asesor4"}
# The hours Kabid Sertifikasi gives a re-assessment (forms/asesor_ulang.json), printed on its surat tugas and FR.AK.01.
PUKUL_ULANG = {"pukul_mulai": "09.00", "pukul_selesai": "12.00"}
ASESOR_SEMUA = ["asesor", "asesor2", "asesor3", "asesor4"]  # the demo's asesor
# Ketua LSP records the appeal decisions, so sits on no pleno; Kabid Sertifikasi is competent in every field.
PLENO = ["kabid_sertifikasi", "kabid_administrasi"]
TIM_BANDING = ["direktur", "asesor3", "ketua_lsp"]
KOMPETEN = ["peserta", "peserta2", "peserta3"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def today(api: Api) -> date:
    """The service's today in WIB (a live server's clock is the wall clock)."""
    now = api.app.state.clock.now() if api.app is not None else datetime.now(WIB)
    return now.astimezone(WIB).date()


def jadwal(api: Api, kuota_min: int = 2) -> dict[str, Any]:
    d = today(api)
    return {
        "pendaftaran_mulai": d.isoformat(),
        "pendaftaran_selesai": (d + timedelta(days=7)).isoformat(),
        "asesmen_mulai": (d + timedelta(days=10)).isoformat(),
        "asesmen_selesai": (d + timedelta(days=11)).isoformat(),
        "kuota_min": kuota_min,
        "sesi": [
            {"tanggal": (d + timedelta(days=10)).isoformat(), "mulai": "08.00", "selesai": "12.00"},
            {"tanggal": (d + timedelta(days=10)).isoformat(), "mulai": "13.00", "selesai": "16.00"},
            {"tanggal": (d + timedelta(days=11)).isoformat(), "mulai": "08.00", "selesai": "12.00"},
        ],
    }


TARGET = {
    "periode": PERIODE,
    "target": [
        {"skema_nomor": JWD, "prodi": "Sistem Informasi Industri Otomotif", "jumlah": 2},
        {"skema_nomor": OPR, "prodi": "Teknik Industri Otomotif", "jumlah": 2},
        {"skema_nomor": MUTU, "prodi": "Teknik Kimia Polimer", "jumlah": 1},
    ],
}


def rencana(api: Api, kuota_min: int = 2, tuk_kode: list[str] | None = None) -> dict[str, Any]:
    return {
        "tor": {
            "latar_belakang": "Mahasiswa tingkat akhir wajib tersertifikasi sebelum lulus.",
            "dasar_hukum": "PP 10/2018 tentang BNSP; Pedoman BNSP 201 dan 301.",
            "maksud_tujuan": "Menyelenggarakan uji kompetensi bagi mahasiswa tingkat akhir.",
            "sasaran": "Lima mahasiswa dari tiga program studi.",
            "ruang_lingkup": "Tiga skema, dua TUK sewaktu di kampus.",
            "metode": "Observasi demonstrasi dan tanya jawab.",
            "penutup": "Demikian TOR ini disusun sebagai acuan pelaksanaan.",
        },
        "rab": [
            {"kelompok": "Honor asesor", "uraian": "Honor asesor", "volume": 4, "satuan": "OH", "harga_satuan": 500000},
            {"kelompok": "Konsumsi", "uraian": "Konsumsi peserta", "volume": 5, "satuan": "OK", "harga_satuan": 35000},
        ],
        "jadwal": jadwal(api, kuota_min),
        "tuk_kode": tuk_kode or ["TUK-01", "TUK-02"],
    }


def skema(api: Api, nomor: str) -> dict[str, Any]:
    r = api.get("kabid_sertifikasi", "/api/skema", params={"q": nomor})
    assert r.status_code == 200, r.text
    [found] = [s for s in r.json()["items"] if s["nomor"] == nomor]
    return found


def one(api: Api, username: str, name: str, **params: Any) -> dict[str, Any]:
    tasks = [t for t in api.inbox(username, **params) if t["name"] == name]
    assert len(tasks) == 1, (username, name, tasks)
    return tasks[0]


def tasks_named(api: Api, username: str, name: str, **params: Any) -> list[dict[str, Any]]:
    return [t for t in api.inbox(username, **params) if t["name"] == name]


def task_detail(api: Api, username: str, task_id: str) -> dict[str, Any]:
    r = api.get(username, f"/api/tasks/{task_id}")
    assert r.status_code == 200, r.text
    return r.json()


def task_data(api: Api, username: str, task_id: str) -> dict[str, Any]:
    return task_detail(api, username, task_id)["data"]


def upload(api: Api, username: str, task_id: str, name: str = "ktm.pdf", content: bytes = PDF) -> Any:
    return api.post(username, f"/api/tasks/{task_id}/berkas", files={"file": (name, content, "application/pdf")})


def upload_foto(api: Api, username: str, task_id: str, content: bytes = foto.PNG, name: str = "pas-foto.png") -> Any:
    """The candidate's pas foto, uploaded as the form's field declares (`?jenis=pas_foto`)."""
    return api.post(
        username, f"/api/tasks/{task_id}/berkas?jenis=pas_foto", files={"file": (name, content, "image/png")}
    )


def apl(api: Api, username: str, task_id: str, nomor: str) -> dict[str, Any]:
    """FR.APL.01 with a freshly uploaded pas foto (300 × 400 PNG) and evidence PDF and the declaration ticked, and
    FR.APL.02 answering every element of every unit of skema `nomor` K ("Laporan praktik")."""
    r = upload(api, username, task_id)
    assert r.status_code == 201, r.text
    f = upload_foto(api, username, task_id)
    assert f.status_code == 201, f.text
    return {
        "apl01": {
            "tujuan_asesmen": "sertifikasi",
            "pendidikan": "D3 (tingkat akhir)",
            "pas_foto_berkas_id": f.json()["id"],
            "bukti": [{"jenis": "dasar", "nama": "Kartu tanda mahasiswa", "berkas_id": r.json()["id"]}],
            "pernyataan": True,
        },
        "apl02": [mandiri(u) for u in units(api, nomor)],
    }


def mandiri(unit: dict[str, Any], kompeten: bool = True, bukti: str = "Laporan praktik") -> dict[str, Any]:
    """FR.APL.02's answer to `unit` (as /api/skema gives it): every element answered `kompeten`, with `bukti`."""
    elemen = [{"elemen": e["judul"], "kompeten": kompeten, "bukti": bukti} for e in unit["elemen"]]
    return {"unit_kode": unit["kode"], "elemen": elemen}


def pemeriksaan(data: dict[str, Any], keputusan: str, alasan: str = "") -> dict[str, Any]:
    status = "ada_memenuhi" if keputusan == "diterima" else "ada_tidak_memenuhi"
    bukti = [{"berkas_id": b["berkas_id"], "nama": b["nama"], "status": status} for b in data["apl01"]["bukti"]]
    return {"pemeriksaan": {"bukti": bukti, "keputusan": keputusan, "alasan": alasan}}


def units(api: Api, nomor: str) -> list[dict[str, Any]]:
    return skema(api, nomor)["unit"]


def penilaian(api: Api, nomor: str, bk: bool = False) -> dict[str, Any]:
    """FR.AK.02 for skema `nomor`: every unit K, or the last one BK (with its catatan) when `bk`."""
    rows = []
    skema_units = units(api, nomor)
    for i, u in enumerate(skema_units):
        gagal = bk and i == len(skema_units) - 1
        rows.append(
            {
                "kode": u["kode"],
                "judul": u["judul"],
                "rekomendasi": "BK" if gagal else "K",
                "metode": ["observasi_demonstrasi", "pertanyaan_lisan"],
                "catatan": "Belum dapat menunjukkan kinerja sesuai KUK" if gagal else "",
                "tindak_lanjut": "Asesmen ulang unit ini" if gagal else "",
            }
        )
    return {"penilaian": {"unit": rows, "umpan_balik": "Terima kasih atas partisipasinya."}}


def banding(ajukan: bool = True) -> dict[str, Any]:
    """FR.AK.04: an appeal with its reasons, or the candidate's choice not to appeal."""
    if not ajukan:
        return {"banding": {"ajukan": False}}
    return {
        "banding": {
            "ajukan": True,
            "alasan": "Unit terakhir dinilai tanpa kesempatan demonstrasi ulang",
            "proses_banding_dijelaskan": True,
            "sudah_diskusi_dengan_asesor": True,
            "melibatkan_orang_lain": False,
        }
    }


# The walks assess on the day they run, which is before the SK Jadwal's window (jadwal() puts it 10 days
# ahead): the asesor records why, as the LSP must for an assessment outside the schedule.
DI_LUAR_JADWAL = "Asesmen dimajukan atas permintaan program studi"


def kehadiran(hadir: bool = True, catatan: str = "") -> dict[str, Any]:
    """The attendance form: the day of the assessment is today (WIB), with the reason it is outside the
    SK Jadwal's window."""
    return {
        "kehadiran": {
            "hadir": hadir,
            "tanggal": datetime.now(WIB).date().isoformat(),
            "alasan_di_luar_jadwal": DI_LUAR_JADWAL,
            "catatan": catatan,
        }
    }


def verifikasi(kesimpulan: str = "sesuai") -> dict[str, Any]:
    sesuai = kesimpulan == "sesuai"
    return {
        "verifikasi": {
            "tanggal": datetime.now(WIB).date().isoformat(),
            "sarana_prasarana": [
                {
                    "item": "Komputer dan jaringan",
                    "ada": True,
                    "sesuai": sesuai,
                    "catatan": "" if sesuai else "UPS rusak",
                }
            ],
            "personil": [{"aspek": "pendidikan", "standar": "D3", "kondisi": "S1", "sesuai": True}],
            "menjamin_ketidakberpihakan": True,
            "menjamin_kerahasiaan_muk": True,
            "kesimpulan": kesimpulan,
            "catatan": "Siap dipakai" if sesuai else "Catu daya cadangan belum tersedia",
        }
    }


def start_period(api: Api, business_key: str = "LSP-2026-GENAP") -> dict[str, Any]:
    r = api.post(
        "direktur",
        "/api/process-definitions/uji_kompetensi/instances",
        json={"business_key": business_key, "data": {"periode": PERIODE}},
    )
    assert r.status_code == 201, r.text
    return r.json()


def step_1_and_2(api: Api, instance_id: int, **rencana_kw: Any) -> None:
    t = one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=instance_id)
    api.complete("direktur", t["id"], TARGET)
    t = one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=instance_id)
    api.complete("ketua_lsp", t["id"], rencana(api, **rencana_kw))


def open_registration(api: Api, instance_id: int, candidates: dict[str, str] | None = None) -> None:
    t = one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=instance_id)
    daftar = [{"username": u, "skema_nomor": k} for u, k in (candidates or CANDIDATES).items()]
    api.complete("kabid_administrasi", t["id"], {"daftar_pendaftar": daftar})


def submit_apl(api: Api, username: str, nomor: str | None = None) -> None:
    """The candidate submits FR.APL.01/02 for skema `nomor` (by default their skema in CANDIDATES)."""
    t = one(api, username, "Mengisi FR.APL.01 dan FR.APL.02")
    api.complete(username, t["id"], apl(api, username, t["id"], nomor or CANDIDATES[username]))


def check_files(api: Api, decide: dict[str, tuple[str, str]]) -> None:
    """Kabid Administrasi decides each waiting registration: username -> (keputusan, alasan)."""
    for t in tasks_named(api, "kabid_administrasi", "Memeriksa kelengkapan berkas pendaftaran"):
        data = task_data(api, "kabid_administrasi", t["id"])
        username = data["pendaftar"]["username"]
        if username in decide:
            api.complete("kabid_administrasi", t["id"], pemeriksaan(data, *decide[username]))


def close_registration(api: Api, instance_id: int) -> None:
    t = one(api, "kabid_administrasi", "Menutup pendaftaran", instance_id=instance_id)
    api.complete("kabid_administrasi", t["id"], {"penutupan": {"alasan": "Semua berkas telah diperiksa"}})
    api.drain()


def step_3_registration(api: Api, instance_id: int) -> None:
    open_registration(api, instance_id)
    for username in CANDIDATES:
        submit_apl(api, username)
    first = {u: ("diterima", "") for u in CANDIDATES if u not in RETURNED | REJECTED}
    first |= {u: ("dikembalikan", "Pindaian KTM tidak terbaca; unggah ulang") for u in RETURNED}
    first |= {u: ("ditolak", "Bukan mahasiswa tingkat akhir") for u in REJECTED}
    check_files(api, first)
    for username in RETURNED:
        submit_apl(api, username)
    check_files(api, {u: ("diterima", "") for u in RETURNED})
    close_registration(api, instance_id)


def assignment(candidates: list[str] | None = None) -> dict[str, Any]:
    candidates = candidates if candidates is not None else ACCEPTED
    tuks = sorted({TUK_OF[u] for u in candidates})
    return {
        "penugasan_asesor": [
            {"username": u, "asesor": ASESOR_OF[u], "tuk_kode": TUK_OF[u], "sesi": SESI_OF[u]} for u in candidates
        ],
        "penugasan_verifikator": [{"tuk_kode": k, "verifikator": VERIFIKATOR_OF[k]} for k in tuks],
    }


def step_3_assignment(api: Api, instance_id: int) -> None:
    t = one(api, "kabid_sertifikasi", "Menugaskan asesor dan verifikator TUK", instance_id=instance_id)
    api.complete("kabid_sertifikasi", t["id"], assignment())
    for asesor in sorted(set(ASESOR_OF.values())):
        for t in tasks_named(api, asesor, "Meninjau FR.APL.02 (pra-asesmen)"):
            api.complete(asesor, t["id"], {"pra_asesmen": {"rekomendasi": "lanjut", "catatan": "Bukti memadai"}})
    api.drain()


def verify_tuk(api: Api, kode: str, kesimpulan: str = "sesuai") -> None:
    verifikator = VERIFIKATOR_OF[kode]
    [t] = [
        t
        for t in tasks_named(api, verifikator, "Memverifikasi TUK dengan daftar periksa")
        if task_data(api, verifikator, t["id"])["tuk_verifikasi"]["kode"] == kode
    ]
    api.complete(verifikator, t["id"], verifikasi(kesimpulan))


def set_verified(api: Api) -> None:
    for t in tasks_named(api, "ketua_lsp", "Menetapkan TUK terverifikasi"):
        api.complete("ketua_lsp", t["id"], {"penetapan_tuk": {"ditetapkan": True, "catatan": ""}})


def step_4(api: Api) -> None:
    for kode in sorted(VERIFIKATOR_OF):
        verify_tuk(api, kode, "belum_sesuai" if kode in TUK_GAGAL_DULU else "sesuai")
    for t in tasks_named(api, "kabid_sertifikasi", "Menindaklanjuti TUK belum sesuai"):
        api.complete(
            "kabid_sertifikasi",
            t["id"],
            {"tindak_lanjut_tuk": {"tindakan": "perbaiki", "catatan": "UPS dipasang, verifikasi ulang"}},
        )
    for kode in sorted(TUK_GAGAL_DULU):
        verify_tuk(api, kode, "sesuai")
    set_verified(api)
    api.drain()


def step_5(api: Api) -> None:
    for username, asesor in ASESOR_OF.items():
        [t] = [
            t
            for t in tasks_named(api, asesor, "Mencatat kehadiran peserta")
            if task_data(api, asesor, t["id"])["peserta_asesmen"]["username"] == username
        ]
        hadir = username not in ABSENT
        api.complete(asesor, t["id"], kehadiran(hadir, "" if hadir else "Sakit"))
    present = [u for u in ASESOR_OF if u not in ABSENT]
    for username in present:
        t = one(api, username, "Menyetujui asesmen (FR.AK.01)")
        api.complete(username, t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    for username in present:
        asesor = ASESOR_OF[username]
        [t] = [
            t
            for t in tasks_named(api, asesor, "Menilai unit kompetensi (FR.AK.02)")
            if task_data(api, asesor, t["id"])["peserta_asesmen"]["username"] == username
        ]
        api.complete(asesor, t["id"], penilaian(api, CANDIDATES[username], bk=username in BK))
    for username in present:
        umpan_balik(api, username)
    api.drain()
    laporan_asesor(api)


LAPORAN = "Menyusun laporan asesmen (FR.AK.05)"


def laporan_asesmen_isi(saran: str = "Peserta BK mengulang unit yang belum kompeten") -> dict[str, Any]:
    return {
        "laporan_asesmen": {
            "aspek_positif": "Asesi siap dan TUK lengkap",
            "aspek_negatif": "Tidak ada",
            "penolakan_hasil": "Tidak ada",
            "saran_perbaikan": saran,
            "catatan": "",
        }
    }


def laporan_asesor(api: Api) -> None:
    """Every asesor hands in their FR.AK.05 for each skema and TUK they assessed at (the pleno waits for them)."""
    for asesor in ASESOR_SEMUA:
        for t in tasks_named(api, asesor, LAPORAN):
            api.complete(asesor, t["id"], laporan_asesmen_isi())
    api.drain()


def umpan_balik(api: Api, username: str, ulang: bool = False) -> None:
    """The candidate agrees with every statement of FR.AK.03 (`ulang`: on their re-assessment after an appeal)."""
    t = one(api, username, AK03_ULANG if ulang else "Memberi umpan balik asesmen (FR.AK.03)")
    statements = api.get(username, f"/api/tasks/{t['id']}").json()["form"]["schema"]["properties"]["ak03"]["required"]
    api.complete(username, t["id"], {"ak03": {**{s: True for s in statements}, "komentar": "Baik"}})


AK01_ULANG = "Menyetujui asesmen ulang (FR.AK.01)"
AK03_ULANG = "Memberi umpan balik asesmen ulang (FR.AK.03)"


def setuju_asesmen_ulang(api: Api, username: str, setuju: bool = True) -> None:
    """The candidate whose appeal was upheld agrees to the re-assessment (FR.AK.01), or refuses it with a reason."""
    t = one(api, username, AK01_ULANG)
    ak01: dict[str, Any] = (
        {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}
        if setuju
        else {"setuju": False, "catatan": "Saya memilih mengikuti uji kompetensi pada periode berikutnya"}
    )
    api.complete(username, t["id"], {"ak01": ak01})


def pleno(keputusan: dict[str, str], anggota: list[str] | None = None) -> dict[str, Any]:
    return {
        "pleno": {
            "tanggal": datetime.now(WIB).date().isoformat(),
            "waktu": "09.00",
            "tempat": "Ruang Rapat LSP",
            "anggota": anggota or PLENO,
            "notulis": (anggota or PLENO)[-1],
            "hadir": anggota or PLENO,
            "keputusan": [{"username": u, "keputusan": k, "catatan": ""} for u, k in keputusan.items()],
        }
    }


def step_6_decision(api: Api) -> None:
    present = [u for u in ASESOR_OF if u not in ABSENT]
    t = one(api, "kabid_sertifikasi", "Melaksanakan rapat pleno")
    api.complete("kabid_sertifikasi", t["id"], pleno({u: "BK" if u in BK else "K" for u in present}))
    t = one(api, "ketua_lsp", "Menyetujui SK penetapan hasil asesmen")
    api.complete("ketua_lsp", t["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})


def step_6_appeal(api: Api) -> None:
    for username in BK:
        t = one(api, username, "Mengajukan banding (FR.AK.04)")
        api.complete(username, t["id"], banding())
        t = one(api, "ketua_lsp", "Membentuk tim banding")
        api.complete("ketua_lsp", t["id"], {"tim_banding": {"anggota": TIM_BANDING}})
        t = one(api, "ketua_lsp", "Memutuskan banding")
        api.complete(
            "ketua_lsp",
            t["id"],
            {"keputusan_banding": {"keputusan": "diterima", "pertimbangan": "Bukti baru diterima tim banding"}},
        )
        t = one(api, "kabid_sertifikasi", "Menugaskan asesor asesmen ulang")
        api.complete(
            "kabid_sertifikasi",
            t["id"],
            {"asesor_ulang": {"asesor": ASESOR_ULANG[username], **PUKUL_ULANG, "catatan": ""}},
        )
        setuju_asesmen_ulang(api, username)
        t = one(api, ASESOR_ULANG[username], "Menilai ulang unit kompetensi (FR.AK.02)")
        api.complete(ASESOR_ULANG[username], t["id"], penilaian(api, CANDIDATES[username]))
        umpan_balik(api, username, ulang=True)
        t = one(api, "ketua_lsp", "Memutuskan hasil asesmen ulang")
        api.complete("ketua_lsp", t["id"], keputusan_asesmen_ulang())
    api.drain()


def keputusan_asesmen_ulang(keputusan: str = "K", alasan: str = "Semua unit asesmen ulang Kompeten") -> dict[str, Any]:
    """The tim banding's decision on a re-assessment (recorded by Ketua LSP, who sits on no pleno)."""
    return {"keputusan_asesmen_ulang": {"keputusan": keputusan, "alasan": alasan}}


def nomor_sertifikat(candidates: list[str], start: int = 1) -> list[dict[str, str]]:
    """BNSP's numbers for the candidates' certificates, numbered from `start`."""
    return [
        {
            "username": u,
            "no_sertifikat": f"62090 2512 4 {i:07d} 2026",
            "no_registrasi": f"TIK 1234 {i:05d} 2026",
            "no_blangko": f"B-{i:05d}",
        }
        for i, u in enumerate(candidates, start)
    ]


def step_6_certificates(api: Api) -> None:
    t = one(api, "kabid_administrasi", "Mencatat nomor sertifikat dari BNSP")
    api.complete("kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": nomor_sertifikat(KOMPETEN)}})
    api.drain()


def step_7(api: Api, instance_id: int) -> None:
    t = one(
        api, "ketua_lsp", "Evaluasi dan pelaporan pelaksanaan uji kompetensi dan sertifikasi", instance_id=instance_id
    )
    api.complete(
        "ketua_lsp",
        t["id"],
        {
            "evaluasi": {
                "ringkasan": "Uji kompetensi terlaksana sesuai jadwal.",
                "temuan": "Satu peserta tidak hadir; satu banding diterima.",
                "rekomendasi": "Jadwalkan peserta yang tidak hadir pada batch berikutnya.",
                "realisasi_anggaran": 2100000,
            }
        },
    )
    t = one(api, "direktur", "Menerima laporan uji kompetensi", instance_id=instance_id)
    api.complete("direktur", t["id"], {"diterima": True, "catatan": "Diterima."})


def step_3(api: Api, instance_id: int) -> None:
    step_3_registration(api, instance_id)
    step_3_assignment(api, instance_id)


def step_6(api: Api, instance_id: int) -> None:
    step_6_decision(api)
    step_6_appeal(api)
    step_6_certificates(api)


def walk_period(api: Api, business_key: str = "LSP-2026-GENAP") -> int:
    instance_id = start_period(api, business_key)["id"]
    step_1_and_2(api, instance_id)
    step_3(api, instance_id)
    step_4(api)
    step_5(api)
    step_6(api, instance_id)
    step_7(api, instance_id)
    return instance_id
