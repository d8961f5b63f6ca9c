"""Places and pay amounts as entities: what the lookup finds, that Rasa's parse carries them, and
what the dialogue does with them (the hotlines for the place, a note on pay far above normal)."""

from __future__ import annotations

import html
import itertools
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.content import for_place, load_library, render
from bot.storage import make_engine, user_key
from nlu.components.entities import find_entities
from tests.conftest import PEPPER

CONTENT = Path(__file__).resolve().parents[2] / "content"
LIB = load_library(CONTENT)
_chat_ids = itertools.count(9600)


def entities(text_: str, library=LIB) -> list[tuple[str, object, str]]:
    """The place and amount entities; who is writing and from where are the whole message's."""
    return [(e["entity"], e["value"], text_[e["start"]:e["end"]])
            for e in find_entities(text_, library) if e["entity"] in ("place", "amount")]


def test_who_and_from_where_are_marked_for_the_whole_message():
    found = {e["entity"]: e["value"] for e in find_entities("我是中国人，我朋友在妙瓦底被关了", LIB)}
    assert found == {"place": "MM", "about": "other", "nationality": "CN"}  # 中国 is no place here


@pytest.mark.parametrize(("message", "expected"), [
    ("I am in Myawaddy now", [("place", "MM", "Myawaddy")]),
    ("my sister married a man in GUANGDONG", [("place", "CN", "GUANGDONG")]),
    ("ខ្ញុំនៅប៉ោយប៉ែត", [("place", "KH", "ប៉ោយប៉ែត")]),
    ("កូនស្រីខ្ញុំនៅប្រទេសចិន", [("place", "CN", "ប្រទេសចិន")]),  # the longer name wins
    ("我朋友在妙瓦底", [("place", "MM", "妙瓦底")]),
    ("我在柬國", [("place", "KH", "柬國")]),  # traditional characters
    ("from Poipet to Bangkok", [("place", "KH", "Poipet"), ("place", "TH", "Bangkok")]),
    ("hello, what can you do?", []),
    ("ថ្ងៃនេះខ្ញុំទំនេរ", []),  # "today" holds no place, though ថៃ (Thailand) is close
])
def test_places_named_in_a_message(message, expected):
    assert entities(message) == expected


@pytest.mark.parametrize(("message", "value", "words"), [
    ("they offer 1500$ a month", {"value": 1500.0, "currency": "USD", "period": "month"},
     "1500$"),
    ("ប្រាក់ខែ ១២០០ ដុល្លារ", {"value": 1200.0, "currency": "USD", "period": "month"},
     "១២០០ ដុល្លារ"),
    ("日薪300元", {"value": 300.0, "currency": "CNY", "period": "day"}, "300元"),
    ("一个月一万五人民币", {"value": 15000.0, "currency": "CNY", "period": "month"}, "一万五人民币"),
])
def test_pay_amounts_named_in_a_message(message, value, words):
    [(kind, found, said)] = entities(message)
    assert (kind, found, said) == ("amount", value, words)


def test_ages_and_phone_numbers_are_not_pay():
    assert entities("I am 19, call me on 012 000 345") == []


def test_an_editor_adds_a_spelling_and_it_is_found_without_retraining(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    places = root / "places.yml"
    places.write_text(places.read_text(encoding="utf-8").replace(
        "names: [myanmar,", "names: [myanmar, myawadi,", 1), encoding="utf-8")
    assert entities("my son is in Myawadi") == []
    assert entities("my son is in Myawadi", load_library(root)) == [("place", "MM", "Myawadi")]


def test_broken_places_mean_no_places_not_no_parse():
    """The extractor's lookup fails soft: without a library it still reads amounts."""
    assert entities("Poipet, 2000$ a month", None) == [
        ("amount", {"value": 2000.0, "currency": "USD", "period": "month"}, "2000$")]


# --- Through the trained model and the dialogue -------------------------------------------------

def stored_user_turns(url: str, chat: int) -> list[dict]:
    with make_engine(url).connect() as conn:
        rows = conn.execute(text("SELECT type_name, data FROM events WHERE sender_id = :k"),
                            {"k": user_key(PEPPER, f"telegram:{chat}")}).fetchall()
    return [json.loads(r.data) for r in rows if r.type_name == "user"]


@pytest.mark.stack
@pytest.mark.parametrize(("lang", "message", "place", "item"), [
    ("en", "my daughter is in Myawaddy, what number can I call", "MM", "hotlines.abroad"),
    ("km", "ខ្ញុំនៅប៉ោយប៉ែត សុំលេខទូរស័ព្ទ", "KH", "hotlines.kh"),
    ("zh", "我老婆在广东，有什么电话可以打", "CN", "hotlines.cn"),
])
async def test_the_model_marks_the_place_and_the_dialogue_uses_it(
        telegram, content, stack_db_url, lang, message, place, item):
    chat = await started(telegram, lang)
    telegram.send_text(chat, message, language_code=lang)
    reply = (await telegram.wait_for(chat, 2))[1]
    assert shown(reply) == for_place(content.library, item, lang, place)["text"]
    turn = stored_user_turns(stack_db_url, chat)[-1]
    stored = next(e for e in turn["parse_data"]["entities"] if e["entity"] == "place")
    assert {"entity": "place", "value": place, "extractor": "PlaceAndAmountExtractor"}.items() \
        <= stored.items()


def shown(sent) -> str:
    return html.unescape(sent.text)


async def started(telegram, lang: str) -> int:
    """A new chat, past /start's welcome."""
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code=lang)
    await telegram.wait_for(chat, 1)
    return chat


@pytest.mark.stack
@pytest.mark.parametrize(("lang", "message", "quoted"), [
    ("en", "a company in Bavet offers me 1500$ a month for typing, is that job real?", "1500$"),
    ("zh", "有人介绍我去西港上班，月薪两万，这个工作是真的吗", "两万"),
])
async def test_a_job_question_with_pay_far_above_normal_quotes_it(telegram, content, lang,
                                                                  message, quoted):
    chat = await started(telegram, lang)
    telegram.send_text(chat, message, language_code=lang)
    reply = (await telegram.wait_for(chat, 2))[1]
    lib = content.library
    note = lib.items[lang]["ad_check.flag.high_pay"].text.strip()
    assert shown(reply).startswith(f"💰 “{quoted}”: {note}")
    assert render(lib, "jobs", lang)["text"] in shown(reply)


@pytest.mark.parametrize(("lang", "message", "quoted", "noted"), [
    ("km", "គេឲ្យប្រាក់ខែ ២០០០ ដុល្លារ ការងារនេះពិតឬបោក?", "២០០០ ដុល្លារ", True),
    ("km", "រោងចក្រឲ្យប្រាក់ខែ ២៥០ ដុល្លារ ការងារនេះពិតឬបោក?", "", False),
    ("zh", "月薪两万，这个工作是真的吗", "两万", True),
])
def test_the_jobs_answer_quotes_pay_far_above_normal(lang, message, quoted, noted):
    """The jobs action alone, in each language, from the entities the extractor gives."""
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.topics import ActionJobs

    latest = {"text": message, "intent": {"name": "ask_jobs"}, "entities": [
        {**e, "extractor": "PlaceAndAmountExtractor"} for e in find_entities(message, LIB)]}
    tracker = Tracker("someone", {}, latest, [{"event": "user", "metadata": {"language": lang}}],
                      False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionJobs().run(dispatcher, tracker, {}))
    [sent] = dispatcher.messages
    note = LIB.items[lang]["ad_check.flag.high_pay"].text.strip()
    jobs = render(LIB, "jobs", lang)["text"]
    if noted:
        assert sent["custom"]["text"] == f"💰 “{quoted}”: {note}\n\n{jobs}"
    else:
        assert sent["custom"]["text"] == jobs


@pytest.mark.stack
async def test_ordinary_pay_gets_no_note(telegram, content):
    chat = await started(telegram, "en")
    telegram.send_text(chat, "a garment factory offers 250$ a month, how do i know if the job offer "
                             "is fake?", language_code="en")
    reply = (await telegram.wait_for(chat, 2))[1]
    assert shown(reply) == render(content.library, "jobs", "en")["text"]


@pytest.mark.stack
async def test_a_place_said_earlier_picks_the_hotlines_later(telegram, content, stack_db_url):
    chat = await started(telegram, "en")
    telegram.send_text(chat, "my sister got a job offer in Myawaddy for 3000$ a month, is it a scam?",
                       language_code="en")
    await telegram.wait_for(chat, 2)
    telegram.send_text(chat, "which hotline can I call?", language_code="en")
    reply = (await telegram.wait_for(chat, 3))[2]
    assert shown(reply) == for_place(content.library, "hotlines.abroad", "en", "MM")["text"]
    # The place is kept as a code; the amount is not kept at all.
    kept = [e for turn in stored_user_turns(stack_db_url, chat)
            for e in turn["parse_data"]["entities"]]
    assert ("place", "MM") in [(e["entity"], e["value"]) for e in kept]
    assert not [e for e in kept if e["entity"] == "amount"]
    assert "3000" not in json.dumps(kept) and "Myawaddy" not in json.dumps(kept)
