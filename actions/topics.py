"""One action per thing Prayat can say. Each names the content item it shows."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.replies import ShowItem, content
from actions.screening import reset
from bot import AMOUNT_ENTITY, PROJECT_ROOT
from bot.checkers.amounts import Amount
from bot.checkers.red_flags import checker_for
from bot.checkers.screening import ANSWER_SLOTS
from bot.checkers.terms import term_asked
from bot.content import emergency_reply, for_place, render


class ActionWelcome(ShowItem):
    item = "welcome"

    def name(self) -> str:
        return "action_welcome"


def only_a_place(tracker: Tracker) -> str | None:
    """The place, when a short message names one and says little else ("Poipet", "人在曼谷",
    "knhom nov poipet"): most often the answer to "where are you?", so it gets that place's
    numbers rather than a greeting or "I did not understand"."""
    message = tracker.latest_message or {}
    places = [e.get("value") for e in message.get("entities") or [] if e.get("entity") == "place"]
    words = (message.get("text") or "").split()
    short = len(words) <= 4 and len(message.get("text") or "") <= 40
    return places[0] if places and short else None


WHERE_FILE = PROJECT_ROOT / "nlu" / "requests" / "where.yml"


@lru_cache(maxsize=2)
def _fillers(path: Path = WHERE_FILE) -> frozenset[str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return frozenset({""})
    return frozenset(_bare(str(w)) for words in data.values() for w in words or [])


def _bare(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum() or unicodedata.category(ch)[0] == "M")


def place_alone(tracker: Tracker) -> str | None:
    """The place, when the message says nothing but where the person is ("Poipet", "人在曼谷")."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    places = [e for e in message.get("entities") or [] if e.get("entity") == "place"]
    if not places:
        return None
    rest = text
    for e in sorted(places, key=lambda e: -e.get("start", 0)):
        rest = rest[:e.get("start", 0)] + " " + rest[e.get("end", 0):]
    return places[0].get("value") if _bare(rest) in _fillers() else None


class PlaceAlone(ShowItem):
    """A topic that hands a message that only names a place to that place's hotlines: the model
    may read "Poipet" as a question about jobs there."""

    @staticmethod
    def place(tracker: Tracker) -> str | None:
        return place_alone(tracker)

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        place = content().library.places.get(self.place(tracker) or "")
        if place is None:
            return super().choose(tracker, lang)
        return place.hotlines, [SlotSet("country", place.country)]

    def reply(self, tracker: Tracker, item: str, lang: str) -> dict[str, Any]:
        country = self.place(tracker)
        library = content().library
        if country and country in library.places and item == library.places[country].hotlines:
            return for_place(library, item, lang, country,
                             nationality=tracker.get_slot("nationality"))
        return super().reply(tracker, item, lang)


class PlaceAware(PlaceAlone):
    """For greetings and "not understood": any short message that names a place counts as the
    answer to "where are you?" ("hi, Poipet"), not only the place said alone."""

    @staticmethod
    def place(tracker: Tracker) -> str | None:
        return only_a_place(tracker)


class ActionGreet(PlaceAware):
    item = "welcome.greet"

    def name(self) -> str:
        return "action_greet"


class ActionMenu(ShowItem):
    item = "welcome.menu"

    def name(self) -> str:
        return "action_menu"


class ActionGoodbye(ShowItem):
    item = "welcome.goodbye"

    def name(self) -> str:
        return "action_goodbye"


class ActionThanks(ShowItem):
    item = "welcome.thanks"

    def name(self) -> str:
        return "action_thanks"


class ActionJobs(PlaceAlone):
    """The signs of a fake offer. When the person names pay far above normal ("they offer $1500
    a month"), the reply starts with their own words and why that pay is the usual bait."""

    item = "jobs"

    def name(self) -> str:
        return "action_jobs"

    def reply(self, tracker: Tracker, item: str, lang: str) -> dict[str, Any]:
        if item != self.item:  # a place named alone: its hotlines
            return super().reply(tracker, item, lang)
        library = content().library
        reply = render(library, item, lang)
        said = _high_pay_said(tracker, library)
        if said:
            note = library.items[lang]["ad_check.flag.high_pay"].text.strip()
            reply["text"] = f"💰 “{said}”: {note}\n\n{reply['text']}"
            reply["content"] = ["ad_check.flag.high_pay", *reply["content"]]
        return reply


def _high_pay_said(tracker: Tracker, library: Any) -> str | None:
    """The words of an amount in this message that is far above normal pay, if any."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    amounts = [
        Amount(e["value"]["value"], e["value"]["currency"], e["value"]["period"],
               text[e["start"]:e["end"]], e["start"], e["end"])
        for e in message.get("entities") or []
        if e.get("entity") == AMOUNT_ENTITY and isinstance(e.get("value"), dict)
    ]
    found = checker_for(library).high_pay(amounts)
    return " ".join(found.text.split())[:40] if found else None


class ActionMarriage(PlaceAlone):
    item = "marriage"

    def name(self) -> str:
        return "action_marriage"


class ActionSafeMigration(PlaceAlone):
    item = "safe_migration"

    def name(self) -> str:
        return "action_safe_migration"


class ActionHotlines(ShowItem):
    """The numbers for where the person is, if they said ("I am in Myawaddy") now or earlier in
    the conversation; otherwise the question "where are you now?" with a button per place."""

    item = "hotlines"

    def name(self) -> str:
        return "action_hotlines"

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        library = content().library
        # A place named in this message or earlier (the `place` entity fills the slot).
        place = library.places.get(tracker.get_slot("country") or "")
        if place is None:
            return self.item, []
        return place.hotlines, [SlotSet("country", place.country)]

    def reply(self, tracker: Tracker, item: str, lang: str) -> dict[str, Any]:
        return for_place(content().library, item, lang, tracker.get_slot("country"),
                         nationality=tracker.get_slot("nationality"))


class ActionEmergency(ShowItem):
    """Also ends a situation check it interrupts, and forgets that check's answers."""

    item = "emergency"

    def name(self) -> str:
        return "action_emergency"

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        # Typed words never reach the database (bot/dialogue/tracker_store.py), so there is only
        # something to clear when a check was under way.
        unfinished = any(tracker.get_slot(slot) is not None for slot in ANSWER_SLOTS)
        return self.item, reset() if unfinished else []

    def reply(self, tracker: Tracker, item: str, lang: str) -> dict[str, Any]:
        return emergency(tracker, lang)


class ActionSurvivors(PlaceAlone):
    """After getting out or coming home: help now (counselling, documents, reporting), for the
    place the person is in if known."""

    item = "survivors"

    def name(self) -> str:
        return "action_survivors"

    def reply(self, tracker: Tracker, item: str, lang: str) -> dict[str, Any]:
        return for_place(content().library, item, lang, tracker.get_slot("country"),
                         nationality=tracker.get_slot("nationality"))


class ActionDefinitions(PlaceAlone):
    """What a word means: the item for the term asked about (nlu/terms.yml), or the overview of
    all of them with a button for each."""

    item = "definitions"

    def name(self) -> str:
        return "action_definitions"

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        text = (tracker.latest_message or {}).get("text") or ""
        asked = term_asked(text)
        return (asked if asked in content().library.items[lang] else self.item), []


class ActionForeignWorkers(PlaceAlone):
    """For a foreign worker in Cambodia: their own country's line first when they said where they
    are from, then Cambodia's."""

    item = "foreign_workers"

    def name(self) -> str:
        return "action_foreign_workers"

    def reply(self, tracker: Tracker, item: str, lang: str) -> dict[str, Any]:
        return for_place(content().library, item, lang, tracker.get_slot("country") or "KH",
                         nationality=tracker.get_slot("nationality"))


class ActionChooseLanguage(ShowItem):
    item = "language.choose"

    def name(self) -> str:
        return "action_choose_language"


class ActionSetLanguage(ShowItem):
    """The bot has already stored the new language and sends it as metadata; this confirms it."""

    item = "language.changed"

    def name(self) -> str:
        return "action_set_language"


class ActionPrivacy(ShowItem):
    item = "privacy"

    def name(self) -> str:
        return "action_privacy"


class ActionConfirmDelete(ShowItem):
    """Only asks. The erasing is done by the bot itself when the person confirms, because the
    conversation it erases is this one (see bot/core/prayat.py)."""

    item = "privacy.confirm_delete"

    def name(self) -> str:
        return "action_confirm_delete"


# When the model hesitates and emergency is one of its two best guesses at least this sure, the
# person gets the emergency steps, not "I did not understand": a false alarm costs far less.
def emergency(tracker: Tracker, lang: str) -> dict[str, Any]:
    """The emergency answer for where the person said they are (now or earlier) and for who is
    writing (the person in danger, or a relative or friend)."""
    return emergency_reply(content().library, lang, tracker.get_slot("country"),
                           tracker.get_slot("about"), tracker.get_slot("nationality"))


# Below the fallback threshold in config.yml (0.2), so that it applies when the model is unsure.
EMERGENCY_DOUBT = 0.15


class ActionFallback(PlaceAware):
    """Not understood, or out of scope: what Prayat can do, with the menu. But a message the model
    half reads as an emergency ("I am in Poipet…" sits between "I am held in…" and "which number
    in…") gets the emergency steps, which carry the numbers too."""

    item = "fallback"

    def name(self) -> str:
        return "action_fallback"

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        ranking = [r for r in (tracker.latest_message or {}).get("intent_ranking") or []
                   if r.get("name") != "nlu_fallback"]
        if any(r.get("name") == "emergency" and (r.get("confidence") or 0) >= EMERGENCY_DOUBT
               for r in ranking[:2]):
            return "emergency", []
        return super().choose(tracker, lang)

    def reply(self, tracker: Tracker, item: str, lang: str) -> dict[str, Any]:
        return emergency(tracker, lang) if item == "emergency" else super().reply(tracker, item, lang)


class ActionUnsupportedMedia(ShowItem):
    item = "fallback.media"

    def name(self) -> str:
        return "action_unsupported_media"


class ActionShowItem(ShowItem):
    """A button that opens one content item, such as "what happens to people who go"."""

    def name(self) -> str:
        return "action_show_item"

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        wanted = tracker.get_slot("item")
        if wanted and content().library.item(wanted, lang):
            return wanted, []
        return "fallback.bad_button", []
