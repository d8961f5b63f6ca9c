"""The Rasa server, reached over its REST channel."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.content import Reply

logger = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer in time or answered with an error."""


class RasaClient:
    def __init__(self, url: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
        self._http = httpx.AsyncClient(timeout=timeout, limits=limits)

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[Reply]:
        """Send one message; return the replies as structured content replies."""
        try:
            response = await self._http.post(
                f"{self.url}/webhooks/rest/webhook",
                json={"sender": sender, "message": message, "metadata": metadata},
            )
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(f"{type(error).__name__}: {error}") from error
        return [reply for m in messages if (reply := _as_reply(m)) is not None]

    async def ready(self) -> bool:
        try:
            return (await self._http.get(f"{self.url}/")).status_code == 200
        except httpx.HTTPError:
            return False

    async def close(self) -> None:
        await self._http.aclose()


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
