"""Alembic environment: runs on the connection `kiosk.storage.migrate` hands it."""

from __future__ import annotations

from alembic import context

from kiosk.storage.models import schema

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=schema(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
