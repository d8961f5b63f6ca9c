"""The Library: one consistent version of all content, as the loaders leave it.

It lives apart from library.py (which loads it) so that render.py and checks.py can use it without
importing the loaders, and the loaders can run the checks without an import cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.checkers.screening import ANSWERS, Screening, answer_payload
from bot.content.buttons import Button
from bot.content.contacts import Contact
from bot.content.items import SOURCE_LANGUAGE, Item, listen_payload, source_hash
from bot.content.loading import Problem
from bot.content.outreach import Outreach
from bot.content.places import Place
from bot.content.red_flags import RedFlagRules


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

    def review_state(self, item: Item) -> str:
        """"reviewed", "draft", or "outdated": a translation whose English text changed since it
        was made (it keeps serving, the last translation being better than none, but it is no
        longer reviewed), or one not yet linked to its English text."""
        english = self.items.get(SOURCE_LANGUAGE, {}).get(item.id)
        if item.lang != SOURCE_LANGUAGE and english is not None and \
                item.translates != source_hash(english.text):
            return "outdated"
        return item.review if item.review == "reviewed" else "draft"

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
        by_name = {name: place for place in self.places.values() for name in place.all_names}
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
