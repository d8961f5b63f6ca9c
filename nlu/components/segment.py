"""Cutting text in any mix of Khmer, Chinese and Latin script into words.

Khmer runs go to khmer-nltk, Han runs to jieba, everything else is cut on word boundaries. Every
piece is an exact substring of the text with its true offset. A word in traditional Chinese
characters also carries its simplified form (`normal`), so that "護照" and "护照" are one word to
the model, and jieba, whose dictionary is simplified, cuts both the same way. Used by the Rasa tokenizer
(script_tokenizer.py) and by the job-ad checker's spaCy matcher (bot/checkers/red_flags.py), so that both
see the same words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from nlu.components.scripts import HAN, KHMER, LATIN, runs


class Piece(NamedTuple):
    text: str
    start: int
    normal: str = ""  # the simplified form of a traditional Chinese word; empty otherwise


logger = logging.getLogger(__name__)

# Words in Latin (and other alphabetic) runs: letters, digits and the joiners of things like
# "don't", "$1,500", "1.5k" or "user@example.com".
_WORD = re.compile(r"\w+(?:[.,'’@&\-]\w+)*", re.UNICODE)


def _segment_khmer(run: str) -> list[str]:
    from khmernltk import word_tokenize

    return word_tokenize(run)


def _segment_han(run: str) -> list[str]:
    import jieba

    return list(jieba.cut(run))


@lru_cache(maxsize=2)
def _converter(direction: str) -> Callable[[str], str]:
    from opencc import OpenCC

    return OpenCC(direction).convert


def _convert(direction: str, run: str) -> str:
    """The run converted letter for letter (a conversion that would change the length, which
    offsets cannot follow, leaves the run as it is)."""
    converted = _converter(direction)(run)
    return converted if len(converted) == len(run) else run


def simplified(run: str) -> str:
    """The run in simplified characters, letter for letter."""
    return _convert("t2s", run)


def traditional(run: str) -> str:
    """The run in traditional characters, letter for letter."""
    return _convert("s2t", run)


def _han_pieces(run: str, offset: int) -> list[Piece]:
    """Segment the simplified form; the pieces keep the characters as the person typed them."""
    normal = simplified(run)
    pieces = []
    for piece in _locate(_segment_han(normal), normal, offset):
        typed = run[piece.start - offset:piece.start - offset + len(piece.text)]
        pieces.append(Piece(typed, piece.start, piece.text if typed != piece.text else ""))
    return pieces


def _locate(words: list[str], run: str, offset: int) -> list[Piece]:
    """Turn segmenter output back into pieces with offsets into the original message.

    khmer-nltk may rewrite its input (it normalises some characters and emits ' ' words), so a
    word is searched for from where the last one ended; a word that cannot be found is skipped,
    and whatever text is left unclaimed becomes one piece, so no letter is ever lost.
    """
    pieces: list[Piece] = []
    position = 0
    for word in words:
        word = word.strip()
        if not word:
            continue
        found = run.find(word, position)
        if found < 0:
            continue
        if found > position and run[position:found].strip():
            gap = run[position:found]
            pieces.append(Piece(gap.strip(), offset + position + gap.index(gap.strip())))
        pieces.append(Piece(word, offset + found))
        position = found + len(word)
    rest = run[position:]
    if rest.strip():
        pieces.append(Piece(rest.strip(), offset + position + rest.index(rest.strip())))
    return pieces


def segment(text: str) -> list[Piece]:
    """Words of a message in any mix of Khmer, Han and Latin script."""
    pieces: list[Piece] = []
    for script, start, end in runs(text):
        run = text[start:end]
        if script == KHMER:
            pieces.extend(_locate(_segment_khmer(run), run, start))
        elif script == HAN:
            pieces.extend(_han_pieces(run, start))
        elif script == LATIN:
            pieces.extend(Piece(m.group(), start + m.start()) for m in _WORD.finditer(run))
    if not pieces and text.strip():
        # Only emoji or punctuation: keep the message as one token rather than none, as Rasa's
        # own tokenizers do, so that the featurizers still see something.
        stripped = text.strip()
        pieces.append(Piece(stripped, text.index(stripped)))
    return pieces
