"""Unicode script of text: the first, cheapest and most reliable clue to a message's language.

Khmer has no spaces between words and Chinese has none at all, so both the tokenizer and the
language resolver need to cut text into runs of one script before anything else.
"""

from __future__ import annotations

import re
from collections import Counter

KHMER = "khmer"
HAN = "han"
LATIN = "latin"
OTHER_LETTERS = "other"  # Thai, Lao, Burmese, Cyrillic, ...: a language Prayat does not speak
NONE = "none"  # digits, punctuation, emoji, spaces

_RANGES: list[tuple[int, int, str]] = [
    (0x1780, 0x17FF, KHMER),
    (0x19E0, 0x19FF, KHMER),  # Khmer symbols
    (0x3400, 0x4DBF, HAN),
    (0x4E00, 0x9FFF, HAN),
    (0xF900, 0xFAFF, HAN),
    (0x20000, 0x2FA1F, HAN),
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x1000, 0x109F, "myanmar"),
]

# Khmer digits and punctuation (០-៩, ។, ៕) belong to the Khmer block but say little about the language.
_KHMER_NEUTRAL = set(range(0x17E0, 0x17EA)) | {0x17D4, 0x17D5, 0x17D6}


def char_script(ch: str) -> str:
    """The script of one character, as one of the constants above (or a specific other script)."""
    cp = ord(ch)
    for low, high, name in _RANGES:
        if low <= cp <= high:
            if name == KHMER and cp in _KHMER_NEUTRAL:
                return NONE
            return name
    if ch.isalpha():
        if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:  # Latin, Latin-1, Latin Extended, Vietnamese
            return LATIN
        return OTHER_LETTERS
    return NONE


def script_counts(text: str) -> Counter[str]:
    """How many letters of each script the text has (digits, spaces and symbols are not counted)."""
    counts: Counter[str] = Counter()
    for ch in text:
        script = char_script(ch)
        if script != NONE:
            counts[script] += 1
    return counts


_VIETNAMESE_MARKS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def looks_vietnamese(text: str) -> bool:
    """Vietnamese uses Latin letters, but its tone marks give it away."""
    return len(_VIETNAMESE_MARKS.findall(text)) >= 2


def runs(text: str) -> list[tuple[str, int, int]]:
    """Split text into maximal runs of Khmer, of Han, and of everything else: (script, start, end).

    "Everything else" (Latin, other alphabets, digits, spaces, punctuation, emoji) is one kind,
    because it is cut on word boundaries, which keeps "$1,500" and "don't" whole.
    """
    result: list[tuple[str, int, int]] = []
    start = 0
    current: str | None = None
    for i, ch in enumerate(text):
        script = char_script(ch)
        kind = script if script in (KHMER, HAN) else LATIN
        if kind != current:
            if current is not None:
                result.append((current, start, i))
            current, start = kind, i
    if current is not None:
        result.append((current, start, len(text)))
    return result
