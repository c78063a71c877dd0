"""The validator of "Membuka pendaftaran" (`periksa_pendaftar`) called directly on the demo master data: what it
refuses and how it says so, and that it reads the master data in a fixed number of statements whatever the
number of rows (one column read per 500 usernames, no ORM object per candidate)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from api.store.db import Database
from api.store.master import Peserta
from api.store.models import User
from service_tasks.context import Refusal, ServiceContext
from service_tasks.pemeriksaan.pendaftaran import periksa_pendaftar

JWD = "SKM/LSP-STMI/001/2024"
OPR = "SKM/LSP-STMI/002/2024"
MUTU = "SKM/LSP-STMI/003/2024"
TARGET = {"target": [{"skema_nomor": JWD, "jumlah": 2}, {"skema_nomor": MUTU, "jumlah": 1}]}


def _check(session: Session, rows: Any, data: dict[str, Any] = TARGET) -> list[Refusal]:
    ctx = ServiceContext(
        session=session,
        instance_id=1,
        root_id=1,
        business_key=None,
        task_id="membuka_pendaftaran",
        element_id="membuka_pendaftaran",
        task_name="Membuka pendaftaran uji kompetensi",
        lane=None,
        actor="kabid_administrasi",
        now=datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
        data=data,
        nomor_format="",
    )
    return periksa_pendaftar(ctx, {"daftar_pendaftar": rows})


def test_active_candidates_of_the_targeted_skema_pass(db: Database) -> None:
    rows = [
        {"username": "peserta", "skema_nomor": JWD},
        {"username": "peserta2", "skema_nomor": JWD},
        {"username": "peserta3", "skema_nomor": MUTU},
    ]
    with db.transaction() as session:
        assert _check(session, rows) == []


def test_an_empty_list_is_refused(db: Database) -> None:
    with db.transaction() as session:
        assert _check(session, []) == [Refusal("daftar_pendaftar", "Isi sekurang-kurangnya satu pendaftar")]
        assert _check(session, None) == [Refusal("daftar_pendaftar", "Isi sekurang-kurangnya satu pendaftar")]


def test_each_wrong_row_is_refused_at_its_own_field_naming_the_candidate(db: Database) -> None:
    with db.transaction() as session:
        session.execute(update(Peserta).where(Peserta.user_id == _user_id(session, "peserta2")).values(aktif=False))
        session.execute(update(User).where(User.username == "peserta3").values(active=False))
    rows = [
        {"username": "peserta", "skema_nomor": JWD},
        {"username": "peserta2", "skema_nomor": JWD},
        {"username": "peserta3", "skema_nomor": MUTU},
        {"username": "peserta", "skema_nomor": JWD},
        {"username": "tidak_ada", "skema_nomor": JWD},
        {"username": "peserta4", "skema_nomor": OPR},
        {"username": "kabid_administrasi", "skema_nomor": JWD},
    ]
    with db.transaction() as session:
        assert _check(session, rows) == [
            Refusal("daftar_pendaftar.1.username", "Peserta Bunga Maharani (peserta2) tidak aktif"),
            Refusal("daftar_pendaftar.2.username", "Peserta Cahyo Nugroho (peserta3) tidak aktif"),
            Refusal("daftar_pendaftar.3.username", "Andi Pratama (peserta) sudah didaftarkan di baris 1"),
            Refusal("daftar_pendaftar.4.username", "tidak_ada tidak terdaftar di data master peserta"),
            Refusal(
                "daftar_pendaftar.5.skema_nomor",
                f"Skema {OPR} (Operator Perakitan Kendaraan Bermotor Roda Empat) untuk Dian Puspitasari (peserta4) "
                "tidak termasuk target periode ini",
            ),
            Refusal("daftar_pendaftar.6.username", "kabid_administrasi tidak terdaftar di data master peserta"),
        ]


def test_the_master_data_is_read_in_the_same_statements_for_one_row_or_forty(db: Database) -> None:
    one = [{"username": "peserta", "skema_nomor": JWD}]
    forty = [{"username": f"peserta{i}" if i > 1 else "peserta", "skema_nomor": JWD} for i in range(1, 41)]
    counts = []
    for rows in (one, forty):
        statements: list[str] = []

        def count(*args: Any, seen: list[str] = statements) -> None:
            seen.append(args[2])

        with db.transaction() as session:
            event.listen(session.get_bind(), "before_cursor_execute", count)
            try:
                _check(session, rows)
            finally:
                event.remove(session.get_bind(), "before_cursor_execute", count)
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counts == [1, 1]


def _user_id(session: Session, username: str) -> int:
    found = session.query(User.id).filter(User.username == username).scalar()
    assert isinstance(found, int)
    return found
