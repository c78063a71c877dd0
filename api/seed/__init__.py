"""Demo data: one LSP P1 (Politeknik STMI Jakarta) with its staff, 3 skema, 2 TUK, 4 asesor, 40 candidates and the
staff eligible for a rapat pleno,
plus the shipped processes deployed.

The data lives in `demo.json` next to this module (edited without Python); the demo LSP's logo in
`demo_logo.svg`. This module only loads them, one small function per table.

DEMO ONLY: every password is `<username>-demo`. `serve` refuses to start with these users present
when UJIKOM_ENV=production.

Seeding is idempotent (a second run adds nothing) and quick: each table costs one query to see what
exists and one bulk insert, whatever the number of rows.
"""

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Required, TypedDict, cast

from argon2 import PasswordHasher
from sqlalchemy import insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.clock import CLOCK
from api.engine.deployments import deploy
from api.settings import Settings
from api.store.db import Database
from api.store.master import (
    Asesor,
    AsesorSkema,
    Institusi,
    KonflikKepentingan,
    LspProfil,
    PengurusPleno,
    Peserta,
    Skema,
    Tuk,
)
from api.store.migrate import upgrade
from api.store.models import User, UserRole
from api.store.storage import stores

DEMO_JSON = Path(__file__).with_name("demo.json")
DEMO_LOGO = Path(__file__).with_name("demo_logo.svg")
DEMO_LOGO_INSTITUSI = Path(__file__).with_name("demo_logo_institusi.svg")
ACTOR = "seed-demo"  # recorded as who last changed the LSP profile


class StaffRecord(TypedDict, total=False):
    username: Required[str]
    full_name: Required[str]
    roles: Required[list[str]]
    nip: str  # the officials' NIP


class AsesorRecord(TypedDict):
    username: str
    nama: str
    no_reg_met: str
    met_berlaku_sd: str  # ISO date
    skema: list[str]  # nomor of each skema the asesor is competent in


class KonflikRecord(TypedDict):
    asesor: str  # username
    peserta: str  # username
    keterangan: str
    dinyatakan_oleh: str


class PengurusPlenoRecord(TypedDict):
    username: str
    jabatan: str
    bidang: list[str]  # skema fields (skema.bidang) of competence


class Demo(TypedDict):
    """The shape of demo.json. lsp, skema, tuk and peserta records carry their table's columns as they are
    (dates as ISO strings); lsp names its ketua by username, peserta their user by username and nama."""

    institusi: dict[str, Any]
    lsp: dict[str, Any]
    staff: list[StaffRecord]
    skema: list[dict[str, Any]]
    tuk: list[dict[str, Any]]
    asesor: list[AsesorRecord]
    peserta: list[dict[str, Any]]
    konflik: list[KonflikRecord]
    pengurus_pleno: list[PengurusPlenoRecord]


@cache
def demo_data() -> Demo:
    return cast(Demo, json.loads(DEMO_JSON.read_text(encoding="utf-8")))


# The demo passwords are published (`<username>-demo`), so a slow hash protects nothing; a cheap one
# keeps seeding 50 users (and logging them in, in tests) fast. Real users get api.auth's full-cost hash.
_demo_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    # Called through the module attribute: tests wrap it in a cache (tests/conftest.py).
    return _demo_hasher.hash(password)


def demo_users() -> list[tuple[str, str, list[str]]]:
    """Every demo user (username, full name, roles): staff, asesor and candidates."""
    demo = demo_data()
    return (
        [(s["username"], s["full_name"], s["roles"]) for s in demo["staff"]]
        + [(a["username"], a["nama"], ["asesor"]) for a in demo["asesor"]]
        + [(p["username"], p["nama"], ["peserta"]) for p in demo["peserta"]]
    )


DEMO_USERS = demo_users()
NIP = {s["username"]: s["nip"] for s in demo_data()["staff"] if "nip" in s}
# Where the demo users' notifications are e-mailed: a candidate's address of their peserta record, an example
# address of the LSP's domain for the others (example.ac.id: never delivered anywhere real).
EMAIL = {u: f"{u}@lsp.example.ac.id" for u, _, _ in DEMO_USERS} | {
    p["username"]: p["email"] for p in demo_data()["peserta"] if p.get("email")
}


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
            nip=NIP.get(username),
            email=EMAIL.get(username),
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


def seed_master_data(session: Session) -> None:
    """The demo LSP's master data, for the demo users already in the database. Adds only what is missing."""
    demo, now = demo_data(), CLOCK.now()
    user_id: dict[str, int] = dict(session.execute(select(User.username, User.id)).all())
    _seed_institusi(session, demo, now)
    _seed_lsp(session, demo, user_id, now)
    _seed_skema(session, demo, now)
    _seed_tuk(session, demo, now)
    _seed_asesor(session, demo, user_id, now)
    _seed_peserta(session, demo, user_id, now)
    _seed_konflik(session, demo, user_id, now)
    _seed_pengurus_pleno(session, demo, user_id, now)
    session.flush()


def _insert_missing(session: Session, key: InstrumentedAttribute[Any], rows: list[dict[str, Any]]) -> None:
    """Insert the rows whose `key` column value is not in the table yet."""
    existing = set(session.scalars(select(key)))
    new = [row for row in rows if row[key.key] not in existing]
    if new:
        session.execute(insert(key.class_), new)


def _seed_institusi(session: Session, demo: Demo, now: datetime) -> None:
    if session.get(Institusi, 1) is None:
        session.add(Institusi(id=1, **demo["institusi"], updated_at=now, updated_by=ACTOR))


def _seed_lsp(session: Session, demo: Demo, user_id: dict[str, int], now: datetime) -> None:
    if session.get(LspProfil, 1) is not None:
        return
    lsp = {k: v for k, v in demo["lsp"].items() if k != "ketua"}
    lsp["lisensi_berlaku_sd"] = date.fromisoformat(lsp["lisensi_berlaku_sd"])
    ketua = user_id.get(demo["lsp"]["ketua"])
    session.add(LspProfil(id=1, **lsp, ketua_user_id=ketua, updated_at=now, updated_by=ACTOR))


def _seed_skema(session: Session, demo: Demo, now: datetime) -> None:
    rows = [{**s, "aktif": True, "created_at": now, "updated_at": now} for s in demo["skema"]]
    _insert_missing(session, Skema.nomor, rows)


def _seed_tuk(session: Session, demo: Demo, now: datetime) -> None:
    rows = [{**t, "aktif": True, "created_at": now, "updated_at": now} for t in demo["tuk"]]
    _insert_missing(session, Tuk.kode, rows)


def _seed_asesor(session: Session, demo: Demo, user_id: dict[str, int], now: datetime) -> None:
    asesor_ada = set(session.scalars(select(Asesor.user_id)))
    baru = [a for a in demo["asesor"] if a["username"] in user_id and user_id[a["username"]] not in asesor_ada]
    rows = [
        {
            "user_id": user_id[a["username"]],
            "no_reg_met": a["no_reg_met"],
            "met_berlaku_sd": date.fromisoformat(a["met_berlaku_sd"]),
            "aktif": True,
            "created_at": now,
            "updated_at": now,
        }
        for a in baru
    ]
    if rows:
        session.execute(insert(Asesor), rows)
        _seed_asesor_skema(session, baru, user_id)


def _seed_asesor_skema(session: Session, baru: list[AsesorRecord], user_id: dict[str, int]) -> None:
    # Competences only for asesor created now: a second run must not undo an administrator's changes.
    asesor_id = dict(session.execute(select(Asesor.user_id, Asesor.id)).all())
    skema_id = dict(session.execute(select(Skema.nomor, Skema.id)).all())
    rows = [
        {"asesor_id": asesor_id[user_id[a["username"]]], "skema_id": skema_id[nomor]}
        for a in baru
        for nomor in a["skema"]
    ]
    if rows:
        session.execute(insert(AsesorSkema), rows)


def _seed_peserta(session: Session, demo: Demo, user_id: dict[str, int], now: datetime) -> None:
    rows = [
        {
            **{k: v for k, v in p.items() if k not in ("username", "nama")},
            "tanggal_lahir": date.fromisoformat(p["tanggal_lahir"]),
            "user_id": user_id[p["username"]],
            "aktif": True,
            "created_at": now,
            "updated_at": now,
        }
        for p in demo["peserta"]
        if p["username"] in user_id
    ]
    _insert_missing(session, Peserta.user_id, rows)


def _seed_konflik(session: Session, demo: Demo, user_id: dict[str, int], now: datetime) -> None:
    asesor_of = dict(session.execute(select(Asesor.user_id, Asesor.id)).all())
    peserta_of = dict(session.execute(select(Peserta.user_id, Peserta.id)).all())
    pairs = session.execute(select(KonflikKepentingan.asesor_id, KonflikKepentingan.peserta_id))
    ada = {tuple(pair) for pair in pairs}
    rows = []
    for k in demo["konflik"]:
        asesor_id = asesor_of.get(user_id.get(k["asesor"], -1))
        peserta_id = peserta_of.get(user_id.get(k["peserta"], -1))
        if asesor_id is not None and peserta_id is not None and (asesor_id, peserta_id) not in ada:
            rows.append(
                {
                    "asesor_id": asesor_id,
                    "peserta_id": peserta_id,
                    "keterangan": k["keterangan"],
                    "dinyatakan_at": now,
                    "dinyatakan_oleh": k["dinyatakan_oleh"],
                }
            )
    if rows:
        session.execute(insert(KonflikKepentingan), rows)


def _seed_pengurus_pleno(session: Session, demo: Demo, user_id: dict[str, int], now: datetime) -> None:
    rows = [
        {
            "user_id": user_id[p["username"]],
            "jabatan": p["jabatan"],
            "bidang": p["bidang"],
            "aktif": True,
            "created_at": now,
            "updated_at": now,
        }
        for p in demo["pengurus_pleno"]
        if p["username"] in user_id
    ]
    _insert_missing(session, PengurusPleno.user_id, rows)


def shipped_files(settings: Settings) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(Path(settings.processes_dir).glob("*.bpmn"))}
    files |= {p.name: p.read_bytes() for p in sorted(Path(settings.forms_dir).glob("*.json"))}
    return files


def deploy_shipped(session: Session, settings: Settings, actor: str = ACTOR) -> int | None:
    """Deploy processes/ and forms/; None when exactly these files are already the deployed ones."""
    result = deploy(session, shipped_files(settings), actor, CLOCK.now())
    return result.deployment.id if result.created else None


def seed_demo_logo(session: Session, settings: Settings) -> None:
    """Give the demo LSP and institution profiles a logo when they have none (stored like an upload, by its SHA-256).

    DEMO ONLY: an LSP uploads its own with PUT /api/lsp/logo."""
    for profile, logo in ((session.get(LspProfil, 1), DEMO_LOGO), (session.get(Institusi, 1), DEMO_LOGO_INSTITUSI)):
        if profile is not None and not profile.logo_sha256:
            profile.logo_sha256 = stores(settings.data_dir).berkas.put(logo.read_bytes())
            profile.logo_content_type = "image/svg+xml"


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
