"""Which language to answer in: the script of the message, then the stored preference, then
Telegram's language_code. A person in danger must never have to pick a language first."""

from __future__ import annotations

from bot import DEFAULT_LANGUAGE, LANGUAGES
from nlu.components.scripts import HAN, KHMER, LATIN, looks_vietnamese, script_counts

OTHER = "other"  # a language Prayat does not speak (Thai, Lao, Burmese, Vietnamese, ...)

# Fewer Latin letters than this ("ok", "hi") do not say clearly enough that a message is English.
_MIN_LATIN_LETTERS = 3


def detect(text: str) -> str | None:
    """The language a message is clearly written in: km, en, zh, OTHER, or None when the message
    says nothing about it (a command, digits, emoji, a very short Latin word)."""
    if not text or text.lstrip().startswith("/"):
        return None
    counts = script_counts(text)
    if not counts:
        return None
    script, letters = counts.most_common(1)[0]
    if script == KHMER:
        return "km"
    if script == HAN:
        return "zh"
    if script == LATIN:
        if looks_vietnamese(text):
            return OTHER
        return "en" if letters >= _MIN_LATIN_LETTERS else None
    return OTHER


def from_telegram(language_code: str | None) -> str | None:
    """Map Telegram's IETF code (km, en-GB, zh-hans, zh-TW, ...) to a language Prayat speaks."""
    if not language_code:
        return None
    base = language_code.lower().split("-")[0]
    return base if base in LANGUAGES else None


def resolve(detected: str | None, stored: str | None, telegram_code: str | None) -> str:
    """The reply language: a clear message language wins, then the user's choice, then Telegram."""
    if detected in LANGUAGES:
        return detected
    if stored in LANGUAGES:
        return stored
    return from_telegram(telegram_code) or DEFAULT_LANGUAGE
