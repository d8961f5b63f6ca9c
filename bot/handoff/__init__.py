"""Talk to a person: a conversation handed to a counsellor of the organisation that runs Prayat.

What a person writes during a case is copied (never forwarded, never stored) between their
private chat and one topic of the operator group, through the bot: the counsellor never learns
who the person is on Telegram, nor the person who the counsellor is. The dialogue (Rasa) never
sees those messages. `cases.py` keeps the metadata; `desk.py` is the Telegram side; this module
holds what the core needs: the settings, the opening hours, and the request and stop words.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot import PROJECT_ROOT
from bot.checkers.who import word_pattern

logger = logging.getLogger(__name__)

WORDS = PROJECT_ROOT / "nlu" / "requests" / "handoff.yml"
REQUEST = "/talk_to_person"  # the button, and what a request in words stands for
CONSENT = "/talk_to_person_yes"
MAX_REQUEST = 80  # a request in words is a short message; a longer one is a story
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OUTCOMES = ("referred", "advice", "safe", "no_reply", "not_trafficking", "other")
_SPAN = re.compile(r"^\s*(?:(\w{3})(?:\s*-\s*(\w{3}))?\s+)?(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Span:
    days: tuple[int, ...]  # 0 = Monday
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Hours:
    """When counsellors are there: "mon-fri 08:00-17:00, sat 08:00-12:00", or "24/7"."""

    spans: tuple[Span, ...]  # empty: always
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: str = "Asia/Phnom_Penh") -> Hours:
        tz = ZoneInfo(zone)
        if text.strip().lower() in ("24/7", "always"):
            return cls((), tz)
        spans = []
        for part in re.split(r"[,;]", text):
            match = _SPAN.match(part.lower())
            if not match or (match.group(1) and match.group(1) not in DAYS) or \
                    (match.group(2) and match.group(2) not in DAYS):
                raise ValueError(f"hours not understood: {part.strip()!r} "
                                 "(write them as 'mon-fri 08:00-17:00, sat 08:00-12:00' or '24/7')")
            first = DAYS.index(match.group(1)) if match.group(1) else 0
            last = DAYS.index(match.group(2)) if match.group(2) else (first if match.group(1) else 6)
            days = tuple(range(first, last + 1)) if first <= last else (*range(first, 7), *range(last + 1))
            spans.append(Span(days, dt.time(int(match.group(3)), int(match.group(4))),
                              dt.time(int(match.group(5)), int(match.group(6)))))
        return cls(tuple(spans), tz)

    def open_at(self, when: dt.datetime | None = None) -> bool:
        if not self.spans:
            return True
        local = (when or dt.datetime.now(dt.timezone.utc)).astimezone(self.zone)
        return any(local.weekday() in s.days and s.start <= local.time() < s.end for s in self.spans)

    def describe(self, labels: dict[str, str]) -> str:
        """In the reader's language, with its day names (labels day.mon ... day.sun)."""
        if not self.spans:
            return labels["handoff.always"]
        parts = []
        for span in self.spans:
            names = [labels[f"day.{DAYS[d]}"] for d in span.days]
            days = names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"
            parts.append(f"{days} {span.start:%H:%M}–{span.end:%H:%M}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Offer:
    """What the consent text says: from the settings, so it never promises what the deployment
    does not do."""

    organisation: str | None  # None: the label handoff.organisation, in the reader's language
    hours: Hours
    wait_minutes: int

    def values(self, labels: dict[str, str], when: dt.datetime | None = None) -> dict[str, str]:
        hours = self.hours.describe(labels)
        now = labels["handoff.on_duty"].format(wait_minutes=self.wait_minutes) \
            if self.hours.open_at(when) else labels["handoff.off_duty"].format(hours=hours)
        return {"organisation": self.organisation or labels["handoff.organisation"], "when": now,
                "hours": hours}


def _fold(text: str) -> str:
    return text.casefold().replace("’", "'")


@lru_cache(maxsize=2)
def _words(path: Path = WORDS) -> tuple[re.Pattern[str], frozenset[str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        logger.error("Hand-off words not read (%s): only the button and 'stop' work", error)
        data = {}
    ask = [word_pattern(_fold(str(w))) for ws in (data.get("ask") or {}).values() for w in ws or []]
    stop = {_bare(str(w)) for ws in (data.get("stop") or {}).values() for w in ws or []}
    return re.compile("|".join(ask) or r"(?!)"), frozenset(stop or {"stop"})


def _bare(text: str) -> str:
    """The message without punctuation, symbols, emoji or spacing, folded."""
    kept = "".join(ch for ch in _fold(text) if unicodedata.category(ch)[0] in "LMN" or ch == "/")
    return kept


def asks_for_person(text: str) -> bool:
    return len(text) <= MAX_REQUEST and bool(_words()[0].search(_fold(text)))


def is_stop(text: str) -> bool:
    """The whole message is a stop word ("stop", "STOP!", "ឈប់", "停止")."""
    return _bare(text) in {_bare(w) for w in _words()[1]}
