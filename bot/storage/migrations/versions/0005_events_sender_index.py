"""An index for reading a person's recent conversation: each turn, the tracker store
(bot/dialogue/tracker_store.py) looks for a person's latest events of a few kinds (the session's
start, the turn boundaries, each slot's latest value, the form's state). Rasa's own index on
`sender_id` finds the person; this one, on (sender_id, type_name, id), finds those events without
reading all of the person's rows. The table is Rasa's: where it does not exist yet (Rasa has not
started on this database), the tracker store makes the same index when it creates it.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

EVENTS_INDEX = "ix_events_sender_type_id"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("events"):
        op.execute(f"CREATE INDEX IF NOT EXISTS {EVENTS_INDEX} ON events (sender_id, type_name, id)")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {EVENTS_INDEX}")
