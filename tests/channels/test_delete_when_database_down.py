"""/delete while the database cannot be written: the person is told, in their language, that
nothing was deleted and to try again, and the bot keeps answering (Telegram and JSON lines)."""

from __future__ import annotations

import html
import json
import os
import queue
import subprocess
import sys
import threading

import pytest
from sqlalchemy import select

from bot.content import CONTENT_ROOT, ContentStore, render
from bot.core.prayat import Prayat
from bot.dialogue.rasa_client import RasaClient
from bot.storage import UserStore, make_engine, user_key, users
from tests.conftest import PEPPER, free_port, telegram_for, unavailable


@pytest.mark.stack
@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_telegram_delete_with_the_database_down_says_try_again(rasa_url, content, tmp_path,
                                                                     lang):
    path = tmp_path / "prayat.db"
    engine = make_engine(f"sqlite:///{path}")
    rasa = RasaClient(rasa_url, timeout=30)
    prayat = Prayat(content, rasa, UserStore(engine), PEPPER)
    chat = 7100 + ["km", "en", "zh"].index(lang)
    key = user_key(PEPPER, f"telegram:{chat}")
    try:
        async with telegram_for(prayat) as telegram:
            telegram.send_text(chat, "/start", language_code=lang)
            await telegram.wait_for(chat, 1)
            with engine.connect() as conn:
                assert conn.execute(select(users.c.id).where(users.c.id == key)).first()

            with unavailable(path):
                telegram.press_button(chat, "/delete_confirmed", language_code=lang)
                failed = (await telegram.wait_for(chat, 2))[1]
                expected = render(content.library, "privacy.delete_failed", lang)
                assert html.unescape(failed.text) == expected["text"]
                assert [b["callback_data"] for b in failed.buttons] == ["/delete_data", "/help"]

                telegram.send_text(chat, "/help", language_code=lang)  # still answering
                after = (await telegram.wait_for(chat, 3))[2]
                assert after.text and html.unescape(after.text) != expected["text"]

            with engine.connect() as conn:  # nothing was half-deleted
                assert conn.execute(select(users.c.id).where(users.c.id == key)).first()
            telegram.press_button(chat, "/delete_confirmed", language_code=lang)
            done = (await telegram.wait_for(chat, 4))[3]
            assert html.unescape(done.text) == render(content.library, "privacy.deleted",
                                                      lang)["text"]
            with engine.connect() as conn:
                assert conn.execute(select(users.c.id).where(users.c.id == key)).first() is None
    finally:
        await rasa.close()
        engine.dispose()


class Chat:
    """`prayat chat --jsonl` as a tool drives it: one line in, wait for its line out."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "chat", "--jsonl"], env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def say(self, message: dict) -> dict:
        self.process.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        return json.loads(self.lines.get(timeout=90))

    def close(self) -> tuple[int, str]:
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        return code, self.process.stderr.read()


def test_jsonl_delete_with_the_database_down_keeps_the_process_answering(tmp_path):
    path = tmp_path / "db" / "prayat.db"
    path.parent.mkdir()
    env = {**os.environ, "RASA_URL": f"http://127.0.0.1:{free_port()}",  # no dialogue needed
           "PRAYAT_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": f"sqlite:///{path}"}
    chat = Chat(env)
    try:
        chosen = chat.say({"user": "k", "button": '/set_language{"language":"zh"}'})
        assert chosen["lang"] == "zh"
        with unavailable(path):
            failed = chat.say({"user": "k", "button": "/delete_confirmed"})
            assert failed["user"] == "k"
            assert [r["content"] for r in failed["replies"]] == [["privacy.delete_failed"]]
            # The stored language cannot be read now: the answer is in the default language,
            # and it is the new item's text in that language.
            assert failed["replies"][0]["text"] == render(
                ContentStore(CONTENT_ROOT).library, "privacy.delete_failed", failed["lang"])["text"]
            urgent = chat.say({"user": "m", "text": "help me I am locked in and they took my "
                                                    "passport"})
            assert urgent["replies"][0]["topic"] == "emergency"
            assert "117" in urgent["replies"][0]["text"]
        deleted = chat.say({"user": "k", "button": "/delete_confirmed"})
        assert deleted["lang"] == "zh"  # the database is back, with the person's language
        assert [r["content"] for r in deleted["replies"]] == [["privacy.deleted"]]
    finally:
        code, stderr = chat.close()
    assert code == 0, stderr[-2000:]
