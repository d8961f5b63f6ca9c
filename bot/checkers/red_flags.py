"""The job-ad checker: which warning signs an ad carries, the words that show each, and a verdict.

The same checker serves the chat (actions/ad_check.py), `prayat check-ad` and the evaluation.
- Words: every language's phrases (content/<lang>/red_flags.yml) are looked for in every ad, with
  spaCy's PhraseMatcher over the project's own segmentation (nlu/components/segment.py), so a
  Chinese ad is read the same way whoever forwards it. Khmer and Chinese have no spaces, and the
  segmenters can cut a phrase differently inside a sentence than alone; a Khmer or Chinese
  phrase the matcher missed is still found as a plain substring.
- Computed signs: pay above the thresholds in content/red_flags.yml (bot/checkers/amounts.py reads the
  amounts), a narrow age range, a chat handle with no phone or email, no company or address.
- Verdict: the weights of the signs found add up; at `verdict.high_risk` or more the ad is high
  risk, below it any sign means caution, and no sign means "no warning signs found", never "safe".
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot.checkers.amounts import Amount, find_amounts, normalise_digits
from bot.content.library import Library, RedFlagRules
from bot.core.language import detect
from nlu.components.scripts import HAN, KHMER, script_counts
from nlu.components.segment import segment

VERDICTS = ("high_risk", "caution", "no_flags")
# The metadata key the bot sends a job ad under (the tracker store never writes it).
AD_METADATA = "ad"
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD])

_CHAT_HANDLE = re.compile(
    r"@[A-Za-z][A-Za-z0-9_]{3,}|t\.me/\w+|wa\.me/\d+|\btelegram\b|\bwhatsapp\b|\bwechat\b|\btg\b|"
    r"飞机号?|飛機號?|纸飞机|紙飛機|微信|តេឡេក្រាម|តេលេក្រាម|ថេលេក្រាម|វ៉ាត់សាប", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\d)(?:\+?855[\s.-]?|0)\d{2}[\s.-]?\d{3}[\s.-]?\d{3,4}(?!\d)|"
                    r"(?<!\d)\+?\d{2,3}[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[A-Za-z]{2,}")
_ADDRESS = re.compile(
    r"\b(?:street|st\.|road|rd\.|blvd|boulevard|sangkat|khan|village|building|floor|no\.\s?\d+)\b|"
    r"#\s?\d+|ផ្លូវលេខ|ផ្លូវ|ភូមិ|សង្កាត់|ខណ្ឌ|អគារ|ជាន់ទី|ផ្ទះលេខ|"
    r"路|街|号|號|大厦|大廈|楼|樓|市场旁|市場旁", re.IGNORECASE)
_COMPANY = re.compile(
    r"\bco\.?,?\s?ltd\b|\bplc\b|\bltd\b|\binc\b|\bllc\b|corporation|\bbank\b|\bhotel\b|\bresort\b|"
    r"\bfactory\b|\bschool\b|\brestaurant\b|\bclinic\b|\bngo\b|\bmicrofinance\b|"
    r"ក្រុមហ៊ុន\s?[A-Za-z0-9]|ខូអិលធីឌី|ភីអិលស៊ី|សណ្ឋាគារ|ធនាគារ|រោងចក្រ|សាលា|ភោជនីយដ្ឋាន|អង្គការ|"
    r"គ្រឹះស្ថានមីក្រូហិរញ្ញវត្ថុ|មន្ទីរពេទ្យ|有限公司|股份|酒店|银行|銀行|工厂|工廠|餐厅|餐廳|学校|學校|"
    r"医院|醫院|诊所|診所", re.IGNORECASE)
# Requirements of skilled work: pay that would be bait for a first job is normal for these.
_SKILLED = re.compile(
    r"\d\s?\+?\s?years?(?:'s)?\s(?:of\s)?(?:\w+\s)?experience|bachelor|degree|master'?s|diploma|"
    r"university|\bcpa\b|\bacca\b|ឆ្នាំ\s?ឡើង|បរិញ្ញាបត្រ|សញ្ញាបត្រ|សាកលវិទ្យាល័យ|"
    r"បទពិសោធន៍\s?(?:យ៉ាងតិច|ការងារ)?\s?\d|本科|大专|大專|学历|學歷|\d\s?年以上|\d\s?年(?:以上)?(?:相关)?(?:工作)?经验|"
    r"\d\s?年(?:以上)?(?:相關)?(?:工作)?經驗", re.IGNORECASE)
SKILLED_PAY_FACTOR = 2
_AGE_WORD = r"(?:age|aged|ages|years? old|yrs|អាយុ|年龄|年齡|岁|歲|周岁|週歲)"
_AGE_RANGE = r"(?P<low>\d{2})\s?(?:-|~|～|–|—|to|ដល់|至|到)\s?(?P<high>\d{2})"
_AGES = (re.compile(rf"{_AGE_WORD}[^\d\n]{{0,8}}{_AGE_RANGE}", re.IGNORECASE),
         re.compile(rf"{_AGE_RANGE}\s?{_AGE_WORD}", re.IGNORECASE))
_YOUNGEST_LIMIT, _NARROW_TOP = 19, 30  # "18-30": a range that starts in the teens and ends by 30


_JOB_WORDS = re.compile(
    r"salary|hiring|recruit|vacanc|\bjobs?\b|position|apply|wage|\bpay\b|per month|benefits?|"
    r"ប្រាក់ខែ|ជ្រើសរើស|ការងារ|បុគ្គលិក|ប្រាក់ឈ្នួល|ត្រូវការ|"
    r"招聘|工资|工資|月薪|薪资|薪資|诚聘|誠聘|急招|急聘|岗位|崗位|待遇|底薪|包吃|包住", re.IGNORECASE)
MIN_AD, MIN_FORWARDED_AD = 100, 20  # characters, a Chinese character counting as three


def looks_like_ad(text: str, forwarded: bool = False) -> bool:
    """Whether a message is a job ad to check even though nobody asked: a long message with the
    words of a job ad and pay or a contact, or a forwarded post about a job or pay."""
    if len(text) + 2 * script_counts(text)[HAN] < (MIN_FORWARDED_AD if forwarded else MIN_AD):
        return False
    words = len(_JOB_WORDS.findall(text))
    has_pay = bool(find_amounts(text))
    if forwarded:
        return words >= 1 or has_pay
    contact = bool(_CHAT_HANDLE.search(text) or _PHONE.search(normalise_digits(text)))
    return words >= 2 and (has_pay or contact)


@dataclass(frozen=True)
class Flag:
    id: str
    evidence: str  # the words of the ad that show the sign ("" for an absence, such as no_company)


@dataclass(frozen=True)
class Check:
    lang: str | None  # the ad's language: km, en, zh, other, or None if it cannot be told
    verdict: str
    flags: tuple[Flag, ...]
    score: int

    def as_json(self) -> str:
        return json.dumps({"lang": self.lang, "verdict": self.verdict,
                           "flags": [{"id": f.id, "evidence": f.evidence} for f in self.flags]},
                          ensure_ascii=False)


def clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE)


class RedFlagChecker:
    """Built once per content version; `check` is then cheap (about a millisecond per ad)."""

    def __init__(self, library: Library) -> None:
        if library.red_flags is None:
            raise ValueError("content has no job-ad checker rules (content/red_flags.yml)")
        self.rules: RedFlagRules = library.red_flags
        self.phrases: dict[str, set[str]] = {}
        for words in library.red_flag_words.values():
            for flag, phrases in words.items():
                self.phrases.setdefault(flag, set()).update(clean(p) for p in phrases)

    @cached_property
    def _matcher(self) -> tuple[Any, Any]:
        import spacy
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        nlp = spacy.blank("xx")
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for flag, phrases in sorted(self.phrases.items()):
            docs = [Doc(nlp.vocab, words=[p.text for p in segment(phrase)])
                    for phrase in sorted(phrases)]
            matcher.add(flag, [d for d in docs if len(d)])
        return nlp, matcher

    def check(self, text: str) -> Check:
        text = clean(text)
        found: dict[str, str] = {}
        for flag, evidence in self._words(text):
            found.setdefault(flag, evidence)
        skilled = bool(_SKILLED.search(normalise_digits(text)))
        pay = self.high_pay(find_amounts(text), SKILLED_PAY_FACTOR if skilled else 1)
        if pay:
            found.setdefault("high_pay", pay.text)
        age = self._narrow_age(text)
        if age:
            found.setdefault("age_or_language", age)
        digits = normalise_digits(text)
        reachable = _PHONE.search(digits) or _EMAIL.search(text)
        handle = _CHAT_HANDLE.search(text)
        if handle and not reachable:
            found.setdefault("chat_only_contact", handle.group())
        if not (_COMPANY.search(text) or _ADDRESS.search(text) or reachable):
            # Nothing to check the employer by: no name, no address, no phone, no email.
            found.setdefault("no_company", "")
        flags = tuple(Flag(f, found[f]) for f in self.rules.weights if f in found)
        score = sum(self.rules.weights[f.id] for f in flags)
        if score >= self.rules.high_risk:
            verdict = "high_risk"
        elif flags:
            verdict = "caution"
        else:
            verdict = "no_flags"
        return Check(detect(text), verdict, flags, score)

    def _words(self, text: str) -> list[tuple[str, str]]:
        """(sign, evidence) for every phrase found, in the order they appear in the ad."""
        from spacy.tokens import Doc

        nlp, matcher = self._matcher
        pieces = segment(text)
        if not pieces:
            return []
        ends = [p.start + len(p.text) for p in pieces]
        spaces = [ends[i] < pieces[i + 1].start for i in range(len(pieces) - 1)] + [False]
        doc = Doc(nlp.vocab, words=[p.text for p in pieces], spaces=spaces)
        hits = [(pieces[start].start, nlp.vocab.strings[match_id],
                 text[pieces[start].start:ends[end - 1]])
                for match_id, start, end in matcher(doc)]
        matched = {flag for _, flag, _ in hits}
        for flag, phrases in self.phrases.items():
            if flag in matched:
                continue
            for phrase in phrases:
                counts = script_counts(phrase)
                if counts[KHMER] + counts[HAN] and phrase in text:
                    hits.append((text.index(phrase), flag, phrase))
                    break
        # In the order they appear; of two phrases starting at the same word, the longer.
        hits.sort(key=lambda hit: (hit[0], -len(hit[2])))
        return [(flag, evidence) for _, flag, evidence in hits]

    def high_pay(self, amounts: list[Amount], factor: float = 1) -> Amount | None:
        """The first amount far above normal: at or over the content's threshold for its currency
        and period (doubled when the ad asks for a degree or years of experience)."""
        limits = self.rules.pay_above
        for amount in amounts:
            currency = amount.assumed_currency
            monthly = amount.monthly()
            if monthly is not None and monthly >= limits["month"][currency] * factor:
                return amount
            if amount.period == "day" and amount.value >= limits["day"][currency] * factor:
                return amount
        return None

    @staticmethod
    def _narrow_age(text: str) -> str | None:
        digits = normalise_digits(text)
        for pattern in _AGES:
            for match in pattern.finditer(digits):
                low, high = int(match.group("low")), int(match.group("high"))
                if 15 <= low <= _YOUNGEST_LIMIT and low < high <= _NARROW_TOP:
                    return text[match.start():match.end()]
        return None


_checkers: dict[int, RedFlagChecker] = {}


def checker_for(library: Library) -> RedFlagChecker:
    """The checker for this content version (rebuilt when an editor's change goes live)."""
    key = id(library)
    if key not in _checkers:
        _checkers.clear()
        _checkers[key] = RedFlagChecker(library)
    return _checkers[key]
