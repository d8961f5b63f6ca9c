"""Calm questions with frightening words get their own answer, not the emergency steps: someone
who got out months ago, a question about what a word means, a foreign worker asking about their
rights, everyday talk ("my facebook is locked"). The same words in a danger now still bring the
emergency answer at once. Through the real stack, in three languages, as the person sees it."""

from __future__ import annotations

import html
import itertools

import pytest

from bot.content import render
from bot.core.prayat import Incoming

_chat_ids = itertools.count(17000)

# (language, message, the item the person must see)
CALM = [
    ("en", "I escaped from a compound in Myawaddy six months ago, now I need counselling", "survivors"),
    ("km", "ខ្ញុំរត់ចេញពីក្រុមហ៊ុនបោកប្រាស់កាលពីឆ្នាំមុន ឥឡូវចង់រកកន្លែងប្រឹក្សាផ្លូវចិត្ត", "survivors"),
    ("zh", "去年从园区被救出来了，现在想找心理咨询", "survivors"),
    ("en", "what is debt bondage?", "definitions.debt_bondage"),
    ("km", "ពលកម្មដោយបង្ខំជាអ្វី", "definitions.forced_labour"),
    ("zh", "人口贩卖和偷渡有什么区别", "definitions.trafficking"),
]

DANGER = [
    ("en", "I escaped from the compound but my sister is still held there, help"),
    ("km", "ខ្ញុំធ្លាប់ធ្វើការនៅទីនោះ ឥឡូវគេជាប់ឃុំខ្ញុំម្ដងទៀត ជួយផង"),
    ("zh", "我去年逃出来过，现在又被关起来了，救命"),
]


def shown(sent) -> str:
    return html.unescape(sent.text)


@pytest.mark.stack
@pytest.mark.parametrize(("lang", "text", "item"), CALM)
async def test_a_calm_question_gets_its_answer_not_the_emergency(telegram, content, lang, text,
                                                                 item):
    chat = next(_chat_ids)
    telegram.send_text(chat, text, language_code=lang)
    first = (await telegram.wait_for(chat, 1))[0]
    words = render(content.library, item, lang, contacts=[])["text"]
    assert shown(first).startswith(words)
    emergency = render(content.library, "emergency", lang, contacts=[])["text"]
    assert not shown(first).startswith(emergency)


@pytest.mark.stack
@pytest.mark.parametrize(("lang", "text"), DANGER)
async def test_the_same_words_with_a_danger_now_get_the_emergency(telegram, content, lang, text):
    chat = next(_chat_ids)
    telegram.send_text(chat, text, language_code=lang)
    first = (await telegram.wait_for(chat, 1))[0]
    # the steps for the person in danger, or for a relative writing about them ("my sister")
    steps = [render(content.library, item, lang, contacts=[])["text"]
             for item in ("emergency", "emergency.for_someone")]
    assert any(shown(first).startswith(words) for words in steps)


@pytest.mark.parametrize(("lang", "text", "item"), CALM)
async def test_with_the_dialogue_down_a_calm_question_is_no_emergency(floor, lang, text, item):
    answer = await floor.handle(Incoming(user="u", text=text))
    assert answer.replies[0]["topic"] != "emergency"
