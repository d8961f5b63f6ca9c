"""Live content: edits go live within seconds, and a broken edit never takes the bot down."""

from __future__ import annotations

import logging
import os
import pickle
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

    With a `snapshot` file, the last good library is also kept on disk, so a bot restarted while
    a broken edit is still in place serves the last good content instead of refusing to start.
    """

    def __init__(self, root: Path, interval: float = 2.0, snapshot: Path | None = None) -> None:
        self.root = root
        self.interval = interval
        self.snapshot = snapshot
        self._lock = threading.Lock()
        self._checked_at = time.monotonic()
        self._signature = self._scan()
        self.last_error: str | None = None
        lib = load_library(root)
        if lib.errors:
            self.last_error = "\n".join(str(p) for p in lib.errors)
            saved = self._load_snapshot()
            if saved is None:
                raise ContentError(self.last_error)
            logger.error("The content has errors; serving the last good version saved at %s:\n%s",
                         snapshot, self.last_error)
            lib = saved
        else:
            self._save_snapshot(lib)
        self._library = lib

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
        self._save_snapshot(lib)
        logger.info("Content reloaded from %s", self.root)

    def _load_snapshot(self) -> Library | None:
        if self.snapshot is None or not self.snapshot.exists():
            return None
        try:
            with self.snapshot.open("rb") as file:
                lib = pickle.load(file)  # noqa: S301 - a file this class wrote itself
        except Exception as error:  # noqa: BLE001 - an unreadable snapshot is no snapshot
            logger.error("Could not read the content snapshot %s: %s", self.snapshot, error)
            return None
        return lib if isinstance(lib, Library) else None

    def _save_snapshot(self, lib: Library) -> None:
        if self.snapshot is None:
            return
        try:
            self.snapshot.parent.mkdir(parents=True, exist_ok=True)
            partial = self.snapshot.with_name(f"{self.snapshot.name}.{os.getpid()}.tmp")
            with partial.open("wb") as file:
                pickle.dump(lib, file)
            partial.replace(self.snapshot)  # atomic: two processes may share the file
        except OSError as error:
            logger.error("Could not save the content snapshot %s: %s", self.snapshot, error)
