"""The store: database engine and sessions, ORM models, migrations, enums and the file store.

Everything else in `api/` and `service_tasks/` may import from here; the store imports nothing of theirs."""
