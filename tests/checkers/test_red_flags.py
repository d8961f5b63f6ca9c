"""The job-ad checker: each warning sign, in each language, found in an ad that has it and not in
one that does not; the evidence is the ad's own words; the verdict follows the content's weights.

Each language has an ordinary ad with no sign at all (a named business, an address, a phone
number, ordinary pay). A positive example is that ad with one sentence added; the negative is
the ordinary ad itself or a near miss that an honest ad would say.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.checkers.red_flags import RedFlagChecker, looks_like_ad
from bot.content import CONTENT_ROOT, load_library

ORDINARY = {
    "en": "Golden Rice Mill Co., Ltd is hiring 2 warehouse workers in Kandal, Street 21. "
          "Salary $250 per month, free lunch. Call 012 000 345.",
    "km": "ក្រុមហ៊ុន Golden Rice Mill ជ្រើសរើសកម្មករឃ្លាំង ២នាក់ នៅភូមិព្រែកថ្មី ខេត្តកណ្តាល។ "
          "ប្រាក់ខែ ២៥០ ដុល្លារ មានអាហារថ្ងៃត្រង់។ ទូរស័ព្ទ ០១២ ០០០ ៣៤៥",
    "zh": "金边华信建材有限公司招聘仓库管理员2名，地址：金边棉芷区271号。月薪350美元，包午餐。"
          "电话 012 000 345",
}

# sign -> language -> (a sentence that shows the sign, the words expected as evidence)
POSITIVE = {
    "pay_per_task": {
        "en": ("Earn money per click from your phone.", "per click"),
        "km": ("ធ្វើការនៅផ្ទះ ចុចឡាយបានលុយរាល់ថ្ងៃ។", None),
        "zh": ("在家做点赞员，一单一结。", None),
    },
    "no_experience": {
        "en": ("No experience needed, we train you.", "No experience needed"),
        "km": ("មិនត្រូវការបទពិសោធន៍។", None),
        "zh": ("无需经验，可以培训。", "无需经验"),
    },
    "free_travel": {
        "en": ("Free flight and visa paid by the company.", "Free flight"),
        "km": ("ក្រុមហ៊ុនចេញថ្លៃសំបុត្រយន្តហោះ និងទិដ្ឋាការ។", None),
        "zh": ("包机票，包签证。", "包机票"),
    },
    "hotspot": {
        "en": ("Work location: Myawaddy.", "Myawaddy"),
        "km": ("ធ្វើការនៅប៉ោយប៉ែត។", "ប៉ោយប៉ែត"),
        "zh": ("工作地点：妙瓦底。", "妙瓦底"),
    },
    "passport_kept": {
        "en": ("The company keeps your passport for visa processing.", None),
        "km": ("ក្រុមហ៊ុនរក្សាទុកលិខិតឆ្លងដែន។", None),
        "zh": ("护照由公司统一保管。", None),
    },
    "age_or_language": {
        "en": ("Age 18-30, must speak Chinese.", None),
        "km": ("អាយុ ១៨ ដល់ ៣០ ឆ្នាំ។", "អាយុ ១៨ ដល់ ៣០"),
        "zh": ("年龄18-30岁。", "年龄18-30"),
    },
    "urgency": {
        "en": ("Only 5 places, leave this week!", None),
        "km": ("កន្លែងមានកំណត់ ចេញដំណើរសប្តាហ៍នេះ!", None),
        "zh": ("名额有限，这周就走！", None),
    },
}
# Near misses an honest ad says; none of them is a sign.
NEGATIVE = {
    "pay_per_task": {"en": "Pay is monthly, by bank transfer.", "km": "បើកប្រាក់ខែតាមធនាគារ។",
                     "zh": "工资每月银行转账。"},
    "no_experience": {"en": "Two years of experience preferred.", "km": "មានបទពិសោធន៍ ២ឆ្នាំ។",
                      "zh": "有两年经验优先。"},
    "free_travel": {"en": "Free accommodation for staff from the provinces.",
                    "km": "មានកន្លែងស្នាក់នៅសម្រាប់បុគ្គលិកមកពីខេត្ត។", "zh": "外省员工包住。"},
    "hotspot": {"en": "The warehouse is in Kandal province.", "km": "ឃ្លាំងនៅខេត្តកណ្តាល។",
                "zh": "仓库在干丹省。"},
    "passport_kept": {"en": "Bring a copy of your ID card.", "km": "យកច្បាប់ចម្លងអត្តសញ្ញាណប័ណ្ណមក។",
                      "zh": "请带身份证复印件。"},
    "age_or_language": {"en": "Age 18-45, men or women.", "km": "អាយុ ១៨ ដល់ ៤៥ ឆ្នាំ។",
                        "zh": "年龄18-45岁。"},
    "urgency": {"en": "Urgent hiring, apply before 30 June.", "km": "ត្រូវការបន្ទាន់។",
                "zh": "急招。"},
}


@pytest.fixture(scope="module")
def checker() -> RedFlagChecker:
    library = load_library(CONTENT_ROOT)
    assert not library.errors, library.errors
    return RedFlagChecker(library)


def flags(checker: RedFlagChecker, text: str) -> dict[str, str]:
    return {f.id: f.evidence for f in checker.check(text).flags}


@pytest.mark.parametrize("lang", ["km", "en", "zh"])
def test_an_ordinary_ad_has_no_warning_signs(checker, lang):
    check = checker.check(ORDINARY[lang])
    assert (check.verdict, check.flags) == ("no_flags", ())


@pytest.mark.parametrize("sign", sorted(POSITIVE))
@pytest.mark.parametrize("lang", ["km", "en", "zh"])
def test_each_sign_is_found_with_the_ads_words(checker, sign, lang):
    sentence, evidence = POSITIVE[sign][lang]
    found = flags(checker, f"{ORDINARY[lang]} {sentence}")
    assert sign in found, found
    assert found[sign] and found[sign] in sentence  # the evidence quotes the ad
    if evidence:
        assert found[sign] == evidence


@pytest.mark.parametrize("sign", sorted(NEGATIVE))
@pytest.mark.parametrize("lang", ["km", "en", "zh"])
def test_a_near_miss_is_not_a_sign(checker, sign, lang):
    assert sign not in flags(checker, f"{ORDINARY[lang]} {NEGATIVE[sign][lang]}")


@pytest.mark.parametrize("lang, pay, ok_pay", [
    ("en", "Salary $2,000 per month.", "Salary $300 per month."),
    ("km", "ប្រាក់ខែ ១៥០០ ដុល្លារ។", "ប្រាក់ខែ ៣០០ ដុល្លារ។"),
    ("zh", "月薪一万五。", "月薪2000元。"),
    ("en", "Pay $80 per day.", "Pay $12 per day."),
])
def test_pay_far_above_normal(checker, lang, pay, ok_pay):
    assert "high_pay" in flags(checker, f"{ORDINARY[lang]} {pay}")
    assert "high_pay" not in flags(checker, f"{ORDINARY[lang]} {ok_pay}")


def test_high_pay_for_skilled_work_is_normal(checker):
    ad = (f"{ORDINARY['en']} Senior accountant, bachelor degree and 5 years of experience. "
          "Salary $1,500 per month.")
    assert "high_pay" not in flags(checker, ad)


@pytest.mark.parametrize("contact", [
    "Contact Telegram @hr_goldjob only.", "ទាក់ទង Telegram @hr_goldjob", "联系飞机 @hr_goldjob",
])
def test_a_chat_handle_with_no_phone_or_address(checker, contact):
    ad = f"Hiring typists, salary $300. {contact}"
    found = flags(checker, ad)
    assert "chat_only_contact" in found and "no_company" in found
    assert "chat_only_contact" not in flags(checker, f"{ORDINARY['en']} Telegram @hr_goldjob")


def test_an_ad_with_nothing_to_check_the_employer_by(checker):
    assert "no_company" in flags(checker, "Big company needs staff, good salary, message me.")
    for lang in ("km", "en", "zh"):
        assert "no_company" not in flags(checker, ORDINARY[lang])


def test_the_verdict_adds_the_weights_from_content(checker):
    weights = checker.rules.weights
    one = f"{ORDINARY['en']} No experience needed."
    assert checker.check(one).verdict == "caution"
    assert checker.check(one).score == weights["no_experience"]
    scam = ("Work in Myawaddy, salary $2,000, no experience needed, free flight. "
            "Telegram @hr_goldjob")
    check = checker.check(scam)
    assert check.score >= checker.rules.high_risk and check.verdict == "high_risk"


def test_a_chinese_ad_is_read_whatever_the_checkers_language(checker):
    ad = "高薪诚聘客服，月薪一万五，包机票，包吃住，无需经验，工作地点西港，联系飞机 @kefu_888"
    check = checker.check(ad)
    assert check.lang == "zh" and check.verdict == "high_risk"
    assert {"high_pay", "free_travel", "no_experience", "hotspot", "chat_only_contact"} <= {
        f.id for f in check.flags}


def test_what_counts_as_an_ad_without_a_command():
    ad = ("Hiring customer service staff in Sihanoukville, salary $1,500 per month, "
          "free flight and visa, no experience needed. Telegram @hr_goldjob")
    assert looks_like_ad(ad)
    assert not looks_like_ad("someone offered me a job in sihanoukville, is it real?")
    assert not looks_like_ad("my sister went to work in thailand and now she does not answer "
                             "her phone, what should we do, we are very worried about her")
    assert looks_like_ad("招聘客服，月薪一万五，包吃住，工作轻松，联系飞机", forwarded=True)


def test_check_ad_prints_json_for_one_ad():
    ad = "高薪诚聘客服，月薪一万五，包机票，无需经验，工作地点妙瓦底，联系飞机 @kefu_888"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "check-ad"], input=ad, text=True,
                          capture_output=True, timeout=120, check=True)
    result = json.loads(done.stdout)
    assert result["lang"] == "zh" and result["verdict"] == "high_risk"
    assert {"id": "hotspot", "evidence": "妙瓦底"} in result["flags"]


def test_check_ad_batch_adds_verdict_and_flags_to_each_row(tmp_path):
    source, target = tmp_path / "ads.csv", tmp_path / "checked.csv"
    source.write_text('id,text\n1,"Work in Myawaddy, salary $2,000, no experience, free flight. '
                      'Telegram @hr_x"\n2,"' + ORDINARY["en"] + '"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "check-ad", "--csv", str(source),
                           "--out", str(target)], text=True, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import csv

    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(r["id"], r["verdict"]) for r in rows] == [("1", "high_risk"), ("2", "no_flags")]
    assert {"id": "hotspot", "evidence": "Myawaddy"} in json.loads(rows[0]["flags"])
    assert "2 ads checked" in done.stderr
