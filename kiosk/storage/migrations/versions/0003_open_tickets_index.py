"""open tickets index: the day's rollover finds past days' open tickets without reading the history

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_TICKETS = "state IN ('called', 'on_hold', 'serving', 'waiting')"


def upgrade() -> None:
    op.create_index(
        "ix_tickets_open",
        "tickets",
        ["day"],
        sqlite_where=sa.text(OPEN_TICKETS),
        postgresql_where=sa.text(OPEN_TICKETS),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_open", table_name="tickets")
