"""The Rasa server, reached over its REST channel; or several replicas of it.

With several replicas, each person always goes to the same one (rendezvous hashing of the keyed
sender id), so one replica handles all of a person's messages, one at a time, under its own
in-memory lock. That is why the replicas need no shared lock store: Rasa 3.6's RedisLockStore is
not safe across replicas (it reads, changes and writes the lock without a transaction), and the
bot already sends one person's messages one at a time, in order (bot/channels/telegram.py). A
replica that refuses the connection or does not open one within a second (stopped, crashed,
restarting) is skipped for a few seconds, and the message goes to the next replica in that
person's order: the conversation continues there, from the same database. The person then stays
on that replica for two minutes after their last message, because the first one may still be
working on a message of theirs that timed out. A replica that fails after the message reached it
is not asked again (the message may have been handled): the bot answers from the safety floor,
as with one replica.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.content import Reply

logger = logging.getLogger(__name__)

# Seconds a replica that refused a connection is passed over before it is tried again.
RETRY_DOWN_AFTER = 5.0
# A person sent to another replica stays there until this long after their last message: their
# home replica may still be working on a message that timed out here (Rasa's database calls and
# policies do not stop when the bot stops waiting), and two replicas must never handle one person
# at once.
STAY_AFTER_FAILOVER = 120.0
# Seconds to open a connection: a replica on another host that does not answer is passed over
# (nothing was sent to it) instead of holding the message for the whole timeout.
CONNECT_TIMEOUT = 1.0


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer in time or answered with an error."""


def replica_urls(value: str) -> list[str]:
    """RASA_URL: one address, or several separated by commas."""
    return [u.strip().rstrip("/") for u in value.split(",") if u.strip()]


class RasaClient:
    def __init__(self, url: str | Sequence[str], timeout: float) -> None:
        self.urls = replica_urls(url) if isinstance(url, str) else [u.rstrip("/") for u in url]
        if not self.urls:
            raise ValueError("no Rasa server address")
        self.url = self.urls[0]
        self.timeout = timeout
        # aiohttp, not httpx: httpcore's pool looks at every open connection for each request,
        # which under fifty people at once made this client a third of the bot's CPU.
        self._http: aiohttp.ClientSession | None = None
        self._down_until: dict[str, float] = {}
        self.answered = Counter[str]()  # replies by replica, for the health report and tests
        self.failovers = 0
        self._moved: dict[str, tuple[str, float]] = {}  # person -> (replica, until)

    def replicas_for(self, sender: str) -> list[str]:
        """The replicas in this person's order: the first unless it is down, then the next."""
        if len(self.urls) == 1:
            return self.urls
        return sorted(self.urls, key=lambda url: hashlib.sha256(
            f"{url}\0{sender}".encode()).digest(), reverse=True)

    def _order(self, sender: str, now: float) -> list[str]:
        order = self.replicas_for(sender)
        moved = self._moved.get(sender)
        if moved is not None:
            if moved[1] > now:
                return [moved[0], *(u for u in order if u != moved[0])]
            del self._moved[sender]
        return order

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[Reply]:
        """Send one message; return the replies as structured content replies."""
        now = time.monotonic()
        order = self._order(sender, now)
        candidates = [u for u in order if self._down_until.get(u, 0.0) <= now] or order
        body = json.dumps({"sender": sender, "message": message, "metadata": metadata})
        for n, url in enumerate(candidates):
            try:
                async with self._session().post(
                        f"{url}/webhooks/rest/webhook", data=body,
                        headers={"Content-Type": "application/json"},
                        timeout=aiohttp.ClientTimeout(
                            total=self.timeout, sock_connect=min(CONNECT_TIMEOUT, self.timeout))
                ) as response:
                    response.raise_for_status()
                    messages = json.loads(await response.read())
            except (aiohttp.ClientConnectorError, aiohttp.ServerTimeoutError) as error:
                if isinstance(error, aiohttp.ServerTimeoutError) and \
                        not str(error).startswith("Connection timeout"):  # aiohttp 3.9's wording
                    raise RasaUnavailable(f"{type(error).__name__}: {error}") from error
                # Never reached it: the next replica may take it.
                self._down_until[url] = time.monotonic() + RETRY_DOWN_AFTER
                if n + 1 < len(candidates):
                    logger.warning("Rasa at %s refused the connection; trying the next replica", url)
                    self.failovers += 1
                    continue
                raise RasaUnavailable(f"{type(error).__name__}: {error}") from error
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                raise RasaUnavailable(f"{type(error).__name__}: {error}") from error
            if not isinstance(messages, list):
                raise RasaUnavailable(f"Rasa answered {type(messages).__name__}, not a list")
            self._down_until.pop(url, None)
            if url != order[0] or sender in self._moved:
                if len(self._moved) > 100_000:  # forget the stays that are over
                    self._moved = {k: v for k, v in self._moved.items() if v[1] > now}
                self._moved[sender] = (url, time.monotonic() + STAY_AFTER_FAILOVER)
            self.answered[url] += 1
            return [reply for m in messages if (reply := _as_reply(m)) is not None]
        raise RasaUnavailable("no Rasa replica")  # not reached: candidates is never empty

    def _session(self) -> aiohttp.ClientSession:
        """Made on first use, inside the event loop that uses it."""
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        return self._http

    async def ready(self) -> bool:
        """Whether every replica answers."""
        for url in self.urls:
            try:
                async with self._session().get(f"{url}/", timeout=aiohttp.ClientTimeout(
                        total=self.timeout)) as response:
                    if response.status != 200:
                        return False
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return False
        return True

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


def _as_reply(message: dict[str, Any]) -> Reply | None:
    """Actions send content as custom payloads; anything Rasa utters on its own is kept as text."""
    custom = message.get("custom")
    if isinstance(custom, dict) and "text" in custom:
        return {
            "text": str(custom["text"]),
            "topic": custom.get("topic", "fallback"),
            "content": list(custom.get("content", [])),
            "buttons": list(custom.get("buttons", [])),
            "image": custom.get("image"),
            # Anonymous counts an action asks the bot to record (taken off before sending).
            "counts": {str(k): [str(v) for v in vs] for k, vs in (custom.get("counts") or {}).items()},
        }
    if message.get("text"):
        logger.warning("Rasa sent text that did not come from content: %r", message["text"][:80])
    return None
