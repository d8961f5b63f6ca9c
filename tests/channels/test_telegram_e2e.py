"""End to end: the real PTB Application, the real Rasa and action servers, a fake Bot API.

Each test speaks as a user would and checks what a user would see: the language of the reply,
which content it came from, and the buttons under it.
"""

from __future__ import annotations

import html
import itertools

import pytest
from sqlalchemy import select

from bot.content import ContentStore, for_place, render
from bot.content.places import MAX_FIRST
from bot.storage import make_engine, user_key, users
from nlu.components.scripts import HAN, KHMER, LATIN, script_counts
from tests.conftest import PEPPER
from tests.fake_telegram import FakeBotAPI

pytestmark = pytest.mark.stack

_chat_ids = itertools.count(5000)

JOB_QUESTIONS = {
    "en": "someone offered me a job in sihanoukville with very high pay, is it real?",
    "km": "មានគេផ្តល់ការងារឱ្យខ្ញុំនៅក្រុងព្រះសីហនុ ប្រាក់ខែខ្ពស់ណាស់ ពិតឬអត់?",
    "zh": "有人介绍我去西港做客服，工资很高，是真的吗？",
}
LANGUAGE_BUTTONS = {'/set_language{"language":"km"}', '/set_language{"language":"en"}',
                    '/set_language{"language":"zh"}'}


def shown(sent) -> str:
    return html.unescape(sent.text)


def text_of(content: ContentStore, item: str, lang: str) -> str:
    return render(content.library, item, lang)["text"]


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_start_greets_and_offers_the_language(telegram: FakeBotAPI, content, lang):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code=lang)
    [welcome] = await telegram.wait_for(chat, 1)
    assert shown(welcome) == text_of(content, "welcome", lang)
    payloads = {b["callback_data"] for b in welcome.buttons}
    assert LANGUAGE_BUTTONS <= payloads
    titles = [b["text"] for b in welcome.buttons[:3]]
    assert titles == ["ខ្មែរ", "English", "中文"]


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_question_about_fake_jobs_is_answered_in_its_language(telegram, content, lang):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, JOB_QUESTIONS[lang])
    reply = (await telegram.wait_for(chat, 2))[1]
    assert shown(reply) == text_of(content, "jobs", lang)
    assert [b["callback_data"] for b in reply.buttons] == [
        b["payload"] for b in render(content.library, "jobs", lang)["buttons"]]


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_pressing_a_button_opens_its_item(telegram, content, lang):
    chat = next(_chat_ids)
    telegram.send_text(chat, JOB_QUESTIONS[lang])
    await telegram.wait_for(chat, 2)  # the answer, and the language offer for a new user
    telegram.press_button(chat, '/show{"item":"jobs.what_happens"}')
    reply = (await telegram.wait_for(chat, 3))[2]
    assert shown(reply) == text_of(content, "jobs.what_happens", lang)
    assert any(s.method == "answerCallbackQuery" for s in telegram.sent)


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_language_button_switches_the_language(telegram, content, lang):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en" if lang != "en" else "km")
    await telegram.wait_for(chat, 1)
    telegram.press_button(chat, f'/set_language{{"language":"{lang}"}}')
    changed = (await telegram.wait_for(chat, 2))[1]
    assert shown(changed) == text_of(content, "language.changed", lang)
    telegram.send_text(chat, "/help")  # no language in a command: the choice decides
    menu = (await telegram.wait_for(chat, 3))[2]
    assert shown(menu) == text_of(content, "welcome.menu", lang)


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_a_sticker_gets_the_polite_reply(telegram, content, lang):
    chat = next(_chat_ids)
    telegram.send_sticker(chat, language_code=lang)
    reply = (await telegram.wait_for(chat, 1))[0]
    assert shown(reply) == text_of(content, "fallback.media", lang)
    assert reply.buttons, "the reply says what the bot can do instead"


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_a_location_gets_the_polite_reply(telegram, content, lang):
    chat = next(_chat_ids)
    telegram.send_location(chat, language_code=lang)
    reply = (await telegram.wait_for(chat, 1))[0]
    assert shown(reply) == text_of(content, "fallback.media", lang)


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_first_message_without_start_is_answered_with_the_language_offer(
    telegram, content, lang
):
    chat = next(_chat_ids)
    # Telegram says English, but the message is clearly in `lang`: the message wins.
    telegram.send_text(chat, JOB_QUESTIONS[lang], language_code="en")
    answer, offer = await telegram.wait_for(chat, 2)
    assert shown(answer) == text_of(content, "jobs", lang)
    assert shown(offer) == text_of(content, "language.offer", lang)
    assert {b["callback_data"] for b in offer.buttons} == LANGUAGE_BUTTONS


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "help they locked me in and took my passport"),
    ("km", "ជួយផង គេចាក់សោខ្ញុំ"),
    ("zh", "救命，他们不让我走"),
])
async def test_emergency_is_answered_with_the_emergency_steps(telegram, content, lang, message):
    chat = next(_chat_ids)
    telegram.send_text(chat, message)
    first = (await telegram.wait_for(chat, 1))[0]
    assert shown(first) == text_of(content, "emergency", lang)
    assert "117" in shown(first)


async def test_html_in_a_message_is_never_sent_back_as_markup(telegram, content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "<b>hello</b> <script>alert(1)</script>", language_code="en")
    replies = await telegram.wait_for(chat, 1)
    for sent in replies:
        assert sent.params.get("parse_mode") == "HTML"
        assert "<script>" not in sent.text


async def test_a_content_edit_reaches_the_running_bot_and_a_broken_edit_does_not(
    telegram, live_content
):
    """Editors' changes go live without a restart; a broken file leaves the last good text."""
    import asyncio

    path = live_content / "en" / "marriage.yml"
    original = path.read_text(encoding="utf-8")
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    try:
        path.write_text(original.replace("  text: |\n", "  text: |\n    EDITED BY AN EDITOR.\n", 1),
                        encoding="utf-8")
        await asyncio.sleep(2.5)  # the content is checked for changes every 2 s
        telegram.press_button(chat, "/ask_marriage", language_code="en")
        edited = (await telegram.wait_for(chat, 2))[1]
        assert shown(edited).startswith("EDITED BY AN EDITOR.")

        path.write_text(original.replace("marriage:", "marriage: [broken", 1), encoding="utf-8")
        await asyncio.sleep(2.5)
        telegram.press_button(chat, "/ask_marriage", language_code="en")
        still = (await telegram.wait_for(chat, 3))[2]
        assert shown(still).startswith("EDITED BY AN EDITOR.")
    finally:
        path.write_text(original, encoding="utf-8")
        await asyncio.sleep(2.5)  # let the server take the original back before other tests


TOPIC_BUTTONS = [
    ("/ask_jobs", "jobs"),
    ("/ask_marriage", "marriage"),
    ("/ask_safe_migration", "safe_migration"),
    ("/ask_hotlines", "hotlines"),
    ('/show{"item":"rights"}', "rights"),
    ('/show{"item":"facts"}', "facts"),
    ("/emergency", "emergency"),
    ("/help", "welcome.menu"),
    # "Where are you?": the place is kept, so the emergency answer after it is for that place.
    ('/ask_hotlines{"place":"KH"}', "hotlines.kh"),
    ('/ask_hotlines{"place":"CN"}', "hotlines.cn"),
    ('/ask_hotlines{"place":"OTHER"}', "hotlines.abroad"),
    ('/ask_hotlines{"place":"TH"}', "hotlines.abroad"),
    ("/emergency", "emergency"),
]


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_every_topic_comes_from_the_users_language_file(telegram, content, lang):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code=lang)
    await telegram.wait_for(chat, 1)
    place = None
    for count, (payload, item) in enumerate(TOPIC_BUTTONS, start=2):
        place = payload.partition('"place":"')[2].partition('"')[0] or place
        telegram.press_button(chat, payload, language_code=lang)
        reply = (await telegram.wait_for(chat, count))[-1]
        limit = MAX_FIRST if item == "emergency" else None
        assert shown(reply) == for_place(content.library, item, lang, place, limit)["text"], (
            payload, lang)
    assert place == "TH" and "1300" in shown(reply)  # the last emergency answer is for Thailand


async def test_telegram_429_is_retried_and_the_reply_is_sent_once(telegram, content):
    chat = next(_chat_ids)
    telegram.throttle_next = 1  # the first sendMessage is answered "429, retry after 1 s"
    telegram.send_text(chat, "/start", language_code="en")
    [welcome] = await telegram.wait_for(chat, 1, timeout=20)
    assert shown(welcome) == text_of(content, "welcome", "en")
    await __import__("asyncio").sleep(1.5)
    assert len(telegram.messages_to(chat)) == 1, "no reply lost, none sent twice"
    assert telegram.throttle_next == 0


async def test_an_edited_message_is_answered(telegram, content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    telegram.edit_text(chat, "help, they took my passport", language_code="en")
    reply = (await telegram.wait_for(chat, 2))[1]
    assert shown(reply) == text_of(content, "emergency", "en")


async def test_an_item_with_a_picture_sends_it_before_the_text(telegram, content, live_content):
    import asyncio

    from PIL import Image

    picture = live_content / "en" / "rights-card.png"
    Image.new("RGB", (64, 32), "white").save(picture)
    path = live_content / "en" / "rights.yml"
    original = path.read_text(encoding="utf-8")
    chat = next(_chat_ids)
    try:
        path.write_text(original.replace(
            "rights:\n", "rights:\n  image: rights-card.png\n"
            "  image_alt: A card that says you are not a criminal\n", 1), encoding="utf-8")
        await asyncio.sleep(2.5)
        telegram.send_text(chat, "/start", language_code="en")
        await telegram.wait_for(chat, 1)
        telegram.press_button(chat, '/show{"item":"rights"}', language_code="en")
        photo, text = (await telegram.wait_for(chat, 3))[1:]
        assert photo.method == "sendPhoto"
        assert photo.params["caption"] == "A card that says you are not a criminal"
        assert text.method == "sendMessage" and shown(text) == text_of(content, "rights", "en")
    finally:
        path.write_text(original, encoding="utf-8")
        picture.unlink()
        await asyncio.sleep(2.5)


@pytest.mark.parametrize(("lang", "message", "item"), [
    ("en", "what number can I call? I am in Myawaddy", "hotlines.abroad"),
    ("zh", "我在中国，可以打什么电话？", "hotlines.cn"),
    ("km", "ខ្ញុំនៅភ្នំពេញ សុំលេខទូរស័ព្ទជំនួយ", "hotlines.kh"),
    ("en", "which hotline can I call?", "hotlines"),
])
async def test_hotlines_for_the_place_a_person_names(telegram, content, lang, message, item):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code=lang)
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, message, language_code=lang)
    reply = (await telegram.wait_for(chat, 2))[1]
    place = {"hotlines.abroad": "MM", "hotlines.cn": "CN", "hotlines.kh": "KH"}.get(item)
    assert shown(reply) == for_place(content.library, item, lang, place)["text"]


def language_of(sent) -> str:
    """The language a reply is written in, by its letters."""
    counts = script_counts(shown(sent))
    return {KHMER: "km", HAN: "zh"}.get(max((KHMER, HAN, LATIN), key=lambda s: counts[s]), "en")


def stored_language(url: str, chat: int) -> str | None:
    with make_engine(url).connect() as conn:
        return conn.execute(select(users.c.language).where(
            users.c.id == user_key(PEPPER, f"telegram:{chat}"))).scalar_one()


async def conversation(telegram: FakeBotAPI, url: str, chat: int,
                       steps: list[tuple[str, str, str]]) -> None:
    """Each step: how the person acts (send / forward / press), what, and the language the reply
    must be in, which is also the language then stored for the person."""
    for how, message, lang in steps:
        before = len(telegram.messages_to(chat))
        if how == "press":
            telegram.press_button(chat, message, language_code="en")
        else:
            getattr(telegram, f"{how}_text")(chat, message, language_code="en")
        replies = (await telegram.wait_for(chat, before + 1))[before:]
        assert language_of(replies[0]) == lang, (message, shown(replies[0]))
        assert stored_language(url, chat) == lang, message


async def test_a_clear_language_switches_and_short_messages_keep_it(telegram, stack_db_url):
    """Romanized Khmer from someone whose Telegram is in English: the clear Khmer message
    switches the conversation (and what is stored) to Khmer; "menu", "thank you bong" and a
    command stay in Khmer; clear English switches back, and "ok bong" stays English."""
    chat = next(_chat_ids)
    await conversation(telegram, stack_db_url, chat, [
        ("send", "/start", "en"),
        ("send", "knhom chong tov thver ka nov thai, trov twer yang mech", "km"),
        ("send", "menu", "km"),
        ("send", "thank you bong", "km"),
        ("send", "/help", "km"),
        ("send", "what are the signs of a fake job offer?", "en"),
        ("send", "ok bong", "en"),
    ])


async def test_a_chosen_language_stays_and_forwarded_words_do_not_change_it(
        telegram, stack_db_url):
    """A person who pressed "ខ្មែរ" gets an English answer to a clear English question, and is
    back in Khmer for "menu": only another choice changes a chosen language. A forwarded Chinese
    message is answered in the person's language."""
    chat = next(_chat_ids)
    await conversation(telegram, stack_db_url, chat, [
        ("send", "/start", "en"),
        ("press", '/set_language{"language":"km"}', "km"),
        ("forward", "妈妈说明天下大雨，记得带伞，早点回家", "km"),
    ])
    before = len(telegram.messages_to(chat))
    telegram.send_text(chat, "what are the signs of a fake job offer?", language_code="en")
    answer = (await telegram.wait_for(chat, before + 1))[before]
    assert language_of(answer) == "en"
    assert stored_language(stack_db_url, chat) == "km"
    await conversation(telegram, stack_db_url, chat, [("send", "menu", "km")])
