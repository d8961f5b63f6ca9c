"""The phrase syntax outreach staff write warning signs in (bot/checkers/patterns.py): what a
phrase finds, what it does not, and the error an editor gets for a phrase that cannot work."""

from __future__ import annotations

import re

import pytest
import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.checkers.patterns import PhraseError, compile_phrase, fold, stem
from nlu.components.segment import segment


def finds(phrase: str, text: str) -> bool:
    """Whether the phrase is found in the text, as the checker looks: tokens, then characters."""
    tokens, chars = compile_phrase(phrase)
    nlp = spacy.blank("xx")
    matcher = Matcher(nlp.vocab)
    matcher.add("sign", tokens)
    pieces = segment(text)
    doc = Doc(nlp.vocab, words=[p.text for p in pieces], lemmas=[stem(p.normal or p.text) for p in pieces])
    return bool(matcher(doc)) or bool(chars and re.search(chars, fold(text), re.IGNORECASE))


@pytest.mark.parametrize("phrase, text", [
    ("no experience needed", "NO EXPERIENCE NEEDED"),
    ("no skill needed", "no skills needed"),  # endings are ignored
    ("experience not required", "Experiences not require"),
    ("no … experience/skill/background … needed/required", "no background in the field required"),
    ("no … experience/skill/background … needed/required", "No skills of any kind needed"),
    ("no [work] experience needed", "no work experience needed"),
    ("no [work] experience needed", "no experience needed"),
    ("start anytime/immediately", "You can start anytime"),
    ("无需/不需要/不用 经验", "不需要经验"),
    ("无需/不需要/不用 经验", "無需經驗"),  # traditional is matched as simplified
    ("封闭式管理", "园区实行封闭式管理"),
    ("押金 … 元", "押金2000元"),
    ("មិនចាំបាច់ … លិខិតឆ្លងដែន", "ការងារនេះមិនចាំបាច់មានលិខិតឆ្លងដែន"),  # a few letters between
    ("មិនចាំបាច់ … លិខិតឆ្លងដែន", "មិនចាំបាច់លិខិតឆ្លងដែនទេ"),
])
def test_a_phrase_finds_the_same_sign_in_other_words(phrase, text):
    assert finds(phrase, text)


@pytest.mark.parametrize("phrase, text", [
    ("no experience needed", "two years of experience needed"),
    ("no … experience/skill/background … needed/required", "no smoking; a degree and experience are required"),
    ("មិនចាំបាច់ លិខិតឆ្លងដែន", "មិនចាំបាច់មានលិខិតឆ្លងដែន"),  # without `…`, nothing may come between
    ("per like", "people like per diem"),
    ("usdt", "usdtx"),  # Latin words whole
    ("laos", "chaos in the office"),
    ("无需/不需要/不用 经验", "需要三年经验"),
])
def test_a_near_miss_is_not_found(phrase, text):
    assert not finds(phrase, text)


def test_the_gap_lets_only_a_few_words_through():
    assert finds("no … experience", "no previous work experience")
    assert not finds("no … experience", "no smoking at work, and we value your long experience")


@pytest.mark.parametrize("phrase, problem", [
    ("… experience", "between two words"),
    ("no experience …", "cannot end"),
    ("[no] [experience]", "every word is optional"),
    ("no [experience needed", "optional word"),
    ("no//none experience", "empty choice"),
    ("a/b/c d/e/f g/h/i j/k/l m/n/o p/q/r s/t/u", None),  # single words: one token each, fine
])
def test_a_phrase_that_cannot_work_gets_a_clear_error(phrase, problem):
    if problem is None:
        compile_phrase(phrase)
        return
    with pytest.raises(PhraseError, match=problem):
        compile_phrase(phrase)


def test_too_many_choices_is_an_error():
    with pytest.raises(PhraseError, match="split it"):
        compile_phrase("[a] [b] [c] [d] [e] [f] [g] passport")


@pytest.mark.parametrize("word, stemmed", [
    ("needed", "need"), ("needs", "need"), ("required", "requir"), ("require", "requir"),
    ("skills", "skill"), ("passes", "pass"), ("boss", "boss"), ("USDT", "usdt"), ("護照", "护照"),
])
def test_the_stemmer_meets_the_forms_of_a_word(word, stemmed):
    assert stem(word) == stemmed
