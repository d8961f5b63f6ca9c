"""Which language to answer in: the script of the message, then the stored preference, then
Telegram's language_code. A person in danger must never have to pick a language first."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from bot import DEFAULT_LANGUAGE, LANGUAGES
from bot.content import PROJECT_ROOT
from nlu.components.scripts import HAN, KHMER, LATIN, looks_vietnamese, script_counts

WORD_LISTS = PROJECT_ROOT / "nlu" / "languages"
ROMANIZED_KHMER = WORD_LISTS / "romanized_khmer.txt"
KHMER_ENGLISH_HOMOGRAPHS = WORD_LISTS / "khmer_english_homographs.txt"
ENGLISH_WORDS = WORD_LISTS / "english_words.txt"
LOANWORDS = WORD_LISTS / "loanwords.txt"
CHINESE_SHORTHAND = WORD_LISTS / "chinese_shorthand.txt"
_LATIN_WORD = re.compile(r"[a-z][a-z'\-]*")


def latin_words(text: str) -> list[str]:
    """Lower-case Latin words; a phone's curly apostrophe (I’m) is read as a straight one."""
    return [w.strip("'-") for w in _LATIN_WORD.findall(text.casefold().replace("\u2019", "'"))]

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
    latin_count = len(latin_words(text)) if counts[LATIN] else 0
    words = {
        KHMER: 2 * max(1.0, _khmer_syllables(text) / 2) if counts[KHMER] else 0.0,
        HAN: 2 * max(1.0, counts[HAN] / 1.5) if counts[HAN] else 0.0,
        LATIN: float(latin_count),
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


@lru_cache(maxsize=8)
def _word_list(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().casefold() for w in lines if w.strip() and not w.startswith("#"))


def looks_romanized_khmer(text: str) -> bool:
    """Khmer typed in Latin letters ("knhom jong tov thver ka nov thai"): more of its words are
    Khmer than English. A word is Khmer or English by the word lists in nlu/languages/; a word in
    neither ("jong", spelt "joong") by its letters (_letter_evidence). Loanwords and place names
    ("job", "visa", "poipet") count for neither side. A tie goes to Khmer when at least two words
    are Khmer ("ke thar job customer service nov sihanoukville" is Khmer with English words), and
    at least one Khmer word must be in the list: letters alone do not make a message Khmer
    ("Sokha", "haha")."""
    words = latin_words(text)
    if len(words) == 1 and words[0] in _word_list(KHMER_ENGLISH_HOMOGRAPHS):
        return True  # "bat" (yes), "men" (no) alone: an answer in Khmer, not an English word
    khmer = english = 0.0
    khmer_words = listed = 0  # words on the Khmer side / of those, words in romanized_khmer.txt
    for word in words:
        side = _word_side(word)
        if side is None:
            continue
        khmer += side
        english += 1.0 - side
        khmer_words += side == 1.0
        listed += word in _word_list(ROMANIZED_KHMER)
    # Letters alone are not enough for one word: "Sokha", "haha", "omg" are not Khmer messages.
    if not listed and khmer_words < 2:
        return False
    return khmer > english or (khmer == english and khmer >= 2)


# A word in no list leans Khmer or English when the average log-ratio of its letter n-grams is
# beyond this. On half of tests/data/language_dev.yml 0.0 to 1.0 did about equally well; the low
# end is taken because Khmer read as English hurts more (many users read little English) than
# English read as Khmer (docs/evaluation.md).
_LETTER_MARGIN = 0.3


def _word_side(word: str) -> float | None:
    """1.0 for a Khmer word, 0.0 for an English one, 0.5 for both, None for no evidence."""
    if word in _word_list(KHMER_ENGLISH_HOMOGRAPHS):
        return 0.5
    if word in _word_list(ROMANIZED_KHMER):
        return 1.0
    if word in _word_list(LOANWORDS):
        return None
    if word in _word_list(ENGLISH_WORDS):
        return 0.0
    if len(word) < 3:
        return None  # "m" of "I m", "k": too short for the letters to say anything
    evidence = _letter_evidence(word)
    if evidence > _LETTER_MARGIN:
        return 1.0
    if evidence < -_LETTER_MARGIN:
        return 0.0
    return None


_NGRAM = 4


def _ngrams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i:i + n] for n in range(1, _NGRAM + 1) for i in range(len(padded) - n + 1)]


@lru_cache(maxsize=1)
def _letter_model() -> tuple[Counter, Counter, float, float]:
    """Letter n-gram counts of the romanized Khmer and the English word lists."""
    khmer, english = Counter(), Counter()
    for word in _word_list(ROMANIZED_KHMER):
        khmer.update(_ngrams(word))
    for word in _word_list(ENGLISH_WORDS):
        english.update(_ngrams(word))
    vocabulary = len(set(khmer) | set(english))
    return khmer, english, sum(khmer.values()) + 0.5 * vocabulary, \
        sum(english.values()) + 0.5 * vocabulary


def _letter_evidence(word: str) -> float:
    """How much more Khmer-like than English-like the word's letters are ("kh", "nh", "uo", "ey"):
    the mean log-likelihood ratio of its letter n-grams, smoothed. Above 0 leans Khmer."""
    khmer, english, khmer_total, english_total = _letter_model()
    grams = _ngrams(word)
    return sum(math.log((khmer[g] + 0.5) / khmer_total) - math.log((english[g] + 0.5) / english_total)
               for g in grams) / len(grams)


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
