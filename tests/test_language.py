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
