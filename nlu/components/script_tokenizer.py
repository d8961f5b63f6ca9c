"""A Rasa tokenizer for messages that mix Khmer, Chinese and Latin script.

Rasa's WhitespaceTokenizer leaves a whole Khmer or Chinese phrase as one token, and its
JiebaTokenizer accepts only `language: zh`. One model serves all three languages, so this tokenizer
cuts the message into runs of one script and segments each run with the right tool:
Khmer with khmer-nltk, Han with jieba, everything else on word boundaries.

Every token is an exact substring of the message with its true offset, because Rasa's featurizers
and entity extractors rely on token positions.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu.components.scripts import HAN, KHMER, LATIN, runs

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


def _locate(pieces: list[str], run: str, offset: int) -> list[Token]:
    """Turn segmenter output back into tokens with offsets into the original message.

    khmer-nltk may rewrite its input (it normalises some characters and emits ' ' tokens), so a
    piece is searched for from where the last one ended; a piece that cannot be found is skipped,
    and whatever text is left unclaimed becomes one token, so no letter is ever lost.
    """
    tokens: list[Token] = []
    position = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        found = run.find(piece, position)
        if found < 0:
            continue
        if found > position and run[position:found].strip():
            gap = run[position:found]
            tokens.append(Token(gap.strip(), offset + position + gap.index(gap.strip())))
        tokens.append(Token(piece, offset + found))
        position = found + len(piece)
    rest = run[position:]
    if rest.strip():
        tokens.append(Token(rest.strip(), offset + position + rest.index(rest.strip())))
    return tokens


def tokenize_text(text: str) -> list[Token]:
    """Tokens of a message in any mix of Khmer, Han and Latin script."""
    tokens: list[Token] = []
    for script, start, end in runs(text):
        run = text[start:end]
        if script == KHMER:
            tokens.extend(_locate(_segment_khmer(run), run, start))
        elif script == HAN:
            tokens.extend(_locate(_segment_han(run), run, start))
        elif script == LATIN:
            tokens.extend(Token(m.group(), start + m.start()) for m in _WORD.finditer(run))
    if not tokens and text.strip():
        # Only emoji or punctuation: keep the message as one token rather than none, as Rasa's
        # own tokenizers do, so that the featurizers still see something.
        stripped = text.strip()
        tokens.append(Token(stripped, text.index(stripped)))
    return tokens


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class ScriptAwareTokenizer(Tokenizer):
    """Tokenizes Khmer with khmer-nltk, Chinese with jieba and the rest on word boundaries."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        # Rasa checks these as import names and fingerprints them as distribution names, so only
        # jieba (the same under both) can be listed; bot/model.py hashes khmer-nltk's version.
        return ["jieba"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        return self._apply_token_pattern(tokenize_text(text))
