"""The intent classifier and the word counts it reads, trained for real on small data in the
three languages, through Rasa's own component interfaces (train, persist, load, process)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.intent_classifier import LinearIntentClassifier
from nlu.components.script_tokenizer import ScriptAwareTokenizer
from nlu.components.word_featurizer import WholeWordCountsFeaturizer

EXAMPLES = {
    "ask_jobs": ["is this job offer real", "job online in thailand good pay?",
                 "ការងារនេះពិតឬអត់", "មានគេឲ្យទៅធ្វើការនៅថៃ ប្រាក់ខែខ្ពស់",
                 "这个工作是真的吗", "网上招聘去泰国工作靠谱吗"],
    "ask_hotlines": ["what number can i call", "hotline number please",
                     "សុំលេខទូរស័ព្ទជំនួយ", "លេខហតឡាញប៉ុន្មាន",
                     "求助电话是多少", "给我热线号码"],
    "greet": ["hello", "hi there", "សួស្តី", "ជំរាបសួរបង", "你好", "您好啊"],
}


def context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


def data(examples: dict[str, list[str]] = EXAMPLES) -> TrainingData:
    return TrainingData([Message.build(text=text, intent=intent)
                         for intent, texts in examples.items() for text in texts])


class Pipeline:
    """Tokenizer, word counts, character n-grams and the classifier, as in config.yml."""

    def __init__(self, storage: LocalModelStorage) -> None:
        self.tokenizer = ScriptAwareTokenizer(ScriptAwareTokenizer.get_default_config())
        self.words = WholeWordCountsFeaturizer.create(
            WholeWordCountsFeaturizer.get_default_config(), storage, Resource("words"), context("words"))
        chars = {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb",
                 "min_ngram": 1, "max_ngram": 4}
        self.chars = CountVectorsFeaturizer.create(chars, storage, Resource("chars"), context("chars"))
        self.storage = storage

    def featurize(self, messages: list[Message]) -> list[Message]:
        self.tokenizer.process(messages)
        self.words.process(messages)
        self.chars.process(messages)
        return messages

    def train(self, examples: dict[str, list[str]] = EXAMPLES) -> LinearIntentClassifier:
        training = data(examples)
        self.tokenizer.process_training_data(training)
        self.words.train(training)
        self.words.process_training_data(training)
        self.chars.train(training)
        self.chars.process_training_data(training)
        classifier = LinearIntentClassifier.create(
            LinearIntentClassifier.get_default_config(), self.storage, Resource("intents"),
            context("intents"))
        classifier.train(training)
        return classifier


@pytest.fixture
def pipeline(tmp_path: Path) -> Pipeline:
    return Pipeline(LocalModelStorage(tmp_path))


def test_khmer_words_are_counted_whole(pipeline):
    training = data()
    pipeline.tokenizer.process_training_data(training)
    pipeline.words.train(training)
    vocabulary = pipeline.words.vectorizers["text"].vocabulary_
    assert {"ការងារ", "ពិត", "លេខ", "សួស្តី", "工作", "hotline"} <= set(vocabulary)


def test_rasas_own_word_counts_break_khmer_words_apart(tmp_path):
    """Why WholeWordCountsFeaturizer exists: the stock featurizer cuts at every vowel sign."""
    storage = LocalModelStorage(tmp_path)
    stock = CountVectorsFeaturizer.create(CountVectorsFeaturizer.get_default_config(), storage,
                                          Resource("stock"), context("stock"))
    training = data()
    ScriptAwareTokenizer(ScriptAwareTokenizer.get_default_config()).process_training_data(training)
    stock.train(training)
    vocabulary = set(stock.vectorizers["text"].vocabulary_)
    assert "ការងារ" not in vocabulary and "ក" in vocabulary


def message(text: str) -> Message:
    return Message.build(text=text)


@pytest.mark.parametrize(("text", "intent"), [
    ("is this job real or fake", "ask_jobs"),
    ("ការងារនៅថៃនេះពិតទេ", "ask_jobs"),
    ("泰国的工作是真的吗", "ask_jobs"),
    ("hotline number", "ask_hotlines"),
    ("សុំលេខជំនួយផង", "ask_hotlines"),
    ("热线电话", "ask_hotlines"),
    ("hello!", "greet"),
    ("សួស្តីបង", "greet"),
])
def test_new_messages_get_the_intent_of_their_kind(pipeline, text, intent):
    classifier = pipeline.train()
    [result] = classifier.process(pipeline.featurize([message(text)]))
    assert result.get("intent")["name"] == intent


def test_ranking_is_a_probability_distribution_best_first(pipeline):
    classifier = pipeline.train()
    [result] = classifier.process(pipeline.featurize([message("job hotline")]))
    ranking = result.get("intent_ranking")
    confidences = [r["confidence"] for r in ranking]
    assert {r["name"] for r in ranking} == set(EXAMPLES)
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert result.get("intent") == ranking[0]


def test_with_two_intents_the_probabilities_are_sklearns(pipeline):
    """sklearn keeps one column of weights for two classes; the classifier must turn it into the
    same probabilities sklearn's predict_proba gives, not sharper ones."""
    from sklearn.linear_model import LogisticRegression

    two = {intent: EXAMPLES[intent] for intent in ("ask_jobs", "greet")}
    classifier = pipeline.train(two)
    training = pipeline.featurize([message(t) for texts in two.values() for t in texts])
    reference = LogisticRegression(C=classifier.config["C"], max_iter=classifier.config["max_iter"])
    reference.fit(classifier._features(training),
                  [intent for intent, texts in two.items() for _ in texts])
    probe = pipeline.featurize([message(t) for t in ["job hello", "这个工作", "សួស្តី"]])
    np.testing.assert_allclose(classifier.probabilities(probe),
                               reference.predict_proba(classifier._features(probe)), atol=1e-4)


def test_a_message_with_no_known_feature_is_unsure(pipeline):
    classifier = pipeline.train()
    [result] = classifier.process(pipeline.featurize([message("😀")]))
    assert result.get("intent")["confidence"] < 0.6


def test_the_trained_weights_load_back_and_predict_the_same(pipeline):
    classifier = pipeline.train()
    texts = ["is this job real", "សុំលេខទូរស័ព្ទ", "你好"]
    before = classifier.probabilities(pipeline.featurize([message(t) for t in texts]))
    loaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(),
                                         pipeline.storage, Resource("intents"), context("intents"))
    after = loaded.probabilities(pipeline.featurize([message(t) for t in texts]))
    assert loaded.classes == classifier.classes
    np.testing.assert_allclose(before, after)


def test_missing_weights_mean_no_intent_not_a_crash(pipeline):
    loaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(),
                                         pipeline.storage, Resource("never-trained"),
                                         context("intents"))
    [result] = loaded.process(pipeline.featurize([message("hello")]))
    assert result.get("intent") is None


def test_traditional_chinese_is_read_as_its_simplified_form(pipeline):
    classifier = pipeline.train()  # trained on simplified examples only
    texts = ["這個工作是真的嗎", "这个工作是真的吗"]
    traditional, simplified = classifier.probabilities(pipeline.featurize([message(t) for t in texts]))
    np.testing.assert_allclose(traditional, simplified)


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    from bot.dialogue.model import ensure_model

    model, _ = ensure_model()
    return Agent.load(str(model))


@pytest.mark.stack
@pytest.mark.parametrize(("traditional", "simplified"), [
    ("我的護照被老闆扣了", "我的护照被老板扣了"),
    ("請問這個工作是真的嗎", "请问这个工作是真的吗"),
    ("我想換成英文", "我想换成英文"),
    ("幫我刪除我的資料", "帮我删除我的资料"),
])
async def test_the_model_understands_both_chinese_scripts_alike(agent, traditional, simplified):
    """Also proves the trained model was built by the current tokenizer, not from Rasa's cache of
    an older one (nlu/components/fingerprint.py)."""
    a, b = await agent.parse_message(traditional), await agent.parse_message(simplified)
    assert a["intent"]["name"] == b["intent"]["name"] != "nlu_fallback"
    assert a["intent"]["confidence"] == pytest.approx(b["intent"]["confidence"])


@pytest.mark.parametrize("intents", [None, ("ask_jobs", "greet")])
def test_one_message_at_a_time_gets_the_same_probabilities_as_a_batch(pipeline, intents):
    """Rasa asks about one message at a time, which takes a shorter path than a batch."""
    classifier = pipeline.train({i: EXAMPLES[i] for i in intents} if intents else EXAMPLES)
    texts = ["is this job real", "សុំលេខទូរស័ព្ទ", "你好", "😀", "job job job hotline hello"]
    batch = classifier.probabilities(pipeline.featurize([message(t) for t in texts]))
    one_by_one = np.vstack([classifier.probabilities(pipeline.featurize([message(t)]))
                            for t in texts])
    np.testing.assert_allclose(one_by_one, batch, rtol=1e-9, atol=1e-12)
    assert one_by_one.shape == (len(texts), len(classifier.classes))
