"""ChatOrderedProcessor on its own, with real PTB Update objects and no servers: a chat waits for
its turn before it takes one of the shared slots, its updates run in order, and its backlog is
bounded."""

from __future__ import annotations

import asyncio
import inspect

from telegram import Update

from bot.channels.telegram import ChatOrderedProcessor
from tests.fake_telegram import FakeBotAPI


def updates(fake: FakeBotAPI, chat: int, count: int) -> list[Update]:
    return [Update.de_json(fake.send_text(chat, f"message {i}"), None) for i in range(count)]


async def test_a_blocked_chat_holds_one_slot_and_others_go_on():
    fake = FakeBotAPI()
    processor = ChatOrderedProcessor(slots=4, max_waiting=50)
    release = asyncio.Event()
    started: list[tuple[int, int]] = []

    async def handle(chat: int, i: int, wait: bool) -> None:
        started.append((chat, i))
        if wait:
            await release.wait()

    flood = [asyncio.create_task(processor.process_update(u, handle(1, i, True)))
             for i, u in enumerate(updates(fake, 1, 300))]
    [other] = updates(fake, 2, 1)
    await asyncio.wait_for(processor.process_update(other, handle(2, 0, False)), 2)

    assert started == [(1, 0), (2, 0)], "the other chat went on while the flooder's first waits"
    assert processor.current_concurrent_updates == 1, "the flooder holds one slot, not all"
    release.set()
    await asyncio.gather(*flood)
    ran = [i for chat, i in started if chat == 1]
    assert ran == list(range(51)), "in order: the one handled and the 50 waiting; the rest dropped"
    assert processor._chats == {}, "nothing kept once the chat is quiet"


async def test_dropped_updates_leave_no_unawaited_coroutine():
    fake = FakeBotAPI()
    processor = ChatOrderedProcessor(slots=2, max_waiting=1)
    release = asyncio.Event()

    async def handle() -> None:
        await release.wait()

    coroutines = [handle() for _ in range(5)]
    tasks = [asyncio.create_task(processor.process_update(u, c))
             for u, c in zip(updates(fake, 3, 5), coroutines, strict=True)]
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*tasks)
    # Two ran to the end, three were dropped: all closed, none left to warn "never awaited".
    assert {inspect.getcoroutinestate(c) for c in coroutines} == {inspect.CORO_CLOSED}


async def test_an_update_without_a_chat_only_needs_a_slot():
    processor = ChatOrderedProcessor(slots=1)
    answer = Update.de_json({"update_id": 1, "poll_answer": {
        "poll_id": "p", "user": {"id": 9, "is_bot": False, "first_name": "T"},
        "option_ids": [0], "option_persistent_ids": ["0"]}}, None)
    done = asyncio.Event()

    async def handle() -> None:
        done.set()

    await asyncio.wait_for(processor.process_update(answer, handle()), 2)
    assert done.is_set() and processor._chats == {}
