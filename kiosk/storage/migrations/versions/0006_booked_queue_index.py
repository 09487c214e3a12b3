"""booked queue index: call-next finds the booked visitor whose slot began first without sorting the line

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tickets_booked", "tickets", ["day", "department", "state", "booked_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_booked", table_name="tickets")
