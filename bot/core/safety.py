"""The safety floor: emergency phrases are caught before the model, and help never depends on
the machine-learning parts being up."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from nlu.components.scripts import HAN, script_counts
from nlu.components.segment import simplified, traditional

logger = logging.getLogger(__name__)

PATTERNS_FILE = PROJECT_ROOT / "nlu" / "emergency" / "patterns.yml"

# Zero-width and directional marks: invisible, but they split words and so break patterns.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x202A, 0x202B, 0x202C, 0x202D,
     0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x00AD]
)


# "I" in Khmer chat is often written ញុំ or ញ៉ុំ for ខ្ញុំ; the patterns are written with ខ្ញុំ.
_KHMER_I = re.compile("(?<![\u17d2\u1781])\u1789\u17c9?\u17bb\u17c6")


def normalise(text: str) -> str:
    """NFC, no invisible characters, lower case, ខ្ញុំ however it is spelt: the form patterns
    are matched against."""
    clean = unicodedata.normalize("NFC", text).translate(_INVISIBLE).casefold()
    return _KHMER_I.sub("ខ្ញុំ", clean)


@lru_cache(maxsize=4)
def _compiled(path: Path) -> tuple[re.Pattern[str], ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    patterns = []
    for lang, entries in data.items():
        for entry in entries or []:
            try:
                patterns.append(re.compile(entry["pattern"], re.IGNORECASE))
            except (re.error, KeyError, TypeError) as error:
                logger.error("Skipping a broken %s emergency pattern %r: %s", lang, entry, error)
    return tuple(patterns)


def _forms(clean: str) -> set[str]:
    """The text as typed and, if it has Chinese characters, in simplified and in traditional
    characters: a pattern written in either script then matches both ("不许" and "不許")."""
    forms = {clean}
    if script_counts(clean)[HAN]:
        try:
            forms |= {simplified(clean), traditional(clean)}
        except Exception:  # noqa: BLE001 - the floor must answer even if conversion fails
            logger.exception("Chinese character conversion failed; matching the text as typed")
    return forms


CALM_FILE = PROJECT_ROOT / "nlu" / "emergency" / "calm.yml"


def _regex(source: str, where: str) -> re.Pattern[str] | None:
    try:
        return re.compile(source, re.IGNORECASE)
    except (re.error, TypeError) as error:
        logger.error("Skipping a broken calm frame in %s %r: %s", where, source, error)
        return None


@dataclass(frozen=True)
class Frames:
    """nlu/emergency/calm.yml, compiled: every language's patterns of each kind together."""

    everyday: tuple[re.Pattern[str], ...] = ()
    ended: tuple[re.Pattern[str], ...] = ()
    since: tuple[re.Pattern[str], ...] = ()
    about: tuple[re.Pattern[str], ...] = ()
    personal: tuple[re.Pattern[str], ...] = ()
    present: tuple[re.Pattern[str], ...] = ()
    not_ended: tuple[re.Pattern[str], ...] = ()
    things: tuple[re.Pattern[str], ...] = ()
    still_about: tuple[re.Pattern[str], ...] = ()
    safe: tuple[re.Pattern[str], ...] = ()
    not_ended_after: tuple[re.Pattern[str], ...] = ()


@lru_cache(maxsize=4)
def _frames(path: Path) -> Frames:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        # No frames: every danger word counts, as before they existed. Never fewer alarms by error.
        logger.error("Calm frames not read (%s): every emergency pattern counts", error)
        return Frames()

    def kind(section: object, where: str) -> tuple[re.Pattern[str], ...]:
        found = []
        for lang, entries in (section or {}).items() if isinstance(section, dict) else ():
            for source in [entries] if isinstance(entries, str) else entries or []:
                if (compiled := _regex(source, f"{where}.{lang}")) is not None:
                    found.append(compiled)
        return tuple(found)

    past = data.get("past") or {}
    return Frames(everyday=kind(data.get("everyday"), "everyday"),
                  ended=kind(past.get("ended"), "past.ended"),
                  since=kind(past.get("since"), "past.since"),
                  about=kind(data.get("about"), "about"), personal=kind(data.get("personal"), "personal"),
                  present=kind(data.get("present"), "present"),
                  not_ended=kind(data.get("not_ended"), "not_ended"),
                  things=kind(data.get("things"), "things"),
                  still_about=kind(data.get("still_about"), "still_about"),
                  safe=kind(data.get("safe"), "safe"),
                  not_ended_after=kind(data.get("not_ended_after"), "not_ended_after"))


@dataclass(frozen=True)
class Reading:
    """What the floor makes of a message: a danger now, and which frames set danger words aside."""

    emergency: bool
    calmed: frozenset[str] = frozenset()  # "everyday", "past", "about"

    @property
    def calm(self) -> bool:
        """Danger words were there, or the message is about the past or a word, and none is left:
        the model's "emergency" should not decide alone either."""
        return not self.emergency and bool(self.calmed)


def _any(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _ended(frames: Frames, text: str) -> bool:
    """"I escaped", "被救出来", "រួចខ្លួន": the danger ended, unless the words just before undo it
    ("never came back", "想回国", "ចង់ត្រឡប់មកវិញ")."""
    for pattern in frames.ended:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 24):match.start()]
            after = text[match.end():match.end() + 12]
            if not _any(frames.not_ended, before) and not _any(frames.not_ended_after, after):
                return True
    return False


def _goes_on(frames: Frames, text: str) -> bool:
    """"still", "还在", "នៅតែ" about a person ("my sister is still there"), not about a thing
    ("my passport is still with them")."""
    for pattern in frames.present:
        for match in pattern.finditer(text):
            if not _any(frames.things, text[max(0, match.start() - 24):match.start()]) and \
                    not _any(frames.still_about, text[match.end():match.end() + 40]):
                return True
    return False


_SPILL = 12  # characters
_NEXT = 3  # a danger word right after an everyday phrase belongs to it


def _read_forms(forms: list[str], danger: tuple[re.Pattern[str], ...], frames: Frames
                ) -> Reading:
    """One reading of the same text in several forms of the same length (as typed, simplified,
    traditional: OpenCC maps character to character): a frame found in any form counts for all,
    so a frame written in simplified characters also calms "我老婆逼我戒菸"."""
    everyday = [m.span() for form in forms for p in frames.everyday for m in p.finditer(form)]
    hits = {m.span() for form in forms for p in danger for m in p.finditer(form)}
    calmed = set()
    # A danger phrase that starts inside an everyday one and ends soon after it is part of it:
    # "ភ្លៀងខ្លាំងពេក ជាប់នៅផ្ទះ" (the rain ... stuck at home).
    # ("my free fire account is blocked, help").
    left = [h for h in hits
            if not any(s <= h[0] <= e + _NEXT and h[1] <= e + _SPILL for s, e in everyday)]
    if everyday:
        calmed.add("everyday")
    if not any(_goes_on(frames, form) for form in forms):
        if any(_ended(frames, form) for form in forms) and \
                any(_any(frames.since, form) for form in forms):
            calmed.add("past")
            left = []
        if any(_any(frames.safe, form) for form in forms):
            calmed.add("safe")
            left = []
    if any(_any(frames.about, form) for form in forms) and \
            not any(_any(frames.personal, form) for form in forms):
        calmed.add("about")
        left = []
    return Reading(bool(left), frozenset(calmed))


def read(text: str, path: Path = PATTERNS_FILE, calm: Path = CALM_FILE) -> Reading:
    """The emergency patterns, with the calm frames of nlu/emergency/calm.yml: a danger word in
    an everyday phrase ("my facebook is locked"), in a danger that is over ("I escaped six months
    ago") or in a question about a word ("what is debt bondage?") does not count, unless the
    message says the danger goes on ("still", "they are looking for me"). Any form of the text
    (as typed, simplified, traditional) with a danger left makes it an emergency. The message's
    language is not consulted on purpose: it may be misread, and a false alarm costs far less
    than a miss."""
    danger, frames = _compiled(path), _frames(calm)
    forms = sorted(_forms(normalise(text)))
    if len({len(form) for form in forms}) == 1:
        return _read_forms(forms, danger, frames)
    readings = [_read_forms([form], danger, frames) for form in forms]
    calmed = frozenset().union(*(r.calmed for r in readings))
    return Reading(any(r.emergency for r in readings), calmed)


def is_emergency(text: str, path: Path = PATTERNS_FILE) -> bool:
    """True when an emergency pattern matches and no calm frame explains it away (`read`)."""
    return read(text, path).emergency
