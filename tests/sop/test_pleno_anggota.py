"""Step 6, who sits on the rapat pleno (issue 12): members come from the LSP's configurable set of eligible
staff (`/api/pengurus-pleno`), never a candidate, never the asesor of a candidate decided, never an IT role,
at least one competent in each decided skema's field; the pleno records its time, notulis and daftar hadir;
the appeal is decided by someone not on the appealed pleno. (How these tests work: tests/sop/__init__.py.)
"""

from typing import Any

from sqlalchemy import select

from api.store.master import PerubahanDataInduk
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import pdf_text, rapat
from tests.support.sop_branches import Calon

OPR = sop.OPR
# peserta (JWD, Teknologi Informasi dan Komunikasi) by asesor; peserta3 (OPR, Industri Otomotif) by asesor2.
CALON = [Calon("peserta", asesor="asesor"), Calon("peserta3", OPR, asesor="asesor2", bk=True)]
KEPUTUSAN = {"peserta": "K", "peserta3": "BK"}


def pleno_waiting(api: Api) -> tuple[int, str]:
    root = b.assessed(api, CALON)
    return root, sop.one(api, "kabid_sertifikasi", b.PLENO)["id"]


def pleno(anggota: list[str], hadir: list[str] | None = None, notulis: str | None = None) -> dict[str, Any]:
    data = sop.pleno(KEPUTUSAN, anggota)
    data["pleno"]["hadir"] = hadir if hadir is not None else anggota
    data["pleno"]["notulis"] = notulis or anggota[-1]
    return data


def test_pleno_members_are_eligible_staff_independent_and_one_competent_in_the_field(api: Api) -> None:
    root, task = pleno_waiting(api)
    schema = sop.task_detail(api, "kabid_sertifikasi", task)["form"]["schema"]
    anggota = schema["properties"]["pleno"]["properties"]["anggota"]
    # Only the eligible staff are offered, by name; asesor and asesor2 assessed the candidates decided.
    assert [(c["const"], c["title"]) for c in anggota["items"]["oneOf"]] == [
        (
            "kabid_sertifikasi",
            "Agus Salim, S.T., M.Kom. — Kepala Bidang Sertifikasi (bidang Teknologi Informasi dan Komunikasi, "
            "Industri Otomotif, Industri Kimia Polimer)",
        ),
        ("ketua_lsp", "Ir. Ratna Dewi Lestari, M.M. — Ketua LSP (bidang Teknologi Informasi dan Komunikasi)"),
        (
            "asesor4",
            "Ir. Rudi Hartono, M.T. — Asesor Kompetensi (komite teknis) (bidang Teknologi Informasi dan "
            "Komunikasi, Industri Otomotif, Industri Kimia Polimer)",
        ),
        ("kabid_administrasi", "Sri Wahyuni, S.E. — Kepala Bidang Administrasi"),
    ]
    assert anggota["default"] == ["kabid_sertifikasi", "kabid_administrasi"]

    def refused(data: dict[str, Any], expect: dict[str, list[str]]) -> None:
        b.refused(api, "kabid_sertifikasi", task, data, root, expect)

    # a student (the review's probe in period A)
    refused(
        pleno(["kabid_sertifikasi", "peserta40"]),
        {"pleno.anggota.1": ["Putri Ramadhani (peserta40)", "peserta uji kompetensi"]},
    )
    # an IT role
    refused(pleno(["kabid_sertifikasi", "admin"]), {"pleno.anggota.1": ["(admin)", "peran TI", "bukan pengurus LSP"]})
    # the asesor of a candidate decided
    refused(pleno(["kabid_sertifikasi", "asesor2"]), {"pleno.anggota.1": ["(asesor2)", "asesor dari", "(peserta3)"]})
    # staff the LSP has not made eligible
    refused(pleno(["kabid_sertifikasi", "direktur"]), {"pleno.anggota.1": ["(direktur)", "bukan pengurus pleno"]})
    # nobody competent in Industri Otomotif (the Ketua: Teknologi Informasi dan Komunikasi only)
    refused(
        pleno(["ketua_lsp", "kabid_administrasi"]),
        {"pleno.anggota": ["Industri Otomotif", "Operator Perakitan Kendaraan Bermotor Roda Empat", "kompeten"]},
    )
    # the competent member did not attend
    refused(
        pleno(["kabid_sertifikasi", "ketua_lsp", "kabid_administrasi"], hadir=["ketua_lsp", "kabid_administrasi"]),
        {"pleno.anggota": ["hadir dan kompeten di bidang Industri Otomotif"]},
    )
    # the daftar hadir: members and the notulis only, at least two members, the notulis among them
    refused(
        pleno(["kabid_sertifikasi", "kabid_administrasi"], hadir=["kabid_sertifikasi", "kabid_administrasi", "asesor"]),
        {"pleno.hadir.2": ["(asesor)", "bukan anggota pleno atau notulis"]},
    )
    refused(
        pleno(
            ["kabid_sertifikasi", "kabid_administrasi"], hadir=["kabid_sertifikasi", "ketua_lsp"], notulis="ketua_lsp"
        ),
        {"pleno.hadir": ["sekurang-kurangnya 2 anggota"]},
    )
    refused(
        pleno(["kabid_sertifikasi", "kabid_administrasi"], notulis="ketua_lsp"),
        {"pleno.hadir": ["Notulis Ir. Ratna Dewi Lestari, M.M. (ketua_lsp) tidak tercantum"]},
    )
    refused(pleno(["kabid_sertifikasi", "kabid_administrasi"], notulis="desainer"), {"pleno.notulis": ["(desainer)"]})
    bad_time = pleno(["kabid_sertifikasi", "kabid_administrasi"])
    bad_time["pleno"]["waktu"] = "25.00"
    refused(bad_time, {"pleno.waktu": []})

    # A third member who was absent, a notulis who is not a member: recorded as such.
    data = pleno(
        ["kabid_sertifikasi", "kabid_administrasi", "asesor4"],
        hadir=["kabid_sertifikasi", "kabid_administrasi", "ketua_lsp"],
        notulis="ketua_lsp",
    )
    data["pleno"]["waktu"] = "13:30"
    api.complete("kabid_sertifikasi", task, data)
    [ba] = b.documents(api, root, "berita_acara_pleno")
    text = pdf_text(api, ba.id)
    for phrase in [
        "pukul 13.30 WIB, bertempat di Ruang Rapat LSP",
        "Agus Salim, S.T., M.Kom. Kepala Bidang Sertifikasi Ketua rapat",
        "Ir. Rudi Hartono, M.T. Asesor Kompetensi (komite teknis) Anggota",
        "MET.000.006092 2019 Tidak hadir".replace("2019", "2021"),
        "Notulis rapat: Ir. Ratna Dewi Lestari, M.M. (Ketua LSP). Daftar hadir rapat terlampir.",
        "DAFTAR HADIR RAPAT PLENO",
        "Pukul : 13.30 WIB",
        "1 Agus Salim, S.T., M.Kom. Ketua rapat 198409172010121004",
        "2 Sri Wahyuni, S.E. Anggota 198001102006042003",
        "3 Ir. Ratna Dewi Lestari, M.M. Notulis 197805222005012001",
    ]:
        assert rapat(phrase) in text, phrase


def test_the_appeal_is_not_decided_by_a_member_of_the_appealed_pleno(api: Api) -> None:
    root = b.assessed(api, [Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True)])
    b.decide(api, {"peserta3": "BK"}, anggota=["kabid_sertifikasi", "ketua_lsp"])
    b.appeal(api, "peserta3", tim=["direktur", "asesor3", "kabid_administrasi"])
    task = sop.one(api, "ketua_lsp", b.KEPUTUSAN_BANDING)["id"]
    b.refused(
        api,
        "ketua_lsp",
        task,
        {"keputusan_banding": {"keputusan": "ditolak", "pertimbangan": "Bukti tidak cukup"}},
        root,
        {"keputusan_banding": ["Ir. Ratna Dewi Lestari, M.M. (ketua_lsp)", "anggota rapat pleno", "dibanding"]},
    )
    assert b.documents(api, root, "sk_banding") == []


def test_the_eligible_pleno_staff_are_master_data_edited_with_their_history(api: Api) -> None:
    def post(body: dict[str, Any], status: int) -> dict[str, Any]:
        r = api.post("admin", "/api/pengurus-pleno", json=body)
        assert r.status_code == status, r.text
        result: dict[str, Any] = r.json()
        return result

    def refused(body: dict[str, Any], path: str, message: str, status: int = 422) -> None:
        errors = post(body, status)["errors"]
        assert [(e["path"], e["message"]) for e in errors] == [(path, message)]

    refused(
        {"username": "peserta40", "jabatan": "Anggota", "bidang": []},
        "username",
        "Putri Ramadhani (peserta40) adalah peserta uji kompetensi: tidak boleh menjadi anggota pleno",
    )
    refused(
        {"username": "desainer", "jabatan": "Anggota", "bidang": []},
        "username",
        "Perancang Proses (desainer) berperan desainer (peran TI), bukan pengurus LSP: tidak boleh menjadi anggota "
        "pleno",
    )
    refused(
        {"username": "direktur", "jabatan": "Anggota", "bidang": ["Kuliner"]},
        "bidang.0",
        "tidak ada skema dengan bidang 'Kuliner'",
    )
    refused(
        {"username": "kabid_sertifikasi", "jabatan": "Anggota", "bidang": []},
        "username",
        "username 'kabid_sertifikasi' sudah terdaftar",
        409,
    )
    made = post({"username": "direktur", "jabatan": "Direktur", "bidang": ["industri otomotif"]}, 201)
    assert (made["username"], made["nama"], made["bidang"], made["aktif"]) == (
        "direktur",
        "Dr. Mustofa, S.T., M.T.",
        ["Industri Otomotif"],
        True,
    )
    r = api.client.patch(
        f"/api/pengurus-pleno/{made['id']}", headers=api.headers("admin"), json={"bidang": ["Industri Kimia Polimer"]}
    )
    assert r.status_code == 200 and r.json()["bidang"] == ["Industri Kimia Polimer"], r.text
    r = api.post("admin", f"/api/pengurus-pleno/{made['id']}/nonaktifkan")
    assert r.status_code == 200 and r.json()["aktif"] is False, r.text
    with api.app.state.db.reading() as session:
        rows = session.scalars(
            select(PerubahanDataInduk)
            .where(PerubahanDataInduk.data == "pengurus_pleno")
            .order_by(PerubahanDataInduk.id)
        ).all()
        assert [(p.actor, p.subjek, p.aksi, p.perubahan) for p in rows] == [
            (
                "admin",
                "direktur",
                "dibuat",
                {
                    "jabatan": {"sebelum": None, "sesudah": "Direktur"},
                    "bidang": {"sebelum": None, "sesudah": ["Industri Otomotif"]},
                    "aktif": {"sebelum": None, "sesudah": True},
                },
            ),
            (
                "admin",
                "direktur",
                "diubah",
                {"bidang": {"sebelum": ["Industri Otomotif"], "sesudah": ["Industri Kimia Polimer"]}},
            ),
            ("admin", "direktur", "dinonaktifkan", {"aktif": {"sebelum": True, "sesudah": False}}),
        ]
