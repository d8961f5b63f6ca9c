"""Which term a "what is ...?" question asks about, from the word lists in nlu/terms/terms.yml."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from bot.checkers.who import word_pattern
from bot.core.safety import normalise

logger = logging.getLogger(__name__)

TERMS_FILE = PROJECT_ROOT / "nlu" / "terms" / "terms.yml"


@lru_cache(maxsize=2)
def _terms(path: Path) -> tuple[tuple[re.Pattern[str], int, str], ...]:
    """(word, its length, item), as the other word lists match (bot/checkers/who.py)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        logger.error("Term lists not read (%s): the overview of definitions is shown", error)
        return ()
    return tuple((re.compile(word_pattern(normalise(str(word)))), len(str(word)), str(item))
                 for item, langs in data.items()
                 for words in (langs or {}).values() for word in words or [])


def term_asked(text: str, path: Path = TERMS_FILE) -> str | None:
    """The definition item for the term named first in the message (the longer word where two
    start at the same place: "debt bondage" before "debt"), or None."""
    clean = normalise(text)
    found = [(m.start(), -length, item) for pattern, length, item in _terms(path)
             if (m := pattern.search(clean))]
    return min(found)[2] if found else None
