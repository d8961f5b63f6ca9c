"""Staff commands answer only the Telegram ids in PRAYAT_ADMIN_IDS; everyone else is refused
politely and shown what the bot can do."""

from __future__ import annotations

import pytest

from bot.content import CONTENT_ROOT, ContentStore
from bot.core.prayat import Incoming, Prayat
from bot.dialogue.rasa_client import RasaClient
from bot.settings import Settings
from bot.storage import UserStore, make_engine
from tests.conftest import free_port


@pytest.fixture
async def prayat(sqlite_url):
    rasa = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)  # nothing listens there
    yield Prayat(ContentStore(CONTENT_ROOT), rasa, UserStore(make_engine(sqlite_url)), b"p")
    await rasa.close()


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_status_is_refused_to_everyone_else(prayat, lang):
    answer = await prayat.handle(Incoming(user="x", text="/status", telegram_language=lang))
    assert answer.lang == lang
    assert answer.replies[0]["content"] == ["admin.refused"]
    assert answer.replies[0]["buttons"], "and shown what the bot can do instead"


async def test_status_reports_each_part_to_staff(prayat):
    answer = await prayat.handle(Incoming(user="x", text="/status", staff=True,
                                          telegram_language="en"))
    text = answer.replies[0]["text"]
    assert answer.replies[0]["content"] == ["admin.status"]
    assert "database: up" in text and "rasa: down" in text and "status: degraded: rasa" in text


def test_admin_ids_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRAYAT_ADMIN_IDS", "123, 456,junk")
    assert Settings().admin_ids == frozenset({123, 456})
