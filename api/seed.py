"""Demo data: one user per role and a few candidates, plus the shipped processes deployed.

DEMO ONLY: every password is `<username>-demo`. `serve` refuses to start with these users present
when UJIKOM_ENV=production.
"""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import hash_password
from api.clock import CLOCK
from api.db import Database
from api.engine.deployments import deploy
from api.migrate import upgrade
from api.models import User, UserRole
from api.settings import Settings

DEMO_USERS: list[tuple[str, str, list[str]]] = [
    ("direktur", "Dr. Mustofa, S.T., M.T.", ["direktur"]),
    ("ketua_lsp", "Ir. Ratna Dewi Lestari, M.M.", ["ketua_lsp"]),
    ("kabid_administrasi", "Sri Wahyuni, S.E.", ["kabid_administrasi"]),
    ("kabid_sertifikasi", "Agus Salim, S.T., M.Kom.", ["kabid_sertifikasi"]),
    ("asesor", "Budi Santoso, S.Kom., M.T.", ["asesor"]),
    ("asesor2", "Hendra Gunawan, S.T.", ["asesor"]),
    ("peserta", "Andi Pratama", ["peserta"]),
    ("peserta2", "Bunga Maharani", ["peserta"]),
    ("peserta3", "Cahyo Nugroho", ["peserta"]),
    ("peserta4", "Dian Puspitasari", ["peserta"]),
    ("peserta5", "Eko Saputra", ["peserta"]),
    ("admin", "Administrator Sistem", ["admin"]),
    ("desainer", "Perancang Proses", ["desainer"]),
]


def demo_password(username: str) -> str:
    return f"{username}-demo"


def seed_users(session: Session) -> int:
    created = 0
    for username, full_name, roles in DEMO_USERS:
        if session.scalars(select(User).where(User.username == username)).first():
            continue
        session.add(
            User(
                username=username,
                full_name=full_name,
                password_hash=hash_password(demo_password(username)),
                active=True,
                is_demo=True,
                created_at=CLOCK.now(),
                roles=[UserRole(role=r) for r in roles],
            )
        )
        created += 1
    session.flush()
    return created


def shipped_files(settings: Settings) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(Path(settings.processes_dir).glob("*.bpmn"))}
    files |= {p.name: p.read_bytes() for p in sorted(Path(settings.forms_dir).glob("*.json"))}
    return files


def deploy_shipped(session: Session, settings: Settings, actor: str = "seed-demo") -> int | None:
    """Deploy processes/ and forms/; None when exactly these files are already the deployed ones."""
    result = deploy(session, shipped_files(settings), actor, CLOCK.now())
    return result.deployment.id if result.created else None


def has_demo_users(session: Session) -> bool:
    return session.scalars(select(User.id).where(User.is_demo.is_(True), User.active.is_(True))).first() is not None


def demo_database(settings: Settings) -> Database:
    """Migrate the settings' database to the latest schema and load the demo data (tests, benchmarks)."""
    upgrade(settings.effective_database_url)
    database = Database(settings.effective_database_url)
    with database.transaction() as session:
        seed_users(session)
        deploy_shipped(session, settings)
    return database
