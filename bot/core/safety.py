"""The safety floor: emergency phrases are caught before the model, and help never depends on
the machine-learning parts being up."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from nlu.components.scripts import HAN, script_counts
from nlu.components.segment import simplified, traditional

logger = logging.getLogger(__name__)

PATTERNS_FILE = PROJECT_ROOT / "nlu" / "emergency" / "patterns.yml"

# Zero-width and directional marks: invisible, but they split words and so break patterns.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x202A, 0x202B, 0x202C, 0x202D,
     0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x00AD]
)


# "I" in Khmer chat is often written ញុំ or ញ៉ុំ for ខ្ញុំ; the patterns are written with ខ្ញុំ.
_KHMER_I = re.compile("(?<![\u17d2\u1781])\u1789\u17c9?\u17bb\u17c6")


def normalise(text: str) -> str:
    """NFC, no invisible characters, lower case, ខ្ញុំ however it is spelt: the form patterns
    are matched against."""
    clean = unicodedata.normalize("NFC", text).translate(_INVISIBLE).casefold()
    return _KHMER_I.sub("ខ្ញុំ", clean)


@lru_cache(maxsize=4)
def _compiled(path: Path) -> tuple[re.Pattern[str], ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    patterns = []
    for lang, entries in data.items():
        for entry in entries or []:
            try:
                patterns.append(re.compile(entry["pattern"], re.IGNORECASE))
            except (re.error, KeyError, TypeError) as error:
                logger.error("Skipping a broken %s emergency pattern %r: %s", lang, entry, error)
    return tuple(patterns)


def _forms(clean: str) -> set[str]:
    """The text as typed and, if it has Chinese characters, in simplified and in traditional
    characters: a pattern written in either script then matches both ("不许" and "不許")."""
    forms = {clean}
    if script_counts(clean)[HAN]:
        try:
            forms |= {simplified(clean), traditional(clean)}
        except Exception:  # noqa: BLE001 - the floor must answer even if conversion fails
            logger.exception("Chinese character conversion failed; matching the text as typed")
    return forms


def is_emergency(text: str, path: Path = PATTERNS_FILE) -> bool:
    """True when any language's emergency pattern matches. The message's language is not
    consulted on purpose: it may be misread, and a false alarm costs far less than a miss."""
    forms = _forms(normalise(text))
    return any(p.search(form) for p in _compiled(path) for form in forms)
