"""Which term a "what is ...?" question asks about, from the word lists in nlu/terms/terms.yml."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from bot.core.safety import normalise

logger = logging.getLogger(__name__)

TERMS_FILE = PROJECT_ROOT / "nlu" / "terms" / "terms.yml"


@lru_cache(maxsize=2)
def _terms(path: Path) -> tuple[tuple[str, str], ...]:
    """(word, item) pairs, longest word first, so "debt bondage" wins over "debt"."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        logger.error("Term lists not read (%s): the overview of definitions is shown", error)
        return ()
    pairs = [(normalise(str(word)), str(item)) for item, langs in data.items()
             for words in (langs or {}).values() for word in words or []]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def term_asked(text: str, path: Path = TERMS_FILE) -> str | None:
    """The definition item for the term named first in the message, or None."""
    clean = normalise(text)
    found: list[tuple[int, int, str]] = []
    for word, item in _terms(path):
        at = clean.find(word)
        if at >= 0:
            found.append((at, -len(word), item))
    return min(found)[2] if found else None
