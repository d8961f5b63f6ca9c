"""Hand-off cases in the database: metadata only, and the one place a chat id can be found.

A case row holds its random code, the day it opened and closed, its language, priority and
outcome, the forum topic it lives in, and the person's keyed hash (the same one every table uses,
so that /delete finds it). The chat it relays to is encrypted with PRAYAT_HANDOFF_KEY (Fernet:
AES-128 with an HMAC) and blanked when the case closes, after a grace period for a counsellor's
late reply; the times kept while a case is open (for reminders and inactivity) are blanked too.
Nothing a person or a counsellor writes is stored here or anywhere.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from bot.storage import cases

# Case codes: no 0/O or 1/I, so a counsellor can read one aloud.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PRIORITIES = ("urgent", "warning", "none")


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def cipher(secret: str) -> Fernet:
    """A Fernet key derived from the setting, so any long random string will do."""
    digest = hashlib.sha256(b"prayat hand-off chat ids\0" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@dataclass(frozen=True)
class Case:
    code: str
    person: str | None
    chat: int | None  # decrypted; None once the case is closed and its grace period is over
    topic: int | None
    language: str
    priority: str
    claimed: bool
    outcome: str | None
    opened_at: float | None
    closed: bool


class CaseStore:
    """Calls are synchronous (the desk runs them in a worker thread, see `run`)."""

    def __init__(self, engine: Engine, secret: str) -> None:
        self.engine = engine
        self._fernet = cipher(secret)

    async def run(self, method: str, *args: Any) -> Any:
        return await asyncio.to_thread(getattr(self, method), *args)

    def _case(self, row: Any) -> Case:
        chat = None
        if row.chat:
            try:
                chat = int(self._fernet.decrypt(row.chat.encode()).decode())
            except (InvalidToken, ValueError):
                chat = None  # a different key: the case cannot be reached any more
        return Case(row.code, row.person, chat, row.topic, row.language, row.priority,
                    bool(row.claimed), row.outcome, row.opened_at, row.closed_on is not None)

    def _one(self, where: Any) -> Case | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(cases).where(where)).first()
        return self._case(row) if row is not None else None

    def open_case(self, person: str, chat: int, language: str, priority: str,
                  remind_after: float | None, now: float | None = None) -> tuple[Case, bool]:
        """The person's open case, or a new one: (case, whether it is new)."""
        now = time.time() if now is None else now
        existing = self.of_person(person)
        if existing is not None:
            return existing, False
        code = new_code()
        token = self._fernet.encrypt(str(chat).encode()).decode()
        with self.engine.begin() as conn:
            while conn.execute(select(cases.c.code).where(cases.c.code == code)).first():
                code = new_code()
            conn.execute(cases.insert().values(
                code=code, person=person, chat=token, language=language, priority=priority,
                claimed=False, opened_on=dt.date.today(), opened_at=now, active_at=now,
                remind_at=None if remind_after is None or priority != "urgent"
                else now + remind_after))
        return self.by_code(code), True  # type: ignore[return-value]

    def of_person(self, person: str) -> Case | None:
        """The person's open case, if any."""
        return self._one((cases.c.person == person) & cases.c.closed_on.is_(None))

    def by_code(self, code: str) -> Case | None:
        return self._one(cases.c.code == code)

    def by_topic(self, topic: int) -> Case | None:
        """The case of a topic: an open one first (a topic number of an earlier operator group
        may come again in a new one), then the one still reachable, then the latest."""
        with self.engine.connect() as conn:
            row = conn.execute(select(cases).where(cases.c.topic == topic).order_by(
                cases.c.closed_on.is_not(None), cases.c.chat.is_(None),
                cases.c.opened_on.desc()).limit(1)).first()
        return self._case(row) if row is not None else None

    def set_topic(self, code: str, topic: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(cases).where(cases.c.code == code).values(topic=topic))

    def touch(self, code: str, now: float | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(cases).where((cases.c.code == code) & cases.c.closed_on.is_(None))
                         .values(active_at=time.time() if now is None else now))

    def claim(self, code: str, now: float | None = None) -> float | None:
        """Minutes the case waited, or None if it was already claimed or is closed."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            row = conn.execute(select(cases.c.opened_at).where(
                (cases.c.code == code) & cases.c.claimed.is_(False) & cases.c.closed_on.is_(None)
            )).first()
            if row is None:
                return None
            done = conn.execute(update(cases).where(
                (cases.c.code == code) & cases.c.claimed.is_(False)).values(
                claimed=True, remind_at=None)).rowcount
        return max(0.0, (now - (row.opened_at or now)) / 60) if done else None

    def make_urgent(self, code: str, remind_after: float | None, now: float | None = None
                    ) -> bool:
        """Raise the priority; True if it changed."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            row = conn.execute(select(cases.c.priority, cases.c.claimed)
                               .where(cases.c.code == code)).first()
            if row is None or row.priority == "urgent":
                return False
            conn.execute(update(cases).where(cases.c.code == code).values(
                priority="urgent", remind_at=None if row.claimed or remind_after is None
                else now + remind_after))
        return True

    def remind_later(self, code: str, at: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(cases).where(cases.c.code == code).values(remind_at=at))

    def close(self, code: str, outcome: str, grace: float, now: float | None = None
              ) -> Case | None:
        """Close an open case: the times go, the chat stays `grace` seconds (none: at once)."""
        now = time.time() if now is None else now
        before = self.by_code(code)
        if before is None or before.closed:
            return None
        values: dict[str, Any] = {"outcome": outcome, "closed_on": dt.date.today(),
                                  "opened_at": None, "active_at": None, "remind_at": None}
        if grace > 0:
            values["forget_at"] = now + grace
        else:
            values["chat"] = None
        with self.engine.begin() as conn:
            conn.execute(update(cases).where(cases.c.code == code).values(**values))
        return before

    def forget_due(self, now: float | None = None) -> int:
        """Blank the chats whose grace period is over."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            return conn.execute(update(cases).where(
                cases.c.forget_at.is_not(None) & (cases.c.forget_at <= now))
                .values(chat=None, forget_at=None)).rowcount

    def reminders_due(self, now: float | None = None) -> list[Case]:
        now = time.time() if now is None else now
        with self.engine.connect() as conn:
            rows = conn.execute(select(cases).where(
                cases.c.closed_on.is_(None) & cases.c.claimed.is_(False)
                & cases.c.remind_at.is_not(None) & (cases.c.remind_at <= now))).fetchall()
        return [self._case(r) for r in rows]

    def idle(self, idle_seconds: float, now: float | None = None) -> list[Case]:
        now = time.time() if now is None else now
        with self.engine.connect() as conn:
            rows = conn.execute(select(cases).where(
                cases.c.closed_on.is_(None) & (cases.c.active_at < now - idle_seconds))).fetchall()
        return [self._case(r) for r in rows]

    def topics_of(self, person: str) -> list[tuple[str, int | None]]:
        """Every case of the person, open or closed: (code, topic)."""
        with self.engine.connect() as conn:
            return [(r.code, r.topic) for r in conn.execute(
                select(cases.c.code, cases.c.topic).where(cases.c.person == person))]

    def erase(self, person: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(cases).where(cases.c.person == person))
