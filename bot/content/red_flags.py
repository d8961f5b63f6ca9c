"""The job-ad checker's rules: content/red_flags.yml (signs, weights, thresholds) and the words for
each sign in content/<lang>/red_flags.yml.

bot/checkers/red_flags.py applies them; they are content so that outreach staff can tune them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.loading import Loading
from bot.content.yamlfile import LineDict

RED_FLAG_WORDS = "red_flags.yml"  # in content/<lang>/
CURRENCIES = {"USD", "KHR", "CNY", "THB", "MYR", "PHP", "IDR", "INR", "TWD"}
# Signs the job-ad checker finds by itself rather than by words (bot/checkers/red_flags.py).
COMPUTED_FLAGS = {"high_pay", "chat_only_contact", "no_company"}
# Signs found by the place names in content/places.yml (`hotspots`, one list for the dialogue and
# the checker): a compound area abroad, and a Cambodian town where compounds hire beside honest
# employers. Words that are not place names ("near the border") may be added in content/<lang>/.
PLACE_FLAGS = {"hotspot": "abroad", "border_town": "KH"}
# In content/<lang>/red_flags.yml, beside the signs: the words that turn a phrase just after them
# into a safe promise ("不扣护照", "no deposit").
NEGATIONS = "negations"
# What `only_with` may name besides signs: the ad names a place outside Cambodia (places.yml).
ABROAD = "abroad"


@dataclass(frozen=True)
class RedFlagRules:
    weights: dict[str, int]  # sign -> weight
    high_risk: int  # total weight from which an ad is high risk
    pay_above: dict[str, float]  # currency -> pay per month
    days_per_month: float = 26  # to turn pay per day into pay per month
    hours_per_day: float = 8  # and pay per hour into pay per day
    negatable: frozenset[str] = frozenset()  # signs a negation word just before a phrase undoes
    only_with: dict[str, tuple[str, ...]] | None = None  # sign -> it counts only beside one of these
    skilled_factor: float = 2  # the pay threshold is this many times higher for skilled work
    narrow_age: tuple[int, int] = (19, 30)  # a range starting at most this low and ending by this
    negation_words: int = 2  # a negation this many words before a phrase undoes it


def load_red_flag_words(ctx: Loading, path: Path) -> dict[str, tuple[str, ...]]:
    data = ctx.read(path) or LineDict()
    words: dict[str, tuple[str, ...]] = {}
    from bot.checkers.patterns import PhraseError, compile_phrase

    for flag, phrases in data.items():
        line = data.line_of(flag)
        if flag in COMPUTED_FLAGS:
            ctx.problem(path, line, f"{flag!r} is found by the program, not by words")
        elif not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip()
                                                      for p in phrases or []):
            ctx.problem(path, line, f"{flag!r} must be a list of words or phrases")
        else:
            good = []
            for phrase in phrases:
                try:
                    if flag != NEGATIONS:
                        compile_phrase(phrase.strip())
                    good.append(phrase.strip())
                except PhraseError as error:
                    ctx.problem(path, line, f"{flag}: {error}")
            words[str(flag)] = tuple(good)
    return words


def load_red_flags(ctx: Loading, path: Path,
                   red_flag_words: dict[str, dict[str, tuple[str, ...]]]) -> RedFlagRules | None:
    if not path.exists():
        ctx.problem(path, 1, "missing: the job-ad checker's signs and thresholds")
        return None
    data = ctx.read(path)
    if data is None:
        return None
    weights: dict[str, int] = {}
    flags = data.get("flags")
    if not isinstance(flags, dict) or not flags:
        ctx.problem(path, data.line_of("flags"), "`flags` must list the signs with their weight")
        flags = {}
    negatable: set[str] = set()
    only_with: dict[str, tuple[str, ...]] = {}
    for flag, entry in flags.items():
        weight = entry.get("weight") if isinstance(entry, dict) else None
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            ctx.problem(path, data.line_of("flags"), f"sign {flag!r} needs a `weight`, a whole "
                        "number, 1 or more")
            continue
        weights[str(flag)] = weight
        if entry.get("negatable"):
            negatable.add(str(flag))
        if "only_with" in entry:
            others = entry["only_with"]
            if not isinstance(others, list) or not all(isinstance(o, str) and (o in flags or o == ABROAD)
                                                       for o in others) or flag in others:
                ctx.problem(path, data.line_of("flags"), f"sign {flag!r}: `only_with` lists other "
                            f"signs (or `{ABROAD}`: the ad names a place outside Cambodia)")
                continue
            only_with[str(flag)] = tuple(others)
    verdict = data.get("verdict")
    high_risk = verdict.get("high_risk") if isinstance(verdict, dict) else None
    if not isinstance(high_risk, int) or isinstance(high_risk, bool) or high_risk < 1:
        ctx.problem(path, data.line_of("verdict"), "`verdict.high_risk` must be a whole number")
    pay_above: dict[str, float] = {}
    pay = data.get("pay_above")
    if not isinstance(pay, dict) or set(pay) != CURRENCIES or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in pay.values()):
        ctx.problem(path, data.line_of("pay_above"), "`pay_above` needs the pay per month for each "
                    f"of {', '.join(sorted(CURRENCIES))}")
    else:
        pay_above = {k: float(v) for k, v in pay.items()}
    month = data.get("working_month")
    days = month.get("days") if isinstance(month, dict) else None
    hours = month.get("hours_per_day") if isinstance(month, dict) else None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 31
               for v in (days, hours)):
        ctx.problem(path, data.line_of("working_month"), "`working_month` needs `days` (per month) "
                    "and `hours_per_day`, to turn pay per day or hour into pay per month")
        days = hours = None
    written = set().union(*ctx.seen_items.values()) if ctx.seen_items else set()
    missing = sorted(f"ad_check.flag.{f}" for f in weights if f"ad_check.flag.{f}" not in written)
    if missing:
        ctx.problem(path, 1, "each sign needs its explanation in content/<lang>/ad_check.yml: "
                    + ", ".join(missing))
    for flag in PLACE_FLAGS:
        if flag not in weights:
            ctx.problem(path, data.line_of("flags"), f"sign {flag!r} is needed: the places in "
                        "content/places.yml with `hotspots` give it")
    for lang, words in red_flag_words.items():
        for flag in sorted(set(words) - set(weights) - {NEGATIONS}):
            ctx.problem(ctx.root / lang / RED_FLAG_WORDS, 1, f"words for unknown sign "
                        f"{flag!r} (signs: {', '.join(sorted(weights))})")
    tuning = {}
    for key, check, default in (("skilled_pay_factor", lambda v: isinstance(v, (int, float)) and v >= 1, 2),
                                ("negation_words", lambda v: isinstance(v, int) and 0 <= v <= 5, 2)):
        value = data.get(key, default)
        if isinstance(value, bool) or not check(value):
            ctx.problem(path, data.line_of(key), f"`{key}` has a value that cannot work: {value!r}")
            value = default
        tuning[key] = value
    age = data.get("narrow_age") or {}
    narrow = (age.get("starts_by", 19), age.get("ends_by", 30)) if isinstance(age, dict) else (None, None)
    if not all(isinstance(v, int) and not isinstance(v, bool) and 15 <= v <= 60 for v in narrow):
        ctx.problem(path, data.line_of("narrow_age"), "`narrow_age` needs `starts_by` and `ends_by`, ages")
        narrow = (19, 30)
    if (len(weights) == len(flags) and isinstance(high_risk, int) and pay_above and days
            and all(f in weights for f in PLACE_FLAGS)):
        return RedFlagRules(weights, high_risk, pay_above, float(days), float(hours),
                            frozenset(negatable), only_with, float(tuning["skilled_pay_factor"]),
                            (int(narrow[0]), int(narrow[1])), int(tuning["negation_words"]))
    return None
