"""Help for where the person is: the emergency and hotlines answers put the contacts of the place
the person named (in this message or earlier) first, and leave out every contact that cannot help
there (no Chinese police for someone in Poipet, no Cambodian 117 for someone in China). With Rasa
down, the safety floor does the same for the place the message names."""

from __future__ import annotations

import html
import itertools
import re

import pytest

from bot.content import CONTENT_ROOT, ContentStore, Library, emergency_reply, for_place, render
from bot.content.places import MAX_FIRST
from bot.core.prayat import Incoming

_chat_ids = itertools.count(15000)

# An emergency naming each place, as people write it.
EMERGENCIES = {
    "en": {"KH": "help, they locked me in a compound in Poipet",
           "CN": "help me, my husband locks me in the house in Guangdong",
           "TH": "please help, they locked me in a room in Bangkok",
           "MM": "help, I am held in a compound in Myawaddy and they beat us",
           "LA": "help they locked me up in the Golden Triangle",
           "VN": "help me, they locked me in a room in Ho Chi Minh",
           "MY": "help they took my passport and locked me in, I am in Kuala Lumpur"},
    "km": {"KH": "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំនៅប៉ោយប៉ែត",
           "CN": "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំនៅប្រទេសចិន",
           "TH": "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំនៅថៃ",
           "MM": "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំនៅមីយ៉ាន់ម៉ា",
           "LA": "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំនៅឡាវ",
           "VN": "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំនៅវៀតណាម",
           "MY": "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំនៅម៉ាឡេស៊ី"},
    "zh": {"KH": "救命，我被关在西港的园区，他们不让我走",
           "CN": "救命，我在广东被关起来了，他们不让我走",
           "TH": "救命，我在曼谷被关起来了，他们不让我走",
           "MM": "救命，我在妙瓦底被关起来了，他们不让我走",
           "LA": "救命，我在金三角被关起来了，他们不让我走",
           "VN": "救命，我在胡志明被关起来了，他们不让我走",
           "MY": "救命，我在吉隆坡被关起来了，他们不让我走"},
}


def shown(sent) -> str:
    return html.unescape(sent.text)


def assert_for(lib: Library, text: str, country: str, lang: str, item: str = "emergency") -> None:
    """The place's first contacts come first, in order; no contact that cannot help there. Only
    the contacts under the text count: the text itself may say, say, that 117 works only in
    Cambodia."""
    words = render(lib, item, lang, contacts=[])["text"]
    assert text.startswith(words)
    text = text[len(words):]
    place = lib.places[country]
    positions = [text.find(n) for c in place.contacts for n in lib.contacts[c].numbers]
    assert -1 not in positions and positions == sorted(positions), (country, text[-400:])
    wrong = [c.id for c in lib.contacts.values() if country not in c.serves
             and any(re.search(rf"(?<!\d){re.escape(n)}(?!\d)", text) for n in c.numbers)]
    assert wrong == [], (country, wrong)


def test_every_place_lists_only_contacts_that_serve_it():
    lib = ContentStore(CONTENT_ROOT).library
    assert set(lib.places) >= {"KH", "CN", "TH", "MM", "LA", "VN", "MY"}
    for place in lib.places.values():
        assert len(place.contacts) <= MAX_FIRST
        assert all(place.country in lib.contacts[c].serves for c in place.contacts)
    # The emergency answer with no place known names no foreign police.
    for lang in ("km", "en", "zh"):
        assert_for(lib, render(lib, "emergency", lang)["text"], "KH", lang)


@pytest.mark.stack
@pytest.mark.parametrize("lang", ["km", "en", "zh"])
@pytest.mark.parametrize("country", ["KH", "CN", "TH", "MM", "LA", "VN", "MY"])
async def test_an_emergency_naming_a_place_gets_that_places_contacts(telegram, content, lang,
                                                                     country):
    chat = next(_chat_ids)
    telegram.send_text(chat, EMERGENCIES[lang][country], language_code=lang)
    first = (await telegram.wait_for(chat, 1))[0]
    expected = for_place(content.library, "emergency", lang, country, MAX_FIRST)["text"]
    assert shown(first) == expected
    assert_for(content.library, shown(first), country, lang)


@pytest.mark.stack
async def test_a_place_named_earlier_is_used_by_a_later_emergency_and_the_hotlines(telegram,
                                                                                   content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="en")
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, "my husband's family keeps me in their house in Guangdong, China")
    await telegram.wait_for(chat, 2)
    telegram.send_text(chat, "help me please, he locked me in")
    emergency = (await telegram.wait_for(chat, 3))[2]
    assert shown(emergency) == for_place(content.library, "emergency", "en", "CN", MAX_FIRST)["text"]
    assert_for(content.library, shown(emergency), "CN", "en")
    telegram.send_text(chat, "/hotlines")
    hotlines = (await telegram.wait_for(chat, 4))[3]
    assert shown(hotlines) == for_place(content.library, "hotlines.cn", "en", "CN")["text"]


@pytest.mark.stack
async def test_pressing_where_you_are_gives_that_places_numbers_and_remembers_it(telegram,
                                                                                 content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំ", language_code="km")
    first = (await telegram.wait_for(chat, 1))[0]
    assert shown(first) == render(content.library, "emergency", "km")["text"]  # no place yet
    where = [b["callback_data"] for b in first.buttons if b["callback_data"].startswith(
        "/ask_hotlines{")]
    assert len(where) == 8  # Cambodia, China, Thailand, Myanmar, Laos, Vietnam, Malaysia, other
    telegram.press_button(chat, '/ask_hotlines{"place":"CN"}', language_code="km")
    numbers = (await telegram.wait_for(chat, 3))[-1]  # after the language offer
    assert shown(numbers) == for_place(content.library, "hotlines.cn", "km", "CN")["text"]
    telegram.send_text(chat, "ជួយខ្ញុំផង ខ្ញុំត្រូវគេឃុំ", language_code="km")
    again = (await telegram.wait_for(chat, 4))[-1]
    assert shown(again) == for_place(content.library, "emergency", "km", "CN", MAX_FIRST)["text"]


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
@pytest.mark.parametrize("country", ["KH", "CN", "MM"])
async def test_with_the_dialogue_down_the_floor_answers_for_the_place_named(floor, lang,
                                                                           country):
    prayat, store = floor, floor.content
    answer = await prayat.handle(Incoming(user="u", text=EMERGENCIES[lang][country]))
    reply = answer.replies[0]
    assert reply["topic"] == "emergency" and answer.lang == lang
    assert reply["text"] == for_place(store.library, "emergency", lang, country, MAX_FIRST)["text"]
    assert_for(store.library, reply["text"], country, lang)


@pytest.mark.stack
@pytest.mark.parametrize(("lang", "relative", "victim", "country"), [
    ("en", "my sister went to China to marry a man, now he beats her and she cannot leave",
     "I went to China to marry a man, now he beats me and I cannot leave", "CN"),
    ("km", "ប្អូនស្រីខ្ញុំត្រូវគេឃុំនៅមីយ៉ាន់ម៉ា គេមិនឱ្យចេញទេ ជួយផង",
     "ខ្ញុំត្រូវគេឃុំនៅមីយ៉ាន់ម៉ា គេមិនឱ្យខ្ញុំចេញទេ ជួយផង", "MM"),
    ("zh", "我朋友在西港的园区被关起来了，老板不让他走，怎么办",
     "我在西港的园区被关起来了，老板不让我走，怎么办", "KH"),
])
async def test_a_relative_gets_what_a_helper_can_do_not_the_victims_steps(
        telegram, content, lang, relative, victim, country):
    lib = content.library
    helper, person = next(_chat_ids), next(_chat_ids)
    telegram.send_text(helper, relative, language_code=lang)
    telegram.send_text(person, victim, language_code=lang)
    for_helper = (await telegram.wait_for(helper, 1))[0]
    for_person = (await telegram.wait_for(person, 1))[0]
    assert shown(for_helper) == emergency_reply(lib, lang, country, "other")["text"]
    assert shown(for_person) == emergency_reply(lib, lang, country, None)["text"]
    assert shown(for_helper) != shown(for_person)
    # The helper is in Cambodia: the Cambodian police come first, then the place's own contacts.
    words = render(lib, "emergency.for_someone", lang, contacts=[])["text"]
    assert shown(for_helper)[len(words):].lstrip().startswith("📞 117 ")


async def test_with_the_dialogue_down_a_parent_gets_the_helpers_answer_and_the_child_line(
        floor):
    prayat, store = floor, floor.content
    answer = await prayat.handle(Incoming(
        user="u", text="help, my daughter is locked in a compound in Myawaddy"))
    reply = answer.replies[0]
    assert reply["content"] == ["emergency.for_someone"]
    assert reply["text"] == emergency_reply(store.library, "en", "MM", "child")["text"]
    assert "1280" in reply["text"] and reply["text"].index("117") < reply["text"].index("1280")


@pytest.mark.stack
@pytest.mark.parametrize(("lang", "typed", "country"), [
    ("en", "Poipet", "KH"),
    ("zh", "人在曼谷", "TH"),
    ("km", "knhom nov poipet", "KH"),
    ("km", "ខ្ញុំនៅមីយ៉ាន់ម៉ា", "MM"),
])
async def test_a_place_typed_on_its_own_gets_that_places_numbers(telegram, content, lang, typed,
                                                                 country):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code=lang)
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, typed, language_code=lang)
    reply = (await telegram.wait_for(chat, 2))[1]
    lib = content.library
    # That place's numbers: its hotlines, or (where the model half reads "I am in ..." as an
    # emergency, which it is trained to do rather than miss one) the emergency steps for it.
    assert shown(reply) in (for_place(lib, lib.places[country].hotlines, lang, country)["text"],
                            emergency_reply(lib, lang, country, None)["text"])


@pytest.mark.parametrize(("text", "lang"), [
    ("我是中国人，我在西港的园区被关起来了，救命", "zh"),
    ("help, I'm Chinese and they locked me in a compound in Sihanoukville", "en"),
])
async def test_a_chinese_citizen_in_cambodia_gets_chinas_consular_line_first(floor, text,
                                                                              lang):
    prayat, store = floor, floor.content
    reply = (await prayat.handle(Incoming(user="u", text=text))).replies[0]
    lib = store.library
    assert reply["text"] == emergency_reply(lib, lang, "KH", None, "CN")["text"]
    words = render(lib, "emergency", lang, contacts=[])["text"]
    assert reply["text"][len(words):].lstrip().startswith("📞 +86-10-12308 ")
    assert "110" not in reply["text"][len(words):]  # China's police cannot help in Cambodia


async def test_a_nationality_with_no_line_here_is_told_so(floor):
    prayat, store = floor, floor.content
    reply = (await prayat.handle(Incoming(
        user="u", text="help, I am from the Philippines, they locked me in a compound in Poipet"
    ))).replies[0]
    assert store.library.labels["en"]["no_embassy"] in reply["text"]
    assert_for(store.library, reply["text"].replace(store.library.labels["en"]["no_embassy"], ""),
               "KH", "en")


@pytest.mark.stack
async def test_a_nationality_said_earlier_is_used_by_the_hotlines(telegram, content):
    chat = next(_chat_ids)
    telegram.send_text(chat, "/start", language_code="zh")
    await telegram.wait_for(chat, 1)
    telegram.send_text(chat, "我是中国人，现在在金边，有什么电话可以打？", language_code="zh")
    reply = (await telegram.wait_for(chat, 2))[1]
    assert shown(reply) == for_place(content.library, "hotlines.kh", "zh", "KH",
                                     nationality="CN")["text"]
    assert "+86-10-12308" in shown(reply)
