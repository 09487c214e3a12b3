"""bookings: appointments for slots of a service, and the booked slot on the ticket a check-in gives

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEATED_BOOKINGS = "state IN ('booked', 'checked_in', 'no_show')"
OPEN_BOOKINGS = "state = 'booked'"


def upgrade() -> None:
    op.add_column("tickets", sa.Column("booked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("seat", sa.SmallInteger(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_bookings_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_bookings_ticket_id")),
    )
    op.create_index("ix_bookings_day", "bookings", ["day", "department"])
    op.create_index("ix_bookings_code", "bookings", ["code"])
    op.create_index(
        "uq_bookings_seat",
        "bookings",
        ["service", "at", "seat"],
        unique=True,
        sqlite_where=sa.text(SEATED_BOOKINGS),
        postgresql_where=sa.text(SEATED_BOOKINGS),
    )
    op.create_index(
        "uq_bookings_open_code",
        "bookings",
        ["code"],
        unique=True,
        sqlite_where=sa.text(OPEN_BOOKINGS),
        postgresql_where=sa.text(OPEN_BOOKINGS),
    )


def downgrade() -> None:
    op.drop_table("bookings")
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("booked_at")
