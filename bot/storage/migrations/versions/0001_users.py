"""Users: a keyed hash of the Telegram id, the language, and two days (first and last seen).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "prayat_users",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("last_seen", sa.Date, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("prayat_users")
