"""Create or upgrade the schema with Alembic, and compare the live schema with the models."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from kiosk.storage.db import Database
from kiosk.storage.models import schema


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "kiosk.storage:migrations")
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database to `revision`, by default the newest (creates every table on an empty
    database)."""
    config = alembic_config()
    with db.connection(write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.commit()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_differences(db: Database) -> list[Any]:
    """What differs between the live schema and the models; empty when they agree."""
    with db.connection() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, schema()))
