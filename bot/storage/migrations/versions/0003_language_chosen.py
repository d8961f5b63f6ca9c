"""Users: whether the language was chosen (a button, /language) or read from the messages. A
chosen language changes only by another choice; a read one follows what the person writes.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("prayat_users") as batch:
        batch.add_column(sa.Column("language_chosen", sa.Boolean, nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("prayat_users") as batch:
        batch.drop_column("language_chosen")
