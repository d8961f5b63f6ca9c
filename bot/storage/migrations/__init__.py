"""Alembic migrations of Prayat's own tables (Rasa manages its `events` table itself)."""
