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
        "en": ("Earn money per click from your phone.", None),
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
        "km": ("ធ្វើការនៅមៀវ៉ាឌី។", "មៀវ៉ាឌី"),
        "zh": ("工作地点：妙瓦底。", "妙瓦底"),
    },
    "border_town": {
        "en": ("Work location: Poipet.", "Poipet"),
        "km": ("ធ្វើការនៅប៉ោយប៉ែត។", "ប៉ោយប៉ែត"),
        "zh": ("工作地点：波贝。", "波贝"),
    },
    "border_crossing": {
        "en": ("Our driver will pick you up at the border.", None),
        "km": ("មានគេមកទទួលនៅព្រំដែន។", None),
        "zh": ("到了边境有人接你。", None),
    },
    "no_passport": {
        "en": ("Job in Thailand, no passport needed.", None),
        "km": ("ការងារនៅថៃ មិនចាំបាច់មានលិខិតឆ្លងដែន។", None),
        "zh": ("泰国工作，不用护照。", None),
    },
    "closed_compound": {
        "en": ("Closed management: staff cannot leave the compound.", None),
        "km": ("កម្មករមិនអាចចេញក្រៅបានទេ។", None),
        "zh": ("园区实行封闭式管理。", None),
    },
    "fees_or_debt": {
        "en": ("A security deposit of $200 is paid before you start.", None),
        "km": ("ត្រូវបង់ប្រាក់កក់ ២០០ ដុល្លារ។", None),
        "zh": ("入职需交押金2000元。", "押金"),
    },
    "bonus_lure": {
        "en": ("Sign-up bonus, and a reward for every friend you bring.", None),
        "km": ("ណែនាំមិត្តភក្តិមកធ្វើការ ទទួលបានប្រាក់រង្វាន់។", None),
        "zh": ("新人红包，推荐朋友有奖励。", None),
    },
    "scam_work": {
        "en": ("Position: chat agent for an online platform.", None),
        "km": ("ការងារឆាតជាមួយភ្ញៀវបរទេស។", None),
        "zh": ("招聘菠菜推广专员。", "菠菜"),
    },
    "secrecy": {
        "en": ("Don't tell your family until you arrive.", None),
        "km": ("កុំទាន់ប្រាប់ឪពុកម្ដាយ ចាំទៅដល់សិន។", None),
        "zh": ("先别告诉家里人，到了再说。", None),
    },
    "tourist_visa": {
        "en": ("Go on a tourist visa first, the work visa comes later.", None),
        "km": ("ទៅតាមវីសាទេសចរណ៍សិន ដល់ហើយចាំធ្វើប័ណ្ណការងារ។", None),
        "zh": ("先用旅游签过去，到了再办工作签。", None),
    },
    "crypto_pay": {
        "en": ("Salary paid in USDT.", None),
        "km": ("បើកប្រាក់ខែជា USDT។", None),
        "zh": ("工资U结。", None),
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
    # Preah Sihanouk Boulevard in Phnom Penh is not the province (content review R4).
    "border_town": {"en": "Our office is near the Royal Palace.", "km": "ការិយាល័យនៅមហាវិថីព្រះសីហនុ។",
                    "zh": "地址：金边西哈努克大道120号。"},
    "border_crossing": {"en": "Truck driver for cross-border deliveries, licence required.",
                        "km": "អ្នកបើកឡានដឹកទំនិញទៅខេត្ត។", "zh": "司机负责跨境物流运输，持证上岗。"},
    # A job at home needs only an ID card: no place abroad, no sign (R3).
    "no_passport": {"en": "No passport needed, bring your ID card.",
                    "km": "មិនចាំបាច់មានលិខិតឆ្លងដែន យកតែអត្តសញ្ញាណប័ណ្ណមក។", "zh": "无需护照，身份证即可。"},
    "closed_compound": {"en": "Staff are free to go out after work.", "km": "បុគ្គលិកអាចចេញក្រៅបានក្រោយម៉ោងធ្វើការ។",
                        "zh": "下班后可以自由外出。"},
    # A safe promise is not a sign (negation, R1).
    "fees_or_debt": {"en": "No deposit is required.", "km": "ក្រុមហ៊ុនមិនយកប្រាក់កក់ទេ។", "zh": "无需交押金。"},
    "bonus_lure": {"en": "Annual bonus after one year of work.", "km": "ប្រាក់រង្វាន់ប្រចាំឆ្នាំ។",
                   "zh": "年终奖金。"},
    "scam_work": {"en": "Customer service staff for our shop in Phnom Penh.",
                  "km": "បុគ្គលិកបម្រើអតិថិជននៅហាងយើង។", "zh": "门店客服，负责接待顾客。"},
    "secrecy": {"en": "Tell your family where you work and how to reach you.",
                "km": "សូមប្រាប់គ្រួសារថា បងធ្វើការនៅណា។", "zh": "请告诉家人你在哪里上班。"},
    "tourist_visa": {"en": "The work permit and visa are issued before departure.",
                     "km": "ប័ណ្ណការងារ និងវីសា ធ្វើរួចមុនចេញដំណើរ។", "zh": "出发前办好工作签证和工作证。"},
    "crypto_pay": {"en": "Salary paid by bank transfer (ABA).", "km": "បើកប្រាក់ខែតាម ABA។", "zh": "工资银行转账。"},
    "passport_kept": {"en": "You keep your passport at all times.", "km": "ក្រុមហ៊ុនមិនយកលិខិតឆ្លងដែនទុកទេ។",
                      "zh": "不扣护照，证件自己保管。"},
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
    assert {"high_pay", "free_travel", "no_experience", "border_town", "chat_only_contact"} <= {
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


@pytest.mark.parametrize("ad", [
    # The content review's honest ads (R1-R5): promises and Phnom Penh addresses are not signs.
    "金边某酒店招聘服务员，月薪400美元，包吃包住，不扣护照，证件自己保管，日结也可。"
    "地址：金边棉芷区271号。电话 012 000 345",
    "金边华信建材有限公司招聘普工，无需交押金，不收护照，不扣证件。电话 012 000 345",
    "ក្រុមហ៊ុនមិនយកលិខិតឆ្លងដែនទុកទេ កម្មករទុកលិខិតឆ្លងដែនដោយខ្លួនឯង។ ទូរស័ព្ទ ០១២ ០០០ ៣៤៥",
    "ABC Hotel Co., Ltd, Street 21. You keep your passport at all times. We never ask for a deposit. Call 012 000 345",
])
def test_a_safe_promise_is_not_a_warning_sign(checker, ad):
    assert checker.check(ad).verdict == "no_flags", flags(checker, ad)


@pytest.mark.parametrize("ad, signs", [
    # The content review's compound ads that were only "caution" (R6-R9).
    ("缅甸妙瓦底园区 高薪招聘 封闭式管理 安全有保障", {"hotspot", "closed_compound"}),
    ("签约一年，违约需赔偿5万，押金2000，可预支工资，机票落地报销", {"fees_or_debt", "free_travel"}),
    ("菠菜公司招聘推广，话务，引流，网投", {"scam_work"}),
    ("ការងារនៅថៃ ចាំមានគេមកទទួលនៅព្រំដែន មិនចាំបាច់លិខិតឆ្លងដែន", {"border_crossing", "no_passport"}),
    ("ការងារនៅឡាវ ប្រាក់ខែ 900 ដុល្លារ ឆាតជាមួយភ្ញៀវបរទេស បើកប្រាក់ខែជា USDT", {"hotspot", "crypto_pay"}),
    ("Good pay, we will pick you up at the border, contact telegram @jobs123", {"border_crossing"}),
])
def test_what_compound_ads_say_is_high_risk(checker, ad, signs):
    check = checker.check(ad)
    assert signs <= {f.id for f in check.flags} and check.verdict == "high_risk", check


def test_a_negation_in_another_clause_does_not_count(checker):
    assert "free_travel" in flags(checker, "不用担心，包机票。")
    assert "passport_kept" in flags(checker, "No problem. The company keeps your passport.")


@pytest.mark.parametrize("lang, pay", [
    ("en", "Income above ten thousand dollars a month."),
    ("zh", "月入过万。"),
    ("km", "ប្រាក់ខែ មួយពាន់ប្រាំរយដុល្លារ។"),
    ("en", "Pay $45 a day."),  # 45 × 26 working days is far above normal
])
def test_pay_in_words_or_by_the_day_is_read_as_a_month(checker, lang, pay):
    assert "high_pay" in flags(checker, f"{ORDINARY[lang]} {pay}")


@pytest.mark.parametrize("pay", ["Earn $0.5 per like.", "每单佣金5元。", "ប្រាក់ ២ ដុល្លារ ក្នុងមួយលីក។"])
def test_pay_per_task_is_a_sign_whatever_the_amount(checker, pay):
    found = flags(checker, f"{ORDINARY['en']} {pay}")
    assert "pay_per_task" in found and found["pay_per_task"] in pay


def test_honest_daily_pay_is_not_a_sign(checker):
    found = flags(checker, f"{ORDINARY['en']} Construction helpers, $12 per day, paid daily.")
    assert "high_pay" not in found and "pay_per_task" not in found


def test_a_place_in_places_yml_is_a_hotspot_for_the_checker_and_a_place_for_the_dialogue(checker):
    library = load_library(CONTENT_ROOT)
    assert library.place_in("I am in Myawaddy").country == "MM"
    assert library.place_in("ខ្ញុំនៅប៉ោយប៉ែត").country == "KH"
    assert flags(checker, f"{ORDINARY['en']} Work in Myawaddy.")["hotspot"] == "Myawaddy"
