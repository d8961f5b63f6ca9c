"""Per-person flood control: one account sending hundreds of messages must not slow the bot
down for everyone else. Emergencies are never held back: past the limit, the first one of a flood
is answered from the safety floor (no dialogue), and the same person's later ones in that flood
are not answered again, so that repeating an emergency phrase cannot slow everyone down."""

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
        self._emergency_answered: set[str] = set()

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
            self._emergency_answered.discard(key)
            return "ok"
        if key in self._warned:
            return "drop"
        self._warned.add(key)
        return "warn"

    def first_emergency(self, key: str) -> bool:
        """Whether an emergency past the limit is this flood's first (asked only past the limit)."""
        if key in self._emergency_answered:
            return False
        self._emergency_answered.add(key)
        return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, t in self._seen.items() if not t or now - t[-1] > self.window]:
            del self._seen[key]
            self._warned.discard(key)
            self._emergency_answered.discard(key)
