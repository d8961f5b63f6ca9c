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

from sqlalchemy import Column, Date, MetaData, String, Table, create_engine, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

logger = logging.getLogger(__name__)

metadata = MetaData()

users = Table(
    "prayat_users",
    metadata,
    # HMAC-SHA256 of the Telegram id under a secret pepper: the same person maps to the same row,
    # but the row cannot be traced back to an account without the secret.
    Column("id", String(64), primary_key=True),
    Column("language", String(8), nullable=True),
    Column("created_on", Date, nullable=False),  # a day, not a timestamp: less to identify
)


def user_key(pepper: bytes, user_id: str) -> str:
    """The keyed hash that stands for a person everywhere: database key and Rasa sender id."""
    return hmac.new(pepper, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def make_engine(url: str) -> Engine:
    kwargs: dict = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
    return create_engine(url, **kwargs)


class UserStore:
    """Users' language preferences. Calls run in a worker thread so the event loop never waits
    on the database. If the database is down the bot keeps answering, without memory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def _language(self, key: str) -> tuple[bool, str | None]:
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.language).where(users.c.id == key)).first()
        return (row is not None, row.language if row else None)

    def _set_language(self, key: str, language: str | None, only_if_new: bool) -> None:
        with self.engine.begin() as conn:
            exists = conn.execute(select(users.c.id).where(users.c.id == key)).first()
            if exists is None:
                try:
                    conn.execute(users.insert().values(
                        id=key, language=language, created_on=dt.date.today()))
                except IntegrityError:  # created by a concurrent message of the same person
                    pass
            elif not only_if_new:
                conn.execute(users.update().where(users.c.id == key).values(language=language))

    def _forget(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(users).where(users.c.id == key))

    async def lookup(self, key: str) -> tuple[bool, str | None]:
        """(known, language) for a user; (False, None) if the database cannot be reached."""
        try:
            return await asyncio.to_thread(self._language, key)
        except SQLAlchemyError as error:
            logger.error("Database unavailable, answering without stored preferences: %s", error)
            return (False, None)

    async def remember(self, key: str, language: str | None, only_if_new: bool = False) -> None:
        try:
            await asyncio.to_thread(self._set_language, key, language, only_if_new)
        except SQLAlchemyError as error:
            logger.error("Database unavailable, language not saved: %s", error)

    async def forget(self, key: str) -> None:
        await asyncio.to_thread(self._forget, key)
