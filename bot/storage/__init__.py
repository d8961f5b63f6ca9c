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
import os
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
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
from sqlalchemy.pool import QueuePool

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


# Hand-off cases (bot/handoff/cases.py): metadata, and while a case is open (plus a short grace
# period) the chat it relays to, encrypted. Migration 0004 says what each column holds.
cases = Table(
    "prayat_cases",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("person", String(64), nullable=True, index=True),
    Column("chat", Text, nullable=True),
    Column("topic", BigInteger, nullable=True, index=True),
    Column("language", String(8), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("claimed", Boolean, nullable=False, server_default=false()),
    Column("outcome", String(32), nullable=True),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("opened_at", Float, nullable=True),
    Column("active_at", Float, nullable=True),
    Column("remind_at", Float, nullable=True),
    Column("forget_at", Float, nullable=True),
)


class Known(NamedTuple):
    """What the bot knows of a person: whether they wrote before, their language, and whether
    they chose it (a button or /language) rather than the bot reading it from their messages."""

    known: bool
    language: str | None
    chosen: bool


def user_key(pepper: bytes, user_id: str) -> str:
    """The keyed hash that stands for a person everywhere: database key and Rasa sender id.

    Hashed from the id's UTF-8 bytes; a lone surrogate (which a JSON line can hold, "\\ud800")
    is kept as its own three bytes rather than refused, so any id at all has a key, and every
    valid id keeps the key it always had."""
    return hmac.new(pepper, user_id.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


class StorageUnavailable(SQLAlchemyError):
    """Prayat's tables are not ready: the database has not answered since the bot started. An
    SQLAlchemyError, so every caller degrades as it does for a database that went down."""


def _reason(engine: Engine, error: BaseException) -> str:
    """One line about a database error, for the log: where (no user name, no password) and why."""
    url = engine.url
    where = url.get_backend_name() + (f" at {url.host}:{url.port or ''}".rstrip(":")
                                      if url.host else "")
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    why = f"{type(cause).__name__}: {lines[0] if lines else ''}"
    if url.password:
        why = why.replace(str(url.password), "***")
    return f"{where}: {why}"


def migrate(engine: Engine) -> None:
    """Bring Prayat's tables to the current schema (Alembic, in bot/storage/migrations)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# Connections each process keeps open, and how many more it may open in a burst. The bot's
# database calls run in asyncio's default thread pool (at most 6 threads on 2 cores), so 5 + 5 is
# ample; a stock PostgreSQL allows 100 in all. PRAYAT_SQL_POOL_SIZE and PRAYAT_SQL_MAX_OVERFLOW
# change them.
POOL_SIZE, MAX_OVERFLOW = 5, 5


def make_engine(url: str, future: bool = True, pool_size: int | None = None,
                max_overflow: int | None = None, connect_args: dict | None = None) -> Engine:
    """An engine with Prayat's settings; `future=False` for Rasa's tracker store (legacy ORM).

    On SQLite, SQLAlchemy 1.4 opens the file for every use and closes it after (each opening runs
    the pragmas below); given a `pool_size`, a SQLite file keeps its connections open too, as
    Rasa's tracker store does: it opens several times per message. The bot's own engine does not:
    a file it cannot open any more (moved, its disk gone) is then noticed at once."""
    kwargs: dict = {"future": future, "pool_pre_ping": True}
    sizes = {
        "pool_size": pool_size if pool_size is not None else int(
            os.environ.get("PRAYAT_SQL_POOL_SIZE") or POOL_SIZE),
        "max_overflow": max_overflow if max_overflow is not None else int(
            os.environ.get("PRAYAT_SQL_MAX_OVERFLOW") or MAX_OVERFLOW),
    }
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        in_memory = ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite+pysqlite:")
        if pool_size is not None and not in_memory:
            kwargs.update(sizes, poolclass=QueuePool)
    else:
        kwargs.update(sizes)
    if url.startswith(("postgresql://", "postgresql+psycopg2://")) and \
            "connect_timeout" not in url:
        # A server that drops packets would otherwise hold each call for minutes (TCP's own
        # timeout): the person is answered without memory after a few seconds instead.
        kwargs["connect_args"] = {"connect_timeout": 5}
    if connect_args:
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), **connect_args}
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
            cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left
            cursor.close()
    return engine


def scrub(engine: Engine, rewrite: bool = False) -> None:
    """Make what was just deleted or blanked unreadable from the files, not only from the tables.

    SQLite: deleted rows are zeroed in the file (secure_delete, set on every connection), but
    earlier versions of their pages stay in the write-ahead log until it is checkpointed, so it is
    checkpointed and truncated to nothing. PostgreSQL keeps deleted and updated rows as dead tuples
    in the table's pages until VACUUM; `rewrite` (the daily purge) rewrites the conversation
    tables with VACUUM FULL, which takes a lock for a few seconds. Its write-ahead log and backups
    keep what they kept: docs/privacy.md says for how long."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif rewrite and engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            tables = [t for t in (EVENTS_TABLE, users.name, events.name, cases.name)
                      if inspect(conn).has_table(t)]
            if tables:
                conn.exec_driver_sql("VACUUM FULL " + ", ".join(tables))


class UserStore:
    """Users' language preferences. Calls run in a worker thread so the event loop never waits
    on the database. If the database is down the bot keeps answering, without memory.

    The tables are brought up to date here if the database answers; if it does not (down at
    start), the store starts anyway, logs one line, and tries again on a later call, at most
    every `retry_every` seconds: people are answered meanwhile, as for a database that went down.
    """

    # Defaults for a store made without __init__ (UserStore.__new__, as a test does).
    retry_every = 5.0
    _migrated = False
    _tried_at = 0.0
    _migrate_lock = threading.Lock()

    def __init__(self, engine: Engine, flush_every: float = 5.0,
                 retry_every: float = 5.0) -> None:
        self.engine = engine
        self.retry_every = retry_every
        self._migrated = False
        self._migrate_lock = threading.Lock()
        self._tried_at = 0.0
        try:
            self._ensure_tables(now=True)
        except SQLAlchemyError as error:
            logger.error("Database unavailable at start (%s); answering without stored "
                         "preferences, trying again every %g s", _reason(engine, error),
                         retry_every)
        # Anonymous counts are written in batches, not one write per message.
        self._counts: list[dict[str, Any]] = []
        self._flushed_at = time.monotonic()
        self.flush_every = flush_every
        # People whose first message today was just looked up (to count conversations per day);
        # taken off at once by first_today(), so no key stays here.
        self._first_today: set[str] = set()

    def _ensure_tables(self, now: bool = False) -> None:
        """Migrate once the database answers. Raises StorageUnavailable while a retry is not
        due yet (`now` tries at once), or the database's error when a try fails."""
        if self._migrated:
            return
        with self._migrate_lock:
            if self._migrated:
                return
            if not now and time.monotonic() - self._tried_at < self.retry_every:
                raise StorageUnavailable("the database has not answered since the start")
            first_try = not self._tried_at
            self._tried_at = time.monotonic()
            migrate(self.engine)
            self._migrated = True
            if not first_try:
                logger.warning("The database answers again; Prayat's tables are up to date")

    def _language(self, key: str) -> Known:
        self._ensure_tables()
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
        self._ensure_tables()
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
        self._ensure_tables(now=True)  # asked for by the person: worth a try every time
        with self.engine.begin() as conn:
            conn.execute(delete(users).where(users.c.id == key))
            conn.execute(delete(cases).where(cases.c.person == key))
            if inspect(conn).has_table(EVENTS_TABLE):
                conn.execute(text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :key"),
                             {"key": key})
        try:  # the rows are gone (committed) whatever happens here: the person is told so
            scrub(self.engine)
        except SQLAlchemyError as error:
            self._log_unavailable("the write-ahead log was not emptied after a deletion", error)

    def purge(self, days: int) -> dict[str, int]:
        """Delete conversations and people not seen for `days` days, and any conversation event
        older than that. Returns how many rows went, per table. A database error is raised: this
        is a maintainer's command, not a person's message."""
        self._ensure_tables(now=True)
        cutoff = dt.date.today() - dt.timedelta(days=days)
        cutoff_ts = dt.datetime.combine(cutoff, dt.time()).timestamp()
        with self.engine.begin() as conn:
            gone_users = conn.execute(delete(users).where(
                (users.c.last_seen < cutoff) | (users.c.last_seen.is_(None)
                                                 & (users.c.created_on < cutoff)))).rowcount
            # Closed cases past the retention time; an open one stays, however old.
            gone_cases = conn.execute(delete(cases).where(
                cases.c.closed_on.is_not(None) & (cases.c.closed_on < cutoff))).rowcount
            gone_events = 0
            if inspect(conn).has_table(EVENTS_TABLE):
                gone_events = conn.execute(text(
                    f"DELETE FROM {EVENTS_TABLE} WHERE timestamp < :cutoff"),
                    {"cutoff": cutoff_ts}).rowcount
        scrub(self.engine, rewrite=True)
        return {"users": gone_users, "conversation_events": gone_events, "cases": gone_cases}

    def _log_unavailable(self, what: str, error: BaseException) -> None:
        # Between two tries to reach a database that was down at start, the start's log line
        # has said it all: one line per message would bury the log.
        level = logging.DEBUG if isinstance(error, StorageUnavailable) else logging.ERROR
        logger.log(level, "Database unavailable, %s: %s", what, _reason(self.engine, error))

    def _ping(self) -> None:
        self._ensure_tables()  # "up" means ready: reachable, with Prayat's tables in place
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
            self._log_unavailable("answering without stored preferences", error)
            return Known(False, None, False)

    async def remember(self, key: str, language: str | None, only_if_new: bool = False,
                       chosen: bool = False) -> None:
        """Store the person's language: chosen with a button or /language, or read from their
        messages. `only_if_new` leaves a known person's language as it is."""
        try:
            await asyncio.to_thread(self._set_language, key, language, only_if_new, chosen)
        except SQLAlchemyError as error:
            self._log_unavailable("language not saved", error)

    def _write_counts(self, rows: list[dict[str, Any]]) -> None:
        self._ensure_tables()
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
            self._log_unavailable(f"{len(rows)} anonymous counts lost", error)

    async def erase(self, key: str) -> bool:
        """Everything about one person: their row and their whole conversation with Rasa.
        False if it could not be done (the database is down or refuses to write): nothing is
        half-deleted, as it runs in one transaction, and the person is told to try again."""
        try:
            await asyncio.to_thread(self._erase, key)
            return True
        except (SQLAlchemyError, OSError) as error:
            self._log_unavailable("a person's data could not be deleted", error)
            return False
