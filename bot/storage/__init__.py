"""What Prayat keeps about a person: a keyed hash of their id and their language. Nothing else.

SQLAlchemy 1.4 in 2.0 style (future engine, Core tables, `select()`), so the same code runs on the
embedded SQLite default and on PostgreSQL in production.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import time
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    false,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

# Rasa's table of conversation events (bot/dialogue/tracker_store.py), keyed by sender_id: Prayat's keyed
# hash of the chat id.
EVENTS_TABLE = "events"

logger = logging.getLogger(__name__)

metadata = MetaData()
VERSION_TABLE = "prayat_alembic_version"
MIGRATIONS = Path(__file__).parent / "migrations"

users = Table(
    "prayat_users",
    metadata,
    # HMAC-SHA256 of the Telegram id under a secret pepper: the same person maps to the same row,
    # but the row cannot be traced back to an account without the secret.
    Column("id", String(64), primary_key=True),
    Column("language", String(8), nullable=True),
    # Chosen with a button or /language (True), or read from the person's messages (False).
    Column("language_chosen", Boolean, nullable=False, server_default=false()),
    Column("created_on", Date, nullable=False),  # a day, not a timestamp: less to identify
    Column("last_seen", Date, nullable=True),  # for `prayat purge`: forget the inactive
)


# Anonymous counts for the organisation's reports: no user key, no time of day, no text.
events = Table(
    "prayat_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day", Date, nullable=False, index=True),
    Column("kind", String(32), nullable=False),  # "topic" (later: screening tier, job-ad flag)
    Column("value", String(64), nullable=False),  # e.g. "jobs"
    Column("language", String(8), nullable=False),
)


class Known(NamedTuple):
    """What the bot knows of a person: whether they wrote before, their language, and whether
    they chose it (a button or /language) rather than the bot reading it from their messages."""

    known: bool
    language: str | None
    chosen: bool


def user_key(pepper: bytes, user_id: str) -> str:
    """The keyed hash that stands for a person everywhere: database key and Rasa sender id."""
    return hmac.new(pepper, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def migrate(engine: Engine) -> None:
    """Bring Prayat's tables to the current schema (Alembic, in bot/storage/migrations)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def make_engine(url: str) -> Engine:
    kwargs: dict = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        # Write-ahead logging lets Rasa's writes and the bot's reads of the same file overlap
        # instead of queueing on one lock. The mode is kept in the file, so Rasa's own
        # connections use it too.
        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
    return engine


class UserStore:
    """Users' language preferences. Calls run in a worker thread so the event loop never waits
    on the database. If the database is down the bot keeps answering, without memory."""

    def __init__(self, engine: Engine, flush_every: float = 5.0) -> None:
        self.engine = engine
        migrate(engine)
        # Anonymous counts are written in batches, not one write per message.
        self._counts: list[dict[str, Any]] = []
        self._flushed_at = time.monotonic()
        self.flush_every = flush_every
        # People whose first message today was just looked up (to count conversations per day);
        # taken off at once by first_today(), so no key stays here.
        self._first_today: set[str] = set()

    def _language(self, key: str) -> Known:
        today = dt.date.today()
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.language, users.c.language_chosen, users.c.last_seen)
                               .where(users.c.id == key)).first()
            if row is not None and row.last_seen != today:  # at most one write a day per person
                conn.execute(users.update().where(users.c.id == key).values(last_seen=today))
                conn.commit()
        if row is None or row.last_seen != today:
            self._first_today.add(key)
        if row is None:
            return Known(False, None, False)
        return Known(True, row.language, row.language_chosen)

    def first_today(self, key: str) -> bool:
        """Whether the message just looked up is this person's first today (asked once)."""
        if key in self._first_today:
            self._first_today.discard(key)
            return True
        return False

    def _set_language(self, key: str, language: str | None, only_if_new: bool,
                      chosen: bool) -> None:
        with self.engine.begin() as conn:
            if not only_if_new and conn.execute(users.update().where(users.c.id == key).values(
                    language=language, language_chosen=chosen)).rowcount:
                return  # a known person: one statement
            if conn.execute(select(users.c.id).where(users.c.id == key)).first() is None:
                try:
                    today = dt.date.today()
                    conn.execute(users.insert().values(
                        id=key, language=language, language_chosen=chosen, created_on=today,
                        last_seen=today))
                except IntegrityError:  # created by a concurrent message of the same person
                    pass

    def _erase(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(users).where(users.c.id == key))
            if inspect(conn).has_table(EVENTS_TABLE):
                conn.execute(text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :key"),
                             {"key": key})

    def purge(self, days: int) -> dict[str, int]:
        """Delete conversations and people not seen for `days` days, and any conversation event
        older than that. Returns how many rows went, per table."""
        cutoff = dt.date.today() - dt.timedelta(days=days)
        cutoff_ts = dt.datetime.combine(cutoff, dt.time()).timestamp()
        with self.engine.begin() as conn:
            gone_users = conn.execute(delete(users).where(
                (users.c.last_seen < cutoff) | (users.c.last_seen.is_(None)
                                                 & (users.c.created_on < cutoff)))).rowcount
            gone_events = 0
            if inspect(conn).has_table(EVENTS_TABLE):
                gone_events = conn.execute(text(
                    f"DELETE FROM {EVENTS_TABLE} WHERE timestamp < :cutoff"),
                    {"cutoff": cutoff_ts}).rowcount
        return {"users": gone_users, "conversation_events": gone_events}

    def _ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(select(1))

    async def ping(self) -> bool:
        try:
            await asyncio.to_thread(self._ping)
            return True
        except SQLAlchemyError:
            return False

    async def lookup(self, key: str) -> Known:
        """What is known of a user; Known(False, None, False) if the database cannot be
        reached."""
        try:
            return await asyncio.to_thread(self._language, key)
        except SQLAlchemyError as error:
            logger.error("Database unavailable, answering without stored preferences: %s", error)
            return Known(False, None, False)

    async def remember(self, key: str, language: str | None, only_if_new: bool = False,
                       chosen: bool = False) -> None:
        """Store the person's language: chosen with a button or /language, or read from their
        messages. `only_if_new` leaves a known person's language as it is."""
        try:
            await asyncio.to_thread(self._set_language, key, language, only_if_new, chosen)
        except SQLAlchemyError as error:
            logger.error("Database unavailable, language not saved: %s", error)

    def _write_counts(self, rows: list[dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(events.insert(), rows)

    async def count(self, kind: str, values: list[str], language: str) -> None:
        """Add anonymous events. They are written every `flush_every` seconds or 100 rows; a
        database error is logged, never passed on to the person."""
        today = dt.date.today()
        self._counts += [{"day": today, "kind": kind, "value": v[:64], "language": language}
                         for v in values]
        if len(self._counts) >= 100 or time.monotonic() - self._flushed_at >= self.flush_every:
            await self.flush()

    async def flush(self) -> None:
        rows, self._counts = self._counts, []
        self._flushed_at = time.monotonic()
        if not rows:
            return
        try:
            await asyncio.to_thread(self._write_counts, rows)
        except SQLAlchemyError as error:
            logger.error("Database unavailable, %d anonymous counts lost: %s", len(rows), error)

    async def erase(self, key: str) -> None:
        """Everything about one person: their row and their whole conversation with Rasa."""
        await asyncio.to_thread(self._erase, key)
