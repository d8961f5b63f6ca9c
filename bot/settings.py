"""Every setting comes from the environment; .env.example documents each one."""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import CONTENT_ROOT


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def _ids(name: str) -> frozenset[int]:
    """Telegram ids, comma-separated."""
    return frozenset(int(x) for x in (_env(name, "") or "").split(",") if x.strip().isdigit())


def _int(value: str | None) -> int | None:
    """A chat id: supergroups' are negative (-100...)."""
    try:
        return int(value) if value else None
    except ValueError:
        raise SystemExit(f"Not a chat id: {value!r} (a supergroup's id looks like -1001234567890)") from None


def _default_secrets_dir() -> str:
    config = _env("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return str(Path(config) / "prayat")


MAKE_PEPPER = 'python -c "import secrets; print(secrets.token_hex(32))"'


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
    admin_ids: frozenset[int] = field(default_factory=lambda: _ids("PRAYAT_ADMIN_IDS"))
    rasa_url: str | None = field(default_factory=lambda: _env("RASA_URL"))
    rasa_port: int = field(default_factory=lambda: int(_env("PRAYAT_RASA_PORT", "5005")))
    # Rasa servers `prayat serve` starts, on consecutive ports from PRAYAT_RASA_PORT; each person
    # is always sent to the same one (bot/dialogue/rasa_client.py). About 700 MB of memory each.
    rasa_replicas: int = field(default_factory=lambda: int(_env("PRAYAT_RASA_REPLICAS", "1")))
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
    # Where a local run keeps the pepper it made: never the data folder it protects.
    secrets_dir: Path = field(
        default_factory=lambda: Path(_env("PRAYAT_SECRETS_DIR", _default_secrets_dir()))
    )
    # Conversations and inactive users are deleted after this many days (`prayat purge`).
    retention_days: int = field(default_factory=lambda: int(_env("PRAYAT_RETENTION_DAYS", "30")))
    # The servers' logs (which hold no words people typed) are kept a file a day, this many days.
    log_days: int = field(default_factory=lambda: int(_env("PRAYAT_LOG_DAYS", "7")))

    # Talk to a person (bot/handoff/): the operator group (a supergroup with topics), who may act
    # in it, and what the consent text tells people. No group: the hand-off is never offered.
    handoff_group: int | None = field(default_factory=lambda: _int(_env("PRAYAT_HANDOFF_GROUP")))
    counsellor_ids: frozenset[int] = field(default_factory=lambda: _ids("PRAYAT_COUNSELLOR_IDS"))
    handoff_key: str | None = field(default_factory=lambda: _env("PRAYAT_HANDOFF_KEY"))
    # Unset: "the organisation that runs this bot", in the reader's language (label handoff.organisation).
    handoff_organisation: str | None = field(default_factory=lambda: _env("PRAYAT_HANDOFF_ORGANISATION"))
    handoff_hours: str = field(default_factory=lambda: _env("PRAYAT_HANDOFF_HOURS", "mon-fri 08:00-17:00"))
    handoff_timezone: str = field(default_factory=lambda: _env("PRAYAT_HANDOFF_TIMEZONE", "Asia/Phnom_Penh"))
    handoff_wait_minutes: int = field(default_factory=lambda: int(_env("PRAYAT_HANDOFF_WAIT_MINUTES", "30")))
    handoff_language: str = field(default_factory=lambda: _env("PRAYAT_HANDOFF_LANGUAGE", "en"))
    handoff_remind_minutes: float = field(
        default_factory=lambda: float(_env("PRAYAT_HANDOFF_REMIND_MINUTES", "10")))
    handoff_idle_minutes: float = field(
        default_factory=lambda: float(_env("PRAYAT_HANDOFF_IDLE_MINUTES", "1440")))
    handoff_grace_minutes: float = field(
        default_factory=lambda: float(_env("PRAYAT_HANDOFF_GRACE_MINUTES", "30")))

    @property
    def content_snapshot(self) -> Path:
        return self.data_dir / "content-last-good.pickle"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'prayat.db'}"

    @property
    def legacy_pepper(self) -> Path:
        """Where earlier versions kept a generated pepper: beside the data it protects."""
        return self.data_dir / "pepper"

    def private_data_dir(self) -> Path:
        """The data folder and its logs folder, created (or tightened) to 0700."""
        for folder in (self.data_dir, self.data_dir / "logs"):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.chmod(0o700)
        return self.data_dir

    def secret_pepper(self) -> bytes:
        """The key for hashing Telegram ids. Production sets PRAYAT_PEPPER (`prayat serve`
        insists); a local run gets a random one kept in the secrets folder (0700, the file 0600),
        so hashes stay stable between runs."""
        if self.pepper:
            return self.pepper.encode()
        folder = self.secrets_dir
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
        path = folder / "pepper"
        if not path.exists():
            legacy = self.legacy_pepper
            value = legacy.read_text().strip() if legacy.is_file() else secrets.token_hex(32)
            # Private from the first byte, and whole or absent: written to a file of this
            # process's own, then linked into place (two runs at once keep the first one).
            draft = folder / f".pepper.{os.getpid()}"
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w") as file:
                    file.write(value)
                    file.flush()
                    os.fsync(file.fileno())
                with contextlib.suppress(FileExistsError):
                    os.link(draft, path)
            finally:
                draft.unlink()
            if legacy.is_file() and path.read_text().strip() == value:
                legacy.unlink()
        return path.read_text().strip().encode()
