"""The fallback leans towards safety: a message the model half reads as an emergency gets the
emergency steps instead of "I did not understand"."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import ActionFallback


def reply_to(ranking: list[tuple[str, float]]) -> dict:
    message = {"text": "ខ្ញុំនៅភ្នំពេញ …", "intent": {"name": ranking[0][0]},
               "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}
    tracker = Tracker("someone", {}, message, [{"event": "user", "metadata": {"language": "km"}}],
                      False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    [sent] = dispatcher.messages
    return sent["custom"]


@pytest.mark.parametrize(("ranking", "item"), [
    # torn between emergency and hotlines: the emergency steps (they carry the numbers too)
    ([("nlu_fallback", 0.45), ("emergency", 0.51), ("ask_hotlines", 0.49)], "emergency"),
    ([("nlu_fallback", 0.45), ("ask_hotlines", 0.6), ("emergency", 0.3)], "emergency"),
    # unsure, emergency a close second: the emergency steps
    ([("nlu_fallback", 0.2), ("ask_hotlines", 0.19), ("emergency", 0.16)], "emergency"),
    # out of scope, emergency a distant second: still safety first
    ([("out_of_scope", 0.7), ("emergency", 0.26)], "emergency"),
    # nothing points at danger: what Prayat can do, and the menu
    ([("nlu_fallback", 0.45), ("ask_jobs", 0.4), ("ask_marriage", 0.38), ("emergency", 0.2)],
     "fallback"),
    ([("out_of_scope", 0.95), ("greet", 0.03)], "fallback"),
    ([("nlu_fallback", 0.2), ("ask_jobs", 0.18), ("emergency", 0.1)], "fallback"),
])
def test_fallback_leans_towards_safety(ranking, item):
    sent = reply_to(ranking)
    assert sent["content"] == [item]
