"""The production setup end to end: Rasa's conversations and Prayat's tables in one real
PostgreSQL database, Telegram through the fake Bot API."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select, text

from bot.content import render
from bot.core import Prayat
from bot.model import ensure_model
from bot.rasa_client import RasaClient
from bot.stack import Stack
from bot.storage import UserStore, make_engine, user_key, users
from tests.conftest import PEPPER, free_port, telegram_for

pytestmark = [pytest.mark.stack, pytest.mark.postgres]


async def test_a_conversation_and_its_deletion_on_postgresql(rasa_url, content, postgres_url,
                                                             tmp_path):
    model, _ = ensure_model()
    stack = Stack(model, tmp_path, free_port(), free_port(), postgres_url)
    await stack.start()
    rasa = RasaClient(stack.rasa_url, timeout=10)
    engine = make_engine(postgres_url)
    prayat = Prayat(content, rasa, UserStore(engine), PEPPER)
    chat = 31337
    key = user_key(PEPPER, f"telegram:{chat}")
    try:
        async with telegram_for(prayat) as telegram:
            telegram.send_text(chat, "ខ្ញុំចង់ទៅធ្វើការនៅថៃ ការងារនេះពិតឬអត់?", language_code="km")
            answer = (await telegram.wait_for(chat, 2))[0]
            assert html.unescape(answer.text) == render(content.library, "jobs", "km")["text"]
            with engine.connect() as conn:
                assert conn.execute(select(users.c.language).where(users.c.id == key)
                                    ).scalar_one() == "km"
                said = conn.execute(text("SELECT data FROM events WHERE sender_id = :k "
                                         "AND type_name = 'user'"), {"k": key}).fetchall()
            assert said and not any("ថៃ" in row.data for row in said)

            telegram.send_text(chat, "/delete")
            await telegram.wait_for(chat, 3)
            telegram.press_button(chat, "/delete_confirmed")
            done = (await telegram.wait_for(chat, 4))[3]
            assert html.unescape(done.text) == render(content.library, "privacy.deleted",
                                                      "km")["text"]
            with engine.connect() as conn:
                assert conn.execute(select(users).where(users.c.id == key)).fetchall() == []
                assert conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :k"),
                                    {"k": key}).scalar_one() == 0
    finally:
        await rasa.close()
        await stack.stop()
        engine.dispose()
