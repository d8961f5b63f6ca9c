"""Hand-off cases (bot/handoff/): case metadata, and while a case is open the encrypted chat it
relays to. Closed cases keep only their code, days, language, priority and outcome (and the
person's keyed hash, so that /delete can still find them and their topic).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "prayat_cases",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("person", sa.String(64), nullable=True, index=True),
        sa.Column("chat", sa.Text, nullable=True),
        sa.Column("topic", sa.BigInteger, nullable=True, index=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("claimed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("opened_at", sa.Float, nullable=True),
        sa.Column("active_at", sa.Float, nullable=True),
        sa.Column("remind_at", sa.Float, nullable=True),
        sa.Column("forget_at", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("prayat_cases")
