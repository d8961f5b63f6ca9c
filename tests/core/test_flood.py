"""One person flooding the bot gets one "slow down" answer, then silence; emergencies always
get through."""

from __future__ import annotations

import asyncio

from bot.content import CONTENT_ROOT, ContentStore
from bot.core.flood import FloodGuard
from bot.core.prayat import Incoming, Prayat
from bot.dialogue.rasa_client import RasaClient
from bot.storage import UserStore, make_engine
from tests.conftest import free_port


def test_the_limit_per_window():
    guard = FloodGuard(limit=3, window=60)
    assert [guard.check("a", now=t) for t in (0, 1, 2)] == ["ok", "ok", "ok"]
    assert guard.check("a", now=3) == "warn"
    assert guard.check("a", now=4) == "drop"
    assert guard.check("b", now=4) == "ok", "other people are not affected"
    assert guard.check("a", now=61) == "ok", "room again once the window moves on"


def test_idle_people_are_forgotten_when_the_table_is_full():
    guard = FloodGuard(limit=1, window=10, max_people=2)
    guard.check("a", now=0)
    guard.check("b", now=0)
    guard.check("c", now=20)
    assert set(guard._seen) == {"c"}


async def test_flooding_gets_one_answer_then_silence_but_never_for_an_emergency(sqlite_url):
    dead = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    prayat = Prayat(ContentStore(CONTENT_ROOT), dead, UserStore(make_engine(sqlite_url)),
                    b"pepper", FloodGuard(limit=2, window=60))
    answers = [await prayat.handle(Incoming(user="u", text="what are fake jobs?"))
               for _ in range(4)]
    assert [a.replies[0]["content"] for a in answers[:3]] == [
        ["fallback.limited"], ["fallback.limited"], ["fallback.too_fast"]]
    assert answers[3].replies == []
    sos = await prayat.handle(Incoming(user="u", text="help they locked me in"))
    assert sos.replies[0]["topic"] == "emergency"
    await dead.close()


async def test_a_flood_of_emergency_phrases_gets_the_steps_once(sqlite_url):
    """One account repeating an emergency phrase gets the emergency answer once the limit is
    passed, then silence until the flood is over: it cannot queue hundreds of answers ahead of
    everyone else's."""
    dead = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    prayat = Prayat(ContentStore(CONTENT_ROOT), dead, UserStore(make_engine(sqlite_url)),
                    b"pepper", FloodGuard(limit=2, window=2.0))
    sos = Incoming(user="u", text="help me, I am locked in a room and they took my passport")
    answers = [await prayat.handle(sos) for _ in range(6)]
    assert [[r["topic"] for r in a.replies][:1] for a in answers] == [
        ["emergency"], ["emergency"], ["emergency"], [], [], []]
    other = await prayat.handle(Incoming(user="v", text="ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំ"))
    assert other.replies[0]["topic"] == "emergency" and other.lang == "km"
    await asyncio.sleep(2.1)  # the window moved on: the next flood's emergency is answered again
    assert (await prayat.handle(sos)).replies[0]["topic"] == "emergency"
    await dead.close()
