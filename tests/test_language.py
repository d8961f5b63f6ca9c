"""Which language a reply is in: the message's script, then the stored choice, then Telegram."""

from __future__ import annotations

import pytest

from bot.language import OTHER, detect, from_telegram, resolve


@pytest.mark.parametrize(("text", "lang"), [
    ("ខ្ញុំចង់ទៅធ្វើការនៅថៃ", "km"),
    ("我想去柬埔寨工作", "zh"),
    ("這個工作是真的嗎", "zh"),
    ("Is this job real?", "en"),
    ("job online នៅថៃពិតឬអត់", "km"),  # Khmer with English words: Khmer letters are the majority
    ("ผมอยากทำงาน", OTHER),  # Thai
    ("ຂ້ອຍຕ້ອງການວຽກ", OTHER),  # Lao
    ("ကျွန်တော်အလုပ်လိုချင်တယ်", OTHER),  # Burmese
    ("Tôi muốn đi làm việc ở Campuchia", OTHER),  # Vietnamese
    # Romanized Khmer
    ("knhom jong tov thver ka nov thai", "km"),
    ("chuoy knhom phong", "km"),
    ("orkun", "km"),
    ("hello bong sok sabay te", "km"),
    # Mixed scripts: the language with the most words, Khmer and Chinese words counting double
    ("menu បង", "km"),
    ("ខ្ញុំជាប់នៅ compound នៅ KK park", "km"),
    ("legal work visa ថៃ ធ្វើនៅណា", "km"),
    ("hello你好", "zh"),
    ("passport被老板收了怎么办", "zh"),
    ("I saw the word 工作 in the ad, what does it mean?", "en"),
])
def test_detect_by_script(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("text", ["/start", "😀🙏", "123", "ok", "", "   "])
def test_messages_that_say_nothing_about_language(text):
    assert detect(text) is None


def test_a_clear_message_language_beats_the_stored_choice():
    assert resolve("zh", "km", "en") == "zh"


def test_stored_choice_beats_telegram():
    assert resolve(None, "zh", "en") == "zh"


def test_telegram_language_when_nothing_else_is_known():
    assert resolve(None, None, "zh-hans") == "zh"
    assert resolve(None, None, "en-GB") == "en"
    assert resolve(None, None, "km") == "km"


def test_khmer_is_the_default():
    assert resolve(None, None, None) == "km"
    assert resolve(None, None, "fr") == "km"
    assert resolve(OTHER, None, None) == "km"


def test_from_telegram_ignores_languages_prayat_does_not_speak():
    assert from_telegram("th") is None
    assert from_telegram(None) is None


@pytest.mark.parametrize("text", [
    "I mean the job is far away", "Can you help me check a job in Thailand?",
    "tell me about marriage brokers", "my son wants to go to Korea, is that ok?",
])
def test_english_is_not_mistaken_for_romanized_khmer(text):
    assert detect(text) == "en"
