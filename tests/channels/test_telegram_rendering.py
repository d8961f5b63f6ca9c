"""How replies are cut and laid out for Telegram."""

from __future__ import annotations

import html

from bot.channels.keyboards import keyboard
from bot.channels.telegram import split_message


def test_short_text_is_one_message():
    assert split_message("hello") == ["hello"]


def test_long_text_is_split_at_paragraphs_and_fits_after_escaping():
    paragraph = "Tom & Jerry <b> " * 40  # escaping makes it longer
    text = "\n\n".join([paragraph.strip()] * 30)
    chunks = split_message(text)
    assert len(chunks) > 1
    assert all(len(html.escape(c)) <= 4096 for c in chunks)
    assert all(c == paragraph.strip() or "\n\n" in c or c.startswith("Tom") for c in chunks)
    assert "".join(c.replace("\n", "") for c in chunks) == text.replace("\n", "")


def test_text_without_breaks_is_still_split():
    text = "ក" * 10000
    chunks = split_message(text)
    assert "".join(chunks) == text
    assert all(len(c) <= 4096 for c in chunks)


def test_a_4096_character_message_fits_exactly():
    assert split_message("a" * 4096) == ["a" * 4096]


def test_language_buttons_share_a_row_and_long_buttons_get_their_own():
    markup = keyboard([
        {"title": "ខ្មែរ", "payload": "/a"}, {"title": "English", "payload": "/b"},
        {"title": "中文", "payload": "/c"}, {"title": "⚠️ Fake job offers", "payload": "/d"},
        {"title": "📞 Hotlines and help", "payload": "/e"},
    ])
    rows = [[b.text for b in row] for row in markup.inline_keyboard]
    assert rows == [["ខ្មែរ", "English", "中文"], ["⚠️ Fake job offers"], ["📞 Hotlines and help"]]


def test_no_buttons_no_keyboard():
    assert keyboard([]) is None
