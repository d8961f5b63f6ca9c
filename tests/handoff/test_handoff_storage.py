"""What a case leaves in the database, SQLite and PostgreSQL, read as an attacker who seizes the
server would (every byte of the SQLite file and its WAL; a pg_dump): no word either side typed,
no chat id in clear, and after the case no chat id at all. The dialogue is down here (a case never
needs it), so these run without the Rasa stack."""

from __future__ import annotations

import pytest

from bot.content import CONTENT_ROOT, ContentStore
from bot.core.prayat import Prayat
from bot.dialogue.rasa_client import RasaClient
from bot.handoff import CONSENT
from bot.storage import UserStore, make_engine
from tests.conftest import PEPPER, free_port
from tests.handoff.helpers import COUNSELLOR, GROUP, deployment
from tests.handoff.test_handoff_e2e import sqlite_bytes
from tests.storage.test_what_is_left_behind import pg_dump

CHAT = 987650321


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
async def test_a_case_leaves_no_words_and_no_chat_id(request, db, tmp_path):
    if db == "postgres":
        request.applymarker(pytest.mark.postgres)
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'prayat.db'}"
    dead = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    prayat = Prayat(ContentStore(CONTENT_ROOT), dead, UserStore(make_engine(url)), PEPPER)

    def stored() -> bytes:
        return pg_dump(url) if db == "postgres" else sqlite_bytes(url)

    try:
        async with deployment(prayat, grace_minutes=0) as d:
            await d.person_says(CHAT, "I want to talk to a counsellor", "en")
            await d.person_presses(CHAT, CONSENT, "en")
            thread = d.topic()
            d.telegram.send_text(CHAT, "ZQXPGRELAY my name is Zqxvorn, 012 345 678", language_code="en")
            await d.in_topic(2)
            d.telegram.send_topic_text(GROUP, COUNSELLOR, thread, "ZQXPGREPLY hello")
            await d.telegram.wait_for(CHAT, 3)
            await prayat.users.flush()
            during = stored()
            assert b"ZQXPG" not in during and b"Zqxvorn" not in during and b"012 345 678" not in during
            assert str(CHAT).encode() not in during, "the chat id is only there encrypted"
            await d.person_says(CHAT, "stop", "en")
            await prayat.users.flush()
        after = stored()
        assert b"ZQXPG" not in after and str(CHAT).encode() not in after
        assert b"prayat_cases" in after or db == "sqlite"
    finally:
        await dead.close()
        prayat.users.engine.dispose()
