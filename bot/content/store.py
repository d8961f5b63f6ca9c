"""Live content: edits go live within seconds, and a broken edit never takes the bot down."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from bot.content.library import Library, load_library

logger = logging.getLogger(__name__)


class ContentError(Exception):
    """The content has errors and there is no earlier good version to fall back on."""


class ContentStore:
    """Holds the last good Library and reloads it when a file under the content folder changes.

    Checking for changes costs one stat per file, at most once per `interval` seconds, on the
    request path; there is no background thread to manage.
    """

    def __init__(self, root: Path, interval: float = 2.0) -> None:
        self.root = root
        self.interval = interval
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._signature = self._scan()
        lib = load_library(root)
        if lib.errors:
            raise ContentError("\n".join(str(p) for p in lib.errors))
        self._library = lib
        self.last_error: str | None = None

    def _scan(self) -> tuple[tuple[str, int, int], ...]:
        files = sorted(self.root.rglob("*"))
        return tuple(
            (str(p), st.st_mtime_ns, st.st_size)
            for p in files
            if p.is_file() and (st := p.stat())
        )

    @property
    def library(self) -> Library:
        now = time.monotonic()
        if now - self._checked_at >= self.interval:
            with self._lock:
                if now - self._checked_at >= self.interval:
                    self._checked_at = now
                    self._maybe_reload()
        return self._library

    def _maybe_reload(self) -> None:
        signature = self._scan()
        if signature == self._signature:
            return
        self._signature = signature
        lib = load_library(self.root)
        if lib.errors:
            self.last_error = "\n".join(str(p) for p in lib.errors)
            logger.error("Content edit refused; the last good content stays live:\n%s",
                         self.last_error)
            return
        self._library = lib
        self.last_error = None
        logger.info("Content reloaded from %s", self.root)
