"""Every setting comes from the environment; .env.example documents each one."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import CONTENT_ROOT


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None = field(default_factory=lambda: _env("TELEGRAM_BOT_TOKEN"))
    telegram_base_url: str | None = field(default_factory=lambda: _env("PRAYAT_TELEGRAM_BASE_URL"))
    webhook_url: str | None = field(default_factory=lambda: _env("PRAYAT_WEBHOOK_URL"))
    webhook_secret: str | None = field(default_factory=lambda: _env("PRAYAT_WEBHOOK_SECRET"))
    webhook_listen: str = field(default_factory=lambda: _env("PRAYAT_WEBHOOK_LISTEN", "127.0.0.1"))
    webhook_port: int = field(default_factory=lambda: int(_env("PRAYAT_WEBHOOK_PORT", "8443")))
    health_port: int = field(default_factory=lambda: int(_env("PRAYAT_HEALTH_PORT", "8081")))
    # Telegram user ids allowed to use staff commands (/status), comma-separated.
    admin_ids: frozenset[int] = field(default_factory=lambda: frozenset(
        int(x) for x in (_env("PRAYAT_ADMIN_IDS", "") or "").split(",") if x.strip().isdigit()))
    rasa_url: str | None = field(default_factory=lambda: _env("RASA_URL"))
    rasa_port: int = field(default_factory=lambda: int(_env("PRAYAT_RASA_PORT", "5005")))
    actions_port: int = field(default_factory=lambda: int(_env("PRAYAT_ACTIONS_PORT", "5055")))
    rasa_timeout: float = field(default_factory=lambda: float(_env("PRAYAT_RASA_TIMEOUT", "3")))
    data_dir: Path = field(
        default_factory=lambda: Path(_env("PRAYAT_DATA_DIR", str(PROJECT_ROOT / "var")))
    )
    content_dir: Path = field(
        default_factory=lambda: Path(_env("PRAYAT_CONTENT_DIR", str(CONTENT_ROOT)))
    )
    database_url: str | None = field(default_factory=lambda: _env("DATABASE_URL"))
    pepper: str | None = field(default_factory=lambda: _env("PRAYAT_PEPPER"))
    # Conversations and inactive users are deleted after this many days (`prayat purge`).
    retention_days: int = field(default_factory=lambda: int(_env("PRAYAT_RETENTION_DAYS", "30")))

    @property
    def content_snapshot(self) -> Path:
        return self.data_dir / "content-last-good.pickle"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'prayat.db'}"

    def secret_pepper(self) -> bytes:
        """The key for hashing Telegram ids. Production sets PRAYAT_PEPPER; a local run gets a
        random one kept in the data folder, so hashes stay stable between runs."""
        if self.pepper:
            return self.pepper.encode()
        path = self.data_dir / "pepper"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip().encode()
