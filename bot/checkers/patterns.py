"""Warning-sign phrases as patterns of meaning, for the job-ad checker (bot/checkers/red_flags.py).

Outreach staff write a phrase in content/<lang>/red_flags.yml in a small syntax, and it is compiled
to spaCy Matcher token patterns over the project's own segmentation (nlu/components/segment.py):

    no … experience/skill/background [is] needed/required
    无需/不需要/不用 经验/工作经验

- parts are separated by spaces (Khmer and Chinese may also be written without them);
- `a/b/c`: any one of these words; `[x]` or `[x/y]`: an optional word;
- `…` (or `...`): up to GAP words may come between;
- Latin words match whole, ignoring case and the common English endings (need, needs, needed:
  `stem`); traditional Chinese is matched as simplified, so a phrase is written once.

Khmer and Chinese have no spaces and the segmenters can cut a phrase differently inside a sentence
than alone, so a phrase with Khmer or Chinese in it is also compiled to a regular expression over
the characters (a gap is then up to GAP_CHARS characters): a segmentation slip costs nothing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from nlu.components.scripts import HAN, KHMER, script_counts
from nlu.components.segment import segment, simplified

GAP = 3  # words that `…` lets through
GAP_CHARS = 8  # characters, in the Chinese regular expression
GAP_CHARS_KHMER = 12  # Khmer letters: a word is often six to twelve of them
MAX_EXPANSIONS = 64  # token sequences one phrase may stand for
_GAP_MARKS = {"…", "..."}
_LATIN_WORD = re.compile(r"[A-Za-z]")


class PhraseError(ValueError):
    """A phrase that cannot be compiled, with what is wrong in words an editor can act on."""


def stem(word: str) -> str:
    """A light English stemmer, the same for the ad and the phrase: lower case, and one of -ing,
    -ed, -es, -s taken off (then a final -e), so need/needs/needed and require/required meet. Not
    a lemmatizer (none runs without a model download); good enough because both sides agree."""
    word = word.lower().replace("’", "'")
    if not _LATIN_WORD.search(word):
        return simplified(word)
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[:-len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def fold(text: str) -> str:
    """The text as phrases are matched against it, letter for letter: simplified characters."""
    return simplified(text)


@dataclass(frozen=True)
class Slot:
    choices: tuple[tuple[str, ...], ...]  # each: the stemmed words of one alternative
    optional: bool = False
    gap: bool = False
    raw: tuple[str, ...] = ()  # the alternatives as written (folded), for the regular expression


def parse(phrase: str) -> list[Slot]:
    slots: list[Slot] = []
    for part in phrase.split():
        if part in _GAP_MARKS:
            if not slots or slots[-1].gap:
                raise PhraseError(f"{phrase!r}: `…` must come between two words")
            slots.append(Slot((), gap=True))
            continue
        optional = part.startswith("[") and part.endswith("]")
        if optional:
            part = part[1:-1]
        if "[" in part or "]" in part:
            raise PhraseError(f"{phrase!r}: write an optional word as [word], on its own")
        alternatives = [a for a in part.split("/")]
        if any(not a for a in alternatives):
            raise PhraseError(f"{phrase!r}: an empty choice in {part!r} (a/b, not a//b)")
        choices = []
        for alternative in alternatives:
            words = tuple(stem(p.text) for p in segment(alternative))
            if words:
                choices.append(words)
        if not choices:
            raise PhraseError(f"{phrase!r}: {part!r} has no word in it")
        slots.append(Slot(tuple(choices), optional, raw=tuple(fold(a) for a in alternatives)))
    if not slots or slots[-1].gap:
        raise PhraseError(f"{phrase!r}: a phrase needs a word, and cannot end with `…`")
    if all(s.optional or s.gap for s in slots):
        raise PhraseError(f"{phrase!r}: every word is optional")
    return slots


def token_patterns(slots: list[Slot]) -> list[list[dict]]:
    """spaCy Matcher patterns (on LEMMA, which the checker sets to `stem` of each word)."""
    per_slot: list[list[list[dict]]] = []
    for slot in slots:
        if slot.gap:
            per_slot.append([[{"OP": "?"}] * GAP])
            continue
        single = sorted({c[0] for c in slot.choices if len(c) == 1})
        options: list[list[dict]] = []
        if single:
            options.append([{"LEMMA": {"IN": single}}])
        options += [[{"LEMMA": w} for w in c] for c in slot.choices if len(c) > 1]
        if slot.optional:
            options.append([])
        per_slot.append(options)
    patterns = []
    for combination in itertools.product(*per_slot):
        pattern = [token for part in combination for token in part]
        if pattern and any("LEMMA" in t for t in pattern):
            patterns.append(pattern)
        if len(patterns) > MAX_EXPANSIONS:
            raise PhraseError("too many choices")
    return patterns


def char_pattern(slots: list[Slot]) -> str | None:
    """A regular expression over the folded characters, for a phrase with Khmer or Chinese in it;
    None for a phrase in Latin script only (the token patterns are enough there)."""
    if not any(script_counts(raw)[KHMER] + script_counts(raw)[HAN] for s in slots for raw in s.raw):
        return None
    khmer = any(script_counts(raw)[KHMER] for s in slots for raw in s.raw)
    gap = GAP_CHARS_KHMER if khmer else GAP_CHARS
    parts = []
    for slot in slots:
        if slot.gap:
            parts.append(f"[^\\n]{{0,{gap}}}?")
            continue
        alternatives = "|".join(_char_word(raw) for raw in sorted(slot.raw, key=len, reverse=True))
        parts.append(f"(?:{alternatives})" + ("?" if slot.optional else ""))
    return r"\s*".join(parts)


def _char_word(raw: str) -> str:
    escaped = re.escape(raw)
    if _LATIN_WORD.search(raw):
        return rf"(?<![A-Za-z]){escaped}(?![A-Za-z])"
    return escaped


def compile_phrase(phrase: str) -> tuple[list[list[dict]], str | None]:
    """(token patterns, character pattern or None); PhraseError if it cannot be compiled. A Khmer
    or Chinese phrase whose words the segmenter cuts into too many sequences is matched by its
    characters alone."""
    slots = parse(phrase)
    chars = char_pattern(slots)
    try:
        tokens = token_patterns(slots)
    except PhraseError:
        if chars is None:
            raise PhraseError(f"{phrase!r}: too many choices in one phrase: split it into two") from None
        tokens = []
    return tokens, chars
