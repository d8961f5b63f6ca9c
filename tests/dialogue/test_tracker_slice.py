"""What the tracker store reads back for a turn: the last PRAYAT_TRACKER_TURNS turns of the session
and what they stand on, so that Rasa sees the same slots, form and recent dialogue states as with
the whole session; saving afterwards adds exactly the new events."""

from __future__ import annotations

import itertools

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot import PROJECT_ROOT
from bot.dialogue.tracker_store import DatabaseUrlTrackerStore

DOMAIN = Domain.load(PROJECT_ROOT / "domain.yml")
_senders = itertools.count(1)


def a_turn(intent: str = "greet", action: str = "action_welcome", *extra) -> list:
    return [UserUttered(None, intent={"name": intent, "confidence": 1.0}), ActionExecuted(action),
            *extra, ActionExecuted("action_listen")]


def start() -> list:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


@pytest.fixture
def stores(tmp_path, monkeypatch):
    """(a store that slices to 3 turns, one that reads sessions whole), on one database."""
    url = f"sqlite:///{tmp_path / 'prayat.db'}"
    monkeypatch.setenv("PRAYAT_TRACKER_TURNS", "3")
    sliced = DatabaseUrlTrackerStore(url, domain=DOMAIN)
    monkeypatch.setenv("PRAYAT_TRACKER_TURNS", "0")
    whole = DatabaseUrlTrackerStore(url, domain=DOMAIN)
    return sliced, whole


async def stored(events: list, store: DatabaseUrlTrackerStore) -> str:
    sender = f"person-{next(_senders)}"
    await store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots))
    return sender


def count(store: DatabaseUrlTrackerStore, sender: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"),
                            {"s": sender}).scalar()


async def test_a_slot_set_long_ago_is_read_with_the_last_turns(stores):
    sliced, whole = stores
    events = start() + a_turn("inform", "action_hotlines", SlotSet("country", "KH"))
    for _ in range(30):
        events += a_turn()
    sender = await stored(events, sliced)
    tracker = await sliced.retrieve(sender)
    assert tracker.get_slot("country") == "KH"
    assert sum(e.type_name == "user" for e in tracker.events) == 3
    assert len(tracker.events) < len((await whole.retrieve(sender)).events) / 5

    # A new turn on the sliced tracker is saved whole, and nothing else.
    before = count(sliced, sender)
    for event in a_turn("thank", "action_thanks"):
        tracker.update(event)
    await sliced.save(tracker)
    assert count(sliced, sender) == before + 3
    again = await whole.retrieve(sender)
    last = list(again.events)[-3:]
    assert [e.type_name for e in last] == ["user", "action", "action"]
    assert last[1].action_name == "action_thanks"


async def test_a_form_running_at_the_cutoff_is_read_from_its_start(stores):
    sliced, whole = stores
    events = start() + a_turn() + a_turn("start_screening", "screening_form",
                                         ActiveLoop("screening_form"),
                                         SlotSet("requested_slot", "screening_who"))
    for _ in range(12):
        events += a_turn("screening_answer", "screening_form",
                         SlotSet("requested_slot", "screening_answer"))
    sender = await stored(events, sliced)
    part, full = await sliced.retrieve(sender), await whole.retrieve(sender)
    assert len(part.events) < len(full.events)
    assert part.active_loop == full.active_loop and part.active_loop_name == "screening_form"
    assert part.current_slot_values() == full.current_slot_values()
    # Rasa folds a form's runs back to its first one: the same states, but for the first one
    # the slice starts with.
    states = part.past_states(DOMAIN)
    assert len(states) > 1
    assert states[1:] == full.past_states(DOMAIN)[-(len(states) - 1):]


async def test_a_session_where_slots_were_reset_is_read_whole(stores):
    sliced, whole = stores
    events = start() + a_turn("inform", "action_hotlines", SlotSet("country", "KH"))
    events += a_turn("restart", "action_restart", AllSlotsReset())
    for _ in range(10):
        events += a_turn()
    sender = await stored(events, sliced)
    tracker = await sliced.retrieve(sender)
    assert tracker.get_slot("country") is None  # not brought back from before the reset
    assert len(tracker.events) == len((await whole.retrieve(sender)).events)


async def test_a_short_session_and_slicing_off_read_everything(stores):
    sliced, whole = stores
    short = await stored(start() + a_turn() + a_turn(), sliced)
    assert [e.type_name for e in (await sliced.retrieve(short)).events] == \
        [e.type_name for e in (await whole.retrieve(short)).events]
    long = await stored(start() + [e for _ in range(20) for e in a_turn()], sliced)
    assert sum(e.type_name == "user" for e in (await whole.retrieve(long)).events) == 20
