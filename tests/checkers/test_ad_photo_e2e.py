"""Job ads sent as pictures, end to end through the fake Bot API, the real OCR (Tesseract) and the
real dialogue: a photo of a Khmer ad, a screenshot of a Chinese one, an image sent as a file, a
blurred photo, a picture that is no job ad; and nothing of the picture kept anywhere.

The images are drawn here (bot/tools/ocr_eval.py's drawing), from ads written for these tests.
"""

from __future__ import annotations

import html
import itertools
import json

import pytest
from sqlalchemy import text

from bot.checkers import ocr
from bot.content import render
from bot.storage import make_engine, user_key
from bot.tools.ocr_eval import Sample, draw
from tests.conftest import PEPPER

pytestmark = [pytest.mark.stack,
              pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed (scripts/ensure-ocr)")]

_chat_ids = itertools.count(15000)

KHMER_AD = ("ជ្រើសរើសបុគ្គលិកផ្នែកបម្រើអតិថិជន\n"
            "ធ្វើការនៅមៀវ៉ាឌី ប្រាក់ខែ ២០០០ ដុល្លារ\n"
            "មិនត្រូវការបទពិសោធន៍ ក្រុមហ៊ុនចេញថ្លៃសំបុត្រយន្តហោះ\n"
            "ទាក់ទង Telegram @kh_cs_job")
CHINESE_AD = ("诚聘网络客服\n"
              "工作地点：缅甸妙瓦底\n"
              "月薪两万，包机票，包吃住\n"
              "无需经验，公司统一培训\n"
              "联系飞机 @mwd_kefu")
ENGLISH_AD = ("HIRING NOW: customer service staff\n"
              "Work in Myawaddy, salary $2,500 per month\n"
              "No experience needed, free flight and visa\n"
              "Contact Telegram @cs_team_mwd")
NOT_AN_AD = ("Happy birthday, grandma!\n"
             "We all love you and we will visit on Sunday.\n"
             "From all your grandchildren in Battambang")


def picture(words: str, lang: str, style: str) -> bytes:
    return draw(Sample("test", lang, "scam", style, words), seed=3)[0]


def shown(sent) -> str:
    return html.unescape(sent.text)


def item(content, item_id: str, lang: str) -> str:
    return render(content.library, item_id, lang)["text"]


async def started(telegram, lang: str) -> int:
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code=lang)
    await telegram.wait_for(chat, 1)
    return chat


async def test_a_photo_of_a_khmer_ad_is_read_and_checked(telegram, content, stack_db_url, prayat):
    chat = await started(telegram, "km")
    telegram.send_photo(chat, None, language_code="km", image=picture(KHMER_AD, "km", "photo"))
    result, advice = (await telegram.wait_for(chat, 3, timeout=60))[1:]
    said = shown(result)
    lib = content.library
    assert said.startswith(item(content, "ad_check.from_photo", "km"))  # says it read a picture
    assert item(content, "ad_check.result.high_risk", "km") in said
    assert lib.items["km"]["ad_check.flag.hotspot"].text in said
    assert "មៀវ៉ាឌី" in said  # the words it read, quoted for the sign
    assert shown(advice) == item(content, "ad_check.next", "km")
    assert (chat, "typing") in telegram.chat_actions
    # Nothing of the picture is kept: not its words in the conversation, only tallies.
    key = user_key(PEPPER, f"telegram:{chat}")
    with make_engine(stack_db_url).connect() as conn:
        rows = [json.dumps(json.loads(r.data), ensure_ascii=False) for r in conn.execute(
            text("SELECT data FROM events WHERE sender_id = :k"), {"k": key})]
    assert rows and not [r for r in rows if "មៀវ៉ាឌី" in r or "kh_cs_job" in r or '"ad_source"' in r]
    await prayat.users.flush()
    with make_engine(stack_db_url).connect() as conn:
        tallies = {(r.kind, r.value) for r in conn.execute(text(
            "SELECT kind, value FROM prayat_events WHERE kind LIKE 'ad_check%'"))}
    assert {("ad_check.photo", "read"), ("ad_check.verdict", "high_risk")} <= tallies


async def test_a_screenshot_of_a_chinese_ad_with_an_english_question(telegram, content):
    chat = next(_chat_ids)  # a new person: the caption's language decides
    telegram.send_photo(chat, "Is this job real?", image=picture(CHINESE_AD, "zh", "screenshot"))
    replies = await telegram.wait_for(chat, 3, timeout=60)
    said = shown(replies[0])
    assert said.startswith(item(content, "ad_check.from_photo", "en"))
    assert item(content, "ad_check.result.high_risk", "en") in said
    assert "缅甸" in said or "妙瓦底" in said  # the place it read, quoted
    assert shown(replies[1]) == item(content, "ad_check.next", "en")


async def test_an_image_sent_as_a_file_is_read_too(telegram, content):
    chat = await started(telegram, "en")
    telegram.send_document(chat, picture(ENGLISH_AD, "en", "clean"), "ad.png", "image/png",
                           language_code="en")
    result = (await telegram.wait_for(chat, 3, timeout=60))[1]
    assert item(content, "ad_check.result.high_risk", "en") in shown(result)
    assert "$2,500" in shown(result)  # the pay it read, quoted


@pytest.mark.parametrize("lang", ["km", "zh"])
async def test_a_blurred_photo_gets_send_me_the_text(telegram, content, lang):
    chat = await started(telegram, lang)
    ad = KHMER_AD if lang == "km" else CHINESE_AD
    telegram.send_photo(chat, None, language_code=lang, image=picture(ad, lang, "blurred"))
    reply = (await telegram.wait_for(chat, 2, timeout=60))[1]
    assert shown(reply) == item(content, "ad_check.photo_unreadable", lang)
    assert {b["callback_data"] for b in reply.buttons} >= {"/check_ad"}


async def test_a_picture_that_is_not_a_job_ad(telegram, content):
    chat = await started(telegram, "en")
    telegram.send_photo(chat, None, language_code="en", image=picture(NOT_AN_AD, "en", "clean"))
    reply = (await telegram.wait_for(chat, 2, timeout=60))[1]
    assert shown(reply) == item(content, "ad_check.photo_not_ad", "en")


async def test_a_caption_that_is_an_ad_is_checked_when_the_picture_says_nothing(telegram, content):
    chat = await started(telegram, "en")
    caption = ENGLISH_AD.replace("\n", ". ")
    telegram.send_photo(chat, caption, language_code="en")  # a tiny blank picture
    result = (await telegram.wait_for(chat, 3, timeout=60))[1]
    assert shown(result).startswith(item(content, "ad_check.result.high_risk", "en"))


async def test_a_file_that_is_not_an_image(telegram, content):
    chat = await started(telegram, "en")
    telegram.send_document(chat, b"\x89PNG\r\n\x1a\nnot really", "ad.png", "image/png", language_code="en")
    reply = (await telegram.wait_for(chat, 2, timeout=60))[1]
    assert shown(reply) == item(content, "ad_check.photo_unreadable", "en")
