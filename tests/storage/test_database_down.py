"""A database that is down at start, or goes away while the bot runs: the store never stops the
bot, says so when it could not delete, and sets up its tables once the database answers."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time

import pytest
from sqlalchemy import event, inspect, select, text
from sqlalchemy.engine import make_url

from bot.storage import Known, UserStore, make_engine, user_key, users
from tests.conftest import PEPPER, POSTGRES_URL, postgres_engine, unavailable


def connection_attempts(engine) -> list[float]:
    """When the engine tried to open a database connection (successful or not)."""
    attempts: list[float] = []

    @event.listens_for(engine, "do_connect")
    def _count(*_args) -> None:
        attempts.append(time.monotonic())

    return attempts


async def test_a_database_down_at_start_is_set_up_once_it_answers(tmp_path, caplog):
    folder = tmp_path / "not-yet"  # SQLite cannot create a file in a folder that does not exist
    engine = make_engine(f"sqlite:///{folder / 'prayat.db'}")
    attempts = connection_attempts(engine)
    with caplog.at_level(logging.INFO, logger="bot.storage"):
        store = UserStore(engine, retry_every=1.0)  # no exception: the bot starts
    started = [r for r in caplog.records if "at start" in r.getMessage()]
    assert len(started) == 1 and "\n" not in started[0].getMessage()
    assert len(attempts) == 1

    key = user_key(PEPPER, "early")
    for _ in range(20):  # many messages within the retry interval: no new try each time
        assert await store.lookup(key) == Known(False, None, False)
        await store.remember(key, "km")
    await store.count("topic", ["jobs"], "km")
    await store.flush()
    assert len(attempts) == 1
    assert not await store.ping()

    folder.mkdir()  # the database can be reached now
    assert await store.lookup(key) == Known(False, None, False)  # still within the interval
    assert len(attempts) == 1
    time.sleep(1.1)
    await store.remember(key, "zh", chosen=True)  # the first call after it migrates
    assert await store.lookup(key) == Known(True, "zh", True)
    assert inspect(engine).has_table("prayat_users")
    assert await store.ping()
    assert await store.erase(key) is True
    assert await store.lookup(key) == Known(False, None, False)


async def test_erase_says_when_it_could_not_delete(tmp_path):
    path = tmp_path / "prayat.db"
    store = UserStore(make_engine(f"sqlite:///{path}"))
    key = user_key(PEPPER, "leaving")
    await store.remember(key, "en", chosen=True)
    with unavailable(path):
        assert await store.erase(key) is False  # reported, not raised
        assert await store.lookup(key) == Known(False, None, False)  # the bot still answers
    assert await store.lookup(key) == Known(True, "en", True), "nothing was half-deleted"
    assert await store.erase(key) is True
    assert await store.lookup(key) == Known(False, None, False)


def test_a_user_id_that_is_not_valid_unicode_still_has_a_key():
    assert user_key(PEPPER, "telegram:42") == hmac.new(
        PEPPER, b"telegram:42", hashlib.sha256).hexdigest()  # the keys people already have
    lone = user_key(PEPPER, "\ud800")
    assert len(lone) == 64 and lone != user_key(PEPPER, "\udc00") != user_key(PEPPER, "")
    assert user_key(PEPPER, "\ud800") == lone  # stable


def test_purge_sets_up_the_tables_itself(tmp_path):
    folder = tmp_path / "later"
    store = UserStore(make_engine(f"sqlite:///{folder / 'prayat.db'}"), retry_every=60)
    folder.mkdir()
    assert store.purge(30) == {"users": 0, "conversation_events": 0, "cases": 0}  # no wait for the interval


@pytest.mark.postgres
async def test_a_postgresql_database_created_after_the_start(caplog):
    """PostgreSQL up, but Prayat's database not there yet (created by an operator later)."""
    admin = postgres_engine()
    name = f"{make_url(POSTGRES_URL).database}_late_{os.getpid()}"
    password = make_url(POSTGRES_URL).password or "not-for-the-log"  # ignored under trust auth
    url = make_url(POSTGRES_URL).set(database=name, password=password)
    autocommit = admin.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with caplog.at_level(logging.INFO, logger="bot.storage"):
            store = UserStore(engine, retry_every=0.5)
        assert any("at start" in r.getMessage() for r in caplog.records)
        assert not any(password in r.getMessage() for r in caplog.records)
        key = user_key(PEPPER, "telegram:4242")
        assert await store.lookup(key) == Known(False, None, False)
        assert await store.erase(key) is False

        with autocommit.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        time.sleep(0.6)
        await store.remember(key, "km", chosen=True)
        assert await store.lookup(key) == Known(True, "km", True)
        with engine.connect() as conn:
            assert conn.execute(select(users.c.language)).scalars().all() == ["km"]
        assert await store.erase(key) is True
        with engine.connect() as conn:
            assert conn.execute(select(users.c.id)).fetchall() == []
    finally:
        engine.dispose()
        with autocommit.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
