"""A deployment with an operator group: the real PTB Application, the hand-off desk, the fake
Bot API (which knows forum topics and copyMessage), and a person and counsellors talking."""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.channels.telegram import TelegramFrontEnd
from bot.core.prayat import Prayat
from bot.handoff import Hours, Offer
from bot.handoff.cases import CaseStore
from bot.handoff.desk import HandoffDesk
from tests.fake_telegram import TOKEN, FakeBotAPI, Sent

GROUP = -1001234567890
COUNSELLOR, OTHER_COUNSELLOR, STRANGER = 900, 901, 999
KEY = "a-test-key-for-the-chat-ids-of-cases-0123456789"
ORGANISATION = "Test Helpline Org"


@dataclass
class Deployment:
    telegram: FakeBotAPI
    desk: HandoffDesk
    bot: object

    def topic(self) -> int:
        """The one topic made so far."""
        [thread] = list(self.telegram.topics)
        return thread

    async def person_says(self, chat: int, words: str, lang: str | None = None, wait: int = 1) -> list[Sent]:
        before = len(self.telegram.messages_to(chat))
        self.telegram.send_text(chat, words, language_code=lang)
        return (await self.telegram.wait_for(chat, before + wait))[before:]

    async def person_presses(self, chat: int, payload: str, lang: str | None = None, wait: int = 1) -> list[Sent]:
        before = len(self.telegram.messages_to(chat))
        self.telegram.press_button(chat, payload, language_code=lang)
        return (await self.telegram.wait_for(chat, before + wait))[before:]

    async def in_topic(self, count: int, thread: int | None = None) -> list[Sent]:
        return await self.telegram.wait_for(GROUP, count, thread=thread if thread is not None else self.topic())

    async def quiet(self, seconds: float = 0.6) -> None:
        await asyncio.sleep(seconds)


def shown(sent: Sent) -> str:
    return html.unescape(sent.text)


@contextlib.asynccontextmanager
async def deployment(prayat: Prayat, remind_minutes: float = 10, idle_minutes: float = 1440,
                     grace_minutes: float = 30, hours: str = "24/7") -> AsyncIterator[Deployment]:
    prayat.handoff = Offer(ORGANISATION, Hours.parse(hours), 20)
    desk = HandoffDesk(prayat, CaseStore(prayat.users.engine, KEY), GROUP,
                       frozenset({COUNSELLOR, OTHER_COUNSELLOR}), "en", remind_minutes=remind_minutes,
                       idle_minutes=idle_minutes, grace_minutes=grace_minutes, tick_seconds=0.2)
    fake = FakeBotAPI()
    fake.forum_groups.add(GROUP)
    await fake.start()
    app = TelegramFrontEnd(prayat, handoff=desk).build(TOKEN, fake.base_url, rate_limit=False)
    try:
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            desk.start(app.bot)
            try:
                yield Deployment(fake, desk, app.bot)
            finally:
                await desk.stop()
                await app.updater.stop()
                await app.stop()
    finally:
        prayat.handoff = None
        await fake.stop()


async def until(condition, timeout: float = 5.0) -> bool:
    """Wait for something the bot does after its last message (closing a topic, say)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()
