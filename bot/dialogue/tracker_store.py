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

What a turn reads is bounded. Rasa reads every event of the conversation session on each message,
rebuilds the tracker from them and recomputes the dialogue states of all of them, so a reply cost
more the longer someone talked (45 ms at turn 30, 75 ms at turn 90). The policies look only at
the last few turns (MemoizationPolicy 5, the rules fewer), and the actions at the last message, so
this store reads the last PRAYAT_TRACKER_TURNS messages of the session (default 10) with what
they stand on: the session's start, the latest value of every slot and the latest form state.
Saving then writes only the events added since, without counting the stored ones again.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot import AMOUNT_ENTITY
from bot.checkers.red_flags import AD_METADATA, AD_SOURCE
from bot.checkers.screening import ANSWER_SLOTS, ANSWERS, WHO
from bot.checkers.who import ABOUT
from bot.storage import EVENTS_TABLE, make_engine, scrub

logger = logging.getLogger(__name__)

ANSWER_INTENT = "screening_answer"
# Slots and entities needed only within one turn, never written.
TURN_ONLY_SLOTS = {"ad_text"}
TURN_ONLY_ENTITIES = {AMOUNT_ENTITY}
# The only values these slots may be written with. A form slot first holds whatever the person
# typed (Rasa fills it from the text, then the validation replaces it): that is never written.
_CODE = re.compile(r"^[a-z_]{1,32}$|^[A-Z]{2,6}$")
KINDS = {"offer", "working", "marriage"}
SESSION_METADATA_SLOT = "session_started_metadata"
# Turns of the session read back each turn (with the state they stand on); 0 reads it whole.
DEFAULT_TURNS = 10
# Events that undo or reset what came before them (a restart, all slots reset, a turn taken back,
# a pause) or act later (reminders): a session with any of them is read whole. Prayat's dialogue
# emits none of them today.
_REWRITING = ("restart", "reset_slots", "rewind", "undo", "pause", "resume", "reminder",
              "cancel_reminder")
# Rasa works on one message at a time per process (its database calls are synchronous), so a
# couple of connections suffice; Rasa's own default is 50 + 100, more than a stock PostgreSQL
# allows. Rasa's own variables change them.
POOL_SIZE, MAX_OVERFLOW = 2, 3
# Rasa indexes `sender_id`; the slice's look-ups (a person's events of one type, latest first)
# use this one, which migration 0005 makes too.
EVENTS_INDEX = "ix_events_sender_type_id"
# How many events of the session a tracker was read with (and saved up to), kept on the tracker.
_STORED = "_prayat_stored_events"


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


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
        turns = os.environ.get("PRAYAT_TRACKER_TURNS", "").strip()
        self.turns = max(0, int(turns)) if turns else DEFAULT_TURNS
        # Rasa made its tables with its own engine; from here on, Prayat's engine: an explicit
        # pool, and on SQLite the same pragmas as the bot's (write-ahead log, and blanked answers
        # and deleted conversations overwritten in the file, not left in its free pages). An
        # in-memory SQLite database lives in Rasa's engine alone, so that one is kept.
        if not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")):
            self.engine.dispose()
            self.engine = make_engine(
                host, future=False,
                pool_size=_int_env("SQL_POOL_SIZE", POOL_SIZE),
                max_overflow=_int_env("SQL_MAX_OVERFLOW", MAX_OVERFLOW),
                # Rasa's own connection settings (POSTGRESQL_SCHEMA's search path)
                connect_args=create_engine_kwargs(url).get("connect_args"))
            self.sessionmaker = sessionmaker(bind=self.engine)
        self._index_events()
        self._check_ended: set[str] = set()

    def _index_events(self) -> None:
        """The index migration 0005 makes, for a database where Rasa made the table after it ran."""
        try:
            with self.engine.begin() as connection:
                connection.execute(text(
                    f"CREATE INDEX IF NOT EXISTS {EVENTS_INDEX} ON {EVENTS_TABLE} "
                    "(sender_id, type_name, id)"))
        except SQLAlchemyError as error:  # another replica making it at the same moment
            logger.warning("Could not index the conversation events: %s", type(error).__name__)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool
                        ) -> DialogueStateTracker | None:
        if fetch_events_from_all_sessions or not self.turns:  # an export, or slicing off
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = self._recent_events(session, sender_id)
        if not (self.domain and rows):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(r) for r in rows],
                                                 self.domain.slots)
        tracker.__dict__[_STORED] = len(tracker.events)
        return tracker

    def _recent_events(self, session: Any, sender_id: str) -> list[str]:
        """The stored events a turn needs, in order: the whole session when it is short; else the
        session's start, the latest event of each slot and of the form state before the last
        `turns` turns, and everything from the start of those turns on."""
        table = self.SQLEvent
        started = session.execute(select(func.max(table.timestamp)).where(
            table.sender_id == sender_id, table.type_name == "session_started")).scalar()
        session_events = [table.sender_id == sender_id]
        if started is not None:  # as Rasa reads a session: from its latest start
            session_events.append(table.timestamp >= started)
        # A turn starts where the bot began to listen: the K-th last `action_listen` before the
        # one the tracker ends with (a message without it before confuses Rasa's states).
        cutoff = session.execute(
            select(table.id).where(*session_events, table.type_name == "action",
                                   table.action_name == "action_listen")
            .order_by(table.id.desc()).offset(self.turns).limit(1)).scalar()
        if cutoff is not None and session.execute(select(table.id).where(
                *session_events, table.type_name.in_(_REWRITING)).limit(1)).first():
            cutoff = None
        if cutoff is not None:
            # A form running at the cutoff: Rasa folds every run of a form back to its first one
            # (DialogueStateTracker.applied_events), so the slice starts before that one.
            form = session.execute(select(table.id, table.data).where(
                *session_events, table.id < cutoff, table.type_name == "active_loop")
                .order_by(table.id.desc()).limit(1)).first()
            if form is not None and json.loads(form.data).get("name"):
                cutoff = session.execute(select(func.max(table.id)).where(
                    *session_events, table.id < form.id, table.type_name == "action",
                    table.action_name == "action_listen")).scalar()
        if cutoff is None:
            wanted = and_(*session_events)
        else:
            before = and_(*session_events, table.id < cutoff)
            latest_slots = select(func.max(table.id)).where(
                before, table.type_name == "slot").group_by(table.action_name)
            latest_form = select(func.max(table.id)).where(before, table.type_name == "active_loop")
            start = select(table.id).where(before, or_(
                table.type_name == "session_started",
                and_(table.type_name == "action", table.action_name == "action_session_start")))
            wanted = and_(*session_events, or_(
                table.id >= cutoff, table.id.in_(latest_slots), table.id.in_(latest_form),
                table.id.in_(start)))
        return list(session.execute(select(table.data).where(wanted).order_by(table.id)).scalars())

    async def save(self, tracker: Any) -> None:
        await super().save(tracker)
        tracker.__dict__[_STORED] = len(tracker.events)
        if tracker.sender_id in self._check_ended:
            self._check_ended.discard(tracker.sender_id)
            self._blank_answers(tracker.sender_id)

    def _additional_events(self, session: Any, tracker: Any) -> Iterator[Any]:
        had_answers = any(getattr(e, "key", None) == "screening_answers" and e.value
                          for e in tracker.events)
        stored = tracker.__dict__.get(_STORED)
        new = super()._additional_events(session, tracker) if stored is None else \
            itertools.islice(tracker.events, stored, None)
        for event in new:
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
