"""The situation check: a Rasa form whose questions, order and result rules come from content.

The form asks, in turn: whose situation it is, what kind of situation, where the person is now
(skipped when already known), then the questions for that kind of situation one by one. The
answers are kept in a slot only until the result; then they are cleared, and the tracker store
blanks them in the database (bot/dialogue/tracker_store.py). Only the tier and the indicator ids are
counted, anonymously.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import ShowItem, content, reply_language, send_item
from bot.checkers.screening import ANSWER_SLOTS, ANSWERS, WHO, Screening, answer_payload, assess
from bot.content import for_place, render
from bot.content.library import Library

DONE = "done"
OTHER_PLACE = "OTHER"
_NOT_WORD = re.compile(r"[^\w]+")
_ANSWER_BUTTON = re.compile(r'^/screening_answer\{"answer":"(\w+)"\}$')
_PRESSED = re.compile(r'^/screening_answer\{.*"q":\s*"(\w+)"')


def _question_of(text: str) -> str | None:
    """The question an answer button belonged to, if the message is such a button."""
    match = _PRESSED.match(text)
    return match.group(1) if match else None


def reset() -> list[EventType]:
    return [SlotSet(slot, None) for slot in ANSWER_SLOTS]


def _who(tracker: Tracker) -> str:
    who = tracker.get_slot("screening_who")
    return who if who in WHO else "self"


def _answers(tracker: Tracker) -> dict[str, str]:
    answers = tracker.get_slot("screening_answers")
    return dict(answers) if isinstance(answers, dict) else {}


def _rules() -> tuple[Library, Screening]:
    library = content().library
    if library.screening is None:  # the checker refuses such content, so this is a bug
        raise RuntimeError("content has no situation check rules")
    return library, library.screening


def typed_answer(library: Library, text: str) -> str | None:
    """A typed "yes", "បាទ" or "是" read as the button with that label, in any language."""
    said = _NOT_WORD.sub(" ", text.casefold()).strip()
    if not said:
        return None
    for answer in ANSWERS:
        for labels in library.button_labels.values():
            label = labels.get(f"screening.{answer}", "")
            words = {_NOT_WORD.sub(" ", part.casefold()).strip() for part in re.split(r"[/,、]", label)}
            if said in words - {""}:
                return answer
    return None


class ValidateScreeningForm(FormValidationAction):
    """Checks each answer; anything that is not one of the offered choices gets a short hint and
    the same question again, so nothing typed by mistake is taken as an answer."""

    def name(self) -> str:
        return "validate_screening_form"

    def _hint(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict[str, Any]:
        """Not one of the offered answers: say so, and ask again. A slot cleared on purpose (a
        new check starting) is nothing the person said, so it gets no hint."""
        if tracker.get_slot(slot) is None:
            return {slot: None}
        send_item(dispatcher, "screening.use_buttons", reply_language(tracker))
        return {slot: None}

    def validate_screening_who(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: dict[str, Any]) -> dict[str, Any]:
        if value == "other":
            # The place known so far is the person writing's; ask where the other person is.
            return {"screening_who": value, "country": None}
        if value in WHO:
            return {"screening_who": value}
        return self._hint(dispatcher, tracker, "screening_who")

    def validate_screening_kind(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: dict[str, Any]) -> dict[str, Any]:
        _, screening = _rules()
        if value in screening.situations:
            return {"screening_kind": value}
        return self._hint(dispatcher, tracker, "screening_kind")

    def validate_country(self, value: Any, dispatcher: CollectingDispatcher,
                         tracker: Tracker, domain: dict[str, Any]) -> dict[str, Any]:
        library = content().library
        if value in library.places or value == OTHER_PLACE:
            return {"country": value}
        place = library.place_in(str(value or ""))
        if place:
            return {"country": place.country}
        return self._hint(dispatcher, tracker, "country")

    def validate_screening_answer(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: dict[str, Any]) -> dict[str, Any]:
        if value is None:  # cleared as a check starts: nothing was answered
            return {"screening_answer": None}
        library, screening = _rules()
        kind = tracker.get_slot("screening_kind")
        answers = _answers(tracker)
        question = screening.next_question(kind, answers)
        if question is None:
            return {"screening_answer": DONE}
        answer = value if value in ANSWERS else typed_answer(library, str(value or ""))
        pressed_under = _question_of((tracker.latest_message or {}).get("text") or "")
        if answer is None or pressed_under not in (None, question):
            # Not an answer, or a button under an earlier question: ask this one again.
            return self._hint(dispatcher, tracker, "screening_answer")
        answers[question] = answer
        finished = screening.next_question(kind, answers) is None
        return {"screening_answers": answers, "screening_answer": DONE if finished else None}


class AskScreeningWho(Action):
    """Opens the check: what it is, how to hide the chat, then "whose situation is it?"."""

    def name(self) -> str:
        return "action_ask_screening_who"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        lang = reply_language(tracker)
        if tracker.get_slot("requested_slot") != "screening_who":  # not a repeat after a hint
            send_item(dispatcher, "screening.start", lang)
        send_item(dispatcher, "screening.who", lang)
        return [SlotSet("language", lang)]


class AskScreeningKind(ShowItem):
    def name(self) -> str:
        return "action_ask_screening_kind"

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        return f"screening.kind.{_who(tracker)}", []


class AskCountry(ShowItem):
    def name(self) -> str:
        return "action_ask_country"

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        return f"screening.where.{_who(tracker)}", []


class AskScreeningAnswer(Action):
    """The next question for this kind of situation, numbered ("3/9")."""

    def name(self) -> str:
        return "action_ask_screening_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        library, screening = _rules()
        lang = reply_language(tracker)
        kind = tracker.get_slot("screening_kind")
        answers = _answers(tracker)
        question = screening.next_question(kind, answers)
        if question is None:  # nothing left to ask: the form completes on the next turn
            send_item(dispatcher, "screening.use_buttons", lang)
            return []
        reply = render(library, f"screening.q.{question}.{_who(tracker)}", lang)
        for button in reply["buttons"]:
            answer = _ANSWER_BUTTON.match(button["payload"])
            if answer:
                button["payload"] = answer_payload(answer.group(1), question)
        number, total = screening.progress(kind, answers)
        reply["text"] = f"{number}/{total} · {reply['text']}"
        dispatcher.utter_message(json_message=reply)
        return []


class ActionScreeningResult(Action):
    """The tier, each sign found in one line, what to find out, that this is not a legal
    finding; then the contacts for where the person is now and what to say when calling."""

    def name(self) -> str:
        return "action_screening_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        library, screening = _rules()
        lang = reply_language(tracker)
        who = _who(tracker)
        kind = tracker.get_slot("screening_kind")
        result = assess(screening, kind, _answers(tracker))

        reply = render(library, f"screening.result.{result.tier}.{who}", lang)
        sections = [reply["text"]]
        for heading, questions in (("screening.found", result.signs),
                                   ("screening.unsure", result.unsure)):
            if questions:
                lines = [library.items[lang][heading].text]
                lines += [f"• {library.items[lang][f'screening.sign.{q}'].text}" for q in questions]
                sections.append("\n".join(lines))
        not_legal = render(library, "screening.not_legal", lang)
        sections.append(not_legal["text"])
        reply["text"] = "\n\n".join(sections)
        reply["buttons"] = not_legal["buttons"]
        if result.tier in ("urgent", "warning"):
            # "Talk to a person" first (the bot drops it where no counsellor is connected).
            reply["buttons"] = [{"title": library.button_title("handoff.request", lang),
                                 "payload": library.buttons["handoff.request"].payload},
                                *reply["buttons"]]
        reply["content"] += [f"screening.sign.{q}" for q in result.signs] + not_legal["content"]
        reply["counts"] = {"screening.tier": [result.tier],
                           "screening.indicator": result.indicators(screening)}
        dispatcher.utter_message(json_message=reply)

        # The contacts for where the person (or the relative they asked about) is.
        place = library.places.get(tracker.get_slot("country") or "") or library.places["OTHER"]
        contacts = for_place(library, place.hotlines, lang, place.country,
                             nationality=tracker.get_slot("nationality"))
        calling = render(library, "screening.calling", lang)
        contacts["text"] += "\n\n" + calling["text"]
        contacts["content"] += calling["content"]
        dispatcher.utter_message(json_message=contacts)
        return [SlotSet("language", lang), *reset()]


class ActionScreeningStopped(ShowItem):
    item = "screening.stopped"

    def name(self) -> str:
        return "action_screening_stopped"

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        return self.item, reset()


class ActionScreeningExpired(ShowItem):
    """An answer button pressed after its check ended (finished, stopped, or interrupted)."""

    item = "screening.expired"

    def name(self) -> str:
        return "action_screening_expired"


class ActionScreeningReset(Action):
    """Clears a check left unfinished (says nothing): before a new check starts, and when a menu
    button takes the person elsewhere."""

    def name(self) -> str:
        return "action_screening_reset"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        return reset()
