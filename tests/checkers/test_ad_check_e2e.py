"""The job-ad checker in the chat, end to end: pasted, forwarded, sent as a photo caption, or after
/check_ad; the explanation comes in the person's language, whatever the ad's."""

from __future__ import annotations

import asyncio
import html
import itertools
import json

import pytest
from sqlalchemy import text

from bot.content import render
from bot.core.prayat import Incoming
from bot.storage import make_engine, user_key
from tests.conftest import PEPPER, own_stack

pytestmark = pytest.mark.stack

_chat_ids = itertools.count(11000)
CHINESE_AD = ("高薪诚聘客服，月薪一万五，包机票，包吃住，无需经验，工作地点妙瓦底，名额有限，"
              "联系飞机 @kefu_888")
ENGLISH_AD = ("URGENT: customer service staff for a big company in Sihanoukville. Salary $1,800 "
              "per month, free flight and visa, no experience needed. Age 18-30. "
              "Contact Telegram @hr_goldjob")


def shown(sent) -> str:
    return html.unescape(sent.text)


def item(content, item_id: str, lang: str) -> str:
    return render(content.library, item_id, lang)["text"]


async def test_a_forwarded_chinese_ad_is_explained_in_khmer(telegram, content, stack_db_url,
                                                             prayat):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="km")
    await telegram.wait_for(chat, 1)
    telegram.forward_text(chat, CHINESE_AD, language_code="km")
    result, advice = (await telegram.wait_for(chat, 3))[1:]
    lib = content.library
    said = shown(result)
    assert said.startswith(item(content, "ad_check.result.high_risk", "km"))
    for sign in ("high_pay", "free_travel", "no_experience", "hotspot", "chat_only_contact"):
        assert lib.items["km"][f"ad_check.flag.{sign}"].text in said
    assert "妙瓦底" in said and "一万五" in said  # the ad's own words, quoted
    assert shown(advice) == item(content, "ad_check.next", "km")
    assert "1297" not in shown(advice)  # a job-registration line, not a licence check (review S8)
    # The ad is not kept: not its words, not the slot that held it.
    key = user_key(PEPPER, f"telegram:{chat}")
    with make_engine(stack_db_url).connect() as conn:
        rows = [json.dumps(json.loads(r.data), ensure_ascii=False) for r in conn.execute(
            text("SELECT data FROM events WHERE sender_id = :k"), {"k": key})]
    assert rows and not [r for r in rows if "妙瓦底" in r or "kefu_888" in r]
    await prayat.users.flush()
    with make_engine(stack_db_url).connect() as conn:
        tallies = [tuple(r) for r in conn.execute(text(
            "SELECT kind, value, language FROM prayat_events WHERE kind LIKE 'ad_check.%'"))]
    assert ("ad_check.verdict", "high_risk", "km") in tallies
    assert ("ad_check.flag", "hotspot", "km") in tallies


async def test_check_ad_then_paste(telegram, content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, "/check_ad")
    [ask] = (await telegram.wait_for(chat, 2))[1:]
    assert shown(ask) == item(content, "ad_check.ask", "en")
    telegram.send_text(chat, "hello")  # not an ad: the bot says so and keeps waiting
    [hint] = (await telegram.wait_for(chat, 3))[2:]
    assert shown(hint) == item(content, "ad_check.not_an_ad", "en")
    telegram.send_text(chat, "Shop assistant wanted at Lucky Mart, Street 63, Phnom Penh. $220 a month. "
                             "Call 012 000 777.")
    result, advice = (await telegram.wait_for(chat, 5))[3:]
    assert shown(result) == item(content, "ad_check.result.no_flags", "en")
    assert "safe" in shown(result).lower()  # "does not mean it is safe"
    assert shown(advice) == item(content, "ad_check.next", "en")


@pytest.mark.parametrize("again", ["/check_ad", "is this job ad real?"])
async def test_asking_again_while_the_bot_waits_for_the_ad_asks_once_more(telegram, content, again):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, "/check_ad")
    await telegram.wait_for(chat, 2)
    telegram.send_text(chat, again)
    [ask] = (await telegram.wait_for(chat, 3))[2:]
    assert shown(ask) == item(content, "ad_check.ask", "en")
    telegram.send_text(chat, ENGLISH_AD)  # and the ad that follows is checked
    result = (await telegram.wait_for(chat, 5))[3]
    assert shown(result).startswith(item(content, "ad_check.result.high_risk", "en"))
    await asyncio.sleep(1.5)
    assert len(telegram.messages_to(chat)) == 5, [m.text[:40] for m in telegram.messages_to(chat)]


async def test_a_pasted_ad_is_checked_without_a_command(telegram, content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, ENGLISH_AD)
    result = (await telegram.wait_for(chat, 3))[1]
    assert shown(result).startswith(item(content, "ad_check.result.high_risk", "en"))
    assert "“Sihanoukville”" in shown(result)


async def test_a_photo_of_an_ad_with_its_caption(telegram, content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="zh")
    await telegram.wait_for(chat, 1)
    telegram.send_photo(chat, ENGLISH_AD, language_code="zh")
    result = (await telegram.wait_for(chat, 3))[1]
    assert shown(result).startswith(item(content, "ad_check.result.high_risk", "zh"))


@pytest.mark.parametrize("lang, words", [
    ("en", "can you check a job ad for me?"),
    ("km", "ជួយពិនិត្យការផ្សាយការងារនេះបន្តិច"),
    ("zh", "帮我看看这个招聘广告靠谱吗"),
])
async def test_asking_to_check_an_ad_in_words(telegram, content, lang, words):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code=lang)
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, words)
    [ask] = (await telegram.wait_for(chat, 2))[1:]
    assert shown(ask) == item(content, "ad_check.ask", lang)


async def test_an_ad_forwarded_during_the_situation_check_is_checked(telegram, content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, "/check")
    await telegram.wait_for(chat, 3)
    telegram.press_button(chat, '/screening_answer{"answer":"self"}')
    await telegram.wait_for(chat, 4)
    telegram.forward_text(chat, CHINESE_AD)
    result, advice = (await telegram.wait_for(chat, 6))[4:]
    assert shown(result).startswith(item(content, "ad_check.result.high_risk", "en"))
    telegram.press_button(chat, '/screening_answer{"answer":"working"}')  # the check has ended
    [expired] = (await telegram.wait_for(chat, 7))[6:]
    assert shown(expired) == item(content, "screening.expired", "en")


@pytest.mark.parametrize(("lang", "words", "quoted"), [
    # Whether the model reads these as "check an ad" or as a question about jobs, the person is
    # told at once that this pay is the usual bait, with their own words; never "send me the ad".
    ("km", "គេឲ្យប្រាក់ខែ ២០០០ ដុល្លារ ការងារនេះពិតឬបោក?", "២០០០ ដុល្លារ"),
    ("en", 'check this: "Hiring now! Customer service in Thailand, 1500$ a month, no experience, '
           'free visa"', "1500$"),
    ("zh", "帮我看看这个：“高薪招聘客服 月薪2万 包吃住 无需经验”", "2万"),
])
async def test_a_request_that_already_describes_the_offer_is_answered_at_once(telegram, content,
                                                                                lang, words,
                                                                                quoted):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code=lang)
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, words, language_code=lang)
    reply = shown((await telegram.wait_for(chat, 2))[1])
    assert not reply.startswith(item(content, "ad_check.ask", lang))
    assert content.library.items[lang]["ad_check.flag.high_pay"].text.strip() in reply
    assert quoted in reply


async def test_the_first_ad_after_the_action_server_starts_is_checked_in_time(content, tmp_path):
    """The checker is built as the action server starts (spaCy and the matcher took ~4 s), so the
    first ad a new server sees is checked within the bot's usual 3 s (own_stack's client waits
    3 s, as PRAYAT_RASA_TIMEOUT does), not answered 'limited mode'."""
    async with own_stack(content, tmp_path, f"sqlite:///{tmp_path / 'prayat.db'}") as (stack, prayat):
        answer = await prayat.handle(Incoming(user="first", text=ENGLISH_AD))
    assert [r["content"][0] for r in answer.replies][:2] == ["ad_check.result.high_risk",
                                                             "ad_check.next"]
