"""The demo data (api/seed/demo.json) as a newcomer meets it: who the demo users are and what they may do, the
skema with their units, the asesor with their competences and conflicts, the 40 candidates, and that seeding
again changes nothing."""

from datetime import date

from argon2 import PasswordHasher
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api import seed
from api.settings import Settings
from api.store.db import Database
from api.store.master import Asesor, AsesorSkema, KonflikKepentingan, LspProfil, Peserta, Skema, Tuk
from api.store.models import Deployment, User, UserRole

JWD = "SKM/LSP-STMI/001/2024"
PERAKITAN = "SKM/LSP-STMI/002/2024"
POLIMER = "SKM/LSP-STMI/003/2024"
PESERTA = ["peserta"] + [f"peserta{n}" for n in range(2, 41)]


def _roles(session: Session) -> dict[str, list[str]]:
    return {u.username: sorted(r.role for r in u.roles) for u in session.scalars(select(User))}


def _counts(session: Session) -> dict[str, int]:
    tables = [User, UserRole, LspProfil, Skema, Tuk, Asesor, AsesorSkema, Peserta, KonflikKepentingan, Deployment]
    return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def test_each_staff_member_has_the_role_their_username_names(db: Database) -> None:
    with db.reading() as session:
        roles = _roles(session)
    assert {u: roles[u] for u in ("direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi")} == {
        "direktur": ["direktur"],
        "ketua_lsp": ["ketua_lsp"],
        "kabid_administrasi": ["kabid_administrasi"],
        "kabid_sertifikasi": ["kabid_sertifikasi"],
    }
    assert roles["admin"] == ["admin"] and roles["desainer"] == ["desainer"]


def test_the_demo_has_four_asesor_and_forty_peserta_and_fifty_users_in_all(db: Database) -> None:
    with db.reading() as session:
        roles = _roles(session)
        demo_flags = set(session.scalars(select(User.is_demo)))
    assert sorted(u for u, r in roles.items() if r == ["asesor"]) == ["asesor", "asesor2", "asesor3", "asesor4"]
    assert sorted(u for u, r in roles.items() if r == ["peserta"]) == sorted(PESERTA)
    assert len(roles) == 50
    assert demo_flags == {True}


def test_every_demo_password_is_the_username_followed_by_dash_demo(db: Database) -> None:
    with db.reading() as session:
        hashes = dict(session.execute(select(User.username, User.password_hash)).all())
    for username in ("ketua_lsp", "asesor4", "peserta40"):
        assert PasswordHasher().verify(hashes[username], f"{username}-demo")


def test_asesor4_has_declared_a_conflict_of_interest_with_peserta12(db: Database) -> None:
    with db.reading() as session:
        konflik = session.scalars(select(KonflikKepentingan)).all()
        declared = [(k.asesor.user.username, k.peserta.user.username, k.keterangan, k.dinyatakan_oleh) for k in konflik]
    assert declared == [("asesor4", "peserta12", "Paman kandung peserta (hubungan keluarga)", "kabid_sertifikasi")]


def test_every_skema_has_units_each_with_elements_and_their_criteria(db: Database) -> None:
    with db.reading() as session:
        skema = {s.nomor: s.unit for s in session.scalars(select(Skema))}
    assert {nomor: len(unit) for nomor, unit in skema.items()} == {JWD: 6, PERAKITAN: 5, POLIMER: 5}
    for units in skema.values():
        for unit in units:
            assert unit["jenis_standar"] == "SKKNI" and unit["elemen"]
            assert all(elemen["kuk"] for elemen in unit["elemen"])
    assert skema[JWD][0]["kode"] == "J.620100.004.02"
    assert skema[JWD][0]["judul"] == "Menggunakan Struktur Data"


def test_every_skema_has_at_least_two_competent_asesor(db: Database) -> None:
    with db.reading() as session:
        competent = {s.nomor: set[str]() for s in session.scalars(select(Skema))}
        for asesor in session.scalars(select(Asesor)):
            for skema in asesor.skema:
                competent[skema.nomor].add(asesor.user.username)
    assert competent == {
        JWD: {"asesor", "asesor2", "asesor4"},
        PERAKITAN: {"asesor", "asesor2", "asesor4"},
        POLIMER: {"asesor3", "asesor4"},
    }


def test_a_candidate_reads_as_the_demo_file_has_them(db: Database) -> None:
    with db.reading() as session:
        by_username = {p.user.username: p for p in session.scalars(select(Peserta))}
    lukman, bunga = by_username["peserta12"], by_username["peserta2"]
    assert (lukman.user.full_name, lukman.nim, lukman.prodi) == (
        "Lukman Hakim",
        "2303009",
        "Sistem Informasi Industri Otomotif",
    )
    assert (lukman.nik, lukman.tempat_lahir, lukman.tanggal_lahir) == ("3604111609040012", "Serang", date(2004, 9, 16))
    assert (lukman.jenis_kelamin, lukman.email) == ("L", "peserta12@example.ac.id")
    # A woman's NIK carries her birth day plus 40: born 25 July 2004, so 650704.
    assert (bunga.jenis_kelamin, bunga.nik) == ("P", "3275036507040002")
    assert sorted(by_username) == sorted(PESERTA)


def test_the_lsp_profile_names_its_ketua_and_carries_the_demo_logo(db: Database, settings: Settings) -> None:
    sha256 = "30edd2e485690d1762072346d27b16603797cd8eee4a45554440b425089d631f"
    with db.reading() as session:
        lsp = session.get(LspProfil, 1)
        assert lsp is not None
        ketua = session.get(User, lsp.ketua_user_id)
        assert ketua is not None and ketua.username == "ketua_lsp"
        assert (lsp.nama, lsp.kode, lsp.lisensi_berlaku_sd) == (
            "LSP Politeknik STMI Jakarta",
            "LSP-STMI",
            date(2029, 12, 31),
        )
        assert (lsp.logo_sha256, lsp.logo_content_type) == (sha256, "image/svg+xml")
    assert (settings.data_dir / "berkas" / "30" / sha256).read_bytes().startswith(b"<svg ")


def test_seeding_twice_changes_nothing(db: Database, settings: Settings) -> None:
    with db.reading() as session:
        before = _counts(session)
    with db.transaction() as session:
        assert seed.seed_users(session) == 0
        seed.seed_demo_logo(session, settings)
        assert seed.deploy_shipped(session, settings) is None
    with db.reading() as session:
        after = _counts(session)
    assert (
        after
        == before
        == {
            "app_user": 50,
            "user_role": 50,
            "lsp_profil": 1,
            "skema": 3,
            "tuk": 2,
            "asesor": 4,
            "asesor_skema": 8,
            "peserta": 40,
            "konflik_kepentingan": 1,
            "deployment": 1,
        }
    )


def test_seeding_again_keeps_an_administrators_change_to_a_competence(db: Database) -> None:
    with db.transaction() as session:
        asesor4 = session.scalars(select(Asesor).join(Asesor.user).where(User.username == "asesor4")).one()
        polimer = session.scalars(select(Skema.id).where(Skema.nomor == POLIMER)).one()
        session.execute(delete(AsesorSkema).where(AsesorSkema.asesor_id == asesor4.id, AsesorSkema.skema_id == polimer))
    with db.transaction() as session:
        seed.seed_users(session)
    with db.reading() as session:
        asesor4 = session.scalars(select(Asesor).join(Asesor.user).where(User.username == "asesor4")).one()
        assert [s.nomor for s in asesor4.skema] == [JWD, PERAKITAN]
