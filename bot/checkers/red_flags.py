"""The job-ad checker: which warning signs an ad carries, the words that show each, and a verdict.

The same checker serves the chat (actions/ad_check.py), `prayat check-ad` and the evaluation.
- Words: every language's phrases (content/<lang>/red_flags.yml) are looked for in every ad. A
  phrase is a pattern (bot/checkers/patterns.py: choices, optional words, gaps, English endings,
  traditional Chinese as simplified): Latin phrases run through spaCy's Matcher over the
  project's own segmentation (nlu/components/segment.py), Khmer and Chinese ones over the
  characters, so a segmentation slip costs nothing.
- Places: the `hotspots` of content/places.yml, the same list the dialogue knows places by: abroad
  a `hotspot`, in Cambodia a `border_town`.
- Negation: for a `negatable` sign, a negation word just before the phrase, in the same clause,
  turns it into a safe promise ("不扣护照", "no deposit"). `only_with`: a sign that counts only
  beside another ("no passport needed" only for a job abroad).
- Computed signs: pay above the thresholds in content/red_flags.yml (bot/checkers/amounts.py reads the
  amounts, in figures or in words, per day, hour or week turned into a month; pay per like or
  per task is a sign of its own), a narrow age range, a chat handle with no phone or email, no
  company or address.
- Verdict: the weights of the signs found add up; at `verdict.high_risk` or more the ad is high
  risk, below it any sign means caution, and no sign means "no warning signs found", never "safe".
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot.checkers.amounts import Amount, find_amounts, normalise_digits
from bot.checkers.patterns import compile_phrase, fold, stem
from bot.content.library import Library, RedFlagRules
from bot.content.red_flags import ABROAD, NEGATIONS
from bot.core.language import detect
from nlu.components.scripts import HAN, script_counts
from nlu.components.segment import segment

VERDICTS = ("high_risk", "caution", "no_flags")
# The metadata key the bot sends a job ad under (the tracker store never writes it).
AD_METADATA = "ad"
AD_SOURCE = "ad_source"  # "photo" when the ad was read from an image
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD])
_CLAUSE_END = re.compile(r"[.,;:!?。，、；：！？\n]")

_CHAT_HANDLE = re.compile(
    r"@[A-Za-z][A-Za-z0-9_]{3,}|t\.me/\w+|wa\.me/\d+|\btelegram\b|\bwhatsapp\b|\bwechat\b|\btg\b|"
    r"飞机号?|飛機號?|纸飞机|紙飛機|微信|តេឡេក្រាម|តេលេក្រាម|ថេលេក្រាម|វ៉ាត់សាប|"
    r"\bLINE\b(?=\s?(?:id|ID|私訊|私讯|聯繫|联系|:|：))|加\s?LINE|LINE\s?(?:私訊|私讯)", re.IGNORECASE)
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
    r"医院|醫院|诊所|診所|[\u4e00-\u9fff][厂廠]|工作室|\bstudio\b|ស្ទូឌីយោ", re.IGNORECASE)
# Requirements of skilled work: pay that would be bait for a first job is normal for these.
_SKILLED = re.compile(
    r"\d\s?\+?\s?years?(?:'s)?\s(?:of\s)?(?:\w+\s)?experience|bachelor|degree|master'?s|diploma|"
    r"university|\bcpa\b|\bacca\b|បទពិសោធ(?:ន៍)?[^\n\d]{0,12}\d\s?ឆ្នាំ|បរិញ្ញាបត្រ|សញ្ញាបត្រ|សាកលវិទ្យាល័យ|"
    r"បទពិសោធន៍\s?(?:យ៉ាងតិច|ការងារ)?\s?\d|本科|大专|大專|学历|學歷|\d\s?年以上|\d\s?年(?:以上)?(?:相关)?(?:工作)?经验|"
    r"\d\s?年(?:以上)?(?:相關)?(?:工作)?經驗|工程师|工程師|资格证|資格證|专业及|專業及|\bengineer|licen[cs]ed\s"
    r"(?:electrician|engineer|nurse|teacher)|វិស្វករ", re.IGNORECASE)
_AGE_WORD = r"(?:age|aged|ages|years? old|yrs|អាយុ|年龄|年齡|岁|歲|周岁|週歲)"
_AGE_RANGE = r"(?P<low>\d{2})\s?(?:-|~|～|–|—|to|ដល់|至|到)\s?(?P<high>\d{2})"
_AGES = (re.compile(rf"{_AGE_WORD}[^\d\n]{{0,8}}{_AGE_RANGE}", re.IGNORECASE),
         re.compile(rf"{_AGE_RANGE}\s?{_AGE_WORD}", re.IGNORECASE))


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
    """Built once per content version (a few seconds); `check` then takes about 7 ms per ad."""

    def __init__(self, library: Library) -> None:
        if library.red_flags is None:
            raise ValueError("content has no job-ad checker rules (content/red_flags.yml)")
        self.rules: RedFlagRules = library.red_flags
        self.phrases: dict[str, set[str]] = {}
        negations: set[str] = set()
        for words in library.red_flag_words.values():
            for flag, phrases in words.items():
                if flag == NEGATIONS:
                    negations.update(clean(p) for p in phrases)
                else:
                    self.phrases.setdefault(flag, set()).update(clean(p) for p in phrases)
        for place in library.places.values():
            flag = "border_town" if place.country == "KH" else "hotspot"
            self.phrases.setdefault(flag, set()).update(
                clean(h) for h in (place.all_names if place.country_is_hotspot else place.hotspots))
        self.abroad = sorted({clean(n) for place in library.places.values() if place.country != "KH"
                              for n in place.all_names})
        self.negations = {fold(n).lower() for n in negations}

    @cached_property
    def _matcher(self) -> tuple[Any, Any, dict[str, re.Pattern[str]]]:
        import spacy
        from spacy.matcher import Matcher

        nlp = spacy.blank("xx")
        matcher = Matcher(nlp.vocab)
        by_chars: dict[str, list[str]] = {}
        for flag, phrases in sorted(self.phrases.items()):
            patterns = []
            for phrase in sorted(phrases):
                tokens, chars = compile_phrase(phrase)
                if chars:
                    # Khmer or Chinese: the characters find it whatever the segmenter did, so the
                    # token patterns would only find it twice (and cost the matcher most of its time).
                    by_chars.setdefault(flag, []).append(chars)
                else:
                    patterns += tokens
            if patterns:
                matcher.add(flag, patterns)
        for name in self.abroad:
            tokens, chars = compile_phrase(name)
            if chars:
                by_chars.setdefault(ABROAD, []).append(chars)
            else:
                matcher.add(ABROAD, tokens)
        # The longer phrase first: at one place, "មៀវ៉ាឌី" rather than "មៀវ៉ា".
        compiled = {flag: re.compile("|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True)),
                                     re.IGNORECASE)
                    for flag, patterns in by_chars.items()}
        return nlp, matcher, compiled

    def check(self, text: str) -> Check:
        text = clean(text)
        found: dict[str, str] = {}
        for flag, evidence in self._words(text):
            found.setdefault(flag, evidence)
        abroad = bool(found.pop(ABROAD, None) is not None)
        skilled = bool(_SKILLED.search(normalise_digits(text)))
        amounts = find_amounts(text)
        pay = self.high_pay(amounts, self.rules.skilled_factor if skilled else 1)
        if pay:
            found.setdefault("high_pay", pay.text)
        per_task = next((a for a in amounts if a.period == "task"), None)
        if per_task:
            found.setdefault("pay_per_task", per_task.text)
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
        present = set(found) | ({ABROAD} if abroad else set())
        for flag, others in (self.rules.only_with or {}).items():
            if flag in found and not present & set(others):
                del found[flag]
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
        """(sign, evidence) for every phrase found and not undone by a negation just before it, in
        the order they appear in the ad; `abroad` for a place outside Cambodia."""
        from spacy.tokens import Doc

        nlp, matcher, by_chars = self._matcher
        pieces = segment(text)
        if not pieces:
            return []
        ends = [p.start + len(p.text) for p in pieces]
        spaces = [ends[i] < pieces[i + 1].start for i in range(len(pieces) - 1)] + [False]
        doc = Doc(nlp.vocab, words=[p.text for p in pieces], spaces=spaces,
                  lemmas=[stem(p.normal or p.text) for p in pieces])
        hits = [(pieces[start].start, ends[end - 1], nlp.vocab.strings[match_id])
                for match_id, start, end in matcher(doc)]
        folded = fold(text)
        for flag, pattern in by_chars.items():
            hits += [(m.start(), m.end(), flag) for m in pattern.finditer(folded) if m.end() > m.start()]
        kept = []
        for start, end, flag in hits:
            if flag in self.rules.negatable and self._negated(folded, pieces, start):
                continue
            kept.append((start, end, flag))
        # In the order they appear; of two phrases starting at the same place, the longer.
        kept.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
        return [(flag, text[start:end]) for start, end, flag in kept]

    def _negated(self, folded: str, pieces: list, start: int) -> bool:
        """Whether one of the `negation_words` words just before `start`, in the same clause, is a
        negation word: "不扣护照", "无需交押金", "we never ask for a deposit". A negation in the same
        word counts too (jieba may keep "不扣" whole before "护照"); "免费" is not "免"."""
        if not self.negations:
            return False
        words = []
        inside = bisect.bisect_right([p.start for p in pieces], start) - 1
        if inside >= 0 and pieces[inside].start < start < pieces[inside].start + len(pieces[inside].text):
            words.append(folded[pieces[inside].start:start])
        before = inside if words else inside + (0 if inside >= 0 and pieces[inside].start >= start else 1)
        edge = start
        for piece in reversed(pieces[:max(0, before)][-self.rules.negation_words:] if self.rules.negation_words
                              else []):
            end = piece.start + len(piece.text)
            if _CLAUSE_END.search(folded[end:edge]):
                break
            words.append(folded[piece.start:end])
            edge = piece.start
        return any(w.strip().lower() in self.negations for w in words)

    def high_pay(self, amounts: list[Amount], factor: float = 1) -> Amount | None:
        """The first amount far above normal: per month (pay per day or hour turned into a month)
        at or over the content's threshold for its currency, doubled when the ad asks for a degree
        or years of experience."""
        limits = self.rules.pay_above
        for amount in amounts:
            monthly = amount.monthly(self.rules.days_per_month, self.rules.hours_per_day)
            if monthly is not None and monthly >= limits[amount.assumed_currency] * factor:
                return amount
        return None

    def _narrow_age(self, text: str) -> str | None:
        digits = normalise_digits(text)
        for pattern in _AGES:
            for match in pattern.finditer(digits):
                low, high = int(match.group("low")), int(match.group("high"))
                if 15 <= low <= self.rules.narrow_age[0] and low < high <= self.rules.narrow_age[1]:
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
