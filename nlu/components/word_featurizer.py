"""Word counts that keep Khmer words whole.

Rasa's CountVectorsFeaturizer joins a message's tokens with spaces and cuts them again with the
pattern `\\b\\w+\\b`. Khmer vowel signs and subscripts are combining marks, which `\\w` does not
match, so every Khmer word fell apart into consonant fragments ("ការងារ", job, became "ក", "រង",
"រ"): the word features for Khmer were noise, and only the character n-grams carried it. This
featurizer is the same, except that a token is whatever the tokenizer made of it (everything
between the spaces), so khmer-nltk's and jieba's words are counted as words.
"""

from __future__ import annotations

import sys
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from sklearn.feature_extraction.text import CountVectorizer

from nlu.components.fingerprint import code_fingerprint

# The tokens are joined by single spaces before counting, and no token contains one.
WHOLE_TOKEN = r"(?u)\S+"


def _whole_tokens(vectorizers: dict[str, CountVectorizer]) -> dict[str, CountVectorizer]:
    for vectorizer in vectorizers.values():
        if vectorizer.analyzer == "word":
            vectorizer.token_pattern = WHOLE_TOKEN
    return vectorizers


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class WholeWordCountsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer counting the tokenizer's words as they are."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return code_fingerprint((sys.modules[__name__],), ("rasa", "scikit-learn"))

    @classmethod
    def _create_shared_vocab_vectorizers(
        cls, parameters: dict[str, Any], vocabulary: Any | None = None
    ) -> dict[str, CountVectorizer]:
        return _whole_tokens(super()._create_shared_vocab_vectorizers(parameters, vocabulary))

    @classmethod
    def _create_independent_vocab_vectorizers(
        cls, parameters: dict[str, Any], vocabulary: Any | None = None
    ) -> dict[str, CountVectorizer]:
        return _whole_tokens(super()._create_independent_vocab_vectorizers(parameters, vocabulary))
