"""The Rasa data is valid, and every button in the content sends an intent the dialogue knows."""

from __future__ import annotations

import shutil
import unicodedata

from bot.content import CONTENT_ROOT
from bot.tools.validate import validate


def test_the_dialogue_data_is_valid():
    assert validate() == []


def test_a_button_sending_an_unknown_intent_is_caught(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, content)
    with (content / "buttons.yml").open("a", encoding="utf-8") as file:
        file.write("menu.nothing: {payload: /ask_nothing}\n")
    for lang in ("km", "en", "zh"):
        with (content / lang / "buttons.yml").open("a", encoding="utf-8") as file:
            file.write('menu.nothing: "ក ? 什么 nothing"\n')
    assert validate(content) == [
        "content/buttons.yml: button 'menu.nothing' sends intent 'ask_nothing', which is not in "
        "domain.yml"]


def test_the_held_out_messages_are_not_in_the_training_data():
    """The held-out scores mean something only if the model has never seen those messages: the
    first held-out set, and the held-out set under pressure (tests/data/nlu_pressure/heldout)."""
    from bot.tools.evaluation import PRESSURE_HELDOUT, heldout_examples, training_examples

    def norm(text: str) -> str:  # case, spaces and punctuation aside
        return "".join(ch for ch in text.casefold()
                       if unicodedata.category(ch)[0] in "LMN")

    trained = {norm(text) for _, _, text in training_examples()}
    seen = [text for _, _, text in heldout_examples() + heldout_examples(PRESSURE_HELDOUT)
            if norm(text) in trained]
    assert seen == []


def test_every_intent_has_enough_examples_in_every_language():
    """Issue 4's floor: at least 25 training examples per intent and language."""
    from collections import Counter

    from bot.tools.evaluation import training_examples

    counts = Counter((lang, intent) for lang, intent, _ in training_examples())
    intents = {intent for _, intent in counts}
    short = {(lang, intent): counts[lang, intent] for lang in ("km", "en", "zh")
             for intent in intents if counts[lang, intent] < 25}
    assert short == {}
