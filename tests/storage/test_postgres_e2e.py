"""The production setup end to end: Rasa's conversations and Prayat's tables in one real
PostgreSQL database, Telegram through the fake Bot API."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select, text

from bot.content import render
from bot.storage import make_engine, user_key, users
from tests.conftest import PEPPER, own_stack, telegram_for

pytestmark = [pytest.mark.stack, pytest.mark.postgres]


async def test_a_conversation_and_its_deletion_on_postgresql(rasa_url, content, postgres_url,
                                                             tmp_path):
    chat = 31337
    key = user_key(PEPPER, f"telegram:{chat}")
    engine = make_engine(postgres_url)
    async with own_stack(content, tmp_path, postgres_url) as (_, prayat):
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
    engine.dispose()
