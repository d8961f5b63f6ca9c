"""Rasa's SQL tracker store, configured from the one DATABASE_URL that Prayat's own tables use,
and keeping no message text.

- Rasa's SQLTrackerStore takes the URL in pieces (dialect, host, port, db, ...), and endpoints.yml
  can only pass strings, so this subclass takes the whole URL (`url:` in endpoints.yml) instead.
  Conversations then live next to Prayat's tables, where `/delete` and `prayat purge` reach them.
- What a person typed is not written to the database: the dialogue needs the intent and
  entities of past turns, not their words. Nor is what the bot said (the dialogue needs which
  action ran, not its text). PRAYAT_KEEP_MESSAGE_TEXT=true keeps both (for example while testing
  new training data with consent).
- A job ad sent for checking is needed only in the turn it is checked in: it is never written.
  Nor is a pay amount someone mentions (the `amount` entity): it serves only that turn's reply.
- The situation check's answers must survive between turns while the check runs, so they are
  written; when the check ends (result, stop, emergency or leaving it), they are blanked, with
  the answer entities of that person's turns, so no one can read the answers back.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event as sql_event
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot import AMOUNT_ENTITY
from bot.checkers.red_flags import AD_METADATA, AD_SOURCE
from bot.checkers.screening import ANSWER_SLOTS, ANSWERS, WHO
from bot.checkers.who import ABOUT
from bot.storage import EVENTS_TABLE, scrub  # noqa: F401 - EVENTS_TABLE: the table this store writes

ANSWER_INTENT = "screening_answer"
# Slots and entities needed only within one turn, never written.
TURN_ONLY_SLOTS = {"ad_text"}
TURN_ONLY_ENTITIES = {AMOUNT_ENTITY}
# The only values these slots may be written with. A form slot first holds whatever the person
# typed (Rasa fills it from the text, then the validation replaces it): that is never written.
_CODE = re.compile(r"^[a-z_]{1,32}$|^[A-Z]{2,6}$")
KINDS = {"offer", "working", "marriage"}
SESSION_METADATA_SLOT = "session_started_metadata"


def _without_ad(value: Any) -> Any:
    """Message metadata without the job ad the bot sent along for checking."""
    return {k: v for k, v in value.items() if k not in (AD_METADATA, AD_SOURCE)} if isinstance(value, dict) else value


def _storable(name: str, value: Any) -> bool:
    if value is None:
        return True
    if name == "screening_who":
        return value in WHO
    if name == "screening_kind":
        return value in KINDS
    if name == "screening_answer":
        return value == "done"
    if name == "screening_answers":
        return isinstance(value, dict) and all(
            isinstance(k, str) and _CODE.match(k) and v in ANSWERS for k, v in value.items())
    if name == "about":
        return value in ABOUT
    if name in ("country", "nationality"):
        return isinstance(value, str) and bool(_CODE.match(value)) and value.isupper()
    return True


class DatabaseUrlTrackerStore(SQLTrackerStore):
    def __init__(self, host: str, domain: Any = None, event_broker: Any = None,
                 **kwargs: Any) -> None:
        url = make_url(host)
        super().__init__(
            domain=domain,
            dialect=url.get_backend_name(),
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
        )
        self.keep_text = os.environ.get("PRAYAT_KEEP_MESSAGE_TEXT", "").lower() == "true"
        if self.engine.dialect.name == "sqlite":
            # Blanked answers and deleted conversations are overwritten in the file, not left in
            # its free pages (the bot's own connections do the same: bot/storage).
            @sql_event.listens_for(self.engine, "connect")
            def _secure_delete(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute("PRAGMA secure_delete=ON")

            self.engine.dispose()  # connections made before this listener are not reused

        self._check_ended: set[str] = set()

    async def save(self, tracker: Any) -> None:
        await super().save(tracker)
        if tracker.sender_id in self._check_ended:
            self._check_ended.discard(tracker.sender_id)
            self._blank_answers(tracker.sender_id)

    def _additional_events(self, session: Any, tracker: Any) -> Iterator[Any]:
        had_answers = any(getattr(e, "key", None) == "screening_answers" and e.value
                          for e in tracker.events)
        for event in super()._additional_events(session, tracker):
            if had_answers and getattr(event, "key", None) == "screening_answers" and \
                    event.value is None:
                self._check_ended.add(tracker.sender_id)
            yield _Stored(event, self.keep_text)

    def _blank_answers(self, sender_id: str) -> None:
        """The answers of a finished check: slot values and the answer entities of user turns."""
        table = self.SQLEvent
        with self.session_scope() as session:
            rows = session.execute(
                select(table).where(
                    table.sender_id == sender_id,
                    ((table.type_name == "slot") & table.action_name.in_(ANSWER_SLOTS))
                    | ((table.type_name == "user") & (table.intent_name == ANSWER_INTENT)),
                )
            ).scalars()
            for row in rows:
                data = json.loads(row.data)
                if data.get("event") == "slot":
                    data["value"] = None
                else:
                    for entities in (data.get("parse_data", {}).get("entities", []),
                                     data.get("entities") or []):
                        for entity in entities:
                            entity["value"] = None
                row.data = json.dumps(data)
            session.commit()
        scrub(self.engine)  # and not left in SQLite's write-ahead log either


class _Stored:
    """An event as stored: a user message keeps its intent and entities, not its words; a bot
    message keeps nothing of what it said; a job ad is never kept."""

    def __init__(self, event: Any, keep_text: bool) -> None:
        self._event = event
        self._keep_text = keep_text
        self.type_name = event.type_name

    def as_dict(self) -> dict[str, Any]:
        data = self._event.as_dict()
        kind = data.get("event")
        if kind == "slot" and (data.get("name") in TURN_ONLY_SLOTS
                               or not _storable(data.get("name", ""), data.get("value"))):
            data["value"] = None
        if kind == "slot" and data.get("name") == SESSION_METADATA_SLOT:
            # Rasa copies the metadata of a session's first message into this slot: an ad sent as
            # that message would be written with it.
            data["value"] = _without_ad(data.get("value"))
        for holder in (data, data.get("parse_data")):
            if isinstance(holder, dict) and isinstance(holder.get("metadata"), dict):
                holder["metadata"] = _without_ad(holder["metadata"])
        if kind == "user":
            for holder in (data, data.get("parse_data")):
                if isinstance(holder, dict) and isinstance(holder.get("entities"), list):
                    holder["entities"] = [e for e in holder["entities"] if not (
                        isinstance(e, dict) and e.get("entity") in TURN_ONLY_ENTITIES)]
        if self._keep_text:
            return data
        if kind == "user":
            data["text"] = None
            if isinstance(data.get("parse_data"), dict):
                data["parse_data"] = {**data["parse_data"], "text": None}
        elif kind == "bot":
            data["text"] = None
            data["data"] = {}
        return data
