"""Demo data: one LSP P1 (Politeknik STMI Jakarta) with its staff, 3 skema, 2 TUK, 4 asesor and 40 candidates,
plus the shipped processes deployed.

DEMO ONLY: every password is `<username>-demo`. `serve` refuses to start with these users present
when UJIKOM_ENV=production.

Seeding is idempotent (a second run adds nothing) and quick: each table costs one query to see what
exists and one bulk insert, whatever the number of rows.
"""

from datetime import date
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.clock import CLOCK
from api.engine.deployments import deploy
from api.settings import Settings
from api.store.db import Database
from api.store.master import Asesor, AsesorSkema, KonflikKepentingan, LspProfil, Peserta, Skema, Tuk
from api.store.migrate import upgrade
from api.store.models import User, UserRole
from api.store.storage import FileStore

# The demo passwords are published (`<username>-demo`), so a slow hash protects nothing; a cheap one
# keeps seeding 57 users (and logging them in, in tests) fast. Real users get api.auth's full-cost hash.
_demo_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    # Called through the module attribute: tests wrap it in a cache (tests/conftest.py).
    return _demo_hasher.hash(password)


STAFF: list[tuple[str, str, list[str]]] = [
    ("direktur", "Dr. Mustofa, S.T., M.T.", ["direktur"]),
    ("ketua_lsp", "Ir. Ratna Dewi Lestari, M.M.", ["ketua_lsp"]),
    ("kabid_administrasi", "Sri Wahyuni, S.E.", ["kabid_administrasi"]),
    ("kabid_sertifikasi", "Agus Salim, S.T., M.Kom.", ["kabid_sertifikasi"]),
    ("admin", "Administrator Sistem", ["admin"]),
    ("desainer", "Perancang Proses", ["desainer"]),
]

SKEMA_JWD = "SKM/LSP-STMI/001/2024"
SKEMA_PERAKITAN = "SKM/LSP-STMI/002/2024"
SKEMA_POLIMER = "SKM/LSP-STMI/003/2024"


def _unit(kode: str, judul: str, *elemen: tuple[str, list[str]]) -> dict[str, Any]:
    return {
        "kode": kode,
        "judul": judul,
        "jenis_standar": "SKKNI",
        "elemen": [{"judul": j, "kuk": kuk} for j, kuk in elemen],
    }


SKEMA: list[dict[str, Any]] = [
    {
        "nomor": SKEMA_JWD,
        "judul": "Junior Web Developer",
        "jenis": "okupasi",
        "level_kkni": None,
        "bidang": "Teknologi Informasi dan Komunikasi",
        "unit": [
            _unit(
                "J.620100.004.02",
                "Menggunakan Struktur Data",
                (
                    "Mengidentifikasi konsep data dan struktur data",
                    [
                        "Konsep data dan struktur data diidentifikasi sesuai konteks permasalahan",
                        "Alternatif struktur data dibandingkan kelebihan dan kekurangannya",
                    ],
                ),
                (
                    "Menerapkan struktur data dan akses terhadap struktur data",
                    [
                        "Struktur data diimplementasikan sesuai bahasa pemrograman yang dipergunakan",
                        "Akses terhadap data dinyatakan dalam algoritma yang efisien",
                    ],
                ),
            ),
            _unit(
                "J.620100.005.02",
                "Mengimplementasikan User Interface",
                (
                    "Mengidentifikasi rancangan user interface",
                    [
                        "Rancangan user interface diidentifikasi sesuai kebutuhan",
                        "Komponen user interface dialog diidentifikasi sesuai konteks rancangan proses",
                    ],
                ),
                (
                    "Melakukan implementasi rancangan user interface",
                    [
                        "Menu program sesuai rancangan program diterapkan",
                        "Penempatan user interface dialog diatur secara sekuensial",
                        "Simulasi (mock-up) aplikasi yang akan dikembangkan dibuat",
                    ],
                ),
            ),
            _unit(
                "J.620100.010.01",
                "Menerapkan Perintah Eksekusi Bahasa Pemrograman Berbasis Teks, Grafik, dan Multimedia",
                (
                    "Mengidentifikasi mekanisme eksekusi source code",
                    [
                        "Cara dan tools untuk mengeksekusi source code diidentifikasi",
                        "Parameter untuk mengeksekusi source code diidentifikasi",
                    ],
                ),
                (
                    "Mengeksekusi source code",
                    [
                        "Source code dieksekusi sesuai mekanisme eksekusi tools pemrograman yang digunakan",
                        "Perbedaan antara hasil eksekusi dan yang diharapkan diidentifikasi",
                    ],
                ),
            ),
            _unit(
                "J.620100.016.01",
                "Menulis Kode dengan Prinsip Sesuai Guidelines dan Best Practices",
                (
                    "Menerapkan coding guidelines dan best practices dalam penulisan program",
                    [
                        "Kode sumber dituliskan mengikuti coding guidelines dan best practices",
                        "Struktur program dibuat sesuai konsep paradigmanya",
                        "Galat (error) ditangani",
                    ],
                ),
                (
                    "Menggunakan ukuran performansi dalam menuliskan kode sumber",
                    [
                        "Efisiensi penggunaan resources oleh kode dihitung",
                        "Kemudahan interaksi diimplementasikan sesuai standar yang berlaku",
                    ],
                ),
            ),
            _unit(
                "J.620100.017.02",
                "Mengimplementasikan Pemrograman Terstruktur",
                (
                    "Menggunakan tipe data dan kontrol program",
                    [
                        "Tipe data yang sesuai standar ditentukan",
                        "Struktur kontrol program digunakan sesuai standar",
                    ],
                ),
                (
                    "Membuat program sederhana",
                    [
                        "Program baca tulis untuk memasukkan data dan menampilkannya dibuat",
                        "Struktur kontrol percabangan dan pengulangan digunakan",
                    ],
                ),
                (
                    "Membuat program menggunakan prosedur dan fungsi",
                    [
                        "Program dengan prosedur dibuat sesuai aturan penulisan program",
                        "Program dengan fungsi dibuat sesuai aturan penulisan program",
                    ],
                ),
            ),
            _unit(
                "J.620100.019.02",
                "Menggunakan Library atau Komponen Pre-Existing",
                (
                    "Melakukan pemilihan unit-unit reuse yang potensial",
                    [
                        "Class unit reuse dari aplikasi lain yang sesuai diidentifikasi",
                        "Lisensi, hak cipta dan hak paten tidak dilanggar dalam pemanfaatan komponen reuse",
                    ],
                ),
                (
                    "Melakukan integrasi library atau komponen pre-existing dengan source code",
                    [
                        "Ketergantungan antar unit diidentifikasi",
                        "Penggunaan komponen yang sudah obsolete dihindari",
                        "Program yang dihubungkan dengan library diterapkan",
                    ],
                ),
            ),
        ],
    },
    {
        "nomor": SKEMA_PERAKITAN,
        "judul": "Operator Perakitan Kendaraan Bermotor Roda Empat",
        "jenis": "klaster",
        "level_kkni": None,
        "bidang": "Industri Otomotif",
        "unit": [
            _unit(
                "C.291000.001.01",
                "Menerapkan Keselamatan dan Kesehatan Kerja (K3) di Area Produksi",
                (
                    "Mengidentifikasi potensi bahaya di area kerja",
                    [
                        "Potensi bahaya di area perakitan diidentifikasi sesuai prosedur K3 perusahaan",
                        "Alat pelindung diri (APD) dipilih sesuai jenis pekerjaan",
                    ],
                ),
                (
                    "Melaksanakan prosedur K3",
                    [
                        "APD digunakan dengan benar selama bekerja",
                        "Kondisi tidak aman dilaporkan kepada atasan sesuai prosedur",
                    ],
                ),
            ),
            _unit(
                "C.291000.004.01",
                "Membaca Gambar Teknik dan Instruksi Kerja Perakitan",
                (
                    "Mengidentifikasi gambar teknik",
                    [
                        "Jenis gambar dan simbol teknik diidentifikasi",
                        "Ukuran dan toleransi pada gambar dibaca dengan benar",
                    ],
                ),
                (
                    "Menerapkan instruksi kerja",
                    [
                        "Urutan perakitan ditentukan sesuai instruksi kerja",
                        "Komponen dan spesifikasi torsi diidentifikasi dari lembar instruksi kerja",
                    ],
                ),
            ),
            _unit(
                "C.291000.007.01",
                "Menggunakan Peralatan Tangan dan Peralatan Bertenaga",
                (
                    "Menyiapkan peralatan",
                    [
                        "Peralatan dipilih sesuai jenis pekerjaan perakitan",
                        "Kondisi dan kalibrasi kunci torsi diperiksa sebelum digunakan",
                    ],
                ),
                (
                    "Menggunakan peralatan",
                    [
                        "Peralatan digunakan sesuai prosedur operasi standar",
                        "Pengencangan baut dilakukan sesuai nilai torsi yang ditetapkan",
                        "Peralatan dibersihkan dan disimpan kembali setelah digunakan",
                    ],
                ),
            ),
            _unit(
                "C.291000.012.01",
                "Merakit Komponen Sistem Kelistrikan Bodi",
                (
                    "Menyiapkan komponen kelistrikan",
                    [
                        "Wiring harness dan komponen diperiksa sesuai nomor part",
                        "Konektor diperiksa dari kerusakan fisik",
                    ],
                ),
                (
                    "Memasang komponen kelistrikan",
                    [
                        "Wiring harness dipasang dan dijepit pada jalur yang ditentukan",
                        "Konektor dihubungkan hingga terkunci sempurna",
                        "Fungsi lampu dan komponen kelistrikan diuji setelah pemasangan",
                    ],
                ),
            ),
            _unit(
                "C.291000.015.01",
                "Melakukan Pemeriksaan Mutu Hasil Perakitan",
                (
                    "Memeriksa hasil perakitan",
                    [
                        "Hasil perakitan diperiksa menggunakan lembar periksa (check sheet)",
                        "Ketidaksesuaian dicatat dan ditandai sesuai prosedur",
                    ],
                ),
                (
                    "Menindaklanjuti ketidaksesuaian",
                    [
                        "Ketidaksesuaian dilaporkan kepada bagian mutu",
                        "Perbaikan diverifikasi sebelum unit diteruskan ke proses berikutnya",
                    ],
                ),
            ),
        ],
    },
    {
        "nomor": SKEMA_POLIMER,
        "judul": "Analis Pengendalian Mutu Produk Polimer",
        "jenis": "kkni",
        "level_kkni": 4,
        "bidang": "Industri Kimia Polimer",
        "unit": [
            _unit(
                "C.222000.002.01",
                "Menyiapkan Sampel Uji Produk Polimer",
                (
                    "Mengambil sampel",
                    [
                        "Sampel diambil sesuai rencana pengambilan sampel",
                        "Identitas sampel dicatat pada label dan formulir",
                    ],
                ),
                (
                    "Mengkondisikan sampel",
                    [
                        "Sampel dikondisikan pada suhu dan kelembapan standar",
                        "Spesimen uji dipotong sesuai dimensi standar pengujian",
                    ],
                ),
            ),
            _unit(
                "C.222000.005.01",
                "Melakukan Pengujian Sifat Mekanik Polimer",
                (
                    "Menyiapkan alat uji",
                    [
                        "Mesin uji tarik dikalibrasi dan diatur sesuai metode uji",
                        "Spesimen dipasang pada penjepit dengan benar",
                    ],
                ),
                (
                    "Melakukan pengujian",
                    [
                        "Kekuatan tarik dan perpanjangan putus diukur sesuai metode uji",
                        "Kekerasan diukur menggunakan durometer",
                        "Data hasil uji dicatat pada lembar kerja",
                    ],
                ),
            ),
            _unit(
                "C.222000.008.01",
                "Melakukan Pengujian Sifat Termal Polimer",
                (
                    "Menyiapkan pengujian termal",
                    [
                        "Metode uji termal dipilih sesuai jenis polimer",
                        "Alat uji diperiksa dan dikalibrasi",
                    ],
                ),
                (
                    "Melaksanakan pengujian termal",
                    [
                        "Indeks alir leleh (MFI) diukur sesuai standar",
                        "Hasil pengujian dibandingkan dengan spesifikasi produk",
                    ],
                ),
            ),
            _unit(
                "C.222000.011.01",
                "Menerapkan Pengendalian Proses Statistik",
                (
                    "Mengumpulkan data proses",
                    [
                        "Data karakteristik mutu dikumpulkan sesuai rencana pengendalian",
                        "Data dikelompokkan ke dalam subgrup",
                    ],
                ),
                (
                    "Membuat dan menganalisis peta kendali",
                    [
                        "Peta kendali X-bar dan R dibuat",
                        "Penyebab titik di luar batas kendali diidentifikasi",
                        "Kapabilitas proses dihitung",
                    ],
                ),
            ),
            _unit(
                "C.222000.014.01",
                "Menyusun Laporan Hasil Pengujian Mutu",
                (
                    "Mengolah data hasil uji",
                    [
                        "Data hasil uji diolah secara statistik",
                        "Kesesuaian produk terhadap spesifikasi disimpulkan",
                    ],
                ),
                (
                    "Menyusun laporan",
                    [
                        "Laporan disusun sesuai format yang berlaku",
                        "Laporan didistribusikan kepada pihak terkait",
                    ],
                ),
            ),
        ],
    },
]

KAMPUS = "Politeknik STMI Jakarta, Jl. Letjen Suprapto No. 26, Cempaka Putih, Jakarta Pusat 10510"

TUK: list[dict[str, Any]] = [
    {
        "kode": "TUK-01",
        "nama": "Laboratorium Komputer Terpadu",
        "jenis": "sewaktu",
        "alamat": f"Gedung C Lantai 2, {KAMPUS}",
        "penanggung_jawab": "Arief Rahman, S.Kom., M.T.I.",
        "kapasitas": 30,
    },
    {
        "kode": "TUK-02",
        "nama": "Workshop Otomotif dan Laboratorium Polimer",
        "jenis": "sewaktu",
        "alamat": f"Gedung D Lantai 1, {KAMPUS}",
        "penanggung_jawab": "Wahyu Nugraha, S.T., M.T.",
        "kapasitas": 20,
    },
]

# username, name, No. Reg. MET, MET valid until, skema they are competent in. Every skema has at least
# two competent asesor, so an assignment can always avoid a conflict of interest.
ASESOR: list[tuple[str, str, str, date, list[str]]] = [
    ("asesor", "Budi Santoso, S.Kom., M.T.", "MET.000.001234 2019", date(2028, 5, 31), [SKEMA_JWD, SKEMA_PERAKITAN]),
    ("asesor2", "Hendra Gunawan, S.T.", "MET.000.002517 2018", date(2028, 8, 31), [SKEMA_JWD, SKEMA_PERAKITAN]),
    ("asesor3", "Dr. Lestari Handayani, S.Si., M.Si.", "MET.000.004381 2020", date(2029, 2, 28), [SKEMA_POLIMER]),
    (
        "asesor4",
        "Ir. Rudi Hartono, M.T.",
        "MET.000.006092 2021",
        date(2029, 10, 31),
        [SKEMA_JWD, SKEMA_PERAKITAN, SKEMA_POLIMER],
    ),
]
# (asesor, peserta, keterangan): declared conflicts of interest.
KONFLIK: list[tuple[str, str, str]] = [
    ("asesor4", "peserta12", "Paman kandung peserta (hubungan keluarga)"),
]

PRODI = {
    "TIO": ("01", "Teknik Industri Otomotif"),
    "TKP": ("02", "Teknik Kimia Polimer"),
    "SIIO": ("03", "Sistem Informasi Industri Otomotif"),
    "TRO": ("05", "Teknologi Rekayasa Otomotif"),
}
# Place of birth -> Dukcapil region code (province, regency, district): the first six digits of a NIK.
WILAYAH = {
    "Jakarta": "317104",
    "Bekasi": "327503",
    "Bogor": "320112",
    "Depok": "327605",
    "Tangerang": "367107",
    "Bandung": "327310",
    "Karawang": "321508",
    "Cirebon": "327401",
    "Semarang": "337402",
    "Surabaya": "357809",
    "Yogyakarta": "347105",
    "Medan": "127503",
    "Palembang": "167106",
    "Padang": "137104",
    "Makassar": "737107",
    "Serang": "360411",
}
JALAN = [
    "Jl. Cempaka Putih Tengah",
    "Jl. Pramuka Raya",
    "Jl. Pemuda",
    "Jl. Kayu Putih Raya",
    "Jl. Salemba Raya",
    "Jl. Rawamangun Muka",
    "Jl. Percetakan Negara",
    "Jl. Pulomas Barat",
]
# The first five keep the names the demo always had. peserta = the first row, then peserta2 ... peserta40.
PESERTA: list[tuple[str, str, str, str, str]] = [
    ("Andi Pratama", "L", "SIIO", "Jakarta", "2004-03-12"),
    ("Bunga Maharani", "P", "SIIO", "Bekasi", "2004-07-25"),
    ("Cahyo Nugroho", "L", "TIO", "Semarang", "2003-11-02"),
    ("Dian Puspitasari", "P", "TIO", "Bogor", "2004-01-19"),
    ("Eko Saputra", "L", "TKP", "Karawang", "2004-05-30"),
    ("Fajar Ramadhan", "L", "SIIO", "Jakarta", "2004-10-27"),
    ("Gita Permatasari", "P", "SIIO", "Depok", "2005-02-14"),
    ("Hafidz Maulana", "L", "SIIO", "Tangerang", "2004-08-08"),
    ("Indah Lestari", "P", "SIIO", "Bandung", "2004-04-21"),
    ("Joko Susilo", "L", "SIIO", "Yogyakarta", "2003-12-09"),
    ("Kartika Sari", "P", "SIIO", "Jakarta", "2004-06-03"),
    ("Lukman Hakim", "L", "SIIO", "Serang", "2004-09-16"),
    ("Maya Anggraini", "P", "SIIO", "Padang", "2004-02-28"),
    ("Nanda Prasetyo", "L", "SIIO", "Bekasi", "2005-01-07"),
    ("Oktaviani Putri", "P", "SIIO", "Jakarta", "2004-10-11"),
    ("Putra Wijaya", "L", "TIO", "Medan", "2004-03-04"),
    ("Qonita Azzahra", "P", "TIO", "Bogor", "2004-12-22"),
    ("Rizky Firmansyah", "L", "TIO", "Jakarta", "2004-07-13"),
    ("Siti Aminah", "P", "TIO", "Cirebon", "2004-05-05"),
    ("Teguh Santoso", "L", "TIO", "Surabaya", "2003-10-30"),
    ("Ulfa Rahmawati", "P", "TIO", "Depok", "2004-08-18"),
    ("Vino Aditya", "L", "TIO", "Tangerang", "2004-11-26"),
    ("Wulan Dewi Sartika", "P", "TIO", "Jakarta", "2004-01-31"),
    ("Yoga Pratama", "L", "TRO", "Palembang", "2004-06-24"),
    ("Zahra Amelia", "P", "TRO", "Bekasi", "2005-03-15"),
    ("Arif Hidayat", "L", "TRO", "Karawang", "2004-09-02"),
    ("Bella Safitri", "P", "TRO", "Jakarta", "2004-04-10"),
    ("Dimas Saputra", "L", "TRO", "Makassar", "2004-02-06"),
    ("Erlina Wati", "P", "TKP", "Serang", "2004-07-07"),
    ("Fikri Haikal", "L", "TKP", "Bandung", "2004-12-01"),
    ("Galih Setiawan", "L", "TKP", "Jakarta", "2003-09-23"),
    ("Hana Fitriani", "P", "TKP", "Bogor", "2004-05-17"),
    ("Ilham Akbar", "L", "TKP", "Medan", "2004-03-29"),
    ("Jessica Halim", "P", "TKP", "Jakarta", "2004-11-08"),
    ("Kevin Sutanto", "L", "TKP", "Tangerang", "2004-08-27"),
    ("Larasati Ayuningtyas", "P", "TKP", "Yogyakarta", "2004-06-12"),
    ("Muhammad Rafi", "L", "TKP", "Depok", "2004-10-04"),
    ("Nur Aisyah", "P", "TKP", "Cirebon", "2005-01-20"),
    ("Okky Firmansyah", "L", "TKP", "Bekasi", "2004-04-01"),
    ("Putri Ramadhani", "P", "TKP", "Jakarta", "2004-09-28"),
]
ANGKATAN = "23"  # final-year students of the 2023 intake sit the test before graduating


def peserta_username(n: int) -> str:
    return "peserta" if n == 1 else f"peserta{n}"


def _nik(wilayah: str, lahir: date, jenis_kelamin: str, urut: int) -> str:
    # Dukcapil layout: region(6) + birth day (plus 40 for women) month year(6) + serial(4).
    hari = lahir.day + (40 if jenis_kelamin == "P" else 0)
    return f"{wilayah}{hari:02d}{lahir.month:02d}{lahir.year % 100:02d}{urut:04d}"


def peserta_rows() -> list[dict[str, Any]]:
    """The 40 demo candidates' master data, keyed by username (user ids are filled in when seeding)."""
    rows = []
    urut_prodi: dict[str, int] = {}
    for n, (nama, jk, prodi, tempat, lahir_iso) in enumerate(PESERTA, start=1):
        urut_prodi[prodi] = urut_prodi.get(prodi, 0) + 1
        kode_prodi, nama_prodi = PRODI[prodi]
        lahir = date.fromisoformat(lahir_iso)
        username = peserta_username(n)
        rows.append(
            {
                "username": username,
                "nama": nama,
                "nim": f"{ANGKATAN}{kode_prodi}{urut_prodi[prodi]:03d}",
                "prodi": nama_prodi,
                "nik": _nik(WILAYAH[tempat], lahir, jk, n),
                "tempat_lahir": tempat,
                "tanggal_lahir": lahir,
                "jenis_kelamin": jk,
                "alamat": f"{JALAN[n % len(JALAN)]} No. {(n * 7) % 90 + 3}, Jakarta",
                "telepon": f"08129{n * 7919 % 10_000_000:07d}",
                "email": f"{username}@example.ac.id",
            }
        )
    return rows


def demo_users() -> list[tuple[str, str, list[str]]]:
    """Every demo user: staff, asesor and candidates (username = role code for the one-per-role users)."""
    return (
        STAFF
        + [(username, nama, ["asesor"]) for username, nama, *_ in ASESOR]
        + [(peserta_username(n), row[0], ["peserta"]) for n, row in enumerate(PESERTA, start=1)]
    )


DEMO_USERS = demo_users()


def demo_password(username: str) -> str:
    return f"{username}-demo"


def seed_users(session: Session) -> int:
    """The demo users and the master data that goes with them (LSP, skema, TUK, asesor, peserta).

    Returns the number of users created; records that already exist are left as they are.
    """
    existing = set(session.scalars(select(User.username)))
    now = CLOCK.now()
    new = [
        User(
            username=username,
            full_name=full_name,
            password_hash=hash_password(demo_password(username)),
            active=True,
            is_demo=True,
            created_at=now,
            roles=[UserRole(role=r) for r in roles],
        )
        for username, full_name, roles in DEMO_USERS
        if username not in existing
    ]
    session.add_all(new)
    session.flush()
    seed_master_data(session)
    return len(new)


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def seed_master_data(session: Session) -> None:
    """The demo LSP's master data, for the demo users already in the database. Adds only what is missing."""
    now = CLOCK.now()
    user_id = dict(session.execute(select(User.username, User.id)).all())

    if session.get(LspProfil, 1) is None:
        session.add(
            LspProfil(
                id=1,
                nama="LSP Politeknik STMI Jakarta",
                kode="LSP-STMI",
                no_lisensi="BNSP-LSP-1187-ID",
                lisensi_berlaku_sd=date(2029, 12, 31),
                alamat="Jl. Letjen Suprapto No. 26, Cempaka Putih",
                kota="Jakarta Pusat",
                telepon="(021) 4240001",
                email="lsp@stmi.example.ac.id",
                website="https://lsp.stmi.example.ac.id",
                ketua_user_id=user_id.get("ketua_lsp"),
                rasio_asesi_per_asesor=10,
                masa_banding_hari=14,
                masa_berlaku_sertifikat_tahun=3,
                updated_at=now,
                updated_by="seed-demo",
            )
        )

    skema_ada = set(session.scalars(select(Skema.nomor)))
    _insert(
        session,
        Skema,
        [
            {**s, "dalam_lisensi": True, "aktif": True, "created_at": now, "updated_at": now}
            for s in SKEMA
            if s["nomor"] not in skema_ada
        ],
    )
    tuk_ada = set(session.scalars(select(Tuk.kode)))
    _insert(
        session,
        Tuk,
        [{**t, "aktif": True, "created_at": now, "updated_at": now} for t in TUK if t["kode"] not in tuk_ada],
    )

    asesor_ada = set(session.scalars(select(Asesor.user_id)))
    asesor_baru = [a for a in ASESOR if a[0] in user_id and user_id[a[0]] not in asesor_ada]
    _insert(
        session,
        Asesor,
        [
            {
                "user_id": user_id[username],
                "no_reg_met": met,
                "met_berlaku_sd": berlaku,
                "aktif": True,
                "created_at": now,
                "updated_at": now,
            }
            for username, _, met, berlaku, _ in asesor_baru
        ],
    )
    # Competences only for asesor created now: a second run must not undo an administrator's changes.
    if asesor_baru:
        asesor_id = dict(session.execute(select(Asesor.user_id, Asesor.id)).all())
        skema_id = dict(session.execute(select(Skema.nomor, Skema.id)).all())
        _insert(
            session,
            AsesorSkema,
            [
                {"asesor_id": asesor_id[user_id[username]], "skema_id": skema_id[nomor]}
                for username, _, _, _, kompeten in asesor_baru
                for nomor in kompeten
            ],
        )

    peserta_ada = set(session.scalars(select(Peserta.user_id)))
    _insert(
        session,
        Peserta,
        [
            {
                **{k: v for k, v in row.items() if k not in ("username", "nama")},
                "user_id": user_id[row["username"]],
                "aktif": True,
                "created_at": now,
                "updated_at": now,
            }
            for row in peserta_rows()
            if row["username"] in user_id and user_id[row["username"]] not in peserta_ada
        ],
    )

    asesor_of = dict(session.execute(select(Asesor.user_id, Asesor.id)).all())
    peserta_of = dict(session.execute(select(Peserta.user_id, Peserta.id)).all())
    konflik_ada = {
        tuple(r) for r in session.execute(select(KonflikKepentingan.asesor_id, KonflikKepentingan.peserta_id))
    }
    konflik_baru = []
    for asesor, peserta, keterangan in KONFLIK:
        pair = (asesor_of.get(user_id.get(asesor, -1)), peserta_of.get(user_id.get(peserta, -1)))
        if None not in pair and pair not in konflik_ada:
            konflik_baru.append(
                {
                    "asesor_id": pair[0],
                    "peserta_id": pair[1],
                    "keterangan": keterangan,
                    "dinyatakan_at": now,
                    "dinyatakan_oleh": "kabid_sertifikasi",
                }
            )
    _insert(session, KonflikKepentingan, konflik_baru)
    session.flush()


def shipped_files(settings: Settings) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(Path(settings.processes_dir).glob("*.bpmn"))}
    files |= {p.name: p.read_bytes() for p in sorted(Path(settings.forms_dir).glob("*.json"))}
    return files


def deploy_shipped(session: Session, settings: Settings, actor: str = "seed-demo") -> int | None:
    """Deploy processes/ and forms/; None when exactly these files are already the deployed ones."""
    result = deploy(session, shipped_files(settings), actor, CLOCK.now())
    return result.deployment.id if result.created else None


# The demo LSP's logo (DEMO ONLY: an LSP uploads its own with PUT /api/lsp/logo).
DEMO_LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">
<circle cx="100" cy="100" r="96" fill="#1f3a68"/>
<circle cx="100" cy="100" r="80" fill="none" stroke="#f2b705" stroke-width="6" stroke-dasharray="14 8"/>
<circle cx="100" cy="100" r="62" fill="#ffffff"/>
<text x="100" y="96" font-family="DejaVu Sans, sans-serif" font-size="34" font-weight="bold" fill="#1f3a68"
 text-anchor="middle">LSP</text>
<text x="100" y="130" font-family="DejaVu Sans, sans-serif" font-size="24" font-weight="bold" fill="#f2b705"
 text-anchor="middle">STMI</text>
</svg>
"""


def seed_demo_logo(session: Session, settings: Settings) -> None:
    """Give the demo LSP profile a logo when it has none (stored like an upload, by its SHA-256)."""
    lsp = session.get(LspProfil, 1)
    if lsp is None or lsp.logo_sha256:
        return
    lsp.logo_sha256 = FileStore(settings.data_dir / "berkas").put(DEMO_LOGO_SVG.encode())
    lsp.logo_content_type = "image/svg+xml"


def has_demo_users(session: Session) -> bool:
    return session.scalars(select(User.id).where(User.is_demo.is_(True), User.active.is_(True))).first() is not None


def demo_database(settings: Settings) -> Database:
    """Migrate the settings' database to the latest schema and load the demo data (tests, benchmarks)."""
    upgrade(settings.effective_database_url)
    database = Database(settings.effective_database_url)
    with database.transaction() as session:
        seed_users(session)
        seed_demo_logo(session, settings)
        deploy_shipped(session, settings)
    return database
