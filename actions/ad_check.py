"""The job-ad checker in the chat: "/check_ad" then the ad, or an ad pasted or forwarded on its own
(the bot sends it as metadata with the check_ad intent). The reply is always in the person's
language, whatever the ad's; the ad itself is never stored (bot/dialogue/tracker_store.py)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import content, reply_language, send_item
from bot import AMOUNT_ENTITY
from bot.checkers.red_flags import AD_METADATA, AD_SOURCE, MIN_FORWARDED_AD, checker_for
from bot.content import render

# The first check imports spaCy and builds the phrase matcher (about 4 s on these machines). Done
# here, as the action server loads its actions and before it reports ready, so that the first
# person to send an ad after a (re)start is not the one whose turn times out.
checker_for(content().library).check("warm up: salary $1000 per month")


def _ad_in_metadata(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            ad = (event.get("metadata") or {}).get(AD_METADATA)
            return ad if isinstance(ad, str) and ad.strip() else None
    return None


def _from_photo(tracker: Tracker) -> bool:
    """Whether the ad being checked was read from a picture (the bot says so in the metadata)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("metadata") or {}).get(AD_METADATA):
            return (event.get("metadata") or {}).get(AD_SOURCE) == "photo"
    return False


def _offer_in_request(tracker: Tracker) -> str | None:
    """The request itself, when it already describes the offer ("they offer 2000$ a month in
    Poipet, is it real?", "check this: 'Hiring now! …'"): it names pay or shows two warning signs.
    Only the message that starts the check counts; "check an ad for me" has nothing to check."""
    if tracker.get_slot("requested_slot") is not None:
        return None
    text = ((tracker.latest_message or {}).get("text") or "").strip()
    if not text or text.startswith("/"):
        return None
    check = checker_for(content().library).check(text)
    names_pay = any(e.get("entity") == AMOUNT_ENTITY
                    for e in (tracker.latest_message or {}).get("entities") or [])
    return text if names_pay or len(check.flags) >= 2 else None


class ValidateAdForm(FormValidationAction):
    def name(self) -> str:
        return "validate_ad_form"

    async def extract_ad_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """An ad the bot recognised (pasted or forwarded) comes as metadata, not as typed text;
        a request that already describes the offer is checked as it is."""
        ad = _ad_in_metadata(tracker) or _offer_in_request(tracker)
        return {"ad_text": ad} if ad else {}

    def validate_ad_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: dict[str, Any]) -> dict[str, Any]:
        text = str(value or "").strip()
        # As the check starts, the only value is what extract_ad_text took (a recognised ad or a
        # request that describes the offer): it was judged there, so it is not judged again.
        if len(text) >= MIN_FORWARDED_AD or tracker.get_slot("requested_slot") is None:
            return {"ad_text": text}
        send_item(dispatcher, "ad_check.not_an_ad", reply_language(tracker))
        return {"ad_text": None}


class AskAdText(Action):
    def name(self) -> str:
        return "action_ask_ad_text"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        lang = reply_language(tracker)
        if tracker.get_slot("requested_slot") != "ad_text":  # not again after "too short"
            send_item(dispatcher, "ad_check.ask", lang)
        return [SlotSet("language", lang)]


class ActionAdResult(Action):
    """The verdict, each sign with the ad's own words and why it matters, then what to check and
    whom to ask. "No warning signs found" still says what to check: an ad is never called safe."""

    def name(self) -> str:
        return "action_ad_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        library = content().library
        lang = reply_language(tracker)
        check = checker_for(library).check(tracker.get_slot("ad_text") or "")
        reply = render(library, f"ad_check.result.{check.verdict}", lang)
        if _from_photo(tracker):
            # Reading a picture can miss words: the verdict says what was read, not more.
            reply["text"] = library.items[lang]["ad_check.from_photo"].text.strip() + "\n\n" + reply["text"]
            reply["content"] = ["ad_check.from_photo", *reply["content"]]
        if check.flags:
            lines = [library.items[lang]["ad_check.found"].text]
            for flag in check.flags:
                line = f"• {library.items[lang][f'ad_check.flag.{flag.id}'].text}"
                if flag.evidence:
                    line += f"\n   “{' '.join(flag.evidence.split())[:80]}”"
                lines.append(line)
            reply["text"] += "\n\n" + "\n".join(lines)
            reply["content"] += [f"ad_check.flag.{flag.id}" for flag in check.flags]
        reply["counts"] = {"ad_check.verdict": [check.verdict],
                           "ad_check.flag": [flag.id for flag in check.flags]}
        dispatcher.utter_message(json_message=reply)
        dispatcher.utter_message(json_message=render(library, "ad_check.next", lang))
        return [SlotSet("language", lang), SlotSet("ad_text", None)]
