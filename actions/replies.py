"""How actions find the reply language and send content items back to Rasa."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import DEFAULT_LANGUAGE, LANGUAGES
from bot.content import ContentStore, render
from bot.settings import Settings

_store: ContentStore | None = None


def content() -> ContentStore:
    """The live content, loaded on first use and reloaded when an editor changes a file."""
    global _store
    if _store is None:
        settings = Settings()
        _store = ContentStore(settings.content_dir, snapshot=settings.content_snapshot)
    return _store


def reply_language(tracker: Tracker) -> str:
    """The bot resolves the language of each message and sends it as metadata; the slot
    remembers it for turns that carry none."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            lang = (event.get("metadata") or {}).get("language")
            if lang in LANGUAGES:
                return lang
            break
    slot = tracker.get_slot("language")
    return slot if slot in LANGUAGES else DEFAULT_LANGUAGE


def send_item(dispatcher: CollectingDispatcher, item_id: str, lang: str) -> None:
    """Send one content item as a single structured message (text, topic, ids, buttons, image).

    It goes as a custom payload so that the REST channel passes it through whole; plain text
    would be cut at every blank line.
    """
    message: dict[str, Any] = render(content().library, item_id, lang)
    dispatcher.utter_message(json_message=message)


class ShowItem(Action, ABC):
    """Shows the content item `item` in the reply language."""

    item = ""

    @abstractmethod
    def name(self) -> str: ...

    def choose(self, tracker: Tracker, lang: str) -> tuple[str, list[EventType]]:
        """The item to show, and any slots to set besides the language."""
        return self.item, []

    def reply(self, tracker: Tracker, item: str, lang: str) -> dict[str, Any]:
        """The message for the item; an action may add to it what the person said."""
        return render(content().library, item, lang)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = reply_language(tracker)
        item, events = self.choose(tracker, lang)
        dispatcher.utter_message(json_message=self.reply(tracker, item, lang))
        return [SlotSet("language", lang), *events]
