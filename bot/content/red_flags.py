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
CURRENCIES = {"USD", "KHR", "CNY", "THB"}
PAY_PERIODS = {"month", "day"}
# Signs the job-ad checker finds by itself rather than by words (bot/checkers/red_flags.py).
COMPUTED_FLAGS = {"high_pay", "chat_only_contact", "no_company"}


@dataclass(frozen=True)
class RedFlagRules:
    weights: dict[str, int]  # sign -> weight
    high_risk: int  # total weight from which an ad is high risk
    pay_above: dict[str, dict[str, float]]  # period -> currency -> amount


def load_red_flag_words(ctx: Loading, path: Path) -> dict[str, tuple[str, ...]]:
    data = ctx.read(path) or LineDict()
    words: dict[str, tuple[str, ...]] = {}
    for flag, phrases in data.items():
        line = data.line_of(flag)
        if flag in COMPUTED_FLAGS:
            ctx.problem(path, line, f"{flag!r} is found by the program, not by words")
        elif not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip()
                                                      for p in phrases or []):
            ctx.problem(path, line, f"{flag!r} must be a list of words or phrases")
        else:
            words[str(flag)] = tuple(p.strip() for p in phrases)
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
    for flag, entry in flags.items():
        weight = entry.get("weight") if isinstance(entry, dict) else None
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            ctx.problem(path, data.line_of("flags"), f"sign {flag!r} needs a `weight`, a whole "
                        "number, 1 or more")
            continue
        weights[str(flag)] = weight
    verdict = data.get("verdict")
    high_risk = verdict.get("high_risk") if isinstance(verdict, dict) else None
    if not isinstance(high_risk, int) or isinstance(high_risk, bool) or high_risk < 1:
        ctx.problem(path, data.line_of("verdict"), "`verdict.high_risk` must be a whole number")
    pay_above: dict[str, dict[str, float]] = {}
    pay = data.get("pay_above")
    if not isinstance(pay, dict) or set(pay) != PAY_PERIODS:
        ctx.problem(path, data.line_of("pay_above"), "`pay_above` needs `month` and `day`")
        pay = {}
    for period, amounts in pay.items():
        if not isinstance(amounts, dict) or set(amounts) != CURRENCIES or not all(
                isinstance(v, (int, float)) and v > 0 for v in amounts.values()):
            ctx.problem(path, data.line_of("pay_above"), f"`pay_above.{period}` needs an amount "
                        f"for each of {', '.join(sorted(CURRENCIES))}")
            continue
        pay_above[period] = {k: float(v) for k, v in amounts.items()}
    written = set().union(*ctx.seen_items.values()) if ctx.seen_items else set()
    missing = sorted(f"ad_check.flag.{f}" for f in weights if f"ad_check.flag.{f}" not in written)
    if missing:
        ctx.problem(path, 1, "each sign needs its explanation in content/<lang>/ad_check.yml: "
                    + ", ".join(missing))
    for lang, words in red_flag_words.items():
        for flag in sorted(set(words) - set(weights)):
            ctx.problem(ctx.root / lang / RED_FLAG_WORDS, 1, f"words for unknown sign "
                        f"{flag!r} (signs: {', '.join(sorted(weights))})")
    if len(weights) == len(flags) and isinstance(high_risk, int) and len(pay_above) == 2:
        return RedFlagRules(weights, high_risk, pay_above)
    return None
