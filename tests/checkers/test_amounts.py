"""Money in job ads, however it is written, read as a number, a currency and a period."""

from __future__ import annotations

import pytest

from bot.checkers.amounts import find_amounts, han_number, number_value


@pytest.mark.parametrize("written, value", [
    ("1,500", 1500), ("1.500.000", 1_500_000), ("1.5k", 1500), ("2K", 2000), ("2万", 20_000),
    ("1.5万", 15_000), ("៤ លាន", 4_000_000), ("៣ ម៉ឺន", 30_000), ("១២០០", 1200),
    ("一万五", 15_000), ("两万", 20_000), ("三千五", 3500), ("十二", 12), ("一千二百", 1200),
    ("１５００", 1500),
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
