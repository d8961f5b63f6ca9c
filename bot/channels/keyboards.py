"""Inline keyboards for Telegram, from the buttons of a reply."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

# Buttons with titles this short share a row (three languages, say); longer ones get a row each.
_SHORT_TITLE = 12
_ROW = 3


def keyboard(buttons: list[dict[str, str]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        key = InlineKeyboardButton(button["title"], callback_data=button["payload"])
        short = len(button["title"]) <= _SHORT_TITLE
        if short and rows and len(rows[-1]) < _ROW and all(
            len(b.text) <= _SHORT_TITLE for b in rows[-1]
        ):
            rows[-1].append(key)
        else:
            rows.append([key])
    return InlineKeyboardMarkup(rows)
