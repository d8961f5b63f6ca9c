"""Who is in danger: the person writing ("self"), someone they know ("other"), or a child they
know ("child"). A relative or friend needs different guidance from the person in danger (what to
find out, whom to call from Cambodia), and a child brings the child helpline.

Read word for word from nlu/who/relations.yml, not learned: the bot, the safety floor and the
dialogue's entity extractor all ask this same reader, so they always agree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot import PROJECT_ROOT

RELATIONS = PROJECT_ROOT / "nlu" / "who" / "relations.yml"
NATIONALITIES = PROJECT_ROOT / "nlu" / "who" / "nationality.yml"
ABOUT = ("self", "other", "child")  # the values of the `about` entity and slot


@lru_cache(maxsize=4)
def _patterns(path: Path = RELATIONS) -> dict[str, re.Pattern[str]]:
    data = yaml.safe_load(path.read_text("utf-8"))
    words: dict[str, list[str]] = {"relative": [], "child": [], "self": []}
    for lists in data.values():
        for kind in words:
            words[kind] += [str(w).casefold() for w in lists.get(kind) or []]
    # Latin words match as whole words; Khmer and Chinese ones anywhere (they are written
    # without spaces).
    return {kind: re.compile("|".join(word_pattern(w) for w in sorted(ws, key=len, reverse=True)))
            for kind, ws in words.items()}


def word_pattern(w: str) -> str:
    """A word list's word as a regex: Latin words match as whole words, Khmer and Chinese ones
    anywhere (they are written without spaces)."""
    return rf"(?<![\w']){re.escape(w)}(?!\w)" if w.isascii() else re.escape(w)


@lru_cache(maxsize=4)
def _nationalities(path: Path = NATIONALITIES) -> list[tuple[str, re.Pattern[str]]]:
    data = yaml.safe_load(path.read_text("utf-8"))
    return [(str(code), re.compile("|".join(word_pattern(str(w).casefold()) for w in words)))
            for code, words in data.items() if words]


def nationality(text: str) -> str | None:
    """The writer's country when they say it ("我是中国人" → "CN"), else None."""
    folded = text.casefold().replace("’", "'")
    return next((code for code, pattern in _nationalities() if pattern.search(folded)), None)


def without_nationality(text: str) -> str:
    """The text with "我是中国人" or "I am from the Philippines" blanked (same length, so places
    found in it keep their positions): a nationality names no place where the person is."""
    folded = text.casefold().replace("’", "'")
    spans = [m.span() for _, pattern in _nationalities() for m in pattern.finditer(folded)]
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars) if len(chars) == len(text) else text


def about(text: str) -> str | None:
    """"child", "other", "self" when the message says, None when it does not tell."""
    folded = text.casefold().replace("’", "'")
    patterns = _patterns()
    # "ប្អូនស្រីខ្ញុំត្រូវគេឃុំ" (my sister was locked up) holds "ខ្ញុំត្រូវគេ" (I was ...) across the
    # relation word's end: the writer's own danger is looked for with the relations taken out.
    named = {kind: bool(patterns[kind].search(folded)) for kind in ("child", "relative")}
    rest = patterns["relative"].sub(" ", patterns["child"].sub(" ", folded))
    if patterns["self"].search(rest):
        return "self"
    if named["child"]:
        return "child"
    return "other" if named["relative"] else None
