"""Every form the processes use is drawn by the one renderer: each property has a labelled control (a label,
or a legend for a group), and what a browser submits of the drawn form reads back as the same data, valid
against the form by the server's own validator. Once per file in forms/ with data written by hand, and once
per task of a whole period walked through the API, on the form as GET /api/tasks/{id} serves it (choices
and pre-filled values filled in) with the data the walk submits."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from api.engine.forms import form_errors
from api.settings import PROJECT_ROOT
from api.ui import formulir
from tests.support import sop
from tests.support.api import Api
from tests.support.form_html import read, submitted

FORMS = {p.name: json.loads(p.read_text()) for p in sorted((PROJECT_ROOT / "forms").glob("*.json"))}
TOR = ["latar_belakang", "dasar_hukum", "maksud_tujuan", "sasaran", "ruang_lingkup", "metode", "penutup"]

# One filled-in answer per form, as a person would give it (every property used somewhere).
SAMPLES: dict[str, dict[str, Any]] = {
    "ak01_persetujuan.json": {
        "ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["portofolio", "observasi"], "catatan": "Siap"}
    },
    "ak02_penilaian.json": {
        "penilaian": {
            "unit": [
                {"kode": "J.620100.004.02", "judul": "Struktur data", "rekomendasi": "K", "metode": ["portofolio"]},
                {
                    "kode": "J.620100.009.01",
                    "judul": "Spesifikasi program",
                    "rekomendasi": "BK",
                    "metode": ["observasi_demonstrasi", "wawancara"],
                    "catatan": "Belum sesuai KUK 2.1",
                    "tindak_lanjut": "Asesmen ulang unit ini",
                },
            ],
            "umpan_balik": "Pertahankan dokumentasi kode.",
        }
    },
    "ak03_umpan_balik.json": {
        "ak03": {
            "penjelasan_proses": True,
            "kesempatan_mempelajari_standar": True,
            "diskusi_metode": False,
            "menggali_bukti": True,
            "kesempatan_demonstrasi": True,
            "penjelasan_keputusan": True,
            "umpan_balik_asesor": False,
            "mempelajari_dokumen": True,
            "jaminan_kerahasiaan": True,
            "komunikasi_efektif": True,
            "komentar": "Asesor ramah.\nRuang agak panas.",
        }
    },
    "apl01_apl02.json": {
        "apl01": {
            "tujuan_asesmen": "sertifikasi",
            "pendidikan": "D3 Teknik Informatika (tingkat akhir)",
            "pekerjaan": {
                "nama_institusi": "PT Maju Jaya",
                "jabatan": "Magang",
                "alamat": "Jl. Letjen Suprapto No. 26, Jakarta",
                "telepon": "021-4247890",
                "email": "hrd@majujaya.co.id",
            },
            "pas_foto_berkas_id": 10,
            "bukti": [
                {"jenis": "dasar", "nama": "Kartu tanda mahasiswa", "berkas_id": 11},
                {"jenis": "portofolio", "nama": "Laporan praktik kerja", "berkas_id": 12},
            ],
            "pernyataan": True,
        },
        "apl02": [
            {
                "unit_kode": "J.620100.004.02",
                "elemen": [
                    {
                        "elemen": "Mengidentifikasi konsep data dan struktur data",
                        "kompeten": True,
                        "bukti": "Laporan praktik",
                    },
                    {"elemen": "Menerapkan struktur data dan akses terhadap struktur data", "kompeten": False},
                ],
            },
            {"unit_kode": "J.620100.009.01", "elemen": [{"elemen": "Menyusun dokumentasi", "kompeten": False}]},
        ],
    },
    "ak05_laporan.json": {
        "laporan_asesmen": {
            "aspek_positif": "Asesi siap dan TUK lengkap",
            "aspek_negatif": "Satu asesi terlambat",
            "penolakan_hasil": "Tidak ada",
            "saran_perbaikan": "Latihan ulang unit 3",
            "catatan": "Lancar",
        }
    },
    "asesor_ulang.json": {
        "asesor_ulang": {
            "asesor": "asesor4",
            "tanggal_mulai": "2026-12-03",
            "pukul_mulai": "09.00",
            "pukul_selesai": "12.00",
            "tanggal_selesai": "2026-12-04",
            "catatan": "Bukan asesor semula",
        }
    },
    "banding_ak04.json": {
        "banding": {
            "ajukan": True,
            "alasan": "Unit terakhir dinilai tanpa demonstrasi ulang",
            "proses_banding_dijelaskan": True,
            "sudah_diskusi_dengan_asesor": False,
            "melibatkan_orang_lain": False,
        }
    },
    "eskalasi.json": {"eskalasi": {"tindakan": "Menghubungi verifikator", "catatan": "Dijadwalkan besok"}},
    "evaluasi_pelaporan.json": {
        "evaluasi": {
            "ringkasan": "Terlaksana sesuai jadwal.",
            "temuan": "",
            "rekomendasi": "Tambah TUK.",
            "realisasi_anggaran": 2100000.5,
        }
    },
    "kehadiran.json": {
        "kehadiran": {"hadir": False, "tanggal": "2026-06-11", "alasan_di_luar_jadwal": "Dimajukan", "catatan": "Sakit"}
    },
    "keputusan_banding.json": {"keputusan_banding": {"keputusan": "ditolak", "pertimbangan": "Bukti tidak baru"}},
    "bukti_tambahan_ditunda.json": {
        "bukti_tambahan": {
            "peserta": [
                {"username": "peserta3", "bukti": "Portofolio proyek perakitan"},
                {"username": "peserta5", "bukti": "Peserta tidak menyerahkan bukti tambahan"},
            ]
        }
    },
    "rekomendasi_ditunda.json": {
        "rekomendasi_ditunda": {
            "peserta": [
                {"username": "peserta3", "rekomendasi": "K", "alasan": "Bukti tambahan memadai"},
                {"username": "peserta5", "rekomendasi": "dibawa", "alasan": "Peserta sakit"},
            ]
        }
    },
    "keputusan_ditunda.json": {
        "pleno_lanjutan": {
            "tanggal": "2026-06-27",
            "waktu": "10.00",
            "tempat": "Ruang Rapat LSP",
            "anggota": ["kabid_sertifikasi", "kabid_administrasi"],
            "notulis": "kabid_administrasi",
            "hadir": ["kabid_sertifikasi", "kabid_administrasi"],
            "keputusan": [
                {"username": "peserta3", "keputusan": "K", "alasan": "Bukti tambahan menunjukkan semua unit K"},
                {"username": "peserta5", "keputusan": "dibawa", "alasan": "Peserta sakit"},
            ],
        }
    },
    "keputusan_asesmen_ulang.json": {
        "keputusan_asesmen_ulang": {"keputusan": "K", "alasan": "Semua unit asesmen ulang Kompeten"}
    },
    "membuka_pendaftaran.json": {
        "daftar_pendaftar": [
            {"username": "peserta", "skema_nomor": "SKM/LSP-STMI/001/2024"},
            {"username": "peserta3", "skema_nomor": "SKM/LSP-STMI/002/2024"},
        ]
    },
    "memeriksa_berkas.json": {
        "pemeriksaan": {
            "bukti": [
                {"berkas_id": 11, "nama": "Kartu tanda mahasiswa", "status": "ada_memenuhi"},
                {"berkas_id": 12, "nama": "Transkrip", "status": "ada_tidak_memenuhi", "catatan": "Buram"},
            ],
            "keputusan": "dikembalikan",
            "alasan": "Unggah ulang transkrip yang terbaca",
        }
    },
    "memutuskan_kuota.json": {
        "keputusan_kuota": {
            "keputusan": "tunda",
            "asesmen_mulai": "2026-07-01",
            "asesmen_selesai": "2026-07-02",
            "sesi": [{"tanggal": "2026-07-01", "mulai": "08.00", "selesai": "12.00"}],
            "alasan": "Peserta belum mencapai kuota",
        }
    },
    "mencatat_nomor_sertifikat.json": {
        "nomor_sertifikat": {
            "sertifikat": [
                {
                    "username": "peserta",
                    "no_sertifikat": "62090 2512 4 0000001 2026",
                    "no_registrasi": "TIK 1234 00001 2026",
                    "no_blangko": "B-00001",
                }
            ]
        }
    },
    "menerima_laporan.json": {"diterima": True, "catatan": "Diterima."},
    "menetapkan_target.json": {
        "periode": "2026 Genap",
        "target": [
            {"skema_nomor": "SKM/LSP-STMI/001/2024", "prodi": "Sistem Informasi Industri Otomotif", "jumlah": 2},
            {"skema_nomor": "SKM/LSP-STMI/003/2024", "prodi": "Teknik Kimia Polimer", "jumlah": 1},
        ],
        "catatan": "Sesuai renstra",
    },
    "menetapkan_tuk.json": {"penetapan_tuk": {"ditetapkan": False, "catatan": "Menunggu perbaikan"}},
    "menindaklanjuti_tuk.json": {
        "tindak_lanjut_tuk": {"tindakan": "pindah", "tuk_pengganti": "TUK-02", "catatan": "TUK-01 direnovasi"}
    },
    "menugaskan_asesor.json": {
        "penugasan_asesor": [
            {"username": "peserta", "asesor": "asesor", "tuk_kode": "TUK-01", "sesi": 1},
            {"username": "peserta3", "asesor": "asesor2", "tuk_kode": "TUK-02", "sesi": 2},
        ],
        "penugasan_verifikator": [{"tuk_kode": "TUK-01", "verifikator": "asesor2"}],
    },
    "menutup_pendaftaran.json": {"penutupan": {"alasan": "Semua berkas telah diperiksa"}},
    "menyetujui_sk_penetapan.json": {"persetujuan_sk": {"disetujui": True, "catatan": "Setuju"}},
    "menyusun_rencana.json": {
        "tor": {k: f"Isi {k.replace('_', ' ')}." for k in TOR},
        "rab": [
            {"kelompok": "Honor", "uraian": "Honor asesor", "volume": 4, "satuan": "OH", "harga_satuan": 500000},
            {"kelompok": "Konsumsi", "uraian": "Snack", "volume": 2.5, "satuan": "OK", "harga_satuan": 35000.5},
        ],
        "jadwal": {
            "pendaftaran_mulai": "2026-06-01",
            "pendaftaran_selesai": "2026-06-08",
            "asesmen_mulai": "2026-06-11",
            "asesmen_selesai": "2026-06-12",
            "kuota_min": 2,
            "sesi": [
                {"tanggal": "2026-06-11", "mulai": "08.00", "selesai": "12.00"},
                {"tanggal": "2026-06-12", "mulai": "13:00", "selesai": "16:30"},
            ],
        },
        "tuk_kode": ["TUK-01", "TUK-02"],
    },
    "pra_asesmen.json": {"pra_asesmen": {"rekomendasi": "tidak_lanjut", "catatan": "Bukti belum memadai"}},
    "rapat_pleno.json": {
        "pleno": {
            "tanggal": "2026-06-20",
            "waktu": "09.30",
            "tempat": "Ruang Rapat LSP",
            "anggota": ["kabid_sertifikasi", "kabid_administrasi"],
            "notulis": "kabid_administrasi",
            "hadir": ["kabid_sertifikasi", "kabid_administrasi"],
            "keputusan": [
                {"username": "peserta", "keputusan": "K"},
                {"username": "peserta3", "keputusan": "ditunda", "catatan": "Menunggu bukti tambahan"},
            ],
        }
    },
    "tim_banding.json": {"tim_banding": {"anggota": ["direktur", "asesor3", "kabid_administrasi"]}},
    "verifikasi_tuk.json": {
        "verifikasi": {
            "tanggal": "2026-06-05",
            "sarana_prasarana": [
                {"item": "Komputer", "ada": True, "sesuai": False, "catatan": "UPS rusak"},
                {"item": "Meja", "ada": True, "sesuai": True},
            ],
            "personil": [{"aspek": "Pendidikan", "standar": "D3", "kondisi": "S1", "sesuai": True}],
            "menjamin_ketidakberpihakan": True,
            "menjamin_kerahasiaan_muk": False,
            "kesimpulan": "belum_sesuai",
            "catatan": "Catu daya cadangan belum tersedia",
        }
    },
}


def properties(schema: dict[str, Any], data: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property the form has for `data` (the rows `data` has), with its data path."""
    for key, sub in (schema.get("properties") or {}).items():
        p = f"{path}.{key}" if path else key
        yield p, sub
        value = data.get(key) if isinstance(data, dict) else None
        if sub.get("type") == "object":
            yield from properties(sub, value or sub.get("default") or {}, p)
        elif sub.get("type") == "array" and sub["items"].get("type") == "object":
            for i, row in enumerate(value if value is not None else sub.get("default") or []):
                yield from properties(sub["items"], row, f"{p}.{i}")


def unlabelled(schema: dict[str, Any], data: Any, html: str) -> list[str]:
    """The properties with no control labelled by their title (a group's legend, a control's label)."""
    page = read(html)
    missing = []
    for path, sub in properties(schema, data):
        fid = "f-" + path.replace(".", "-")
        title = sub.get("title") or formulir.readable(path.rsplit(".", 1)[-1])
        said = page.legends.get(fid) or page.labels.get(fid) or ""
        has_control = any(c.attrs.get("id", "").startswith(fid) for c in page.controls) or fid in page.legends
        if not (said.startswith(title) and has_control):
            missing.append(f"{path}: {said!r}")
    return missing


def test_every_form_in_forms_has_a_sample_and_every_sample_is_valid() -> None:
    assert sorted(SAMPLES) == sorted(FORMS)
    assert {
        name: form_errors(FORMS[name], data) for name, data in SAMPLES.items() if form_errors(FORMS[name], data)
    } == {}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_form_file_draws_every_property_labelled_and_reads_back_the_same_data(name: str) -> None:
    schema, data = FORMS[name], SAMPLES[name]
    html = str(formulir.render(schema, data))
    assert unlabelled(schema, data, html) == []
    assert "tidak didukung" not in html
    back = formulir.parse(schema, submitted(html))
    assert back == data
    assert form_errors(schema, back) == []


@pytest.mark.parametrize("name", sorted(FORMS))
def test_an_empty_form_draws_every_property_and_reads_back_what_the_validator_names(name: str) -> None:
    schema = FORMS[name]
    html = str(formulir.render(schema, {}))
    assert unlabelled(schema, {}, html) == []
    # Sent as drawn: every error the server finds names a field the page drew (or the form itself).
    errors = form_errors(schema, formulir.parse(schema, submitted(html)))
    ids = read(html).ids
    assert [e["path"] for e in errors if e["path"] and formulir.field_id(e["path"]) not in ids] == []


def as_drawn(value: Any) -> Any:
    """The data as the renderer gives it back: an empty optional text left out, the ticked choices of a list
    of choices (a set: `uniqueItems`) in the order the form offers them."""
    if isinstance(value, dict):
        return {k: as_drawn(v) for k, v in value.items() if v != ""}
    if isinstance(value, list):
        return sorted(value) if all(isinstance(v, str) for v in value) else [as_drawn(v) for v in value]
    return value


class Drawing:
    """Api.complete that first draws the task's served form with the data about to be submitted, and checks
    what a browser would send back of it."""

    def __init__(self, api: Api) -> None:
        self.api, self.seen, self.complete = api, set[str](), api.complete
        self.titles = {schema["title"]: name for name, schema in FORMS.items()}

    def __call__(self, username: str, task_id: str, data: dict[str, Any], expect: int = 200) -> Any:
        detail = sop.task_detail(self.api, username, task_id)
        schema = detail["form"]["schema"]
        name = self.titles[schema["title"]]
        self.seen.add(name)
        proposed = str(formulir.render(schema, detail["data"] if detail["data"] else None))
        assert unlabelled(schema, {}, proposed) == [], name
        html = str(formulir.render(schema, data, upload_url=f"/api/tasks/{task_id}/berkas"))
        assert unlabelled(schema, data, html) == [], name
        back = formulir.parse(schema, submitted(html))
        assert as_drawn(back) == as_drawn(data), name
        assert form_errors(schema, back) == [], name
        return self.complete(username, task_id, back, expect)


def test_every_served_form_of_a_period_draws_and_reads_back_what_the_walk_submits(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawing = Drawing(api)
    monkeypatch.setattr(api, "complete", drawing)
    sop.walk_period(api)
    # The walk meets no escalation, no quota shortfall and no postponed decision: those forms are drawn from their
    # files above.
    assert sorted(set(FORMS) - drawing.seen) == [
        "bukti_tambahan_ditunda.json",
        "eskalasi.json",
        "keputusan_ditunda.json",
        "memutuskan_kuota.json",
        "rekomendasi_ditunda.json",
    ]


def test_a_form_with_a_keyword_no_page_can_draw_is_refused_at_deploy(api: Api) -> None:
    target = json.loads(json.dumps(FORMS["menetapkan_target.json"]))
    target["properties"]["catatan"] = {"title": "Catatan", "anyOf": [{"type": "string"}, {"type": "null"}]}
    files = {
        "uji_kompetensi.bpmn": (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text(),
        "menetapkan_target.json": json.dumps(target),
    }
    upload = [("files", (name, body.encode(), "application/octet-stream")) for name, body in files.items()]
    r = api.post("desainer", "/api/deployments/validate", files=upload)
    assert r.status_code == 200, r.text
    [error] = r.json()["errors"]
    assert (error["file"], error["element_id"]) == ("menetapkan_target.json", "properties.catatan.anyOf")
    assert "'anyOf' tidak dapat digambar oleh perender formulir" in error["message"]
