"""The model's "emergency" set aside when the calm frames explain the message away.

The classifier learns "emergency" from words such as locked, escaped, forced, 被关, បង្ខំ, and so
it also says "emergency" for "my facebook account is locked", "I escaped six months ago and
need my documents" or "what is debt bondage?". The safety floor reads such messages with the
frames of nlu/emergency/calm.yml (bot/core/safety.py); when it finds no danger now and a frame
that explains the message (an everyday phrase, a danger that is over, a question about a word),
this component takes "emergency" out of the model's ranking, so the next guess answers
(survivor help, a definition, ...). When the frames find nothing, the model decides as before:
a miss costs far more than a false alarm.

The other way round, help after the fact ("survivor_help") is given only to a message in which
the frames find the danger over ("I got out six months ago"). A story the model takes for one but
that says no such thing, with "emergency" among its three best guesses, gets the emergency answer.

It runs after the classifier and before the FallbackClassifier, so "emergency among the two best
guesses" (actions/topics.py) does not bring it back either. It reads calm.yml at run time: no
retraining when an editor changes a frame.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.core.safety import read

EMERGENCY = "emergency"
AFTER_THE_FACT = "survivor_help"
PAST = "past"
AFTER_THE_FACT_RANK = 3  # "emergency" among the model's three best guesses


def set_aside(intent: dict[str, Any] | None, ranking: list[dict[str, Any]]
              ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The ranking without "emergency", renormalised, and its new best guess."""
    rest = [dict(r) for r in ranking if r.get("name") != EMERGENCY]
    total = sum(r.get("confidence") or 0.0 for r in rest)
    if not rest or total <= 0:
        return intent, ranking
    for r in rest:
        r["confidence"] = (r.get("confidence") or 0.0) / total
    return {"name": rest[0]["name"], "confidence": rest[0]["confidence"]}, rest


def put_first(ranking: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ranking with "emergency" first, at the best guess's confidence, and the others at
    half theirs (so the fallback does not take the new tie for doubt)."""
    top = ranking[0].get("confidence") or 0.0
    rest = [{**r, "confidence": (r.get("confidence") or 0.0) / 2} for r in ranking
            if r.get("name") != EMERGENCY]
    first = {"name": EMERGENCY, "confidence": top}
    return dict(first), [first, *rest]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CalmGuard(GraphComponent):
    """Removes "emergency" from the ranking of a message the calm frames explain away."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            ranking = message.get(INTENT_RANKING_KEY) or []
            names = [r.get("name") for r in ranking]
            if not text or text.startswith("/") or EMERGENCY not in names[:AFTER_THE_FACT_RANK]:
                continue
            reading = read(text)
            if EMERGENCY in names[:2] and reading.calm:
                intent, ranking = set_aside(message.get(INTENT), ranking)
            elif names[0] == AFTER_THE_FACT and PAST not in reading.calmed:
                # Help after the fact only for a message that says the danger is over; a story
                # that does not ("a friend found her a job, now she cannot call us") is an
                # emergency when the model thought of it at all.
                intent, ranking = put_first(ranking)
            else:
                continue
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
