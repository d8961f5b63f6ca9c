"""Places and money as Rasa entities, read from the editors' lists rather than learned.

- `place`: a place named in the message ("I am in Myawaddy", "ខ្ញុំនៅប៉ោយប៉ែត", "我在西港"), from the
  names in content/places.yml. The value is the place's code (KH, CN, TH, MM, ...), which the
  dialogue keeps in the `country` slot to show the right hotlines. Editors add spellings to that
  file; the change applies without retraining (the list is reloaded when the file changes).
- `about`: who is in danger ("self", "other" or "child": "my sister is held in Myawaddy"), read
  by bot/checkers/who.py from nlu/who/relations.yml; the dialogue keeps it in the `about` slot, so
  a relative gets guidance for helpers.
- `nationality`: where the writer is from, when they say it ("我是中国人" → CN), from
  nlu/who/nationality.yml: their own country's line comes first (content/places.yml).
- `amount`: pay as people write it ("1500$ a month", "月薪2万", "៤ លានរៀល"), read by
  bot/checkers/amounts.py, the same reader the job-ad checker uses. The value is a dict: number, currency
  (None when not said) and period. It is used for the turn it was said in and is never stored
  (bot/dialogue/tracker_store.py).

Why a lookup and not DIET's entity recognition: a person in danger who names a place must get that
place's numbers every time, and an editor must be able to add a spelling and see it work at once.
A learned extractor would need annotated examples for every spelling and a retrain for each one.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import ABOUT_ENTITY, AMOUNT_ENTITY, NATIONALITY_ENTITY, PLACE_ENTITY
from bot.checkers.amounts import find_amounts
from bot.checkers.who import about, nationality, without_nationality

logger = logging.getLogger(__name__)

_store: Any = None


def _library() -> Any:
    """The live content (places), or None when it cannot be loaded: then no place is found, and
    everything else still works."""
    global _store
    if _store is None:
        from bot.content import ContentStore
        from bot.settings import Settings

        settings = Settings()
        try:
            _store = ContentStore(settings.content_dir, snapshot=settings.content_snapshot)
        except Exception as error:  # noqa: BLE001 - a broken content file must not stop Rasa
            logger.error("Places cannot be read, so none will be recognised: %s", error)
            return None
    return _store.library


def find_entities(text: str, library: Any) -> list[dict[str, Any]]:
    """The place and amount entities in a message, in Rasa's entity format."""
    entities: list[dict[str, Any]] = []
    if library is not None:
        unplaced = without_nationality(text) if nationality(text) else text  # "我是中国人" is no place
        for start, end, place in library.places_in(unplaced):
            entities.append({"entity": PLACE_ENTITY, "value": place.country, "start": start, "end": end,
                             "confidence_entity": 1.0})
    for amount in find_amounts(text):
        said = text[amount.start:amount.end]
        start = amount.start + len(said) - len(said.lstrip())
        end = amount.end - len(said) + len(said.rstrip())
        entities.append({"entity": AMOUNT_ENTITY, "start": start, "end": end,
                         "value": {"value": amount.value, "currency": amount.currency,
                                   "period": amount.period},
                         "confidence_entity": 1.0})
    if (who := about(text)) in ("other", "child"):
        # Said by the message as a whole, not by one word of it. "self" is the default reading
        # and is not marked, so "help me" from a relative does not undo "my sister is held".
        entities.append({"entity": ABOUT_ENTITY, "value": who, "start": 0, "end": len(text),
                         "confidence_entity": 1.0})
    if (country := nationality(text)) is not None:
        entities.append({"entity": NATIONALITY_ENTITY, "value": country, "start": 0,
                         "end": len(text), "confidence_entity": 1.0})
    return sorted(entities, key=lambda entity: entity["start"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PlaceAndAmountExtractor(GraphComponent, EntityExtractorMixin):
    """Adds `place` and `amount` entities to every message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        library = _library()
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):  # a button's payload names no place
                continue
            found = self.add_extractor_name(find_entities(text, library))
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
