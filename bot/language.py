"""Which language to answer in: the script of the message, then the stored preference, then
Telegram's language_code. A person in danger must never have to pick a language first."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot import DEFAULT_LANGUAGE, LANGUAGES
from bot.content import PROJECT_ROOT
from nlu.components.scripts import HAN, KHMER, LATIN, looks_vietnamese, script_counts

ROMANIZED_KHMER = PROJECT_ROOT / "nlu" / "languages" / "romanized_khmer.txt"
CHINESE_SHORTHAND = PROJECT_ROOT / "nlu" / "languages" / "chinese_shorthand.txt"
_LATIN_WORD = re.compile(r"[a-z][a-z'\-]*")

OTHER = "other"  # a language Prayat does not speak (Thai, Lao, Burmese, Vietnamese, ...)

# Fewer Latin letters than this ("ok", "hi") do not say clearly enough that a message is English.
_MIN_LATIN_LETTERS = 3


def detect(text: str) -> str | None:
    """The language a message is clearly written in: km, en, zh, OTHER, or None when the message
    says nothing about it (a command, digits, emoji, a very short Latin word).

    Mixed messages go to the language with the most words. Khmer and Chinese words count double:
    the English words in them are mostly loanwords ("job online នៅថៃ", "passport被收了").
    """
    if not text or text.lstrip().startswith("/"):
        return None
    if text.strip().casefold() in _word_list(CHINESE_SHORTHAND):
        return "zh"
    counts = script_counts(text)
    if not counts:
        return None
    latin_words = len(_LATIN_WORD.findall(text.casefold())) if counts[LATIN] else 0
    words = {
        KHMER: 2 * max(1.0, _khmer_syllables(text) / 2) if counts[KHMER] else 0.0,
        HAN: 2 * max(1.0, counts[HAN] / 1.5) if counts[HAN] else 0.0,
        LATIN: float(latin_words),
    }
    others = sum(n for script, n in counts.items() if script not in words)
    if others > counts[KHMER] + counts[HAN] + counts[LATIN]:
        return OTHER  # Thai, Lao, Burmese, ...
    script = max(words, key=lambda s: (words[s], s != LATIN))
    if script == KHMER:
        return "km"
    if script == HAN:
        return "zh"
    if looks_vietnamese(text):
        return OTHER
    if looks_romanized_khmer(text):
        return "km"
    return "en" if counts[LATIN] >= _MIN_LATIN_LETTERS else None


def _khmer_syllables(text: str) -> int:
    """Khmer consonants and independent vowels: about one per syllable."""
    return sum(1 for ch in text if 0x1780 <= ord(ch) <= 0x17B3)


@lru_cache(maxsize=4)
def _word_list(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().casefold() for w in lines if w.strip() and not w.startswith("#"))


def looks_romanized_khmer(text: str) -> bool:
    """Khmer typed in Latin letters ("knhom jong tov thver ka nov thai"): many of its words are
    common romanized Khmer words, or it is one unmistakable one ("chuoy", "orkun")."""
    words = _LATIN_WORD.findall(text.casefold())
    if not words:
        return False
    known = _word_list(ROMANIZED_KHMER)
    hits = sum(word in known for word in words)
    if len(words) == 1:
        return hits == 1 and len(words[0]) >= 4
    # Two known words and at least 40 % of them: no English training message reads as Khmer.
    return hits >= 2 and hits / len(words) >= 0.4


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
