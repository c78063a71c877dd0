"""A period of the SOP walked through the HTTP API, each role with its own token.

Candidates: peserta, peserta2, peserta3 accepted, peserta4 not accepted (berkas tidak lengkap).
asesor assesses peserta and peserta2, asesor2 assesses peserta3; peserta3 gets a BK unit.
"""

from typing import Any

from tests.conftest import Api

PERIODE = "2026 Genap"
CANDIDATES = {
    "peserta": ("SKM-TI-01", "Operator Komputer Madya"),
    "peserta2": ("SKM-TI-01", "Operator Komputer Madya"),
    "peserta3": ("SKM-MI-02", "Pemrogram Junior"),
    "peserta4": ("SKM-MI-02", "Pemrogram Junior"),
}
REJECTED = {"peserta4"}
ASESOR_OF = {"peserta": "asesor", "peserta2": "asesor", "peserta3": "asesor2"}
TUK_OF = {"peserta": "TUK-01", "peserta2": "TUK-01", "peserta3": "TUK-02"}
VERIFIKATOR_OF = {"TUK-01": "asesor", "TUK-02": "asesor2"}
BK = {"peserta3"}
SERTIFIKAT = {
    "peserta": {"no_sertifikat": "62090 2512 4 0000001 2026", "no_registrasi": "TIK 1234 00001 2026"},
    "peserta2": {"no_sertifikat": "62090 2512 4 0000002 2026", "no_registrasi": "TIK 1234 00002 2026"},
}

TARGET = {
    "periode": PERIODE,
    "target": [
        {
            "skema_kode": "SKM-TI-01",
            "skema_judul": "Operator Komputer Madya",
            "prodi": "Teknik Informatika",
            "jumlah": 2,
        },
        {"skema_kode": "SKM-MI-02", "skema_judul": "Pemrogram Junior", "prodi": "Manajemen Informatika", "jumlah": 2},
    ],
}
RENCANA = {
    "tor": {
        "latar_belakang": "Mahasiswa tingkat akhir wajib tersertifikasi sebelum lulus.",
        "maksud_tujuan": "Menyelenggarakan uji kompetensi bagi mahasiswa tingkat akhir.",
        "ruang_lingkup": "Dua skema, dua TUK sewaktu di kampus.",
        "metode": "Observasi demonstrasi dan tanya jawab.",
    },
    "rab": [
        {
            "kelompok": "Honor asesor",
            "uraian": "Honor asesor kompetensi",
            "volume": 3,
            "satuan": "OH",
            "harga_satuan": 500000,
        },
        {"kelompok": "Konsumsi", "uraian": "Konsumsi peserta", "volume": 4, "satuan": "OK", "harga_satuan": 35000},
    ],
    "jadwal": {
        "pendaftaran_mulai": "2026-03-02",
        "pendaftaran_selesai": "2026-03-09",
        "asesmen_mulai": "2026-03-16",
        "asesmen_selesai": "2026-03-20",
    },
    "tuk": [
        {"kode": "TUK-01", "nama": "Lab Komputer 1", "jenis": "sewaktu", "alamat": "Jl. Letjen Suprapto 26, Jakarta"},
        {"kode": "TUK-02", "nama": "Lab Pemrograman", "jenis": "sewaktu", "alamat": "Jl. Letjen Suprapto 26, Jakarta"},
    ],
}


def apl(username: str) -> dict[str, Any]:
    return {
        "apl01": {
            "nama_lengkap": f"Nama {username.title()}",
            "nik": "3171234567890123",
            "tempat_lahir": "Jakarta",
            "tanggal_lahir": "2004-05-17",
            "jenis_kelamin": "P",
            "alamat": "Jl. Cempaka Putih 1, Jakarta",
            "hp": "081234567890",
            "email": f"{username}@mhs.example.ac.id",
            "pendidikan": "D3 (tingkat akhir)",
            "tujuan_asesmen": "sertifikasi",
            "bukti": [{"nama": "Kartu tanda mahasiswa", "keterangan": "pindaian"}],
        },
        "apl02": [{"unit_kode": "J.620100.004.02", "kompeten": True, "bukti": "Laporan praktik"}],
    }


def pemeriksaan(username: str) -> dict[str, Any]:
    ok = username not in REJECTED
    return {
        "pemeriksaan": {
            "bukti": [{"nama": "Kartu tanda mahasiswa", "status": "ada_memenuhi" if ok else "tidak_ada"}],
            "keputusan": "diterima" if ok else "tidak_diterima",
            "catatan": "Lengkap" if ok else "Bukti tidak ada",
        }
    }


def penilaian(username: str) -> dict[str, Any]:
    return {
        "penilaian": {
            "hadir": True,
            "unit": [
                {"kode": "J.620100.004.02", "judul": "Menggunakan struktur data", "rekomendasi": "K", "catatan": ""},
                {
                    "kode": "J.620100.005.02",
                    "judul": "Mengimplementasikan user interface",
                    "rekomendasi": "BK" if username in BK else "K",
                    "catatan": "",
                },
            ],
            "umpan_balik": "Peserta menguasai unit dengan baik.",
        }
    }


def one(api: Api, username: str, name: str, **params: Any) -> dict[str, Any]:
    tasks = [t for t in api.inbox(username, **params) if t["name"] == name]
    assert len(tasks) == 1, (username, name, tasks)
    return tasks[0]


def task_data(api: Api, username: str, task_id: str) -> dict[str, Any]:
    r = api.get(username, f"/api/tasks/{task_id}")
    assert r.status_code == 200, r.text
    return r.json()


def start_period(api: Api, business_key: str = "LSP-2026-GENAP") -> dict[str, Any]:
    r = api.post(
        "direktur",
        "/api/process-definitions/uji_kompetensi/instances",
        json={"business_key": business_key, "data": {"periode": PERIODE}},
    )
    assert r.status_code == 201, r.text
    return r.json()


def step_1_and_2(api: Api, instance_id: int) -> None:
    t = one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=instance_id)
    api.complete("direktur", t["id"], TARGET)
    t = one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=instance_id)
    api.complete("ketua_lsp", t["id"], RENCANA)


def step_3(api: Api, instance_id: int) -> None:
    t = one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=instance_id)
    daftar = [{"username": u, "skema_kode": k, "skema_judul": j} for u, (k, j) in CANDIDATES.items()]
    api.complete("kabid_administrasi", t["id"], {"daftar_pendaftar": daftar})
    for username in CANDIDATES:
        t = one(api, username, "Mengisi FR.APL.01 dan FR.APL.02")
        api.complete(username, t["id"], apl(username))
    berkas = [t for t in api.inbox("kabid_administrasi") if t["name"] == "Memeriksa kelengkapan berkas pendaftaran"]
    assert len(berkas) == len(CANDIDATES)
    for t in berkas:
        username = task_data(api, "kabid_administrasi", t["id"])["data"]["pendaftar"]["username"]
        api.complete("kabid_administrasi", t["id"], pemeriksaan(username))
    api.drain()
    t = one(api, "kabid_sertifikasi", "Menugaskan asesor dan verifikator TUK", instance_id=instance_id)
    api.complete(
        "kabid_sertifikasi",
        t["id"],
        {
            "penugasan_asesor": [{"username": u, "asesor": a, "tuk_kode": TUK_OF[u]} for u, a in ASESOR_OF.items()],
            "penugasan_verifikator": [{"tuk_kode": k, "verifikator": v} for k, v in VERIFIKATOR_OF.items()],
        },
    )


def step_4(api: Api) -> None:
    for verifikator in sorted(set(VERIFIKATOR_OF.values())):
        t = one(api, verifikator, "Memverifikasi TUK dengan daftar periksa")
        api.complete(
            verifikator,
            t["id"],
            {
                "verifikasi": {
                    "tanggal": "2026-03-12",
                    "sarana_prasarana": [{"item": "Komputer dan jaringan", "ada": True, "sesuai": True, "catatan": ""}],
                    "personil": [{"aspek": "pendidikan", "standar": "D3", "kondisi": "S1", "sesuai": True}],
                    "kesimpulan": "sesuai",
                    "catatan": "Siap dipakai",
                }
            },
        )
    for t in [t for t in api.inbox("ketua_lsp") if t["name"] == "Menetapkan TUK terverifikasi"]:
        api.complete("ketua_lsp", t["id"], {"penetapan_tuk": {"ditetapkan": True, "catatan": ""}})
    api.drain()


def step_5(api: Api) -> None:
    for username in ASESOR_OF:
        t = one(api, username, "Menyetujui asesmen (FR.AK.01)")
        api.complete(
            username, t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi", "tanya_jawab"]}}
        )
    for asesor in sorted(set(ASESOR_OF.values())):
        for t in [t for t in api.inbox(asesor) if t["name"] == "Menilai unit kompetensi (FR.AK.02)"]:
            username = task_data(api, asesor, t["id"])["data"]["peserta_asesmen"]["username"]
            api.complete(asesor, t["id"], penilaian(username))
    for username in ASESOR_OF:
        t = one(api, username, "Memberi umpan balik asesmen (FR.AK.03)")
        form = task_data(api, username, t["id"])["form"]["schema"]
        statements = form["properties"]["ak03"]["required"]
        api.complete(username, t["id"], {"ak03": {**{s: True for s in statements}, "komentar": "Baik"}})
    api.drain()


def step_6(api: Api, instance_id: int) -> None:
    t = one(api, "kabid_sertifikasi", "Melaksanakan rapat pleno")
    api.complete(
        "kabid_sertifikasi",
        t["id"],
        {
            "pleno": {
                "tanggal": "2026-03-25",
                "tempat": "Ruang Rapat LSP",
                "anggota": ["kabid_sertifikasi", "ketua_lsp"],
                "keputusan": [{"username": u, "keputusan": "BK" if u in BK else "K", "catatan": ""} for u in ASESOR_OF],
            }
        },
    )
    t = one(api, "ketua_lsp", "Menyetujui SK penetapan hasil asesmen")
    api.complete("ketua_lsp", t["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
    t = one(api, "kabid_administrasi", "Mencatat nomor sertifikat dari BNSP")
    api.complete(
        "kabid_administrasi",
        t["id"],
        {
            "nomor_sertifikat": {
                "sertifikat": [
                    {"username": u, **n, "no_blangko": f"B-{i:05d}"} for i, (u, n) in enumerate(SERTIFIKAT.items(), 1)
                ]
            }
        },
    )
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
                "temuan": "Satu peserta belum kompeten pada satu unit.",
                "rekomendasi": "Pelatihan tambahan unit antarmuka pengguna.",
                "realisasi_anggaran": 1600000,
            }
        },
    )
    t = one(api, "direktur", "Menerima laporan uji kompetensi", instance_id=instance_id)
    api.complete("direktur", t["id"], {"diterima": True, "catatan": "Diterima."})


def walk_period(api: Api, business_key: str = "LSP-2026-GENAP") -> int:
    instance_id = start_period(api, business_key)["id"]
    step_1_and_2(api, instance_id)
    step_3(api, instance_id)
    step_4(api)
    step_5(api)
    step_6(api, instance_id)
    step_7(api, instance_id)
    return instance_id
