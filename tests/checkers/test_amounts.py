"""Money in job ads, however it is written, read as a number, a currency and a period."""

from __future__ import annotations

import pytest

from bot.checkers.amounts import find_amounts, han_number, number_value


@pytest.mark.parametrize("written, value", [
    ("1,500", 1500), ("1.500.000", 1_500_000), ("1.5k", 1500), ("2K", 2000), ("2万", 20_000),
    ("1.5万", 15_000), ("៤ លាន", 4_000_000), ("៣ ម៉ឺន", 30_000), ("១២០០", 1200),
    ("一万五", 15_000), ("两万", 20_000), ("三千五", 3500), ("十二", 12), ("一千二百", 1200),
    ("１５００", 1500),
    # number words, in three languages
    ("ten thousand", 10_000), ("two thousand five hundred", 2500), ("a thousand", 1000),
    ("fifteen hundred", 1500), ("Three Thousand", 3000), ("five hundred and fifty", 550),
    ("មួយពាន់ប្រាំរយ", 1500), ("ពីរម៉ឺន", 20_000), ("ប្រាំរយ", 500), ("បីលាន", 3_000_000),
    ("ប្រាំ រយ", 500), ("5 រយ", 500), ("过万", 10_000), ("上万", 10_000), ("过两万", 20_000),
])
def test_numbers_as_written(written, value):
    assert number_value(written) == value


def test_something_that_is_not_a_number():
    assert han_number("工资") is None


@pytest.mark.parametrize("ad, value, currency, period", [
    ("Salary $1,500/month", 1500, "USD", "month"),
    ("ប្រាក់ខែ ១២០០ ដុល្លារ", 1200, "USD", "month"),
    ("月薪8000-15000元", 15_000, "CNY", "month"),  # a range counts by its top
    ("$60/day, paid every week", 60, "USD", "day"),
    ("ប្រាក់ខែ ៤ លានរៀល", 4_000_000, "KHR", "month"),
    ("日薪 400 元", 400, "CNY", "day"),
    ("工资一万五，包吃住", 15_000, None, "month"),
    ("1500U 底薪", 1500, "USD", "month"),
    ("pay 1.5k a month", 1500, None, "month"),
    ("3万~5万泰铢", 50_000, "THB", "month"),
    ("salary: 250$", 250, "USD", "month"),
    ("USD 900 per month", 900, "USD", "month"),
    ("ប្រាក់ខែ $80 ក្នុងមួយថ្ងៃ", 80, "USD", "day"),
    ("Salary $300 with meals", 300, "USD", "month"),  # "w" of "with" is not 万
    ("$450 Khmer speaking", 450, "USD", "month"),  # nor the "K" of "Khmer" a thousand
    ("salary ten thousand dollars", 10_000, "USD", "month"),
    ("income above two thousand USD a month", 2000, "USD", "month"),
    ("ប្រាក់ខែ មួយពាន់ប្រាំរយដុល្លារ", 1500, "USD", "month"),
    ("月入过万", 10_000, None, "month"),
    ("日结300元", 300, "CNY", "day"),
    ("¥350 a day", 350, "CNY", "day"),
    ("$300 a week", 300, "USD", "week"),
    ("$0.5 per like", 0.5, "USD", "task"),
    ("每单佣金5元", 5, "CNY", "task"),
    ("3 dollars per order completed", 3, "USD", "task"),
    ("ប្រាក់ ២ ដុល្លារ ក្នុងមួយលីក", 2, "USD", "task"),
])
def test_amounts_in_ads(ad, value, currency, period):
    [amount] = find_amounts(ad)
    assert (amount.value, amount.currency, amount.period) == (value, currency, period)


def test_bare_numbers_that_are_not_pay_are_left_alone():
    assert find_amounts("Call 012 000 345, age 18-30, 2 positions, start 01/03") == []


def test_a_bare_number_after_a_pay_word_is_pay_in_the_likely_currency():
    [dollars] = find_amounts("ប្រាក់ខែ 1500")
    [riel] = find_amounts("salary 800000")
    assert (dollars.assumed_currency, riel.assumed_currency) == ("USD", "KHR")


def test_evidence_is_the_ads_own_words():
    ad = "ប្រាក់ខែ ១២០០ ដុល្លារ"
    [amount] = find_amounts(ad)
    assert ad[amount.start:amount.end].strip() == amount.text == "១២០០ ដុល្លារ"


@pytest.mark.parametrize("words", ["a day of work", "one of the best", "ten workers needed", "two shifts a day"])
def test_number_words_without_money_are_left_alone(words):
    assert find_amounts(words) == []


def test_a_chinese_number_without_a_currency_is_yuan():
    [amount] = find_amounts("月入过万")
    assert amount.assumed_currency == "CNY"


@pytest.mark.parametrize("ad, monthly", [
    ("$40/day", 40 * 26), ("$5 per hour", 5 * 8 * 26), ("$300 a week", 300 * 52 / 12),
    ("$1,200 a year", 100), ("salary $900", 900),
])
def test_pay_for_a_shorter_time_is_turned_into_a_month(ad, monthly):
    [amount] = find_amounts(ad)
    assert amount.monthly(days=26, hours_per_day=8) == pytest.approx(monthly)


def test_pay_per_task_has_no_monthly_figure():
    [amount] = find_amounts("$0.5 per like")
    assert amount.monthly() is None


def test_pay_per_delivery_is_neither_a_month_nor_a_task():
    [amount] = find_amounts("Earnings: $0.80 – $1.20 per order + fuel allowance")
    assert (amount.period, amount.monthly()) == ("order", None)
