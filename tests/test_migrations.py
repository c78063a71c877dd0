"""The ORM models and the Alembic migrations are kept by hand, side by side: they must describe one schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from api.store import master, models
from api.store.db import Base


def test_the_migrated_schema_is_exactly_what_the_models_declare(database_url: str) -> None:
    assert master.Skema.__tablename__ in Base.metadata.tables  # the master tables are registered
    assert models.Dokumen.__tablename__ in Base.metadata.tables
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
