"""window events index: a window's last call and last pause are one step down an index, however
many calls the day has had (call-next reads both on every call)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_events_window", "events", ["day", "window", "kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_events_window", table_name="events")
