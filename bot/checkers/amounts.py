"""Money in job ads, however it is written: "$1,500", "1.5k", "១២០០ ដុល្លារ", "8000-15000元",
"一万五", "月薪2万", "$60/day", "៤ លានរៀល".

Every amount becomes a number, a currency (USD, KHR, CNY, THB, or None when the ad does not say)
and a period (month, day or hour), so the job-ad checker can compare pay with what is normal.
A range counts by its top ("8000-15000元" is 15000): that is the number the ad wants you to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩０１２３４５６７８９", "01234567890123456789")
_HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
_HAN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "萬": 10_000}

# A number: "1,500", "1.500.000", "1.5", "15000", or Chinese numerals with a unit ("一万五").
_ARABIC = r"\d{1,3}(?:[,.]\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
_HAN = r"[零〇一二两兩三四五六七八九十百千万萬]+"
# "1.5k", "2w" (万), "3万": a Latin letter counts only when no other letter follows ("$300 with").
_UNIT = r"(?:[kKwW](?![A-Za-z])|千|万|萬|ម៉ឺន|ពាន់|លាន)"
_MULTIPLIER = rf"\s?{_UNIT}?"
_NUMBER = rf"(?:(?:{_ARABIC}){_MULTIPLIER}|{_HAN})"

# Currency words, before or after the number.
_CURRENCY = {
    "USD": r"US\$|USD|usd|\$|＄|dollars?|ដុល្លារ|美元|美金|刀|U(?:SDT)?(?![a-z])",
    "KHR": r"៛|KHR|riels?|រៀល",
    "CNY": r"RMB|rmb|CNY|元|块|塊|人民币|人民幣",
    "THB": r"THB|baht|บาท|បាត|泰铢|泰銖|฿",
}
_ANY_CURRENCY = "|".join(f"(?P<{code}>{pattern})" for code, pattern in _CURRENCY.items())
_PERIODS = {
    "day": r"/\s?(?:day|d|ថ្ងៃ|天|日)|per day|a day|daily|each day|ក្នុង\s?មួយ\s?ថ្ងៃ|មួយថ្ងៃ|ក្នុងមួយថ្ងៃ|"
           r"ប្រចាំថ្ងៃ|每天|一天|每日|日薪|日结|日結|天",
    "hour": r"/\s?(?:h|hr|hour|ម៉ោង|小时|小時)|per hour|an hour|hourly|ក្នុងមួយម៉ោង|每小时|每小時|时薪|時薪",
    "year": r"/\s?(?:year|yr|ឆ្នាំ|年)|per year|a year|yearly|annual|ក្នុងមួយឆ្នាំ|年薪",
    "month": r"/\s?(?:month|mo|m|ខែ|月)|per month|a month|monthly|ក្នុងមួយខែ|ប្រចាំខែ|每月|月薪|月入",
}
_AMOUNT = re.compile(
    rf"(?P<before>{_ANY_CURRENCY.replace('?P<', '?P<b_')})?\s?"
    rf"(?P<low>{_NUMBER})"
    rf"(?:\s?(?:{_ANY_CURRENCY.replace('?P<', '?P<m_')}))?"
    rf"(?:\s?(?:-|~|～|–|—|to|到|至|ដល់)\s?(?:{_ANY_CURRENCY.replace('?P<', '?P<c_')})?\s?(?P<high>{_NUMBER}))?"
    rf"\s?(?P<after>{_ANY_CURRENCY.replace('?P<', '?P<a_')})?",
)
_PERIOD_BEFORE = re.compile(rf"(?:{_PERIODS['day']})|(?:{_PERIODS['month']})|(?:{_PERIODS['year']})")
# Words that say a number without a currency is still pay ("ប្រាក់ខែ 1500", "月薪15000").
_PAY_WORDS = re.compile(r"salary|pay|wage|income|earn|ប្រាក់ខែ|ប្រាក់ឈ្នួល|ចំណូល|月薪|工资|工資|"
                        r"薪资|薪資|底薪|收入|待遇|日薪|月入", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str | None
    period: str  # month, day, hour or year
    text: str  # as the ad writes it
    start: int
    end: int

    @property
    def assumed_currency(self) -> str:
        """The currency, or for a bare number the likeliest one: riel for large amounts
        ("ប្រាក់ខែ 800000"), dollars otherwise (most Cambodian ads price work in dollars)."""
        if self.currency:
            return self.currency
        return "KHR" if self.value >= 100_000 else "USD"

    def monthly(self) -> float | None:
        """The amount per month, or None for hourly pay (hours are not stated)."""
        return {"month": self.value, "year": self.value / 12, "day": None,
                "hour": None}[self.period]


def normalise_digits(text: str) -> str:
    """Khmer and full-width digits as 0-9; the text keeps its length, so offsets still hold."""
    return text.translate(_DIGITS)


def han_number(text: str) -> float | None:
    """一万五 → 15000, 两万 → 20000, 三千五 → 3500, 十二 → 12; None if it is not a number."""
    total, section, digit, last_unit = 0, 0, None, None
    for ch in text:
        if ch in _HAN_DIGITS:
            digit = _HAN_DIGITS[ch]
        elif ch in _HAN_UNITS:
            unit = _HAN_UNITS[ch]
            if unit == 10_000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None and last_unit and last_unit >= 100 and not section % last_unit:
        digit *= last_unit // 10  # the spoken short form: 一万五 = 15000, 三千五 = 3500
    return float(total + section + (digit or 0))


def number_value(text: str) -> float | None:
    """One number as written: "1,500" → 1500, "1.500.000" → 1500000, "1.5k" → 1500,
    "2万" → 20000, "៤ លាន" → 4000000, "一万五" → 15000."""
    text = normalise_digits(text).strip()
    match = re.fullmatch(rf"({_ARABIC})\s?({_UNIT})?", text)
    if not match:
        return han_number(text)
    digits, multiplier = match.groups()
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", digits):
        value = float(re.sub(r"[,.]", "", digits))  # thousands separators, either kind
    else:
        value = float(digits.replace(",", ""))
    factor = {"k": 1e3, "K": 1e3, "千": 1e3, "ពាន់": 1e3, "万": 1e4, "萬": 1e4, "w": 1e4, "W": 1e4,
              "ម៉ឺន": 1e4, "លាន": 1e6}.get(multiplier or "", 1)
    return value * factor


def _currency(match: re.Match[str]) -> str | None:
    for prefix in ("b_", "m_", "c_", "a_"):
        for code in _CURRENCY:
            if match.group(prefix + code):
                return code
    return None


def _period(text: str, start: int, end: int) -> str:
    after = text[end:end + 14].lower()
    for period in ("day", "hour", "year", "month"):
        if re.match(rf"\s?(?:{_PERIODS[period]})", after):
            return period
    before = text[max(0, start - 8):start]
    found = list(_PERIOD_BEFORE.finditer(before))
    if found:
        word = found[-1].group()
        for period in ("day", "year", "month"):
            if re.fullmatch(_PERIODS[period], word):
                return period
    return "month"


def find_amounts(text: str) -> list[Amount]:
    """Every amount of money in the text. A bare number counts only when a pay word comes just
    before it ("salary 1500"), so phone numbers, ages and dates are left alone."""
    digits = normalise_digits(text)
    amounts = []
    for match in _AMOUNT.finditer(digits):
        top = match.group("high") or match.group("low")
        value = number_value(top)
        if value is None or value <= 0:
            continue
        currency = _currency(match)
        start, end = match.start(), match.end()
        if currency is None:
            if not _PAY_WORDS.search(digits[max(0, start - 12):start]):
                continue
            if re.fullmatch(_HAN, top) and not re.search("[千万萬]", top):
                continue  # "工资一万五" is pay; a bare "三" after a pay word is not
        amounts.append(Amount(value, currency, _period(digits, start, end),
                              text[start:end].strip(), start, end))
    return amounts
