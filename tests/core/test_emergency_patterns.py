"""The emergency patterns (nlu/emergency/patterns.yml) are the floor under the model: they alone
answer when Rasa is down, and they win over any intent. So every emergency the training data
describes must set them off, and nothing else in it may."""

from __future__ import annotations

import pytest

from bot.core.safety import is_emergency
from bot.tools.evaluation import training_examples

EXAMPLES = training_examples()


def test_every_emergency_in_the_training_data_sets_off_the_patterns():
    missed = [(lang, text) for lang, intent, text in EXAMPLES
              if intent == "emergency" and not is_emergency(text)]
    assert missed == []


def test_no_other_training_example_sets_off_the_patterns():
    alarms = [(lang, intent, text) for lang, intent, text in EXAMPLES
              if intent != "emergency" and is_emergency(text)]
    assert alarms == []


@pytest.mark.parametrize("text", [
    # money demanded before someone may leave
    "boss say i must pay 5000 usd to go home",
    "they want 2000 dollars before i can leave",
    "i owe the company money so i cant leave",
    "ថៅកែថាត្រូវបង់លុយ ៥០០០ ដុល្លារ ទើបអាចទៅផ្ទះ",
    "老板说要交五万块才能回家",
    "公司说要付违约金才能走",
    # forced to work or to scam
    "im forced to scam people online 16 hours a day",
    "my son is forced to work 16 hours",
    "he was forced into marriage",
    "គេបង្ខំឲ្យខ្ញុំបោកប្រាស់មនុស្ស",
    "我被逼着做诈骗",
    "我朋友在迪拜被老板强迫陪客",
    # held, guarded, moved, made to sleep with customers
    "im in a compound in myawaddy and the guards have guns",
    "quick pls, they are coming to move me to another company",
    "i am 17 and the boss says i have to sleep with customers",
    "គេដាក់ញុំនៅក្នុងអគារមួយ មានឆ្មាំកាន់កាំភ្លើង",  # ញុំ: "I" as people type it
    "ញុំអត់មានសេរីភាពទេ គេយាមរាល់ពេល ចេញក្រៅអត់បាន",
    # a pattern written in one script of Chinese catches the other ("不許" is in the file, "不许" not)
    "老板不许我回家",
    "老闆不許我回家",
    # a cry for help for someone else
    "拜託 快救人",
    "快救救我妹妹",
    # guarded; money to leave, said the other way round
    "宿舍门口有人拿枪守着",
    "老板说我想走得先赔三万",
    # romanized Khmer: help alone, with a person or "please"; forced; not let eat
    "chuoy!!",
    "som chuoy",
    # any "chuoy" but "help with what": other spellings of "me", repeated, after a person, with
    # English or punctuation, help me find my child
    "chuoy khnom", "chuoy chuoy", "bong chuoy", "plz chuoy", "knhom som chuoy", "chuoy me",
    "chuoy!! knhom klach", "chuoy, phong", "chuoy knhom rok kon knhom", "chuoy knhom prab police",
    "choy knhom phong",
    "juoy pa oun knhom phong",
    "knhom trov ka chuoy",
    "ke bongkom knhom bok ke",
    "ke ot oy knhom hop bay",
])
def test_danger_is_recognised(text):
    assert is_emergency(text)


@pytest.mark.parametrize("text", [
    "how much do i pay to go to korea",
    "what fees do i pay before i leave for malaysia",
    "is forced labour common in thailand",
    "how much money to bring to korea",
    "security guards job in thailand is it real",
    "ខ្ញុំចង់ទិញផ្លែស្វាយ",  # ស្វាយ (mango) holds វាយ (beat)
    "ញុំចង់ធ្វើការនៅថៃ",
    "強迫症怎么治",
    "你们会不会把我的信息卖给别人",  # 卖给 (sold to), but of data
    "orkun del chuoy knhom",  # thanks for helping me
    "chuoy knhom rok ka nov thai",  # help me find a job in Thailand
])
def test_ordinary_messages_are_not_alarms(text):
    assert not is_emergency(text)
