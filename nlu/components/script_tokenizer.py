"""A Rasa tokenizer for messages that mix Khmer, Chinese and Latin script.

Rasa's WhitespaceTokenizer leaves a whole Khmer or Chinese phrase as one token, and its
JiebaTokenizer accepts only `language: zh`. One model serves all three languages, so this tokenizer
cuts the message into runs of one script and segments each run with the right tool:
Khmer with khmer-nltk, Han with jieba, everything else on word boundaries.

Every token is an exact substring of the message with its true offset, because Rasa's featurizers
and entity extractors rely on token positions.
"""

from __future__ import annotations

import sys
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

import nlu.components.scripts
import nlu.components.segment
from nlu.components.fingerprint import code_fingerprint
from nlu.components.segment import segment


def tokenize_text(text: str) -> list[Token]:
    """Tokens of a message in any mix of Khmer, Han and Latin script. A traditional Chinese word
    has its simplified form as its lemma, which is what the featurizers count."""
    return [Token(piece.text, piece.start, lemma=piece.normal or None) for piece in segment(text)]


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

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return code_fingerprint(
            (sys.modules[__name__], nlu.components.segment, nlu.components.scripts),
            ("khmer-nltk", "jieba", "opencc-python-reimplemented"))

    @staticmethod
    def required_packages() -> list[str]:
        # Rasa checks these as import names and fingerprints them as distribution names, so only
        # jieba (the same under both) can be listed; bot/dialogue/model.py hashes khmer-nltk's version.
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
