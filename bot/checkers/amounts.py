"""Money in job ads, however it is written: "$1,500", "1.5k", "១២០០ ដុល្លារ", "8000-15000元",
"一万五", "月薪2万", "月入过万", "$60/day", "៤ លានរៀល", "ten thousand dollars", "មួយពាន់ដុល្លារ",
"0.5$ per like".

Every amount becomes a number, a currency (USD, KHR, CNY, THB, or None when the ad does not say)
and a period (month, week, day, hour, year, or task: per like, per order), so the job-ad checker can
compare pay with what is normal.
A range counts by its top ("8000-15000元" is 15000): that is the number the ad wants you to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩０１２３４５６７８９", "01234567890123456789")
_HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9, "几": 1, "幾": 1}
_HAN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "萬": 10_000}
_EN_DIGITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
              "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
              "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
              "eighty": 80, "ninety": 90, "a": 1}
_EN_UNITS = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# Khmer number words: ones, tens, and the units រយ (100), ពាន់, ម៉ឺន (10 000), សែន (100 000), លាន.
_KM_DIGITS = {"មួយ": 1, "ពីរ": 2, "បី": 3, "បួន": 4, "ប្រាំ": 5, "ប្រាំមួយ": 6, "ប្រាំពីរ": 7,
              "ប្រាំបី": 8, "ប្រាំបួន": 9, "ដប់": 10, "ម្ភៃ": 20, "សាមសិប": 30, "សែសិប": 40,
              "ហាសិប": 50, "ហុកសិប": 60, "ចិតសិប": 70, "ប៉ែតសិប": 80, "កៅសិប": 90}
_KM_UNITS = {"រយ": 100, "ពាន់": 1000, "ម៉ឺន": 10_000, "សែន": 100_000, "លាន": 1_000_000}

# A number: "1,500", "1.500.000", "1.5", "15000", or Chinese numerals with a unit ("一万五").
_ARABIC = r"\d{1,3}(?:[,.]\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
# (Not the 一 of "一个月": "一万五一个月" is 15000 a month. 几/幾 "some" counts as one: "十几万" is
# over 110 000, "几万" over 10 000.)
_HAN = r"(?:[零〇一二两兩三四五六七八九十百千万萬几幾](?![个個][月人]))+"
# "过万", "上万", "破万": "over ten thousand", counted as ten thousand ("过两万": twenty thousand).
_HAN_OVER = r"[过過上破超][零〇一二两兩三四五六七八九十]?[万萬]"
_EN_WORD = "|".join(w for w in sorted([*_EN_DIGITS, *_EN_UNITS], key=len, reverse=True) if w != "a")
# "ten thousand", "two thousand five hundred", "a thousand" (but not the "a" of "a day").
_EN_NUMBER = (rf"(?i:(?<![A-Za-z])(?:a\s+(?=hundred|thousand|million))?(?:{_EN_WORD})"
              rf"(?:(?:\s+and\s+|[\s-]+)(?:{_EN_WORD}))*(?![A-Za-z]))")
_KM_WORD = "|".join(sorted([*_KM_DIGITS, *_KM_UNITS], key=len, reverse=True))
_KM_NUMBER = rf"(?:(?:{_KM_WORD})\s?)*(?:{'|'.join(sorted(_KM_UNITS, key=len, reverse=True))})"
# "1.5k", "2w" (万), "3万": a Latin letter counts only when no other letter follows ("$300 with").
_UNIT = r"(?:[kKwW](?![A-Za-z])|(?i:thousand|million|lakhs?|lacs?)(?![A-Za-z])|千|万|萬|រយ|ម៉ឺន|ពាន់|សែន|លាន)"
_MULTIPLIER = rf"\s?{_UNIT}?"
_NUMBER = rf"(?:(?:{_ARABIC}){_MULTIPLIER}|{_HAN_OVER}|{_HAN}|{_EN_NUMBER}|{_KM_NUMBER})"

# Currency words, before or after the number.
_CURRENCY = {
    "USD": r"US\$|USD|usd|\$|＄|dollars?|ដុល្លារ|美元|美金|刀|U(?:SDT)?(?![a-z])",
    "KHR": r"៛|KHR|riels?|រៀល",
    "CNY": r"RMB|rmb|CNY|元|块|塊|人民币|人民幣|¥|￥",
    "THB": r"THB|baht|บาท|បាត|泰铢|泰銖|฿",
    # Where foreign workers are recruited from, and Malaysia: ads for them price work at home.
    "MYR": r"RM(?![a-z])|MYR|ringgit|马币|馬幣|令吉|រីងហ្គីត",
    "PHP": r"PHP|Php|php|pesos?|₱|比索",
    "IDR": r"IDR|rupiah|Rp\.?(?![a-z])|印尼盾",
    "INR": r"INR|rupees?|Rs\.?(?![a-z])|₹|卢比|盧比",
    "TWD": r"台币|台幣|新台币|新台幣|NTD?\$|TWD",
}
_ANY_CURRENCY = "|".join(f"(?P<{code}>{pattern})" for code, pattern in _CURRENCY.items())
_PERIODS = {
    # Per like, per order, per task: pay_per_task, whatever the amount.
    # Not "per order": a delivery rider is honestly paid by the order.
    "task": r"/\s?(?:like|click|task|video|post|review)|per (?:like|click|task|video|post|"
            r"review|order completed|\w+ liked)|(?:a|each|for every) (?:like|click|task|video|post)|"
            r"ក្នុងមួយ(?:លីក|ការងារ|ការបញ្ជាទិញ|វីដេអូ)|(?:每|一)(?:单|單|个赞|個讚|个任务|個任務|条|條|个视频|個視頻)",
    # Per order or per trip, as a delivery rider is paid: not a month, and not a sign either.
    "order": r"/\s?(?:order|delivery|trip)|per (?:order|delivery|trip)|(?:a|each) (?:order|delivery|trip)",
    "week": r"/\s?(?:week|wk|សប្តាហ៍|周|週)|per week|a week|weekly|ក្នុងមួយសប្តាហ៍|每周|每週|周薪|週薪",
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
_PERIOD_BEFORE = re.compile("|".join(f"(?:{_PERIODS[p]})" for p in ("task", "week", "day", "month", "year")))
_PER_TIME = re.compile(r"\s?(?:a|per|/|each|every)\s?(?:month|week|day)\b|\s?一?个月|\s?一?個月|\s?每个?月|\s?每個?月|"
                       r"\s?(?:ក្នុង)?មួយខែ|\s?ក្នុងមួយថ្ងៃ", re.IGNORECASE)
# Words that say a number without a currency is still pay ("ប្រាក់ខែ 1500", "月薪15000").
_PAY_WORDS = re.compile(r"salary|pay|wage|income|earn|make|ប្រាក់ខែ|ប្រាក់ឈ្នួល|ចំណូល|រកបាន|月薪|工资|工資|"
                        r"薪资|薪資|底薪|收入|待遇|日薪|月入|拿了?|赚了?|賺了?|挣了?|掙了?", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str | None
    period: str  # month, week, day, hour, year, task (per like, per click) or order (per delivery)
    text: str  # as the ad writes it
    start: int
    end: int

    @property
    def assumed_currency(self) -> str:
        """The currency, or for a bare number the likeliest one: riel for large amounts
        ("ប្រាក់ខែ 800000"), dollars otherwise (most Cambodian ads price work in dollars)."""
        if self.currency:
            return self.currency
        if re.search("[千万萬零〇一二两兩三四五六七八九十百]", self.text):
            return "CNY"  # "月入过万", "工资一万五": a Chinese number is yuan
        return "KHR" if self.value >= 100_000 else "USD"

    def monthly(self, days: float = 26, hours_per_day: float = 8) -> float | None:
        """The amount per month, pay per day, hour or week turned into a month with the working
        month given; None for pay per task (how many tasks is never said)."""
        return {"month": self.value, "year": self.value / 12, "week": self.value * 52 / 12,
                "day": self.value * days, "hour": self.value * hours_per_day * days,
                "task": None, "order": None}[self.period]


def normalise_digits(text: str) -> str:
    """Khmer and full-width digits as 0-9; the text keeps its length, so offsets still hold."""
    return text.translate(_DIGITS)


def _word_number(words: list[str], digits: dict[str, int], units: dict[str, int]) -> float | None:
    """Number words in order ("two thousand five hundred", "ពីរ ពាន់ ប្រាំ រយ") as a value."""
    total, section = 0, 0
    for word in words:
        if word in digits:
            section += digits[word]
        elif word in units:
            unit = units[word]
            if unit >= 1000:
                total += (section or 1) * unit
                section = 0
            else:
                section = (section or 1) * unit
        else:
            return None
    return float(total + section)


def _khmer_words(text: str) -> list[str] | None:
    words, rest = [], text.replace(" ", "")
    vocabulary = sorted([*_KM_DIGITS, *_KM_UNITS], key=len, reverse=True)
    while rest:
        word = next((w for w in vocabulary if rest.startswith(w)), None)
        if word is None:
            return None
        words.append(word)
        rest = rest[len(word):]
    return words


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
    if re.fullmatch(_HAN_OVER, text):
        rest = text[1:]
        return han_number("一" + rest if rest[0] in "万萬" else rest)
    if re.fullmatch(_EN_NUMBER, text):
        words = [w for w in re.split(r"[\s-]+", text.lower()) if w and w != "and"]
        return _word_number(words, _EN_DIGITS, _EN_UNITS)
    if re.fullmatch(_KM_NUMBER, text):
        words = _khmer_words(text)
        return _word_number(words, _KM_DIGITS, _KM_UNITS) if words else None
    match = re.fullmatch(rf"({_ARABIC})\s?({_UNIT})?", text)
    if not match:
        return han_number(text)
    digits, multiplier = match.groups()
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", digits):
        value = float(re.sub(r"[,.]", "", digits))  # thousands separators, either kind
    else:
        value = float(digits.replace(",", ""))
    factor = {"k": 1e3, "K": 1e3, "thousand": 1e3, "million": 1e6, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5,
              "lacs": 1e5, "千": 1e3, "ពាន់": 1e3, "万": 1e4,
              "萬": 1e4, "w": 1e4, "W": 1e4, "រយ": 1e2, "ម៉ឺន": 1e4, "សែន": 1e5,
              "លាន": 1e6}.get((multiplier or "").lower() if multiplier and multiplier.isascii() else
                              multiplier or "", 1)
    return value * factor


def _currency(match: re.Match[str]) -> str | None:
    for prefix in ("b_", "m_", "c_", "a_"):
        for code in _CURRENCY:
            if match.group(prefix + code):
                return code
    return None


def _period(text: str, start: int, end: int) -> str:
    after = text[end:end + 24].lower()
    for period in ("task", "order", "week", "day", "hour", "year", "month"):
        if re.match(rf"\s?(?:{_PERIODS[period]})", after):
            return period
    before = text[max(0, start - 8):start]
    found = list(_PERIOD_BEFORE.finditer(before))
    if found:
        word = found[-1].group()
        for period in ("task", "week", "day", "year", "month"):
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
            # A bare number is pay after a pay word ("salary 1500"), or before a time ("8k a
            # month", "一万五一个月"); phone numbers, ages and dates have neither.
            if not _PAY_WORDS.search(digits[max(0, start - 12):start]) and \
                    not _PER_TIME.match(digits, end):
                continue
            if re.fullmatch(_HAN, top) and not re.search("[千万萬]", top):
                continue  # "工资一万五" is pay; a bare "三" after a pay word is not
        amounts.append(Amount(value, currency, _period(digits, start, end),
                              text[start:end].strip(), start, end))
    return amounts
