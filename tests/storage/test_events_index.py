"""The conversation events a turn reads are found through an index, on SQLite and PostgreSQL, and
Rasa's tracker store asks for a handful of database connections, not Rasa's 50 + 100."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from sqlalchemy import inspect, text

from bot import PROJECT_ROOT
from bot.dialogue.tracker_store import EVENTS_INDEX, DatabaseUrlTrackerStore
from bot.storage import UserStore, make_engine

DOMAIN = Domain.load(PROJECT_ROOT / "domain.yml")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'prayat.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


def indexed_columns(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        return {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("events")}
    finally:
        engine.dispose()


def test_the_tracker_store_indexes_the_table_it_creates(database):
    store = DatabaseUrlTrackerStore(database, domain=DOMAIN)
    store.engine.dispose()
    assert indexed_columns(database)[EVENTS_INDEX] == ["sender_id", "type_name", "id"]
    assert indexed_columns(database)["ix_events_sender_id"] == ["sender_id"]  # Rasa's own


def test_the_migration_indexes_a_table_rasa_made_before(database):
    engine = make_engine(database)
    with engine.begin() as conn:  # as Rasa 3.6 made it: its index on sender_id, not ours
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) "
                          "NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, "
                          "intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"))
        conn.execute(text("CREATE INDEX ix_events_sender_id ON events (sender_id)"))
    assert EVENTS_INDEX not in indexed_columns(database)
    UserStore(engine)  # brings Prayat's tables to the current schema
    assert indexed_columns(database)[EVENTS_INDEX] == ["sender_id", "type_name", "id"]
    UserStore(engine)  # and again: nothing changes, nothing fails
    engine.dispose()


def test_rasa_asks_for_a_few_connections(postgres_url, monkeypatch):
    store = DatabaseUrlTrackerStore(postgres_url, domain=DOMAIN)
    assert (store.engine.pool.size(), store.engine.pool._max_overflow) == (2, 3)
    monkeypatch.setenv("SQL_POOL_SIZE", "4")
    store = DatabaseUrlTrackerStore(postgres_url, domain=DOMAIN)
    assert store.engine.pool.size() == 4
    store.engine.dispose()


def test_rasas_schema_setting_reaches_prayats_engine(postgres_url, monkeypatch):
    """POSTGRESQL_SCHEMA: Rasa makes its table in that schema, and the store reads it there."""
    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS prayat_test_schema CASCADE"))
        conn.execute(text("CREATE SCHEMA prayat_test_schema"))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", "prayat_test_schema")
    try:
        store = DatabaseUrlTrackerStore(postgres_url, domain=DOMAIN)
        with store.engine.connect() as conn:
            assert conn.execute(text("SHOW search_path")).scalar() == "prayat_test_schema"
        store.engine.dispose()
        with engine.connect() as conn:
            assert conn.execute(text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                "'prayat_test_schema' AND table_name = 'events'")).scalar() == 1
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS prayat_test_schema CASCADE"))
        engine.dispose()


def test_an_in_memory_database_keeps_its_table(monkeypatch):
    store = DatabaseUrlTrackerStore("sqlite://", domain=DOMAIN)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 0
