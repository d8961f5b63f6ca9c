"""Intents by logistic regression over TF-IDF-weighted word and character n-gram counts.

Why not DIET: with a few hundred examples per intent and language, written the way people type
(misspelt, Khmer without spaces, romanized Khmer), a linear model over the same sparse features
generalised better than DIET on the development set and in cross-validation, above all in
Khmer, and it trains in seconds instead of minutes (docs/evaluation.md has the numbers). Its
probabilities are also spread more honestly than DIET's near-certain ones, so the fallback and
the "is emergency one of the best guesses?" check in actions/topics.py have something to go on.

The features are the sentence-level counts of the featurizers before it in the pipeline. Each
featurizer's block is weighted on its own (sublinear term frequency times inverse document
frequency, then unit length), so the many character n-grams do not drown the few words. The
trained weights are stored as plain arrays, not pickles.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.fingerprint import code_fingerprint

logger = logging.getLogger(__name__)

_WEIGHTS_FILE = "weights.npz"


class Weighting:
    """TF-IDF for one featurizer's block of counts: log(1 + count) x idf, rows of unit length."""

    def __init__(self, idf: np.ndarray) -> None:
        self.idf = idf

    @classmethod
    def fit(cls, counts: scipy.sparse.csr_matrix) -> Weighting:
        documents = counts.shape[0]
        frequency = np.bincount(counts.nonzero()[1], minlength=counts.shape[1])
        return cls(np.log((1 + documents) / (1 + frequency)) + 1.0)

    def apply(self, counts: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
        # On the arrays of the matrix itself: scipy's sparse operations cost more to set up than
        # the arithmetic for one message (this runs for every message Rasa reads).
        weighted = counts.astype(np.float64).tocsr(copy=True)
        weighted.sum_duplicates()
        weighted.data = np.log1p(np.abs(weighted.data)) * self.idf[weighted.indices]
        rows = np.repeat(np.arange(weighted.shape[0]), np.diff(weighted.indptr))
        norms = np.sqrt(np.bincount(rows, weights=weighted.data ** 2, minlength=weighted.shape[0]))
        norms[norms == 0] = 1.0
        weighted.data /= norms[rows]
        return weighted


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Multinomial logistic regression over the pipeline's sparse sentence features."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return code_fingerprint((sys.modules[__name__],), ("scikit-learn", "numpy"))

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Inverse regularisation strength; cross-validation is flat from 30 to 100.
            "C": 30.0,
            "max_iter": 3000,
            "ranking_length": 10,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 featurizers: list[str] | None = None, weightings: list[Weighting] | None = None,
                 classes: list[str] | None = None, coef: np.ndarray | None = None,
                 intercept: np.ndarray | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.featurizers = featurizers or []
        self.weightings = weightings or []
        self.classes = classes or []
        self.coef = coef
        self.intercept = intercept

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    # Features -----------------------------------------------------------------------------

    @staticmethod
    def _sentence_counts(message: Message, featurizer: str, width: int) -> scipy.sparse.csr_matrix:
        _, sentence = message.get_sparse_features(TEXT, [featurizer])
        if sentence is None:
            return scipy.sparse.csr_matrix((1, width))
        return scipy.sparse.csr_matrix(sentence.features)

    def _blocks(self, messages: list[Message], widths: list[int]) -> list[scipy.sparse.csr_matrix]:
        """One matrix of counts per featurizer, a row per message."""
        blocks = []
        for featurizer, width in zip(self.featurizers, widths, strict=True):
            rows = [self._sentence_counts(m, featurizer, width) for m in messages]
            blocks.append(scipy.sparse.vstack(rows).tocsr() if rows else scipy.sparse.csr_matrix((0, width)))
        return blocks

    def _features(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        blocks = self._blocks(messages, [len(w.idf) for w in self.weightings])
        weighted = [w.apply(b) for w, b in zip(self.weightings, blocks, strict=True)]
        return scipy.sparse.hstack(weighted).tocsr()

    # Training -----------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.warning("No intent examples: %s is left untrained.", self.__class__.__name__)
            return self._resource
        widths: dict[str, int] = {}
        for example in examples:
            for feature in example.features:
                if (feature.attribute == TEXT and feature.is_sparse()
                        and feature.type == FEATURE_TYPE_SENTENCE):
                    widths[str(feature.origin)] = feature.features.shape[1]
        self.featurizers = sorted(widths)
        blocks = self._blocks(examples, [widths[f] for f in self.featurizers])
        self.weightings = [Weighting.fit(block) for block in blocks]
        features = scipy.sparse.hstack([w.apply(b) for w, b in zip(self.weightings, blocks,
                                                                    strict=True)]).tocsr()
        labels = [e.get(INTENT) for e in examples]
        model = LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"])
        model.fit(features, labels)
        self.classes = [str(c) for c in model.classes_]
        self.coef = model.coef_
        self.intercept = model.intercept_
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            arrays: dict[str, np.ndarray] = {
                "classes": np.array(self.classes, dtype=str),
                "featurizers": np.array(self.featurizers, dtype=str),
                "coef": self.coef,
                "intercept": self.intercept,
            }
            for i, weighting in enumerate(self.weightings):
                arrays[f"idf{i}"] = weighting.idf
            np.savez(directory / _WEIGHTS_FILE, **arrays)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / _WEIGHTS_FILE, allow_pickle=False) as arrays:
                    featurizers = [str(f) for f in arrays["featurizers"]]
                    return cls(config, model_storage, resource, featurizers=featurizers,
                               weightings=[Weighting(arrays[f"idf{i}"]) for i in range(len(featurizers))],
                               classes=[str(c) for c in arrays["classes"]],
                               coef=arrays["coef"], intercept=arrays["intercept"])
        except (ValueError, FileNotFoundError, KeyError):
            logger.warning("%s has no trained weights; it will predict no intent.", cls.__name__)
            return cls(config, model_storage, resource)

    # Prediction ---------------------------------------------------------------------------

    def probabilities(self, messages: list[Message]) -> np.ndarray:
        """One row per message: the probability of each class in `self.classes`."""
        if getattr(self, "_coef_by_feature", None) is None:
            # (features x classes), contiguous: `coef.T` is a strided view that scipy would copy
            # whole (14 MB) for every message, 2.4 ms each time.
            self._coef_by_feature = np.ascontiguousarray(self.coef.T)
        if len(messages) == 1:  # as Rasa serves: one message, without scipy's set-up costs
            scores = self._scores_of_one(messages[0])[None, :]
        else:
            scores = np.asarray(self._features(messages) @ self._coef_by_feature + self.intercept)
        if len(self.classes) == 2:  # sklearn keeps one column for two classes: P(second) = σ(s)
            scores = np.hstack([np.zeros_like(scores), scores])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def _scores_of_one(self, message: Message) -> np.ndarray:
        """The same scores as `_features(...) @ coef.T + intercept`, for one message."""
        scores = np.array(self.intercept, dtype=np.float64)
        offset = 0
        for featurizer, weighting in zip(self.featurizers, self.weightings, strict=True):
            width = len(weighting.idf)
            counts = self._sentence_counts(message, featurizer, width)
            counts.sum_duplicates()
            if counts.nnz:
                weights = np.log1p(np.abs(counts.data.astype(np.float64))) * weighting.idf[counts.indices]
                norm = np.sqrt(np.dot(weights, weights))
                if norm:
                    weights /= norm
                scores += weights @ self._coef_by_feature[offset + counts.indices]
            offset += width
        return scores

    def process(self, messages: list[Message]) -> list[Message]:
        if self.coef is None or not messages:
            return messages
        for message, row in zip(messages, self.probabilities(messages), strict=True):
            order = np.argsort(-row)
            ranking = [{"name": self.classes[i], "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: self.config["ranking_length"]], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
