"""The situation check end to end: the real PTB Application, Rasa's form and the action server,
driven by pressing the inline buttons the bot sent, through the fake Bot API.

Each test checks what the person sees (the question for the right person, the tier, the signs
named, the contacts for where they are) and what is left in the database afterwards (only the
tier and the indicators, counted anonymously; none of the answers).
"""

from __future__ import annotations

import html
import itertools
import json

import pytest
from sqlalchemy import text

from bot.checkers.screening import answer_payload
from bot.content import ContentStore, render
from bot.storage import make_engine, user_key
from tests.conftest import PEPPER
from tests.fake_telegram import FakeBotAPI

pytestmark = pytest.mark.stack

_chat_ids = itertools.count(9000)
ANSWER = '/screening_answer{{"answer":"{}"}}'


def shown(sent) -> str:
    return html.unescape(sent.text)


class Person:
    """One person chatting with the bot: each step waits for the replies it should bring."""

    def __init__(self, telegram: FakeBotAPI, lang: str) -> None:
        self.telegram = telegram
        self.chat = next(_chat_ids)
        self.lang = lang
        self.seen = 0

    async def _wait(self, replies: int) -> list:
        self.seen += replies
        return (await self.telegram.wait_for(self.chat, self.seen))[-replies:]

    async def says(self, words: str, replies: int = 1) -> list:
        self.telegram.send_text(self.chat, words, language_code=self.lang)
        return await self._wait(replies)

    async def presses(self, answer: str, replies: int = 1) -> list:
        self.telegram.press_button(self.chat, ANSWER.format(answer), language_code=self.lang)
        return await self._wait(replies)

    async def presses_payload(self, payload: str, replies: int = 1) -> list:
        self.telegram.press_button(self.chat, payload, language_code=self.lang)
        return await self._wait(replies)

    async def starts_a_check(self, who: str, kind: str, place: str) -> object:
        """/start, /check, then the first three answers; returns the first question."""
        await self.says("/start")
        await self.says("/check", replies=2)
        await self.presses(who)
        await self.presses(kind)
        [first] = await self.presses(place)
        return first

    @property
    def key(self) -> str:
        return user_key(PEPPER, f"telegram:{self.chat}")


def item_text(content: ContentStore, item: str, lang: str) -> str:
    return render(content.library, item, lang)["text"]


def payloads(sent) -> list[str]:
    return [b["callback_data"] for b in sent.buttons]


def stored(url: str, key: str) -> list[dict]:
    with make_engine(url).connect() as conn:
        rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :k ORDER BY id"),
                            {"k": key}).fetchall()
    return [json.loads(r.data) for r in rows]


def counted(url: str) -> list[tuple]:
    with make_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(
            text("SELECT kind, value, language FROM prayat_events WHERE kind LIKE 'screening.%'"))]


async def answer_all(person: Person, content: ContentStore, kind: str, who: str,
                     answers: dict[str, str], first) -> list:
    """Answer every question of the situation with the buttons under it; return the result."""
    screening = content.library.screening
    questions = screening.situations[kind]
    question = first
    for number, qid in enumerate(questions, start=1):
        wanted = item_text(content, f"screening.q.{qid}.{who}", person.lang)
        assert shown(question) == f"{number}/{len(questions)} · {wanted}"
        assert payloads(question) == [answer_payload(a, qid) for a in
                                      ("yes", "no", "not_sure", "skip")] + ["/stop_screening"]
        pressed = answer_payload(answers.get(qid, "no"), qid)  # the button under the question
        if number < len(questions):
            [question] = await person.presses_payload(pressed)
    return await person.presses_payload(pressed, replies=2)


# A worker in Cambodia who answers so: a warning naming three signs, not the skipped one.
WARNING_ANSWERS = {"isolation": "yes", "wages": "yes", "differs": "not_sure", "overtime": "skip"}


def shows_the_warning(content: ContentStore, result, contacts) -> str:
    """The result for WARNING_ANSWERS, in English, with Cambodia's contacts after it."""
    lib = content.library
    said = shown(result)
    assert said.startswith(item_text(content, "screening.result.warning.self", "en"))
    for sign in ("isolation", "wages", "differs"):
        assert lib.items["en"][f"screening.sign.{sign}"].text in said
    assert lib.items["en"]["screening.sign.overtime"].text not in said  # skipped
    assert shown(contacts).startswith(item_text(content, "hotlines.kh", "en"))
    return said


async def test_english_self_check_of_a_job_gives_a_warning_with_the_signs_named(
        telegram, content, prayat, stack_db_url):
    person = Person(telegram, "en")
    await person.says("/start")
    intro, who = await person.says("is my situation safe?", replies=2)
    assert shown(intro) == item_text(content, "screening.start", "en")
    assert "delete this chat" in shown(intro)  # the line on hiding the conversation
    assert shown(who) == item_text(content, "screening.who", "en")
    [kind] = await person.presses("self")
    assert shown(kind) == item_text(content, "screening.kind.self", "en")
    [where] = await person.presses("working")
    assert shown(where) == item_text(content, "screening.where.self", "en")
    assert len(where.buttons) == 8  # Cambodia, China, Thailand, Myanmar, Laos, Vietnam, Malaysia, other
    [first] = await person.presses("KH")

    result, contacts = await answer_all(person, content, "working", "self", WARNING_ANSWERS, first)

    lib = content.library
    said = shows_the_warning(content, result, contacts)
    assert lib.items["en"]["screening.found"].text in said
    assert lib.items["en"]["screening.unsure"].text in said
    assert said.endswith(item_text(content, "screening.not_legal", "en"))
    assert payloads(result) == [b["payload"] for b in
                                render(lib, "screening.not_legal", "en")["buttons"]]
    assert "117" in shown(contacts)
    assert shown(contacts).endswith(item_text(content, "screening.calling", "en"))

    await prayat.users.flush()
    tallies = counted(stack_db_url)
    assert ("screening.tier", "warning", "en") in tallies
    assert ("screening.indicator", "ilo.isolation", "en") in tallies
    assert ("screening.indicator", "ilo.withholding_of_wages", "en") in tallies
    # The answers were used for the result, then blanked: nothing says what was answered.
    events = stored(stack_db_url, person.key)
    slots = [e for e in events if e["event"] == "slot" and e["name"].startswith("screening_")]
    assert slots and all(e["value"] is None for e in slots)
    answered = [e for e in events if e["event"] == "user"
                and e["parse_data"]["intent"]["name"] == "screening_answer"]
    assert len(answered) == 3 + 10
    assert all(ent["value"] is None for e in answered for ent in e["parse_data"]["entities"])
    assert all(e.get("text") is None for e in events if e["event"] == "bot")


async def test_khmer_check_for_a_daughter_married_in_china_is_urgent(telegram, content):
    person = Person(telegram, "km")
    await person.says("/start")
    await person.says("/check", replies=2)
    [kind] = await person.presses("other")
    assert shown(kind) == item_text(content, "screening.kind.other", "km")
    [where] = await person.presses("marriage")
    assert shown(where) == item_text(content, "screening.where.other", "km")
    # A typed place answers the question as well as its button would.
    [first] = await person.says("ប្រទេសចិន")
    answers = {"money_family": "yes", "violence": "yes"}
    result, contacts = await answer_all(person, content, "marriage", "other", answers, first)
    assert shown(result).startswith(item_text(content, "screening.result.urgent.other", "km"))
    assert content.library.items["km"]["screening.sign.violence"].text in shown(result)
    assert shown(contacts).startswith(item_text(content, "hotlines.cn", "km"))
    assert "110" in shown(contacts)


async def test_chinese_check_of_an_offer_uses_the_place_already_given(telegram, content):
    person = Person(telegram, "zh")
    await person.says("/start")
    await person.says("我在金边，想看看我的情况安全吗", replies=2)
    await person.presses("self")
    [first] = await person.presses("offer")  # "where?" is not asked: Phnom Penh was named
    result, contacts = await answer_all(person, content, "offer", "self", {}, first)
    assert shown(result).startswith(item_text(content, "screening.result.low.self", "zh"))
    assert content.library.items["zh"]["screening.found"].text not in shown(result)
    assert shown(contacts).startswith(item_text(content, "hotlines.kh", "zh"))


async def test_stop_ends_the_check_and_blanks_the_answers(telegram, content, stack_db_url):
    person = Person(telegram, "en")
    await person.starts_a_check("self", "working", "TH")
    await person.presses("yes")
    [stopped] = await person.says("stop")
    assert shown(stopped) == item_text(content, "screening.stopped", "en")
    slots = [e for e in stored(stack_db_url, person.key)
             if e["event"] == "slot" and e["name"].startswith("screening_")]
    assert slots and all(e["value"] is None for e in slots)
    # The check can begin again from the start.
    intro, who = await person.says("/check", replies=2)
    assert shown(who) == item_text(content, "screening.who", "en")


@pytest.mark.parametrize("lang, words", [
    ("en", "they took my passport and i cant leave"),
    ("km", "គេយកលិខិតឆ្លងដែនខ្ញុំ ហើយមិនឱ្យខ្ញុំចេញទេ"),
    ("zh", "救命，他们不让我走"),
])
async def test_an_emergency_interrupts_the_check_at_once(telegram, content, lang, words):
    person = Person(telegram, lang)
    await person.starts_a_check("self", "working", "KH")
    [emergency] = await person.says(words)
    assert shown(emergency).startswith(item_text(content, "emergency", lang).split("\n")[0])
    assert shown(emergency) == item_text(content, "emergency", lang)
    # The check is over: an old answer button is not taken as an answer.
    [after] = await person.presses("yes")
    assert shown(after) == item_text(content, "screening.expired", lang)


@pytest.mark.parametrize(("lang", "other", "yes"), [
    ("en", "what is the weather like today", "Yes"),
    ("km", "ថ្ងៃនេះភ្លៀងទេ", "បាទ"),
    ("zh", "今天天气怎么样", "是"),
])
async def test_typed_text_gets_a_hint_and_the_same_question_again(telegram, content, lang, other,
                                                                   yes):
    person = Person(telegram, lang)
    first = await person.starts_a_check("self", "working", "MM")
    hint, again = await person.says(other, replies=2)
    assert shown(hint) == item_text(content, "screening.use_buttons", lang)
    assert shown(again) == shown(first)
    [second] = await person.says(yes)  # a typed answer matching a button's label is taken
    assert shown(second).startswith("2/")


async def test_a_menu_button_leaves_the_check(telegram, content):
    person = Person(telegram, "en")
    await person.says("/start")
    await person.says("/check", replies=2)
    await person.presses("self")
    telegram.press_button(person.chat, "/ask_hotlines", language_code="en")
    [hotlines] = await person._wait(1)
    assert shown(hotlines) == item_text(content, "hotlines", "en")
    intro, who = await person.says("/check", replies=2)  # starts afresh, from "whose situation?"
    assert shown(who) == item_text(content, "screening.who", "en")


async def test_a_button_under_an_earlier_question_does_not_answer_this_one(telegram, content,
                                                                          stack_db_url):
    person = Person(telegram, "en")
    first = await person.starts_a_check("self", "working", "KH")
    [second] = await person.presses_payload(first.buttons[0]["callback_data"])  # "yes" to 1
    assert shown(second).startswith("2/")
    hint, again = await person.presses_payload(first.buttons[1]["callback_data"], replies=2)
    assert shown(hint) == item_text(content, "screening.use_buttons", "en")
    assert shown(again) == shown(second)  # question 2 again, not question 3
    # What was typed is never stored, even in the slots the form filled from the text.
    await person.says("my boss in Phnom Penh keeps my passport", replies=1)
    typed = [e for e in stored(stack_db_url, person.key) if e["event"] == "slot"
             and isinstance(e.get("value"), str) and "passport" in e["value"]]
    assert typed == []
