"""Outreach end to end through the real PTB Application and the fake Bot API: a community session
in a group, run by an outreach worker, and the quiz in a private chat. Neither needs the model."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram import TelegramFrontEnd
from bot.content import CONTENT_ROOT, ContentStore, render
from bot.core.prayat import Prayat
from bot.dialogue.rasa_client import RasaClient
from bot.outreach.cards import CardCache
from bot.storage import UserStore, make_engine
from tests.conftest import PEPPER, free_port
from tests.fake_telegram import TOKEN, FakeBotAPI

WORKER, ALICE, BOB, GROUP = 777, 801, 802, -100123  # Telegram user and group ids
CONTENT = ContentStore(CONTENT_ROOT)
LIB = CONTENT.library


@contextlib.asynccontextmanager
async def bot(tmp_path, sqlite_url) -> AsyncIterator[FakeBotAPI]:
    rasa = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)  # not needed here
    prayat = Prayat(CONTENT, rasa, UserStore(make_engine(sqlite_url)), PEPPER)
    fake = FakeBotAPI()
    await fake.start()
    front = TelegramFrontEnd(prayat, frozenset({WORKER}), cards=CardCache(tmp_path / "cards"))
    app = front.build(TOKEN, fake.base_url)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1,
                                        allowed_updates=["message", "callback_query", "poll_answer"])
        yield fake
        await app.updater.stop()
        await app.stop()
    await fake.stop()
    await rasa.close()


def item_text(item: str, lang: str) -> str:
    return render(LIB, item, lang)["text"]


@pytest.fixture
async def telegram(tmp_path, sqlite_url) -> AsyncIterator[FakeBotAPI]:
    async with bot(tmp_path, sqlite_url) as fake:
        yield fake


async def test_a_community_session_from_start_to_the_summary(telegram):
    steps = LIB.outreach.session
    telegram.send_group_text(GROUP, WORKER, "/session en")
    [area] = await telegram.wait_for(GROUP, 1)
    assert area.text == item_text("outreach.session_area", "en")
    telegram.press_group_button(GROUP, WORKER, '/session_area{"area":"KH"}')
    sent = await telegram.wait_for(GROUP, 2)
    first = sent[-1]
    assert first.method == "sendPhoto"
    assert first.params["caption"] == LIB.card_texts["en"][steps[0][1]]["title"]
    assert [b["callback_data"] for b in first.buttons] == ["/session_next"]

    # Only the worker moves the session on.
    telegram.press_group_button(GROUP, ALICE, "/session_next")
    telegram.send_group_text(GROUP, ALICE, "is this about jobs in Thailand?")  # not for the bot
    telegram.send_group_text(GROUP, BOB, "/help")  # in a group, only the session is answered
    with pytest.raises(AssertionError):
        await telegram.wait_for(GROUP, 3, timeout=2)

    polls = []
    for number, (kind, ref) in enumerate(steps[1:], start=3):
        telegram.press_group_button(GROUP, WORKER, "/session_next")
        sent = await telegram.wait_for(GROUP, number + (1 if kind == "hotlines" else 0))
        if kind == "quiz":
            poll = sent[-1]
            assert poll.method == "sendPoll"
            assert poll.params["type"] == "quiz"
            assert poll.params["correct_option_ids"] == [LIB.outreach.quiz[ref]]
            assert poll.params["explanation"] == LIB.quiz["en"][ref]["explanation"]
            # Anonymous in a group: nobody sees who answered what, the bot included.
            assert str(poll.params["is_anonymous"]).lower() == "true"
            polls.append((ref, poll.params["poll_id"]))
            right = LIB.outreach.quiz[ref]
            votes = [0] * len(LIB.quiz["en"][ref]["options"])
            votes[right] += 2 if ref == "high_pay" else 1  # everyone right on the first question
            if ref != "high_pay":
                votes[(right + 1) % len(votes)] += 1
            telegram.poll_results(poll.params["poll_id"], votes, right)
        elif kind == "card":
            assert sent[-1].method == "sendPhoto"
            assert sent[-1].params["caption"] == LIB.card_texts["en"][ref]["title"]
    hotline_card, end = sent[-2:]
    assert hotline_card.params["caption"] == LIB.card_texts["en"]["hotline.KH"]["title"]
    assert end.text == item_text("outreach.session_end", "en")

    [summary] = await telegram.wait_for(WORKER, 1)  # privately, to the worker
    assert summary.text.startswith(item_text("outreach.summary", "en"))
    labels = LIB.labels["en"]
    assert labels["summary.participants"].format(count=2) in summary.text
    assert labels["summary.questions"].format(count=len(polls)) in summary.text
    missed = [ref for ref, _ in polls if ref != "high_pay"][0]
    assert LIB.quiz["en"][missed]["question"] in summary.text
    assert "of 2 wrong" in summary.text
    # Nothing about who answered what is said in the group.
    assert not any(labels["summary.missed"] in s.text for s in telegram.messages_to(GROUP))


async def test_session_is_refused_to_someone_not_listed(telegram):
    # In the group: nothing, for everyone to see (red team row 6); in a private chat: the refusal.
    telegram.send_group_text(GROUP, ALICE, "/session", language_code="km")
    telegram.press_group_button(GROUP, ALICE, '/session_area{"area":"KH"}')
    with pytest.raises(AssertionError):
        await telegram.wait_for(GROUP, 1, timeout=2)
    telegram.send_text(ALICE, "/session", language_code="km")
    [refused] = await telegram.wait_for(ALICE, 1)
    assert refused.text == item_text("admin.refused", "km")


async def test_a_stale_or_forged_session_button_in_a_private_chat_is_called_old(telegram):
    for count, data in enumerate(["/session_next", "/quiz_forged"], start=1):
        telegram.press_button(ALICE, data, language_code="en")
        reply = (await telegram.wait_for(ALICE, count))[-1]
        assert reply.text == item_text("fallback.bad_button", "en")


@pytest.mark.parametrize("lang", ["km", "zh"])
async def test_the_quiz_in_a_private_chat_scores_and_explains(telegram, lang):
    chat = 5555
    telegram.send_text(chat, "/quiz", language_code=lang)
    intro, first = await telegram.wait_for(chat, 2)
    assert intro.text == LIB.quiz[lang]["intro"]["text"]
    questions = list(LIB.outreach.quiz)
    poll = first
    for number, question in enumerate(questions, start=1):
        assert poll.method == "sendPoll" and poll.params["question"] == LIB.quiz[lang][question][
            "question"]
        assert poll.params["explanation"] == LIB.quiz[lang][question]["explanation"]
        right = LIB.outreach.quiz[question]
        telegram.answer_poll(poll.params["poll_id"], chat, right if number % 2 else right + 1)
        poll = (await telegram.wait_for(chat, 2 + number))[-1]
    score = poll
    expected = LIB.quiz[lang]["score"]["text"].format(right=(len(questions) + 1) // 2,
                                                      total=len(questions))
    assert score.text == expected
