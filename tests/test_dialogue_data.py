"""The Rasa data is valid, and every button in the content sends an intent the dialogue knows."""

from __future__ import annotations

import shutil

from bot.content import CONTENT_ROOT
from bot.validate import validate


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
