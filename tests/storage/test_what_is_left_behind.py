"""What a conversation leaves behind, read the way an attacker who seizes the server would: every
byte of the data folder (the database file and its journal or WAL, every log of the three
processes, every cache) and a dump of PostgreSQL, while the conversation runs, after /delete, after
`purge`, and after the servers stopped.

The conversation is the red team's: a name, a phone number and a recruiter's handle typed in a
sentence, a place, a situation check, a pay question, a pasted job ad as the first message of a
session, a photo with a caption, an edited message and a message beginning "/ /". Only the place
code, the tier, the verdict and the anonymous counts may be left.
"""

from __future__ import annotations

import asyncio
import logging
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from sqlalchemy import text

from bot import private_logs
from bot.checkers import ocr
from bot.dialogue.tracker_store import DatabaseUrlTrackerStore
from bot.storage import UserStore, make_engine
from bot.tools.ocr_eval import Sample, draw
from tests.conftest import own_stack, telegram_for

pytestmark = pytest.mark.stack

NAME, HANDLE, AD_WORD, CAPTION_WORD, EDIT_WORD, SLASH_WORD, PICTURE_WORD = (
    "Zqxvorn", "zq_recruiter", "ZQXADMARK", "ZQXCAPTION", "ZQXEDITED", "ZQXSLASHED", "ZQXPICTURE")
PHONE_SPELLINGS = ("012 345 678", "012345678", "12345678")
# The words people typed: none may be left anywhere.
TYPED = (NAME, HANDLE, AD_WORD, CAPTION_WORD, EDIT_WORD, SLASH_WORD, *PHONE_SPELLINGS)
# The words of an ad sent as a picture (read with OCR): none may be left either.
PICTURE_AD = (f"HIRING {PICTURE_WORD} chat agents in Myawaddy\nSalary $3,000 per month, no experience\n"
              "Free flight, passport kept by the company\nContact Telegram @zq_picture_hr")
SEEN = (*TYPED, PICTURE_WORD, "zq_picture_hr")
PLACE = "Poipet"  # kept only as its code, KH; content files (and their snapshot) name it
# A finished check's answers, as Rasa writes its slot: blanked when the check ends.
ANSWERS = re.compile(rb'"[a-z_]+": "(?:yes|not_sure)"')
AD = (f"URGENT HIRING {AD_WORD} customer service in Sihanoukville, salary $3000 per month, no "
      f"experience needed, free flight and visa, apply now on telegram @{HANDLE} or call 012 345 678")


@pytest.fixture
def wordless_logs():
    """The bot's own log records, made as `prayat` makes them (bot/private_logs.py)."""
    saved = logging.getLogRecordFactory(), warnings.showwarning, sys.excepthook
    private_logs.install()
    yield
    logging.setLogRecordFactory(saved[0])
    warnings.showwarning, sys.excepthook = saved[1], saved[2]


class Chat:
    def __init__(self, telegram, chat: int) -> None:
        self.telegram, self.chat = telegram, chat

    async def settle(self, before: int) -> list:
        """Wait for the replies to what was just sent: at least one, then a quiet second."""
        sent = await self.telegram.wait_for(self.chat, before + 1, timeout=60)
        while True:
            await asyncio.sleep(1.0)
            now = self.telegram.messages_to(self.chat)
            if len(now) == len(sent):
                return now[before:]
            sent = now

    async def says(self, words: str) -> list:
        before = len(self.telegram.messages_to(self.chat))
        self.telegram.send_text(self.chat, words, language_code="en")
        return await self.settle(before)

    async def presses(self, payload: str) -> list:
        before = len(self.telegram.messages_to(self.chat))
        self.telegram.press_button(self.chat, payload, language_code="en")
        return await self.settle(before)

    async def sends_photo(self, caption: str) -> list:
        before = len(self.telegram.messages_to(self.chat))
        self.telegram.send_photo(self.chat, caption, language_code="en")
        return await self.settle(before)

    async def sends_picture(self, image: bytes) -> list:
        before = len(self.telegram.messages_to(self.chat))
        self.telegram.send_photo(self.chat, None, language_code="en", image=image)
        return await self.settle(before)

    async def edits(self, words: str) -> list:
        before = len(self.telegram.messages_to(self.chat))
        self.telegram.edit_text(self.chat, words, language_code="en")
        return await self.settle(before)

    async def checks_the_situation(self) -> list:
        """/check, then the first button under each question (the last, yes-first, answers)."""
        replies = await self.says("/check")
        for _ in range(15):
            buttons = [b["callback_data"] for b in replies[-1].buttons
                       if b["callback_data"].startswith("/screening_answer")]
            if not buttons:
                return replies
            replies = await self.presses(buttons[0])
        raise AssertionError("the situation check did not end")

    async def deletes_everything(self) -> None:
        await self.says("/delete")
        done = await self.presses("/delete_confirmed")
        assert done, "the deletion is confirmed"


def leftovers(data_dir: Path, dump: bytes = b"") -> dict[str, list[str]]:
    """Which typed words (and the typed place) are in which file, or in the database dump."""
    found: dict[str, list[str]] = {}
    blobs = [(str(p.relative_to(data_dir)), p.read_bytes()) for p in sorted(data_dir.rglob("*"))
             if p.is_file()]
    if dump:
        blobs.append(("pg_dump", dump))
    for name, blob in blobs:
        words = [w for w in SEEN if w.lower().encode() in blob.lower()]
        if PLACE.encode() in blob and not name.startswith("content-last-good"):
            words.append(PLACE)
        if ".db" in name and ANSWERS.search(blob):
            words.append("the check's answers")
        if words:
            found[name] = words
    return found


def dead_tuples(url: str) -> list[str]:
    """What PostgreSQL's raw table pages still hold (dead tuples included), read with pageinspect."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        pages = conn.execute(text("SELECT get_raw_page('events', p::int) FROM generate_series(0, "
                                  "pg_relation_size('events') / 8192 - 1) p")).scalars().all()
    engine.dispose()
    blob = b"".join(bytes(p) for p in pages)
    return [w for w in (*TYPED, "the check's answers") if w.lower().encode() in blob.lower()] + \
        (["the check's answers"] if ANSWERS.search(blob) else [])


def pg_dump(url: str) -> bytes:
    if not url.startswith("postgresql"):
        return b""
    return subprocess.run(["pg_dump", "--data-only", url], check=True, capture_output=True).stdout


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
async def test_no_typed_word_is_left_in_any_file_log_or_dump(request, db, content, tmp_path,
                                                             caplog, wordless_logs):
    if db == "postgres":
        request.applymarker(pytest.mark.postgres)
    url = request.getfixturevalue(f"{db}_url") if db == "postgres" else \
        f"sqlite:///{tmp_path / 'prayat.db'}"
    caplog.set_level(logging.DEBUG)
    async with own_stack(content, tmp_path, url) as (stack, prayat):
        async with telegram_for(prayat) as telegram:
            person, newcomer = Chat(telegram, 70001), Chat(telegram, 70002)
            await person.says("/start")
            await person.says(f"my name is {NAME} and my phone is 012 345 678, my cousin found me a job")
            await person.says(f"I live in {PLACE} now, what jobs are safe?")
            result = await person.checks_the_situation()
            assert result, "the check ends with a result"
            await person.says("they pay $2500 a month in Bangkok for typing, is it real?")
            await person.sends_photo(f"{CAPTION_WORD} hiring now, salary $2000, no experience, "
                                     f"passport kept by the company, contact @{HANDLE}")
            if ocr.available():
                picture = draw(Sample("red-team", "en", "scam", "clean", PICTURE_AD), seed=1)[0]
                assert PICTURE_WORD in ocr.read(picture).text  # the word is read, so it could be left
                read = await person.sends_picture(picture)
                assert any("high risk" in m.text.lower() for m in read), [m.text[:80] for m in read]
            await person.edits(f"sorry I meant {EDIT_WORD}, call me on 012345678")
            await person.says(f"/ /{SLASH_WORD} my phone is 012 345 678")
            checked = await newcomer.says(AD)  # a job ad as the first message of a session
            assert any("high risk" in m.text.lower() for m in checked), [m.text[:80] for m in checked]

            await prayat.users.flush()
            assert leftovers(tmp_path, pg_dump(url)) == {}, "while the conversation runs"
            bot_log = "\n".join(caplog.messages) + "\n".join(r.getMessage() for r in caplog.records)
            assert [w for w in (*SEEN, "70001", "70002") if w.lower() in bot_log.lower()] == []

            await person.deletes_everything()
            await newcomer.deletes_everything()
            assert leftovers(tmp_path, pg_dump(url)) == {}, "after /delete"
            UserStore(make_engine(url)).purge(0)
            assert leftovers(tmp_path, pg_dump(url)) == {}, "after purge"
            if db == "postgres":
                assert dead_tuples(url) == [], "nothing readable in the table's pages after purge"
    assert leftovers(tmp_path, pg_dump(url)) == {}, "after the servers stopped"
    with make_engine(url).connect() as conn:
        counted = {tuple(r) for r in conn.execute(text("SELECT kind, value FROM prayat_events"))}
    assert ("ad_check.verdict", "high_risk") in counted  # only anonymous counts are left
    assert any(kind == "screening.tier" for kind, _ in counted)


def test_a_sqlite_tracker_store_overwrites_what_it_deletes(tmp_path):
    """SQLite keeps deleted rows in free pages unless secure_delete is on; some builds turn it on
    by default, Prayat does not rely on that."""
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    store = DatabaseUrlTrackerStore(url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    with make_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
