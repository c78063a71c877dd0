"""One migrated, seeded and deployed database per test run and database kind, copied for each test.

Migrating with Alembic, seeding the demo data and deploying the shipped BPMN files once costs about a
second (several on a loaded machine); a copy costs milliseconds. Each test still gets its own copy, so
tests stay as isolated as when each built its own database:

- SQLite: the template is a data directory (the database file plus the files the seed stored, e.g. the
  demo logo under ``berkas/``); a test's data directory is a copy of it.
- PostgreSQL: the template is a database, copied with ``CREATE DATABASE <test> TEMPLATE <template>``;
  the seed's files are copied as for SQLite. The names carry the process id, so two runs against one
  server never collide; each copy is dropped after its test and the template at the end of the run.
"""

import itertools
import os
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from api import seed
from api.settings import PROJECT_ROOT, Settings

SQLITE_FILE = "ujikom.sqlite3"


def settings_for(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        data_dir=data_dir,
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        embedded_worker=False,
        processes_dir=PROJECT_ROOT / "processes",
        forms_dir=PROJECT_ROOT / "forms",
    )


def build(database_url: str, data_dir: Path) -> None:
    """Migrate, seed and deploy into `database_url`, storing the seed's files under `data_dir`."""
    seed.demo_database(settings_for(database_url, data_dir)).engine.dispose()


class SqliteTemplate:
    def __init__(self, root: Path) -> None:
        self.root = root
        database = root / SQLITE_FILE
        build(f"sqlite:///{database}", root)
        # Every connection is closed, so SQLite has folded its write-ahead log into the file; make sure.
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()

    def new_database(self, data_dir: Path) -> str:
        shutil.copytree(self.root, data_dir, dirs_exist_ok=True)
        return f"sqlite:///{data_dir / SQLITE_FILE}"

    def drop(self, url: str) -> None:
        pass  # the file goes with the test's temporary directory

    def close(self) -> None:
        pass


class PostgresTemplate:
    def __init__(self, url: str, root: Path) -> None:
        self.url = make_url(url)
        self.root = root
        # Administration (CREATE/DROP DATABASE) runs over a connection to the configured database itself.
        self.admin: Engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"{self.url.database}_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._numbers = itertools.count(1)
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.template}"')
        build(self._url_of(self.template), root)
        # CREATE DATABASE ... TEMPLATE needs the template free of sessions: refuse any from now on.
        self._execute(f'ALTER DATABASE "{self.template}" ALLOW_CONNECTIONS false')
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()",
            name=self.template,
        )

    def _url_of(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def _execute(self, sql: str, **params: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql), params)

    def new_database(self, data_dir: Path) -> str:
        shutil.copytree(self.root, data_dir, dirs_exist_ok=True)
        name = f"{self.prefix}_{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self._url_of(name)

    def drop(self, url: str) -> None:
        # FORCE: a test may leave a connection open (an engine it made itself); the copy goes regardless.
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


Template = SqliteTemplate | PostgresTemplate
