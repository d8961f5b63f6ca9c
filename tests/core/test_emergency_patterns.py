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


# Hard negatives in the training data that still set off the patterns, kept on purpose. Most are
# worried questions before going ("will they force me to scam if I take this job?"): a frame for
# "before going" was tried and let real emergencies through (docs/evaluation.md), so these get
# the emergency steps. The others have a danger phrase no narrow frame tells from a real one.
# A false alarm costs far less than a miss. The list must shrink, never grow: a new alarm, or
# one fixed, fails the test below.
KNOWN_ALARMS = {
    ('en', 'ask_hotlines', 'if someone gets stuck in a compound who should their family call'),
    ('en', 'ask_hotlines', 'just in case, what number do i call if i ever get trapped abroad'),
    ('en', 'ask_jobs', 'could i get locked in if i take this job in laos'),
    ('en', 'ask_jobs', 'do these online companies take your passport when you start work'),
    ('en', 'ask_jobs', 'how do i avoid getting kidnapped by fake recruiters'),
    ('en', 'ask_jobs',
     'i heard people get sold from one company to another in myanmar, how can i avoid that before i go'),
    ('en', 'ask_jobs',
     "i'm scared, my cousin wants me to work in poipet next week, could it be a scam compound"),
    ('en', 'ask_jobs',
     "my friend says the job in kk park is fine but i'm worried i won't be able to leave, should i go"),
    ('en', 'ask_jobs',
     "my mom is afraid i'll be trapped if i go to work in thailand, how do i check the job"),
    ('en', 'ask_jobs', 'will they force me to scam people if i accept this customer service job'),
    ('en', 'ask_safe_migration',
     'how can i go to work in thailand safely so nobody can force me into anything'),
    ('en', 'ask_safe_migration',
     "i'm afraid of being trapped abroad, what is the legal way to work in korea"),
    ('km', 'ask_hotlines', 'បើមានអ្នកជាប់ក្នុងក្រុមហ៊ុនបោក គ្រួសារគួរទូរស័ព្ទទៅលេខណា'),
    ('km', 'ask_jobs', 'ញុំខ្លាចគេចាក់សោខ្ញុំ បើទៅធ្វើការនៅឡាវ តើពិនិត្យការងារនេះម៉េច'),
    ('km', 'ask_jobs', 'មិត្តប្រាប់ថាការងារនៅ KK park មិនអីទេ តែខ្លាចចេញមកវិញមិនបាន គួរទៅទេ'),
    ('km', 'ask_jobs', 'មុនទៅ តើក្រុមហ៊ុនអនឡាញទាំងនោះយកប៉ាស្ព័របុគ្គលិកទុកទេ'),
    ('km', 'ask_jobs', 'ម៉ាក់ខ្លាចញុំជាប់នៅទីនោះ បើទៅធ្វើការនៅថៃ ត្រូវពិនិត្យការងារយ៉ាងម៉េច'),
    ('km', 'ask_jobs', 'ឮថាគេលក់មនុស្សពីក្រុមហ៊ុនមួយទៅមួយទៀតនៅមីយ៉ាន់ម៉ា ធ្វើម៉េចការពារខ្លួនមុនទៅ'),
    ('km', 'ask_safe_migration', 'ខ្លាចជាប់នៅបរទេស តើផ្លូវស្របច្បាប់ទៅធ្វើការកូរ៉េមានអ្វីខ្លះ'),
    ('km', 'out_of_scope', 'ជណ្តើរយន្តគាំង១០នាទីព្រឹកនេះ ខ្លាចណាស់'),
    ('km', 'out_of_scope', 'ប្អូនប្រុសយកទូរស័ព្ទញុំទៅ មិនឲ្យវិញ ខឹងណាស់'),
    ('zh', 'ask_hotlines', '如果有人被困在园区，家属应该打哪个电话'),
    ('zh', 'ask_jobs', '去波貝上班會不會被扣護照，我下週就要出發'),
    ('zh', 'ask_jobs', '听说缅甸那边会把人转卖给别的公司，出发前怎么防范'),
    ('zh', 'ask_jobs', '我妈怕我去泰国打工被困住，要怎么查这份工作'),
    ('zh', 'ask_jobs', '我怕去了老挝会被关起来，这份工作怎么核实'),
    ('zh', 'ask_jobs', '接了这个客服工作会不会被逼着搞诈骗'),
    ('zh', 'ask_jobs', '朋友说KK园区那份工作没事，但我怕去了出不来，要去吗'),
    ('zh', 'ask_jobs', '看了新闻很害怕，怎么知道我在西港的工作不是园区'),
    ('zh', 'ask_jobs', '聽說去柬埔寨會被賣，這份工作還能去嗎'),
    ('zh', 'ask_jobs', '还没入职，听说这种网络公司会收护照，是真的吗'),
    ('zh', 'ask_safe_migration', '怕在国外被困，去日本工作有什么正规途径'),
}


def test_no_other_training_example_sets_off_the_patterns():
    alarms = {(lang, intent, text) for lang, intent, text in EXAMPLES
              if intent != "emergency" and is_emergency(text)}
    assert alarms == KNOWN_ALARMS


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
