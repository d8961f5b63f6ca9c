"""A long conversation costs no more per turn than a short one: Rasa is given the last few
messages of the session (PRAYAT_TRACKER_TURNS) with what they stand on, the session's start, the
latest value of every slot and the form's state. These tests set the slice to 3 messages, far
below what the conversations need, and check that the person still sees the same answers: a place
named long before still decides the contacts, and a situation check of a dozen turns still ends
with the right result."""

from __future__ import annotations

import html
import itertools

import pytest
from rasa.shared.core.domain import Domain
from sqlalchemy import text

from bot import PROJECT_ROOT
from bot.content import for_place
from bot.content.places import MAX_FIRST
from bot.dialogue.tracker_store import DatabaseUrlTrackerStore
from bot.storage import make_engine, user_key
from tests.checkers.test_screening_e2e import WARNING_ANSWERS, Person, answer_all, shows_the_warning
from tests.conftest import PEPPER, own_stack, telegram_for

pytestmark = pytest.mark.stack

_chat_ids = itertools.count(31000)
TURNS = 3


def shown(sent) -> str:
    return html.unescape(sent.text)


@pytest.fixture
async def sliced(content, tmp_path, monkeypatch):
    """A stack of its own whose Rasa reads only the last three messages of a session."""
    monkeypatch.setenv("PRAYAT_TRACKER_TURNS", str(TURNS))
    url = f"sqlite:///{tmp_path / 'prayat.db'}"
    async with own_stack(content, tmp_path, url) as (_, prayat):
        prayat.rasa.timeout = 30  # the answers are what is tested here, not the time
        async with telegram_for(prayat) as telegram:
            yield telegram, url


async def test_a_place_named_many_messages_ago_still_decides_the_contacts(sliced, content):
    telegram, url = sliced
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, "my husband's family keeps me in their house in Guangdong, China")
    await telegram.wait_for(chat, 2)
    for n in range(3, 3 + 2 * TURNS):  # the place is now far outside the slice
        telegram.send_text(chat, "/hotlines")
        hotlines = (await telegram.wait_for(chat, n))[-1]
        assert shown(hotlines) == for_place(content.library, "hotlines.cn", "en", "CN")["text"]
    telegram.send_text(chat, "help me please, he locked me in")
    emergency = (await telegram.wait_for(chat, 3 + 2 * TURNS))[-1]
    assert shown(emergency) == for_place(content.library, "emergency", "en", "CN", MAX_FIRST)["text"]

    # What Rasa read for the last turn: a few events, not the whole session, and the place in it.
    key = user_key(PEPPER, f"telegram:{chat}")
    with make_engine(url).connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :k"),
                              {"k": key}).scalar()
    store = DatabaseUrlTrackerStore(url, domain=Domain.load(PROJECT_ROOT / "domain.yml"))
    tracker = await store.retrieve(key)
    assert tracker.get_slot("country") == "CN"
    assert len(tracker.events) < stored / 2, (len(tracker.events), stored)
    assert sum(1 for e in tracker.events if e.type_name == "user") == TURNS


async def test_a_situation_check_longer_than_the_slice_ends_with_its_result(sliced, content):
    telegram, _ = sliced
    person = Person(telegram, "en")
    first = await person.starts_a_check("self", "working", "KH")
    result, contacts = await answer_all(person, content, "working", "self", WARNING_ANSWERS, first)
    shows_the_warning(content, result, contacts)
