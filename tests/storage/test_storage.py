"""Users are stored as a keyed hash and a language, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bot.storage import UserStore, make_engine, user_key, users


@pytest.fixture(params=["sqlite", "postgres"])
def store(request) -> UserStore:
    url = request.getfixturevalue(f"{request.param}_url")
    return UserStore(make_engine(url))


def test_the_key_is_a_keyed_hash_not_the_id():
    key = user_key(b"secret", "telegram:987654321")
    assert len(key) == 64 and "987654321" not in key
    assert key == user_key(b"secret", "telegram:987654321")
    assert key != user_key(b"other secret", "telegram:987654321")


async def test_a_new_user_is_unknown(store):
    assert await store.lookup(user_key(b"s", "nobody")) == (False, None, False)


async def test_language_is_remembered_and_changed(store):
    key = user_key(b"s", "telegram:1")
    await store.remember(key, "km")
    assert await store.lookup(key) == (True, "km", False)
    await store.remember(key, "zh", chosen=True)
    assert await store.lookup(key) == (True, "zh", True)
    await store.remember(key, "en")
    assert await store.lookup(key) == (True, "en", False)


async def test_only_if_new_never_overrides_a_choice(store):
    key = user_key(b"s", "telegram:2")
    await store.remember(key, "en")
    await store.remember(key, "km", only_if_new=True)
    assert await store.lookup(key) == (True, "en", False)


async def test_nothing_but_the_hash_language_and_day_is_stored(store):
    key = user_key(b"s", "telegram:3")
    await store.remember(key, "km")
    with store.engine.connect() as conn:
        row = conn.execute(select(users)).one()
    assert set(row._mapping) == {"id", "language", "language_chosen", "created_on", "last_seen"}
    assert row.id == key


async def test_erase_removes_the_row(store):
    key = user_key(b"s", "telegram:4")
    await store.remember(key, "km")
    await store.erase(key)
    assert await store.lookup(key) == (False, None, False)


async def test_a_database_that_is_down_does_not_stop_answers():
    store = UserStore.__new__(UserStore)  # skip create_all: the server is not there
    store.engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
    assert await store.lookup("k") == (False, None, False)
    await store.remember("k", "km")  # logged, not raised


async def test_anonymous_counts_carry_nothing_that_points_to_a_person(store):
    from bot.storage import events

    await store.count("topic", ["jobs", "language"], "km")
    await store.flush()
    with store.engine.connect() as conn:
        rows = conn.execute(select(events)).fetchall()
    assert {(r.kind, r.value, r.language) for r in rows} == {("topic", "jobs", "km"),
                                                             ("topic", "language", "km")}
    assert set(rows[0]._mapping) == {"id", "day", "kind", "value", "language"}


def test_migrations_bring_an_empty_database_to_the_current_schema(store):
    from sqlalchemy import inspect

    from bot.storage import VERSION_TABLE

    tables = set(inspect(store.engine).get_table_names())
    assert {"prayat_users", "prayat_events", "prayat_cases", VERSION_TABLE} <= tables
    with store.engine.connect() as conn:
        assert conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one() == "0005"


def test_a_database_of_the_last_version_keeps_its_people(request, tmp_path):
    """0002 → 0003 on a database with people in it: their languages stay, marked as read from
    their messages (not chosen)."""
    import datetime as dt

    from alembic import command
    from alembic.config import Config

    from bot.storage import MIGRATIONS, migrate

    for url in (f"sqlite:///{tmp_path / 'old.db'}", request.getfixturevalue("postgres_url")):
        engine = make_engine(url)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0002")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO prayat_users (id, language, created_on) "
                              "VALUES ('k', 'zh', :day)"), {"day": dt.date(2026, 11, 1)})
        migrate(engine)
        with engine.connect() as conn:
            row = conn.execute(select(users)).one()
        assert (row.id, row.language, row.language_chosen) == ("k", "zh", False)
        engine.dispose()
