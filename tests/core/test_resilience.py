"""When the model server or the action server is down, the bot still answers, and emergencies
still get the emergency steps. When they come back, so does the full dialogue."""

from __future__ import annotations

import asyncio
import html
import os
import signal

import pytest

from bot.content import render
from bot.core.prayat import Incoming
from tests.conftest import own_stack, telegram_for

pytestmark = pytest.mark.stack

EMERGENCY = "they took my passport and locked me in, help"
JOBS = "/ask_jobs"


async def test_stopping_each_server_keeps_answers_coming(rasa_url, content, tmp_path):
    lib = content.library
    database = f"sqlite:///{tmp_path / 'prayat.db'}"
    async with own_stack(content, tmp_path, database) as (stack, prayat):
        async with telegram_for(prayat) as telegram:
            sent = 0

            async def ask(chat: int, text: str | None = None, button: str | None = None) -> str:
                nonlocal sent
                if button:
                    telegram.press_button(chat, button, language_code="en")
                else:
                    telegram.send_text(chat, text, language_code="en")
                sent += 1
                return html.unescape((await telegram.wait_for(chat, sent, timeout=20))[-1].text)

            chat = 4242
            telegram.send_text(chat, "/start", language_code="en")
            sent = len(await telegram.wait_for(chat, 1))
            assert await ask(chat, button=JOBS) == render(lib, "jobs", "en")["text"]

            await stack.actions.stop()  # the action server goes down
            assert await ask(chat, EMERGENCY) == render(lib, "emergency", "en")["text"]
            assert await ask(chat, button=JOBS) == render(lib, "fallback.limited", "en")["text"]

            await stack.rasa.stop()  # and the model server too
            assert await ask(chat, EMERGENCY) == render(lib, "emergency", "en")["text"]
            assert await ask(chat, "救命") == render(lib, "emergency", "zh")["text"]
            # An emergency phrase may be copied from a poster: the person's language stays.
            assert await ask(chat, button=JOBS) == render(lib, "fallback.limited", "en")["text"]

            await stack.start()  # both come back
            assert await ask(chat, button=JOBS) == render(lib, "jobs", "en")["text"]


async def test_a_crashed_server_is_restarted(rasa_url, content, tmp_path):
    database = f"sqlite:///{tmp_path / 'prayat.db'}"
    async with own_stack(content, tmp_path, database) as (stack, prayat):
        os.kill(stack.actions.process.pid, signal.SIGKILL)  # the action server crashes
        await asyncio.sleep(0.5)
        assert (await stack.health())["actions"] != "up"
        for _ in range(60):
            if (await stack.health())["actions"] == "up":
                break
            await asyncio.sleep(0.5)
        assert (await stack.health()) == {"actions": "up", "rasa": "up"}
        assert stack.actions.restarts == 1
        answer = await prayat.handle(Incoming(user="after-crash", button=JOBS))
        assert answer.replies[0]["content"] == ["jobs"]
