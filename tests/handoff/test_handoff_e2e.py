"""Talk to a person, end to end: the real PTB Application and the real Rasa and action servers,
the fake Bot API as Telegram (a forum supergroup for the counsellors), and the database.

Each test does what a person or a counsellor does and checks what they see: the consent in the
person's language, the topic and its buttons, the messages copied both ways with no name or id,
the stop word, the close, the reminders; and what is stored: case metadata only.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.content import render
from bot.handoff import CONSENT, REQUEST
from bot.storage import cases, make_engine, user_key
from tests.conftest import PEPPER
from tests.handoff.helpers import COUNSELLOR, GROUP, ORGANISATION, STRANGER, deployment, shown, until

pytestmark = pytest.mark.stack

_chats = itertools.count(81000)

ASK = {"km": "ខ្ញុំចង់និយាយជាមួយមនុស្ស", "en": "I want to talk to someone", "zh": "我想找人工"}
STOP = {"km": "ឈប់", "en": "stop", "zh": "停止"}
# What the person writes to the counsellor (no emergency words: those have a test of their own).
SECRET = {"km": "ZQXRELAYKM ខ្ញុំមិនដឹងធ្វើយ៉ាងម៉េចទេ បងប្អូនជីដូនមួយខ្ញុំរកការងារឱ្យខ្ញុំនៅថៃ",
          "en": "ZQXRELAYEN I am not sure what to do about my cousin's job offer in Thailand",
          "zh": "ZQXRELAYZH 我不知道该怎么办，表哥给我介绍了泰国的工作"}
JOBS = {"km": "មានគេផ្តល់ការងារឱ្យខ្ញុំនៅក្រុងព្រះសីហនុ ប្រាក់ខែខ្ពស់ណាស់ ពិតឬអត់?",
        "en": "someone offered me a job in sihanoukville with very high pay, is it real?",
        "zh": "有人介绍我去西港做客服，工资很高，是真的吗？"}


def payloads(sent) -> list[str]:
    return [b["callback_data"] for b in sent.buttons]


def item_text(prayat, item: str, lang: str, **values) -> str:
    lib = prayat.content.library
    values.setdefault("organisation", ORGANISATION)
    return render(lib, item, lang, values=values)["text"]


def case_row(prayat, chat: int):
    key = user_key(PEPPER, f"telegram:{chat}")
    with prayat.users.engine.connect() as conn:
        return conn.execute(select(cases).where(cases.c.person == key)).fetchall()


async def open_case(d, prayat, chat: int, lang: str) -> tuple[int, str]:
    [consent] = await d.person_says(chat, ASK[lang], lang)
    assert CONSENT in payloads(consent)
    [waiting] = await d.person_presses(chat, CONSENT, lang)
    assert shown(waiting) == item_text(prayat, "handoff.waiting", lang)
    thread = max(d.telegram.topics)
    await d.in_topic(1, thread)
    return thread, d.telegram.topics[thread]["name"].split(" · ")[0]


def sqlite_bytes(url: str) -> bytes:
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
async def test_a_whole_case_request_consent_claim_both_ways_and_stop(prayat, stack_db_url, lang):
    chat = next(_chats)
    lib = prayat.content.library
    async with deployment(prayat) as d:
        [consent] = await d.person_says(chat, ASK[lang], lang)
        assert shown(consent) == render(lib, "handoff.consent", lang,
                                        values=prayat.handoff.values(lib.labels[lang]))["text"]
        assert ORGANISATION in shown(consent)
        assert payloads(consent)[:2] == [CONSENT, "/help"]

        [waiting] = await d.person_presses(chat, CONSENT, lang)
        assert shown(waiting) == item_text(prayat, "handoff.waiting", lang)
        thread = d.topic()
        code, language, priority = d.telegram.topics[thread]["name"].split(" · ")
        assert (language, priority) == (lib.labels["en"][f"lang.{lang}"], lib.labels["en"]["priority.none"])
        assert str(chat) not in d.telegram.topics[thread]["name"]
        [card] = await d.in_topic(1)
        assert shown(card).startswith(f"🆕 New case {code}")
        assert f"case:claim:{code}" in payloads(card) and f"case:close:{code}" in payloads(card)

        # The person writes: a copy appears in the topic, and nothing comes back.
        d.telegram.send_text(chat, SECRET[lang], language_code=lang)
        copied = (await d.in_topic(2))[1]
        assert copied.method == "copyMessage" and copied.text == SECRET[lang]
        await d.quiet()
        assert len(d.telegram.messages_to(chat)) == 2

        # Someone in the group who is not a counsellor can neither claim nor reply.
        d.telegram.press_topic_button(GROUP, STRANGER, f"case:claim:{code}")
        d.telegram.send_topic_text(GROUP, STRANGER, thread, "ZQXSTRANGER hello")
        refusal = (await d.in_topic(3))[2]
        assert shown(refusal) == item_text(prayat, "handoff.group.not_counsellor", "en")
        await d.quiet()
        alerts = [s for s in d.telegram.sent if s.method == "answerCallbackQuery" and s.params.get("show_alert")]
        assert alerts, "the stranger is told, in an alert only they see"
        assert not [m for m in d.telegram.messages_to(chat) if "ZQXSTRANGER" in m.text]

        d.telegram.press_topic_button(GROUP, COUNSELLOR, f"case:claim:{code}")
        claimed = (await d.in_topic(4))[3]
        assert "took this case" in shown(claimed)

        # The counsellor's reply reaches the person as the bot's own message: no name, no id.
        d.telegram.send_topic_text(GROUP, COUNSELLOR, thread, "ZQXREPLY I am here, are you safe?")
        reply = (await d.telegram.wait_for(chat, 3))[2]
        assert reply.method == "copyMessage" and reply.text == "ZQXREPLY I am here, are you safe?"
        assert str(COUNSELLOR) not in str(reply.params.get("chat_id")) and "message_thread_id" not in reply.params

        # A ready reply from content, in the person's language.
        d.telegram.press_topic_button(GROUP, COUNSELLOR, f"case:say:{code}:safe")
        safe = (await d.telegram.wait_for(chat, 4))[3]
        assert shown(safe) == item_text(prayat, "handoff.say.safe", lang)

        # "stop" alone ends it at once.
        [stopped] = await d.person_says(chat, STOP[lang], lang)
        assert shown(stopped) == item_text(prayat, "handoff.stopped", lang)
        assert "/help" in payloads(stopped)
        assert shown((await d.in_topic(6))[-1]) == item_text(prayat, "handoff.group.stopped", "en")
        assert await until(lambda: d.telegram.topics[thread]["closed"])

        # Afterwards the person talks to the bot again, and nothing goes to the topic.
        [answer, *_] = await d.person_says(chat, JOBS[lang], lang)
        assert answer.method == "sendMessage" and shown(answer) == render(lib, "jobs", lang)["text"]
        await d.quiet()
        assert len(d.telegram.messages_to(GROUP, thread)) == 6

    [row] = case_row(prayat, chat)
    assert (row.outcome, row.chat, row.opened_at, row.active_at, row.closed_on is not None) == \
        ("stopped", None, None, None, True)
    assert row.language == lang and row.priority == "none" and row.claimed
    await prayat.users.flush()
    stored = sqlite_bytes(stack_db_url)
    for word in ("ZQXRELAY", "ZQXREPLY", "ZQXSTRANGER"):
        assert word.encode() not in stored, f"{word} is in the database file (Rasa's tracker included)"
    with make_engine(stack_db_url).connect() as conn:
        counted = {tuple(r) for r in conn.execute(text(
            "SELECT kind, value FROM prayat_events WHERE kind LIKE 'handoff%'"))}
    assert {("handoff", "opened"), ("handoff", "claimed"), ("handoff.outcome", "stopped")} <= counted


async def test_an_urgent_case_is_posted_again_until_someone_claims_it(prayat):
    chat = next(_chats)
    lib = prayat.content.library
    async with deployment(prayat, remind_minutes=0.01) as d:
        replies = await d.person_says(chat, "help me, they locked me in a room and took my passport", "en", wait=2)
        assert replies[0].text.startswith(render(lib, "emergency", "en")["text"][:40])
        assert REQUEST in payloads(replies[0]), "the emergency answer offers a person"
        [consent] = await d.person_presses(chat, REQUEST, "en")
        assert CONSENT in payloads(consent)
        await d.person_presses(chat, CONSENT, "en")
        thread = d.topic()
        code, _, priority = d.telegram.topics[thread]["name"].split(" · ")
        assert priority == lib.labels["en"]["priority.urgent"]

        def reminders() -> list:
            return [s for s in d.telegram.messages_to(GROUP) if s.thread is None and code in s.text]

        for _ in range(40):
            if len(reminders()) >= 2:
                break
            await asyncio.sleep(0.2)
        assert len(reminders()) >= 2, "posted again, more than once"
        assert shown(reminders()[0]).startswith(f"⏰ Urgent case {code}")
        assert f"case:claim:{code}" in payloads(reminders()[0])
        d.telegram.press_topic_button(GROUP, COUNSELLOR, f"case:claim:{code}")
        await d.in_topic(2)
        await d.quiet(0.5)
        seen = len(reminders())
        await d.quiet(1.5)
        assert len(reminders()) == seen, "no more reminders once claimed"


async def test_emergency_words_during_a_case_get_the_steps_and_make_it_urgent(prayat):
    chat = next(_chats)
    lib = prayat.content.library
    async with deployment(prayat) as d:
        thread, code = await open_case(d, prayat, chat, "en")
        [steps] = await d.person_says(chat, "they are beating me and will not let me leave, I am in Poipet", "en")
        assert steps.text.startswith(render(lib, "emergency", "en")["text"][:40])
        assert REQUEST not in payloads(steps)
        topic = await d.in_topic(3)
        assert topic[1].method == "copyMessage"
        assert shown(topic[2]) == item_text(prayat, "handoff.group.emergency", "en")
        assert d.telegram.topics[thread]["name"] == f"{code} · English · {lib.labels['en']['priority.urgent']}"


async def test_the_counsellor_closes_with_an_outcome_and_late_replies_have_a_grace_period(prayat):
    chat = next(_chats)
    async with deployment(prayat, grace_minutes=0.02) as d:
        thread, code = await open_case(d, prayat, chat, "zh")
        d.telegram.press_topic_button(GROUP, COUNSELLOR, f"case:close:{code}")
        choose = (await d.in_topic(2))[1]
        assert [p.split(":")[-1] for p in payloads(choose)] == \
            ["referred", "advice", "safe", "no_reply", "not_trafficking", "other"]
        d.telegram.press_topic_button(GROUP, COUNSELLOR, f"case:end:{code}:referred")
        ended = (await d.telegram.wait_for(chat, 3))[2]
        assert shown(ended) == item_text(prayat, "handoff.ended", "zh")
        assert REQUEST in payloads(ended), "they can ask again, nobody writes first"
        assert "Referred to an organisation" in shown((await d.in_topic(3))[2])
        d.telegram.send_topic_text(GROUP, COUNSELLOR, thread, "一 late word")
        assert (await d.telegram.wait_for(chat, 4))[3].text == "一 late word"
        await d.quiet(1.6)  # the grace period (1.2 s) is over
        d.telegram.send_topic_text(GROUP, COUNSELLOR, thread, "too late")
        assert shown((await d.in_topic(4))[3]) == item_text(prayat, "handoff.group.gone", "en")
        await d.quiet()
        assert len(d.telegram.messages_to(chat)) == 4
    [row] = case_row(prayat, chat)
    assert (row.outcome, row.chat) == ("referred", None)


async def test_a_quiet_case_closes_by_itself_and_says_so_once(prayat):
    chat = next(_chats)
    async with deployment(prayat, idle_minutes=0.01) as d:
        await open_case(d, prayat, chat, "km")
        ended = (await d.telegram.wait_for(chat, 3))[2]
        assert shown(ended) == item_text(prayat, "handoff.ended_idle", "km")
        await d.quiet(1.0)
        assert len(d.telegram.messages_to(chat)) == 3, "told once, never again"


async def test_a_photo_goes_to_the_counsellor(prayat):
    chat = next(_chats)
    async with deployment(prayat) as d:
        await open_case(d, prayat, chat, "en")
        d.telegram.send_photo(chat, None, language_code="en")
        copied = (await d.in_topic(2))[1]
        assert copied.method == "copyMessage" and "photo" in copied.params
        await d.quiet()
        assert len(d.telegram.messages_to(chat)) == 2, "no 'I can only read text' during a case"


@pytest.mark.parametrize("when", ["during", "after"])
async def test_delete_erases_the_case_and_its_topic(prayat, when):
    chat = next(_chats)
    async with deployment(prayat) as d:
        thread, code = await open_case(d, prayat, chat, "en")
        if when == "after":
            await d.person_says(chat, "stop", "en")
        [confirm] = await d.person_says(chat, "/delete", "en")
        assert "/delete_confirmed" in payloads(confirm)
        [done] = await d.person_presses(chat, "/delete_confirmed", "en")
        assert shown(done) == render(prayat.content.library, "privacy.deleted", "en")["text"]
        assert await until(lambda: thread not in d.telegram.topics)
        assert await until(lambda: [s for s in d.telegram.messages_to(GROUP) if s.thread is None])
        notes = [s for s in d.telegram.messages_to(GROUP) if s.thread is None]
        assert [shown(n) for n in notes] == [item_text(prayat, "handoff.group.deleted", "en", code=code)]
        assert case_row(prayat, chat) == []
        # The person is new to the bot: a message goes to the dialogue, not to a counsellor.
        [answer, *_] = await d.person_says(chat, JOBS["en"], "en")
        assert answer.method == "sendMessage"


async def test_a_group_that_is_not_a_forum_opens_no_case_and_says_so(prayat):
    chat = next(_chats)
    async with deployment(prayat) as d:
        d.telegram.forum_groups.clear()
        await d.person_says(chat, ASK["en"], "en")
        [honest] = await d.person_presses(chat, CONSENT, "en")
        assert shown(honest).startswith(item_text(prayat, "handoff.unavailable", "en")[:50])
        [answer, *_] = await d.person_says(chat, JOBS["en"], "en")
        assert answer.method == "sendMessage", "no case is left open"


async def test_without_an_operator_group_the_hand_off_is_never_offered(telegram, prayat):
    chat = next(_chats)
    lib = prayat.content.library
    telegram.send_text(chat, "/menu", language_code="en")
    menu = (await telegram.wait_for(chat, 1))[0]
    assert REQUEST not in payloads(menu) and "/emergency" in payloads(menu)
    telegram.send_text(chat, "help me, they locked me in a room and took my passport")
    emergency = (await telegram.wait_for(chat, 2))[1]
    assert emergency.text.startswith(render(lib, "emergency", "en")["text"][:40])
    assert REQUEST not in payloads(emergency)
    telegram.send_text(chat, "I want to talk to a real person")
    honest = (await telegram.wait_for(chat, 3))[2]
    assert shown(honest) == render(lib, "handoff.unavailable", "en")["text"]
    assert "1280" in shown(honest)
    telegram.press_button(chat, CONSENT)  # an old button from a deployment that had a group
    assert shown((await telegram.wait_for(chat, 4))[3]) == render(lib, "handoff.unavailable", "en")["text"]
