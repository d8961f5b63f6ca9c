"""What Prayat keeps, and that /delete erases all of it, in both databases."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json

import pytest
from sqlalchemy import select, text

from bot.content import render
from bot.dialogue.tracker_store import DatabaseUrlTrackerStore
from bot.storage import UserStore, make_engine, user_key, users
from tests.conftest import PEPPER

_chat_ids = itertools.count(8000)


def conversation_rows(url: str, key: str) -> list:
    with make_engine(url).connect() as conn:
        return conn.execute(text("SELECT type_name, data FROM events WHERE sender_id = :k"),
                            {"k": key}).fetchall()


def user_rows(url: str, key: str) -> list:
    with make_engine(url).connect() as conn:
        return conn.execute(select(users).where(users.c.id == key)).fetchall()


@pytest.mark.stack
async def test_the_words_people_type_are_not_stored(telegram, prayat, stack_db_url):
    chat = next(_chat_ids)
    words = "my cousin Sokha offered me a job in Poipet with free flights"
    telegram.send_text(chat, words, language_code="en")
    await telegram.wait_for(chat, 2)
    rows = conversation_rows(stack_db_url, user_key(PEPPER, f"telegram:{chat}"))
    assert any(r.type_name == "user" for r in rows), "the conversation is stored"
    assert not any("Sokha" in r.data for r in rows)
    assert not any("Poipet" in r.data for r in rows if r.type_name == "user")
    user_events = [json.loads(r.data) for r in rows if r.type_name == "user"]
    assert all(e["text"] is None for e in user_events)
    assert any(e["parse_data"]["intent"]["name"] == "ask_jobs" for e in user_events)
    await prayat.users.flush()
    with make_engine(stack_db_url).connect() as conn:
        counted = conn.execute(text("SELECT kind, value, language FROM prayat_events")).fetchall()
    assert ("topic", "jobs", "en") in [tuple(r) for r in counted]


@pytest.mark.stack
@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_delete_asks_first_then_erases_everything(telegram, content, stack_db_url, lang):
    chat = next(_chat_ids)
    key = user_key(PEPPER, f"telegram:{chat}")
    telegram.send_text(chat, "/start", language_code=lang)
    await telegram.wait_for(chat, 1)
    assert user_rows(stack_db_url, key) and conversation_rows(stack_db_url, key)

    telegram.send_text(chat, "/delete", language_code=lang)
    confirm = (await telegram.wait_for(chat, 2))[1]
    assert html.unescape(confirm.text) == render(content.library, "privacy.confirm_delete",
                                                 lang)["text"]
    assert [b["callback_data"] for b in confirm.buttons] == ["/delete_confirmed", "/help"]
    assert user_rows(stack_db_url, key), "nothing is erased before the person confirms"

    telegram.press_button(chat, "/delete_confirmed", language_code=lang)
    done = (await telegram.wait_for(chat, 3))[2]
    assert html.unescape(done.text) == render(content.library, "privacy.deleted", lang)["text"]
    assert user_rows(stack_db_url, key) == []
    assert conversation_rows(stack_db_url, key) == []


@pytest.mark.stack
async def test_privacy_says_how_long_things_are_kept(telegram, content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/privacy", language_code="en")
    reply = (await telegram.wait_for(chat, 1))[0]
    assert html.unescape(reply.text) == render(content.library, "privacy", "en")["text"]
    assert "30" in reply.text
    assert "/delete_data" in [b["callback_data"] for b in reply.buttons]


@pytest.fixture(params=["sqlite", "postgres"])
def database(request) -> str:
    url = request.getfixturevalue(f"{request.param}_url")
    DatabaseUrlTrackerStore(url)  # Rasa creates its events table
    yield url
    with make_engine(url).begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS events"))


def test_purge_forgets_what_is_past_the_retention(database):
    store = UserStore(make_engine(database))
    today = dt.date.today()
    old, recent = today - dt.timedelta(days=45), today - dt.timedelta(days=3)
    with store.engine.begin() as conn:
        conn.execute(users.insert(), [
            {"id": "old", "language": "km", "created_on": old, "last_seen": old},
            {"id": "recent", "language": "en", "created_on": old, "last_seen": recent},
        ])
        for sender, day in (("old", old), ("recent", recent), ("recent", old)):
            stamp = dt.datetime.combine(day, dt.time(12)).timestamp()
            conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                              "VALUES (:s, 'user', :t, '{}')"), {"s": sender, "t": stamp})
    gone = store.purge(30)
    assert gone == {"users": 1, "conversation_events": 2, "cases": 0}
    with store.engine.connect() as conn:
        assert [r.id for r in conn.execute(select(users.c.id))] == ["recent"]
        left = conn.execute(text("SELECT sender_id FROM events")).fetchall()
    assert [r.sender_id for r in left] == ["recent"]
