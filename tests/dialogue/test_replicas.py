"""Two Rasa replicas on PostgreSQL behind one bot: many people at once, several messages each sent
without waiting, every person's replies in order, none lost or doubled; one replica killed in the
middle leaves the other serving, the safety floor covers the messages it was handling, and the
replica comes back."""

from __future__ import annotations

import asyncio
import html
import random

import pytest

from bot.content import ContentStore, render
from bot.core.flood import FloodGuard
from bot.core.prayat import Prayat
from bot.dialogue.model import ensure_model
from bot.dialogue.rasa_client import RasaClient
from bot.dialogue.stack import Stack
from bot.storage import UserStore, make_engine, user_key
from tests.conftest import PEPPER, free_port, telegram_for

pytestmark = pytest.mark.stack

# Items a button opens: each reply says which item it is, so order and count can be checked.
ITEMS = ["definitions.debt_bondage", "definitions.forced_labour", "definitions.scam_compound",
         "definitions.trafficking", "facts", "jobs.what_happens", "jobs.what_to_do", "rights"]
PEOPLE = 24


def show(item: str) -> str:
    return f'/show{{"item":"{item}"}}'


def shown(sent) -> str:
    return html.unescape(sent.text)


@pytest.fixture
async def two_replicas(content: ContentStore, tmp_path, postgres_url):
    model, _ = ensure_model()
    stack = Stack(model, tmp_path, 0, free_port(), postgres_url,
                  rasa_ports=[free_port(), free_port()])
    async with stack:
        rasa = RasaClient(stack.rasa_urls, timeout=30)
        prayat = Prayat(content, rasa, UserStore(make_engine(postgres_url)), PEPPER,
                        flood=FloodGuard(limit=1000))
        async with telegram_for(prayat) as telegram:
            yield stack, rasa, telegram
        await rasa.close()


async def everyone_starts(telegram, chats: list[int]) -> None:
    for chat in chats:
        telegram.send_text(chat, "/start", language_code="en")
    for chat in chats:
        await telegram.wait_for(chat, 1, timeout=60)


def send_all(telegram, plans: dict[int, list[str]]) -> None:
    """Every person's messages, all at once and interleaved, none waiting for a reply."""
    pending = {chat: list(items) for chat, items in plans.items()}
    while any(pending.values()):
        for chat, items in pending.items():
            if items:
                telegram.press_button(chat, show(items.pop(0)), language_code="en")


async def test_each_persons_replies_come_in_order_from_two_replicas(two_replicas, content):
    stack, rasa, telegram = two_replicas
    lib = content.library
    expected = {item: render(lib, item, "en")["text"] for item in ITEMS}
    assert len(set(expected.values())) == len(ITEMS)  # every reply tells its item apart
    chats = list(range(52_000, 52_000 + PEOPLE))
    await everyone_starts(telegram, chats)
    plans = {chat: random.Random(chat).sample(ITEMS, len(ITEMS)) for chat in chats}
    send_all(telegram, plans)
    for chat, items in plans.items():
        replies = await telegram.wait_for(chat, 1 + len(items), timeout=120)
        assert [shown(r) for r in replies[1:]] == [expected[i] for i in items], chat
    await asyncio.sleep(1.0)  # nothing more arrives: no reply was sent twice
    assert all(len(telegram.messages_to(chat)) == 1 + len(ITEMS) for chat in chats)
    # Both replicas served, and each person only ever went to one of them.
    served = [rasa.answered[url] for url in stack.rasa_urls]
    assert min(served) >= len(ITEMS) * 3, served
    assert sum(served) == PEOPLE * (1 + len(ITEMS))
    homes = {rasa.replicas_for(user_key(PEPPER, f"telegram:{c}"))[0] for c in chats}
    assert homes == set(stack.rasa_urls)
    assert rasa.failovers == 0


async def test_a_replica_killed_mid_run_leaves_the_other_serving(two_replicas, content):
    stack, rasa, telegram = two_replicas
    lib = content.library
    expected = {item: render(lib, item, "en")["text"] for item in ITEMS}
    floor = render(lib, "fallback.limited", "en")["text"]
    chats = list(range(53_000, 53_000 + PEOPLE))
    await everyone_starts(telegram, chats)
    killed_url = stack.rasa_urls[0]
    on_killed = [c for c in chats
                 if rasa.replicas_for(user_key(PEPPER, f"telegram:{c}"))[0] == killed_url]
    assert on_killed

    plans = {chat: random.Random(chat).sample(ITEMS, len(ITEMS)) * 2 for chat in chats}
    send_all(telegram, plans)
    total = sum(len(items) for items in plans.values())
    while sum(len(telegram.messages_to(c)) - 1 for c in chats) < total // 3:
        await asyncio.sleep(0.05)
    stack.rasa.process.kill()  # as the kernel's OOM killer would: no goodbye

    floored = 0
    for chat, items in plans.items():
        replies = [shown(r) for r in (await telegram.wait_for(chat, 1 + len(items),
                                                              timeout=180))[1:]]
        assert len(replies) == len(items), chat  # one reply to every message, none lost
        answered = [r for r in replies if r != floor]
        floored += len(replies) - len(answered)
        # What the dialogue answered came in the order it was asked.
        wanted = iter(expected[i] for i in items)
        assert all(any(r == w for w in wanted) for r in answered), chat
        if chat in on_killed:  # the rest of this person's messages went to the other replica
            assert replies[-1] == expected[items[-1]]
    await asyncio.sleep(1.0)
    assert all(len(telegram.messages_to(c)) == 1 + len(plans[c]) for c in chats)  # none doubled
    # Only messages the killed replica held at that moment fell to the safety floor: at most
    # one per person sent there (the bot sends a person's messages one at a time).
    assert floored <= len(on_killed), (floored, len(on_killed))
    assert rasa.failovers >= 1

    # The stack restarts the killed replica. The people moved off it stay on the other one for a
    # while (it may still be busy with a message of theirs); new people go to it again.
    for _ in range(240):
        if stack.rasa.restarts and (await stack.health())["rasa"] == "up":
            break
        await asyncio.sleep(0.5)
    assert stack.rasa.restarts == 1 and (await stack.health())["rasa"] == "up"
    await asyncio.sleep(5.5)  # the client's pause before it tries a replica that refused again
    other_url = stack.rasa_urls[1]
    before = dict(rasa.answered)
    moved = on_killed[0]
    telegram.press_button(moved, show("rights"), language_code="en")
    [stayed] = (await telegram.wait_for(moved, 2 + len(plans[moved]), timeout=60))[-1:]
    assert shown(stayed) == expected["rights"]
    assert rasa.answered[other_url] == before.get(other_url, 0) + 1
    newcomer = next(c for c in range(54_000, 55_000)
                    if rasa.replicas_for(user_key(PEPPER, f"telegram:{c}"))[0] == killed_url)
    telegram.send_text(newcomer, "/start", language_code="en")
    await telegram.wait_for(newcomer, 1, timeout=60)
    telegram.press_button(newcomer, show("rights"), language_code="en")
    [back] = (await telegram.wait_for(newcomer, 2, timeout=60))[-1:]
    assert shown(back) == expected["rights"]
    assert rasa.answered[killed_url] == before.get(killed_url, 0) + 2
