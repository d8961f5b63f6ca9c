"""Per-person flood control: one account sending hundreds of messages must not slow the bot
down for everyone else. Emergencies are never held back."""

from __future__ import annotations

import time
from collections import deque


class FloodGuard:
    """At most `limit` messages per `window` seconds per person, in this process.

    Past the limit the first extra message gets a "slow down" answer and later ones get none,
    until the window has room again.
    """

    def __init__(self, limit: int = 30, window: float = 60.0, max_people: int = 100_000) -> None:
        self.limit, self.window, self.max_people = limit, window, max_people
        self._seen: dict[str, deque[float]] = {}
        self._warned: set[str] = set()

    def check(self, key: str, now: float | None = None) -> str:
        """'ok', 'warn' (answer with the slow-down text) or 'drop' (say nothing more)."""
        now = time.monotonic() if now is None else now
        times = self._seen.get(key)
        if times is None:
            if len(self._seen) >= self.max_people:
                self._forget_idle(now)
            times = self._seen[key] = deque()
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._warned.discard(key)
            return "ok"
        if key in self._warned:
            return "drop"
        self._warned.add(key)
        return "warn"

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, t in self._seen.items() if not t or now - t[-1] > self.window]:
            del self._seen[key]
            self._warned.discard(key)
