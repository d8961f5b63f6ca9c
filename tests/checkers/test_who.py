"""Who is in danger, read from the message in three languages (bot/checkers/who.py)."""

from __future__ import annotations

import pytest

from bot.checkers.who import about, nationality


@pytest.mark.parametrize(("message", "who"), [
    ("my sister went to China to marry a man, now he beats her and she cannot leave", "other"),
    ("My friend is held in a compound in Myawaddy", "other"),
    ("ប្អូនស្រីខ្ញុំត្រូវគេឃុំនៅមីយ៉ាន់ម៉ា", "other"),  # "my sister was locked up": not "I was"
    ("我朋友在妙瓦底被关了", "other"),
    ("我妹妹被卖到中国了，救救她", "other"),
    ("my son is in a compound in Myawaddy, they beat him", "child"),
    ("កូនស្រីខ្ញុំត្រូវគេនាំទៅចិន", "child"),
    ("我女儿在西港出不来", "child"),
    ("help me, my husband locks me in the house", "self"),  # the husband holds her
    ("ខ្ញុំនៅប៉ោយប៉ែត គេមិនឱ្យខ្ញុំចេញ", "self"),
    ("我在西港的园区，老板收了护照", None),
    ("我被关在西港", "self"),
    ("my friend and I are locked in, we are trapped", "self"),
    ("what is debt bondage?", None),
    ("they took my passport", "self"),
])
def test_who_is_in_danger(message, who):
    assert about(message) == who


def test_latin_words_match_whole_words_only():
    assert about("mysister") is None
    assert about("My Sister’s boss took her phone") == "other"


@pytest.mark.parametrize(("message", "country"), [
    ("我是中国人，我在西港的园区被关起来了", "CN"),
    ("I am from the Philippines, they locked me in a compound", "PH"),
    ("ខ្ញុំជាខ្មែរ ឥឡូវនៅថៃ", "KH"),
    ("I'm Chinese and my boss took my passport", "CN"),
    ("my Chinese boss took my passport", None),  # says nothing about the writer
    ("我在中国", None),  # where, not from where
])
def test_where_the_writer_is_from(message, country):
    assert nationality(message) == country
