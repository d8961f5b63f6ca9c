"""Danger words that are not a danger now (nlu/emergency/calm.yml): everyday phrases, a danger
that is over, a question about a word. They must not bring the emergency answer; and the same
words in a danger now, or with "still", must."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.safety import read

CALM = [
    # the kinds of false alarm issue 18 names, in three languages
    ("past", "I escaped from the compound 6 months ago, now I need help to get my passport back"),
    ("past", "my friend was rescued last year, how can she get counselling"),
    ("past", "ខ្ញុំធ្លាប់ជាប់នៅក្នុងក្រុមហ៊ុនបោកប្រាស់ តែឥឡូវមកផ្ទះវិញហើយ"),
    ("past", "去年被救出来，现在想问怎么拿回护照"),
    ("about", "what does trafficked mean"),
    ("about", "什么是强迫劳动"),
    ("about", "I watched a movie about people locked in compounds"),
    ("about", "我看了一部电影，讲的是被关在园区的人"),
    ("everyday", "stuck at home because of the rain"),
    ("everyday", "my mom forces me to eat vegetables"),
    ("everyday", "this heat is killing me"),
    ("everyday", "I sold my motorbike last week"),
    ("everyday", "账号被锁了怎么办"),
    ("everyday", "ហ្វេសប៊ុកខ្ញុំជាប់សោ ធ្វើម៉េចបើកវិញ"),
    ("everyday", "ភ្លៀងខ្លាំងពេក ចេញពីផ្ទះមិនបានទេ"),
]

DANGER = [
    "help me",
    "they locked me in a room",
    "I escaped last night, I am hiding in the forest, help",  # no time passed: not over
    "I came back home last year but my sister is still held in the compound",  # still
    "my daughter went to China last year and never came back, please help",  # never came back
    "what is debt bondage? my boss says I owe him 3000 and cannot leave",  # a question and a report
    "my facebook is locked and they won't let me leave",  # the everyday phrase is not all of it
    "boss យក phone ញុំ ហើយ lock ទ្វារបន្ទប់",  # a locked door is no everyday phrase
    "我想回国了，老板不放人",  # wanting to go home is not having gone home
    "我被关在园区出不去",
    "គេមិនឱ្យខ្ញុំចេញ",
    "ជួយផង",
    "去年被骗到园区，现在还在里面出不去",  # 还在: still there
    "I want to go home but they won't let me",  # wanting to go is no trip not yet made
    "កូនស្រីខ្ញុំត្រូវគេយកទៅចិន ហើយមកផ្ទះវិញមិនបាន",  # "cannot come home" is not "came home"
    "my sister is selling her things, no, her husband is selling her to another man",
    # told late or second hand
    "a woman from our church went to work in Thailand, last night she texted me for help",
    "my friend got my sister a job in Bavet, it turned out to be a scam company",
    "I escaped two months ago but they are still looking for me",
]


@pytest.mark.parametrize(("frame", "text"), CALM)
def test_calm_messages_are_no_emergency(frame: str, text: str) -> None:
    reading = read(text)
    assert not reading.emergency
    assert frame in reading.calmed


@pytest.mark.parametrize("text", DANGER)
def test_the_same_words_in_a_danger_now_are(text: str) -> None:
    assert read(text).emergency


def test_without_the_frames_file_every_danger_word_counts(tmp_path: Path) -> None:
    # A broken or missing calm.yml must never mean fewer alarms.
    reading = read("I escaped from the compound 6 months ago, now I need help",
                   calm=tmp_path / "missing.yml")
    assert reading.emergency
