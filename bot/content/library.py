"""The content library: every text, button and contact Prayat shows, loaded and checked.

Editors are not programmers, so loading never stops at the first mistake: it collects every
problem with the file and line it is on. A library with errors is never served; the running bot
keeps the last good one (see store.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bot import LANGUAGES
from bot.checkers.screening import ANSWERS, Screening, answer_payload, item_ids
from bot.checkers.screening import parse as parse_screening
from bot.content.yamlfile import LineDict, YamlError, load
from nlu.components.scripts import HAN, KHMER, LATIN, script_counts

# Files in content/<lang>/ that are catalogues rather than text items.
BUTTON_LABELS = "buttons.yml"
CONTACT_NAMES = "contacts.yml"
LABELS = "labels.yml"
RED_FLAG_WORDS = "red_flags.yml"
CARD_TEXTS = "cards.yml"
QUIZ = "quiz.yml"
CATALOGUES = {BUTTON_LABELS, CONTACT_NAMES, LABELS, RED_FLAG_WORDS, CARD_TEXTS, QUIZ}
ICONS = {"warning", "money", "briefcase", "no_experience", "plane", "map_pin", "passport", "chat",
         "clock", "building", "ring", "phone", "shield", "people"}
COLOURS = {"red", "blue", "green"}
# Telegram's limits for a quiz poll.
POLL_QUESTION, POLL_OPTION, POLL_EXPLANATION, POLL_OPTIONS = 300, 100, 200, (2, 10)
CURRENCIES = {"USD", "KHR", "CNY", "THB"}
PAY_PERIODS = {"month", "day"}
# Signs the job-ad checker finds by itself rather than by words (bot/checkers/red_flags.py).
COMPUTED_FLAGS = {"high_pay", "chat_only_contact", "no_company"}

ITEM_KEYS = {"text", "review", "reviewer", "reviewed_on", "buttons", "contacts", "sources",
             "image", "image_alt", "audio"}
REVIEW_VALID_FOR = dt.timedelta(days=365)  # a reviewed text is looked at again after a year
REVIEW_STATES = {"draft", "reviewed"}
ITEM_PLACEHOLDERS = {"retention_days"}  # filled in by render.py
COUNTRIES = {"KH", "CN", "TH", "MM", "LA", "VN", "MY", "OTHER"}
HOURS = {"24h", "office", "unknown"}
COSTS = {"free", "paid", "unknown"}
CONTACT_STATUS = {"confirmed", "unconfirmed"}
REQUIRED_LABELS = {
    "hours.24h", "hours.office", "hours.unknown", "cost.free", "cost.paid", "cost.unknown",
    "sms.yes", "sms.no", "sms.only", "no_credit", "checked", "unconfirmed", "unconfirmed.website",
    "not_checked", "languages",
    "lang.km", "lang.en", "lang.zh", "website",
    "summary.participants", "summary.questions", "summary.missed", "summary.missed_line",
    "summary.language", "listen",
}
LABEL_PLACEHOLDERS = {"checked": {"date"}, "languages": {"languages"}, "website": {"website"},
                      "summary.participants": {"count"}, "summary.questions": {"count"},
                      "summary.missed_line": {"question", "wrong", "answered"},
                      "summary.language": {"language"}}
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{1,18}[0-9]$")
MAX_TEXT = 3500  # Telegram allows 4,096 per message; contacts are appended below the text
MAX_MESSAGE = 4096
MAX_CALLBACK_BYTES = 64  # Telegram's limit for a button's callback data
STALE_AFTER = dt.timedelta(days=183)
NUMBER = re.compile(r"\d+(?:[,.]\d+)*")
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
SHOW_ITEM = re.compile(r'^/show\{"item":\s*"([^"]+)"\}$')
LISTEN = re.compile(r'^/listen\{"item":\s*"([^"]+)"\}$')


def listen_payload(item_id: str) -> str:
    """What the "listen" button of an item with a recording sends (answered by the bot itself)."""
    return f'/listen{{"item":"{item_id}"}}'


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        try:
            where = self.path.resolve().relative_to(Path.cwd())
        except ValueError:
            where = self.path
        return f"{where}:{self.line}: {prefix}{self.message}"


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    text: str
    review: str
    reviewer: str | None
    reviewed_on: dt.date | None
    buttons: tuple[str, ...]
    contacts: tuple[str, ...]
    sources: tuple[str, ...]
    image: str | None
    image_alt: str | None
    path: Path
    line: int
    audio: str | None = None  # a recording of the text, offered with a "listen" button

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Button:
    id: str
    payload: str
    title: str | None  # the same label in every language, e.g. a language's own name


@dataclass(frozen=True)
class Contact:
    id: str
    country: str
    numbers: tuple[str, ...]
    website: str | None
    sms: bool
    calls: bool
    hours: str
    cost: str
    no_credit_needed: bool
    languages: tuple[str, ...]
    source: str
    verified_on: dt.date | None
    status: str


@dataclass(frozen=True)
class Place:
    country: str
    hotlines: str  # the item with this place's numbers
    names: tuple[str, ...]  # lower-cased spellings, in any script


@dataclass(frozen=True)
class RedFlagRules:
    weights: dict[str, int]  # sign -> weight
    high_risk: int  # total weight from which an ad is high risk
    pay_above: dict[str, dict[str, float]]  # period -> currency -> amount


@dataclass(frozen=True)
class Outreach:
    cards: dict[str, tuple[str, str]]  # card id -> (icon, colour)
    hotline_cards: dict[str, str]  # place -> hotlines item
    quiz: dict[str, int]  # question id -> the right option (from 0)
    session: tuple[tuple[str, str], ...]  # ("card", id), ("quiz", id) or ("hotlines", "")


@dataclass
class Library:
    """One consistent version of all content. Treat it as read-only once loaded."""

    root: Path
    items: dict[str, dict[str, Item]] = field(default_factory=dict)  # lang -> id -> item
    buttons: dict[str, Button] = field(default_factory=dict)
    button_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> id -> label
    contacts: dict[str, Contact] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)  # country code -> place
    contact_names: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    screening: Screening | None = None  # the situation check's questions and rules
    red_flags: RedFlagRules | None = None  # the job-ad checker's signs, weights and thresholds
    red_flag_words: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # lang -> sign -> phrases
    outreach: Outreach | None = None  # cards, quiz and the group session's steps
    card_texts: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # lang -> card -> title/text
    quiz: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # lang -> question -> fields
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def item(self, item_id: str, lang: str) -> Item | None:
        return self.items.get(lang, {}).get(item_id)

    def button_title(self, button_id: str, lang: str) -> str:
        button = self.buttons[button_id]
        return button.title or self.button_labels[lang][button_id]

    @cached_property
    def payloads(self) -> frozenset[str]:
        """Every payload a current button can send (checked on each button press)."""
        listen = {listen_payload(item.id) for items in self.items.values() for item in
                  items.values() if item.audio}
        answers = {answer_payload(answer, question) for question in
                   (self.screening.questions if self.screening else ()) for answer in ANSWERS}
        return frozenset(b.payload for b in self.buttons.values()) | listen | answers

    @cached_property
    def _place_lookup(self) -> tuple[re.Pattern[str] | None, dict[str, Place]]:
        by_name = {name: place for place in self.places.values() for name in place.names}
        names = sorted(by_name, key=len, reverse=True)  # the longest name at a position wins
        pattern = re.compile("|".join(map(re.escape, names)), re.IGNORECASE) if names else None
        return pattern, by_name

    def places_in(self, text: str) -> list[tuple[int, int, Place]]:
        """Every place a message names, with where: (start, end, place). Names are matched
        anywhere, ignoring case; where two names overlap, the longer one ("ប្រទេសចិន" rather
        than a shorter name inside it)."""
        pattern, by_name = self._place_lookup
        if pattern is None:
            return []
        return [(m.start(), m.end(), by_name[m.group().casefold()])
                for m in pattern.finditer(text) if m.group().casefold() in by_name]

    def place_in(self, text: str) -> Place | None:
        """The place a message names, if any (the longest name when it names several)."""
        found = self.places_in(text)
        return max(found, key=lambda hit: hit[1] - hit[0])[2] if found else None


def load_library(root: Path, today: dt.date | None = None) -> Library:
    """Load and check everything under root (the content/ folder)."""
    lib = Library(root=root)
    today = today or dt.date.today()
    _Loader(lib, today).run()
    return lib


class _Loader:
    def __init__(self, lib: Library, today: dt.date) -> None:
        self.lib = lib
        self.today = today
        self.button_lines: dict[str, int] = {}
        # Ids seen even where their entry had errors, and files that did not parse: so that one
        # mistake is reported once, not again as "missing" or "unknown" everywhere else.
        self.seen_items: dict[str, set[str]] = {}
        self.seen_contacts: set[str] = set()
        self.broken_files: set[Path] = set()

    def problem(self, path: Path, line: int, message: str, severity: str = "error") -> None:
        self.lib.problems.append(Problem(path, line, message, severity))

    def read(self, path: Path) -> LineDict | None:
        try:
            data = load(path)
        except YamlError as error:
            self.problem(path, error.line, error.message)
            self.broken_files.add(path)
            return None
        if data is None:
            data = LineDict()
        if not isinstance(data, LineDict):
            self.problem(path, 1, "the file must be a list of `id: ...` entries")
            return None
        return data

    def run(self) -> None:
        root = self.lib.root
        if not root.is_dir():
            self.problem(root, 1, "content folder not found")
            return
        self.load_buttons(root / "buttons.yml")
        self.load_contacts(root / "contacts.yml")
        self.load_sources(root / "sources.yml")
        for lang in LANGUAGES:
            folder = root / lang
            if not folder.is_dir():
                self.problem(folder, 1, f"missing language folder for {lang}")
                continue
            self.lib.items[lang] = {}
            for path in sorted(folder.glob("*.yml")):
                if path.name == BUTTON_LABELS:
                    self.load_button_labels(path, lang)
                elif path.name == CONTACT_NAMES:
                    self.load_contact_names(path, lang)
                elif path.name == LABELS:
                    self.load_labels(path, lang)
                elif path.name == RED_FLAG_WORDS:
                    self.load_red_flag_words(path, lang)
                elif path.name == CARD_TEXTS:
                    self.lib.card_texts[lang] = self.load_entries(path, lang, ("title", "text"))
                elif path.name == QUIZ:
                    self.lib.quiz[lang] = self.load_entries(
                        path, lang, ("question", "options", "explanation", "text"))
                else:
                    self.load_items(path, lang)
        self.load_places(root / "places.yml")
        self.load_screening(root / "screening.yml")
        self.load_red_flags(root / "red_flags.yml")
        self.load_outreach(root / "outreach.yml")
        self.check_parity()
        self.check_catalogues()
        self.check_references()

    # -- shared files -----------------------------------------------------------------------

    def load_buttons(self, path: Path) -> None:
        data = self.read(path)
        if data is None:
            return
        for button_id, entry in data.items():
            line = data.line_of(button_id)
            if not isinstance(entry, dict) or not isinstance(entry.get("payload"), str):
                self.problem(path, line, f"button {button_id!r} needs a `payload`")
                continue
            payload = entry["payload"]
            if not payload.startswith("/"):
                self.problem(path, line, f"payload of {button_id!r} must start with '/'")
            if len(payload.encode("utf-8")) > MAX_CALLBACK_BYTES:
                self.problem(
                    path, line, f"payload of {button_id!r} is over Telegram's 64-byte limit"
                )
            if "{" in payload:
                try:
                    json.loads(payload[payload.index("{"):])
                except ValueError:
                    self.problem(path, line, f"payload of {button_id!r} has broken JSON")
            self.lib.buttons[button_id] = Button(button_id, payload, entry.get("title"))
            self.button_lines[button_id] = line

    def load_contacts(self, path: Path) -> None:
        data = self.read(path)
        if data is None:
            return
        for contact_id, entry in data.items():
            line = data.line_of(contact_id)
            self.seen_contacts.add(contact_id)
            if not isinstance(entry, LineDict):
                self.problem(path, line, f"contact {contact_id!r} must be a set of fields")
                continue
            contact = self.parse_contact(path, contact_id, entry, line)
            if contact:
                self.lib.contacts[contact_id] = contact

    def load_sources(self, path: Path) -> None:
        if not path.exists():
            return
        data = self.read(path)
        if data is None:
            return
        for source_id, entry in data.items():
            if not isinstance(entry, dict) or not entry.get("title"):
                self.problem(path, data.line_of(source_id), f"source {source_id!r} needs a `title`")
                continue
            url = entry.get("url")
            if url is not None and not str(url).startswith(("http://", "https://")):
                self.problem(path, data.line_of(source_id), f"source {source_id!r}: url must be a web "
                             "address or null")
            self.lib.sources[source_id] = dict(entry)

    def load_places(self, path: Path) -> None:
        if not path.exists():
            return
        data = self.read(path)
        if data is None:
            return
        for code, entry in data.items():
            line = data.line_of(code)
            if code not in COUNTRIES:
                self.problem(path, line, f"{code!r} is not a country code "
                             f"({', '.join(sorted(COUNTRIES))})")
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("names"), list):
                self.problem(path, line, f"{code}: needs `hotlines` and a list of `names`")
                continue
            hotlines = entry.get("hotlines")
            if not any(hotlines in items for items in self.lib.items.values()):
                self.problem(path, line, f"{code}: hotlines item {hotlines!r} does not exist")
                continue
            names = tuple(str(n).casefold() for n in entry["names"] if str(n).strip())
            self.lib.places[code] = Place(code, hotlines, names)

    def load_screening(self, path: Path) -> None:
        if not path.exists():
            self.problem(path, 1, "missing: the situation check's questions and rules")
            return
        data = self.read(path)
        if data is None:
            return
        screening, problems = parse_screening(data, data.line_of)
        for line, message in problems:
            self.problem(path, line, message)
        if screening is None:
            return
        for indicator, entry in data["indicators"].items():
            source = entry.get("source") if isinstance(entry, dict) else None
            if source not in self.lib.sources:
                self.problem(path, data.line_of("indicators"), f"indicator {indicator!r}: source "
                             f"{source!r} is not in sources.yml")
        # An item missing in some languages only is reported by the parity check.
        written = set().union(*self.seen_items.values()) if self.seen_items else set()
        missing = sorted(item_ids(screening) - written)
        if missing:
            self.problem(path, 1, "the situation check needs these items in content/<lang>/"
                         f"screening.yml: {', '.join(missing)}")
        self.lib.screening = screening

    def load_red_flags(self, path: Path) -> None:
        if not path.exists():
            self.problem(path, 1, "missing: the job-ad checker's signs and thresholds")
            return
        data = self.read(path)
        if data is None:
            return
        weights: dict[str, int] = {}
        flags = data.get("flags")
        if not isinstance(flags, dict) or not flags:
            self.problem(path, data.line_of("flags"), "`flags` must list the signs with their weight")
            flags = {}
        for flag, entry in flags.items():
            weight = entry.get("weight") if isinstance(entry, dict) else None
            if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
                self.problem(path, data.line_of("flags"), f"sign {flag!r} needs a `weight`, a whole "
                             "number, 1 or more")
                continue
            weights[str(flag)] = weight
        verdict = data.get("verdict")
        high_risk = verdict.get("high_risk") if isinstance(verdict, dict) else None
        if not isinstance(high_risk, int) or isinstance(high_risk, bool) or high_risk < 1:
            self.problem(path, data.line_of("verdict"), "`verdict.high_risk` must be a whole number")
        pay_above: dict[str, dict[str, float]] = {}
        pay = data.get("pay_above")
        if not isinstance(pay, dict) or set(pay) != PAY_PERIODS:
            self.problem(path, data.line_of("pay_above"), "`pay_above` needs `month` and `day`")
            pay = {}
        for period, amounts in pay.items():
            if not isinstance(amounts, dict) or set(amounts) != CURRENCIES or not all(
                    isinstance(v, (int, float)) and v > 0 for v in amounts.values()):
                self.problem(path, data.line_of("pay_above"), f"`pay_above.{period}` needs an amount "
                             f"for each of {', '.join(sorted(CURRENCIES))}")
                continue
            pay_above[period] = {k: float(v) for k, v in amounts.items()}
        written = set().union(*self.seen_items.values()) if self.seen_items else set()
        missing = sorted(f"ad_check.flag.{f}" for f in weights if f"ad_check.flag.{f}" not in written)
        if missing:
            self.problem(path, 1, "each sign needs its explanation in content/<lang>/ad_check.yml: "
                         + ", ".join(missing))
        for lang, words in self.lib.red_flag_words.items():
            for flag in sorted(set(words) - set(weights)):
                self.problem(self.lib.root / lang / RED_FLAG_WORDS, 1, f"words for unknown sign "
                             f"{flag!r} (signs: {', '.join(sorted(weights))})")
        if len(weights) == len(flags) and isinstance(high_risk, int) and len(pay_above) == 2:
            self.lib.red_flags = RedFlagRules(weights, high_risk, pay_above)

    def load_entries(self, path: Path, lang: str, keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        """A catalogue of small entries (card words, quiz questions): `id: {field: value}`."""
        data = self.read(path) or LineDict()
        entries: dict[str, dict[str, Any]] = {}
        for entry_id, entry in data.items():
            line = data.line_of(entry_id)
            if not isinstance(entry, dict) or not entry or set(entry) - set(keys):
                self.problem(path, line, f"{entry_id!r} must have only these fields: {', '.join(keys)}")
                continue
            words = " ".join(str(v) if not isinstance(v, list) else " ".join(map(str, v))
                             for v in entry.values())
            # The bot's name and {placeholders} are the same in every language.
            self.check_script(path, line, lang, re.sub(r"\{\w+\}|Prayat", "", words))
            entries[str(entry_id)] = {**entry, "_line": line}
        return entries

    def load_outreach(self, path: Path) -> None:
        if not path.exists():
            self.problem(path, 1, "missing: the outreach cards, quiz and session")
            return
        data = self.read(path)
        if data is None:
            return
        ok = True

        def bad(key: str, message: str) -> None:
            nonlocal ok
            ok = False
            self.problem(path, data.line_of(key), message)

        cards: dict[str, tuple[str, str]] = {}
        for card, style in (data.get("cards") or {}).items():
            if not isinstance(style, dict) or style.get("icon") not in ICONS or style.get(
                    "colour") not in COLOURS:
                bad("cards", f"card {card!r} needs an `icon` ({', '.join(sorted(ICONS))}) and a "
                    f"`colour` ({', '.join(sorted(COLOURS))})")
                continue
            cards[str(card)] = (style["icon"], style["colour"])
        hotline_cards = {}
        for place, item in (data.get("hotline_cards") or {}).items():
            if not any(item in items for items in self.lib.items.values()):
                bad("hotline_cards", f"hotline card {place!r}: item {item!r} does not exist")
                continue
            hotline_cards[str(place)] = item
        quiz = {}
        for question, entry in (data.get("quiz") or {}).items():
            correct = entry.get("correct") if isinstance(entry, dict) else None
            if not isinstance(correct, int) or isinstance(correct, bool) or correct < 0:
                bad("quiz", f"quiz question {question!r} needs `correct`, the right option from 0")
                continue
            quiz[str(question)] = correct
        session: list[tuple[str, str]] = []
        for step in data.get("session") or []:
            if step == "hotlines":
                session.append(("hotlines", ""))
            elif isinstance(step, dict) and step.get("card") in cards:
                session.append(("card", step["card"]))
            elif isinstance(step, dict) and step.get("quiz") in quiz:
                session.append(("quiz", step["quiz"]))
            else:
                bad("session", f"session step {step!r} is not a known card, quiz question or "
                    "`hotlines`")
        self.check_outreach_words(cards, hotline_cards, quiz)
        if ok:
            self.lib.outreach = Outreach(cards, hotline_cards, quiz, tuple(session))

    def check_outreach_words(self, cards: dict[str, tuple[str, str]], hotline_cards: dict[str, str],
                             quiz: dict[str, int]) -> None:
        """Every card and question has its words in every language, within Telegram's limits,
        with the same number of options and the same figures."""
        root = self.lib.root
        wanted_cards = {c: ("title", "text") for c in cards}
        wanted_cards |= {f"hotline.{p}": ("title",) for p in hotline_cards} | {"footer": ("text",)}
        for lang in LANGUAGES:
            path = root / lang / CARD_TEXTS
            texts = self.lib.card_texts.get(lang, {})
            for card, fields in wanted_cards.items():
                if path in self.broken_files:
                    break
                if card not in texts or any(not str(texts[card].get(f) or "").strip() for f in fields):
                    self.problem(path, texts.get(card, {}).get("_line", 1),
                                 f"card {card!r} needs {' and '.join(f'`{f}`' for f in fields)}")
            path = root / lang / QUIZ
            questions = self.lib.quiz.get(lang, {})
            if path in self.broken_files:
                continue
            for key, placeholders_wanted in (("intro", set()), ("score", {"right", "total"})):
                text = str(questions.get(key, {}).get("text") or "")
                if not text or placeholders(text) != placeholders_wanted:
                    self.problem(path, questions.get(key, {}).get("_line", 1), f"{key!r} needs a "
                                 f"`text` with {sorted(placeholders_wanted) or 'no placeholders'}")
            for question, correct in quiz.items():
                entry = questions.get(question)
                line = entry.get("_line", 1) if entry else 1
                options = entry.get("options") if entry else None
                if not entry or not isinstance(options, list) or not entry.get("question") or not \
                        entry.get("explanation"):
                    self.problem(path, line, f"quiz question {question!r} needs `question`, "
                                 "`options` (a list) and `explanation`")
                    continue
                if not POLL_OPTIONS[0] <= len(options) <= POLL_OPTIONS[1] or correct >= len(options):
                    self.problem(path, line, f"{question}: {len(options)} options, and option "
                                 f"{correct} is the right one (content/outreach.yml)")
                for name, value, limit in (("question", entry["question"], POLL_QUESTION),
                                           ("explanation", entry["explanation"], POLL_EXPLANATION),
                                           *(("option", o, POLL_OPTION) for o in options)):
                    if len(str(value)) > limit:
                        self.problem(path, line, f"{question}: {name} is over Telegram's "
                                     f"{limit} characters")
        for question in quiz:
            versions = {lang: self.lib.quiz.get(lang, {}).get(question) for lang in LANGUAGES}
            counts = {lang: len(v["options"]) for lang, v in versions.items()
                      if v and isinstance(v.get("options"), list)}
            if len(set(counts.values())) > 1:
                self.problem(root / "outreach.yml", 1, f"quiz question {question!r} has a "
                             f"different number of options per language: {counts}")
            figures = {lang: numbers_in(" ".join([str(v.get("question")), *map(str, v["options"]),
                                                  str(v.get("explanation"))]))
                       for lang, v in versions.items() if v and isinstance(v.get("options"), list)}
            if len({tuple(f) for f in figures.values()}) > 1:
                self.problem(root / "outreach.yml", 1, f"quiz question {question!r}: the numbers "
                             f"differ between languages: {figures}")

    def load_red_flag_words(self, path: Path, lang: str) -> None:
        data = self.read(path) or LineDict()
        words: dict[str, tuple[str, ...]] = {}
        for flag, phrases in data.items():
            line = data.line_of(flag)
            if flag in COMPUTED_FLAGS:
                self.problem(path, line, f"{flag!r} is found by the program, not by words")
            elif not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip()
                                                          for p in phrases or []):
                self.problem(path, line, f"{flag!r} must be a list of words or phrases")
            else:
                words[str(flag)] = tuple(p.strip() for p in phrases)
        self.lib.red_flag_words[lang] = words

    def parse_contact(self, path: Path, cid: str, entry: LineDict, line: int) -> Contact | None:
        ok = True

        def bad(key: str, message: str, severity: str = "error") -> None:
            nonlocal ok
            ok = ok and severity != "error"
            self.problem(path, entry.lines.get(key, line), f"contact {cid!r}: {message}", severity)

        country = entry.get("country")
        if country not in COUNTRIES:
            bad("country", f"country must be one of {', '.join(sorted(COUNTRIES))}")
        numbers = entry.get("numbers") or []
        website = entry.get("website")
        if website is not None and not str(website).startswith(("http://", "https://")):
            bad("website", "website must be a web address starting with https://")
        if not isinstance(numbers, list) or not (numbers or website):
            bad("numbers", "needs `numbers`, a list such as [\"117\"], or a `website`")
            numbers = []
        for number in numbers:
            if not isinstance(number, str) or not PHONE.match(number):
                bad("numbers", f"{number!r} is not a phone number (write it in quotes: \"117\")")
        source = entry.get("source")
        if not isinstance(source, str) or not source.startswith(("http://", "https://")):
            bad("source", "needs a `source`: the web address where the number is published")
        status = entry.get("status")
        if status not in CONTACT_STATUS:
            bad("status", "status must be `confirmed` or `unconfirmed`")
        verified = entry.get("verified_on")
        if verified is None:
            if status == "confirmed":
                bad("verified_on", "a confirmed contact needs `verified_on`, the date it was checked")
            else:
                bad("verified_on", "no `verified_on` date: it is shown as unconfirmed", "warning")
        elif not isinstance(verified, dt.date):
            bad("verified_on", "verified_on must be a date written as 2025-08-20")
            verified = None
        elif verified > self.today:
            bad("verified_on", "verified_on is in the future")
        elif self.today - verified > STALE_AFTER:
            bad("verified_on", f"last checked {verified}, over 6 months ago: check it again",
                "warning")
        hours = entry.get("hours", "unknown")
        if hours not in HOURS:
            bad("hours", f"hours must be one of {', '.join(sorted(HOURS))}")
        cost = entry.get("cost", "unknown")
        if cost not in COSTS:
            bad("cost", f"cost must be one of {', '.join(sorted(COSTS))}")
        languages = entry.get("languages") or []
        if not ok:
            return None
        return Contact(
            id=cid, country=country, numbers=tuple(numbers), website=website,
            sms=bool(entry.get("sms")),
            calls=bool(entry.get("calls", True)),
            hours=hours, cost=cost, no_credit_needed=bool(entry.get("no_credit_needed")),
            languages=tuple(languages), source=source, verified_on=verified, status=status,
        )

    # -- per-language files -------------------------------------------------------------------

    def load_button_labels(self, path: Path, lang: str) -> None:
        data = self.read(path) or LineDict()
        labels: dict[str, str] = {}
        for button_id, label in data.items():
            line = data.line_of(button_id)
            if button_id not in self.lib.buttons:
                self.problem(path, line, f"label for unknown button {button_id!r}")
            elif not isinstance(label, str) or not label.strip():
                self.problem(path, line, f"button {button_id!r} needs a label")
            else:
                labels[button_id] = label
                self.check_script(path, line, lang, label)
        self.lib.button_labels[lang] = labels

    def load_contact_names(self, path: Path, lang: str) -> None:
        data = self.read(path) or LineDict()
        names: dict[str, dict[str, str]] = {}
        for cid, entry in data.items():
            line = data.line_of(cid)
            if cid not in self.seen_contacts:
                self.problem(path, line, f"name for unknown contact {cid!r}")
                continue
            if not isinstance(entry, dict) or not entry.get("name"):
                self.problem(path, line, f"contact {cid!r} needs a `name`")
                continue
            names[cid] = {k: str(v) for k, v in entry.items()}
        self.lib.contact_names[lang] = names

    def load_labels(self, path: Path, lang: str) -> None:
        data = self.read(path) or LineDict()
        labels: dict[str, str] = {}
        for key, value in data.items():
            line = data.line_of(key)
            if not isinstance(value, str):
                self.problem(path, line, f"label {key!r} must be text")
                continue
            wanted = LABEL_PLACEHOLDERS.get(key, set())
            found = placeholders(value)
            if found != wanted:
                self.problem(path, line, f"label {key!r} must contain exactly "
                             f"{sorted('{' + w + '}' for w in wanted) or 'no placeholders'}")
                continue
            labels[key] = value
        for key in sorted(REQUIRED_LABELS - set(labels) - set(data)):
            self.problem(path, 1, f"missing label {key!r}")
        self.lib.labels[lang] = labels

    def load_items(self, path: Path, lang: str) -> None:
        data = self.read(path)
        if data is None:
            return
        for item_id, entry in data.items():
            line = data.line_of(item_id)
            self.seen_items.setdefault(lang, set()).add(str(item_id))
            item = self.parse_item(path, lang, str(item_id), line, entry)
            if item is None:
                continue
            if item_id in self.lib.items[lang]:
                self.problem(path, line, f"item {item_id!r} is defined twice")
            self.lib.items[lang][item.id] = item

    def parse_item(self, path: Path, lang: str, item_id: str, line: int, entry: Any) -> Item | None:
        if not isinstance(entry, LineDict):
            self.problem(path, line, f"item {item_id!r} must have fields (text, review, ...)")
            return None
        ok = True

        def bad(key: str, message: str) -> None:
            nonlocal ok
            ok = False
            # A missing field is reported on the item's own line.
            self.problem(path, entry.lines.get(key, line), f"{item_id}: {message}")

        if item_id.split(".", 1)[0] != path.stem:
            bad(item_id, f"ids in {path.name} must start with '{path.stem}' (or move the item)")
        for key in entry:
            if key not in ITEM_KEYS:
                bad(key, f"unknown field {key!r} (fields: {', '.join(sorted(ITEM_KEYS))})")
        text = entry.get("text")
        if not isinstance(text, str) or not text.strip():
            bad("text", "needs a `text`")
            text = ""
        review = entry.get("review")
        if review not in REVIEW_STATES:
            bad("review", "`review` must be `draft` or `reviewed`")
        if "reviewer" not in entry:
            bad("review", "needs `reviewer:` (the reviewer's role, or null while draft)")
        elif review == "reviewed" and not entry.get("reviewer"):
            bad("reviewer", "a reviewed item needs the reviewer's role")
        reviewed_on = entry.get("reviewed_on")
        if reviewed_on is not None and not isinstance(reviewed_on, dt.date):
            bad("reviewed_on", "reviewed_on must be a date written as 2026-01-31")
            reviewed_on = None
        if len(text) > MAX_TEXT:
            bad("text", f"text is {len(text)} characters; keep it under {MAX_TEXT}")
        unknown = placeholders(text) - ITEM_PLACEHOLDERS
        if unknown:
            bad("text", f"unknown placeholder(s) {sorted(unknown)}")
        if text:
            self.check_script(path, entry.line_of("text"), lang, text)
        buttons = self.id_list(path, entry, "buttons", self.lib.buttons, item_id)
        contacts = self.id_list(path, entry, "contacts", self.seen_contacts, item_id)
        sources = self.id_list(path, entry, "sources", self.lib.sources, item_id)
        if buttons is None or contacts is None or sources is None or not ok:
            return None
        image = entry.get("image")
        if image and not (self.lib.root / lang / image).is_file():
            self.problem(path, entry.line_of("image"), f"{item_id}: image {image!r} not found "
                         f"in content/{lang}/")
        if image and not entry.get("image_alt"):
            self.problem(path, entry.line_of("image"), f"{item_id}: an image needs `image_alt`, "
                         "a sentence saying what it shows")
        audio = entry.get("audio")
        if audio and len(listen_payload(item_id).encode("utf-8")) > MAX_CALLBACK_BYTES:
            self.problem(path, entry.line_of("audio"), f"{item_id}: the id is too long for a "
                         "listen button; use a shorter id")
        if audio and not (self.lib.root / lang / audio).is_file():
            self.problem(path, entry.line_of("audio"), f"{item_id}: audio {audio!r} not found "
                         f"in content/{lang}/")
        return Item(
            id=item_id, lang=lang, text=text.strip(), review=review, reviewer=entry.get("reviewer"),
            reviewed_on=reviewed_on,
            buttons=tuple(buttons), contacts=tuple(contacts), sources=tuple(sources), image=image,
            image_alt=entry.get("image_alt"), path=path, line=line, audio=audio or None,
        )

    def id_list(
        self, path: Path, entry: LineDict, key: str, known: Any, item_id: str
    ) -> list[str] | None:
        values = entry.get(key) or []
        if not isinstance(values, list):
            self.problem(path, entry.line_of(key), f"{item_id}: `{key}` must be a list")
            return None
        for value in values:
            if value not in known:
                self.problem(path, entry.line_of(key), f"{item_id}: unknown {key[:-1]} {value!r}")
                return None
        return values

    def check_script(self, path: Path, line: int, lang: str, text: str) -> None:
        counts = script_counts(text)
        khmer, han, latin = counts[KHMER], counts[HAN], counts[LATIN]
        if lang == "km" and khmer <= latin + han:
            self.problem(path, line, "Khmer text must be written mostly in Khmer script")
        elif lang == "zh" and han <= latin + khmer:
            self.problem(path, line, "Chinese text must be written mostly in Chinese characters")
        elif lang == "en" and khmer + han > latin:
            self.problem(path, line, "English text is written mostly in another script")

    # -- across files -------------------------------------------------------------------------

    def check_parity(self) -> None:
        lib = self.lib
        seen = self.seen_items
        all_ids = set().union(*seen.values()) if seen else set()
        for lang in lib.items:
            for item_id in sorted(all_ids - seen.get(lang, set())):
                path = lib.root / lang / f"{item_id.split('.', 1)[0]}.yml"
                if path in self.broken_files:
                    continue  # already reported: the file does not parse
                other = next(o for o in LANGUAGES if item_id in seen.get(o, set()))
                self.problem(path, 1, f"item {item_id!r} is missing in {lang} (it is in {other})")
        for item_id in sorted(all_ids):
            versions = [lib.items[lang][item_id] for lang in lib.items if item_id in lib.items[lang]]
            for name, value in (("buttons", lambda i: i.buttons), ("contacts", lambda i: i.contacts),
                                ("sources", lambda i: i.sources),
                                ("numbers", lambda i: numbers_in(i.text))):
                self.check_same(item_id, versions, name, value)

    def check_same(self, item_id: str, versions: list[Item], name: str, value: Any) -> None:
        """Report the languages whose value differs from what most languages have."""
        if len(versions) < 2:
            return
        values = [tuple(value(v)) for v in versions]
        usual, count = Counter(values).most_common(1)[0]
        if count == 1:
            usual = values[0]  # all differ: compare with the first language
        for version, found in zip(versions, values, strict=True):
            if found != usual:
                reference = next(v.lang for v, f in zip(versions, values, strict=True) if f == usual)
                if name == "numbers":
                    extra = sorted((Counter(found) - Counter(usual)).elements())
                    missing = sorted((Counter(usual) - Counter(found)).elements())
                    message = (f"{item_id}: the numbers in the text differ from {reference}: "
                               f"{', '.join(extra) or 'nothing'} here, {', '.join(missing) or 'nothing'}"
                               f" in {reference}")
                else:
                    message = f"{item_id}: {name} {list(found)} differ from {reference} {list(usual)}"
                self.problem(version.path, version.line, message)

    def check_catalogues(self) -> None:
        """Every button has a label and every contact a name, in every language."""
        lib = self.lib
        for lang in LANGUAGES:
            folder = lib.root / lang
            labels = lib.button_labels.get(lang, {})
            for button in lib.buttons.values():
                if button.title is None and button.id not in labels and (
                        folder / BUTTON_LABELS) not in self.broken_files:
                    self.problem(folder / BUTTON_LABELS, 1, f"no {lang} label for button "
                                 f"{button.id!r}")
            names = lib.contact_names.get(lang, {})
            for cid in lib.contacts:
                if cid not in names and (folder / CONTACT_NAMES) not in self.broken_files:
                    self.problem(folder / CONTACT_NAMES, 1, f"no {lang} name for contact {cid!r}")
            if lang not in lib.labels:
                self.problem(folder / LABELS, 1, "missing labels file")

    def check_references(self) -> None:
        lib = self.lib
        for button in lib.buttons.values():
            match = SHOW_ITEM.match(button.payload)
            if match and not any(match.group(1) in items for items in lib.items.values()):
                self.problem(lib.root / "buttons.yml", self.button_lines.get(button.id, 1),
                             f"button {button.id!r} shows item {match.group(1)!r}, which does "
                             "not exist")
        if lib.errors:
            return
        from bot.content.render import render  # rendering needs a library without errors

        for lang, items in lib.items.items():
            for item in items.values():
                size = len(render(lib, item.id, lang)["text"])
                if size > MAX_MESSAGE:
                    self.problem(item.path, item.line, f"{item.id}: with its contacts the message "
                                 f"is {size} characters, over Telegram's {MAX_MESSAGE}")


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders in a text."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def numbers_in(text: str) -> list[str]:
    """The numbers a text states, Khmer digits read as digits and "2,695" as 2695, so a fact
    translated with a wrong figure is caught."""
    found = NUMBER.findall(text.translate(_KHMER_DIGITS))
    return sorted(n.replace(",", "") for n in found)
