"""What Prayat writes is for its own user alone, and the pepper is never beside the data it
protects (red-team row 47); and `prayat purge --days 0` means 0."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.settings import Settings
from bot.storage import make_engine, migrate, users
from tests.conftest import free_port
from tests.fake_telegram import TOKEN

PRAYAT = [sys.executable, "-m", "bot.cli"]
MAKE_PEPPER = 'python -c "import secrets; print(secrets.token_hex(32))"'


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    """The usual umask of a login shell, so the test shows what Prayat sets itself."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("RASA_URL", "PRAYAT_PEPPER", "TELEGRAM_BOT_TOKEN", "PRAYAT_TELEGRAM_BASE_URL",
                        "DATABASE_URL")}
    return {**env, "PRAYAT_DATA_DIR": str(tmp_path / "data"),
            "PRAYAT_SECRETS_DIR": str(tmp_path / "secrets"), **extra}


def loose(path: Path) -> bool:
    return bool(stat.S_IMODE(path.lstat().st_mode) & 0o077)


def port_is_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.stack
def test_everything_the_chat_and_its_servers_write_is_private(tmp_path):
    from bot.dialogue.model import ensure_model

    ensure_model()
    env = clean_env(tmp_path, PRAYAT_RASA_PORT=str(free_port()),
                    PRAYAT_ACTIONS_PORT=str(free_port()), PRAYAT_RASA_TIMEOUT="30")
    with umask(0o022):
        done = subprocess.run([*PRAYAT, "chat", "--jsonl"], env=env, capture_output=True,
                              text=True, timeout=300,
                              input=json.dumps({"user": "p", "text": "is a job in Poipet safe?"}) + "\n")
    assert done.returncode == 0, done.stderr
    [answer] = [json.loads(line) for line in done.stdout.splitlines()]
    assert answer["replies"]

    data = tmp_path / "data"
    written = [data, *sorted(data.rglob("*"))]
    names = {str(p.relative_to(data)) for p in written[1:]}
    # The SQLite file with Rasa's conversations and Prayat's tables, both servers' logs, and the
    # content snapshot: each made by a different process.
    assert {"prayat.db", "logs", "logs/rasa.log", "logs/actions.log",
            "content-last-good.pickle"} <= names, names
    assert [str(p) for p in written if loose(p)] == []
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "logs").stat().st_mode) == 0o700

    pepper = tmp_path / "secrets" / "pepper"
    assert stat.S_IMODE(pepper.stat().st_mode) == 0o600
    assert stat.S_IMODE(pepper.parent.stat().st_mode) == 0o700
    value = pepper.read_bytes().strip()
    assert len(value) == 64
    assert "pepper" not in names
    assert not any(value in p.read_bytes() for p in written if p.is_file())


def test_serve_without_a_pepper_refuses_before_starting_anything(tmp_path):
    rasa_port, actions_port, health_port = free_port(), free_port(), free_port()
    env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, PRAYAT_RASA_PORT=str(rasa_port),
                    PRAYAT_ACTIONS_PORT=str(actions_port), PRAYAT_HEALTH_PORT=str(health_port))
    started = time.monotonic()
    done = subprocess.run([*PRAYAT, "serve"], env=env, capture_output=True, text=True, timeout=30)
    assert time.monotonic() - started < 10
    assert done.returncode != 0
    [message] = done.stderr.strip().splitlines()
    assert "PRAYAT_PEPPER" in message and MAKE_PEPPER in message
    assert done.stdout == ""
    # No server was started: nothing listens, and neither the data folder (Rasa's and the action
    # server's logs) nor a generated pepper exists.
    assert not any(map(port_is_open, (rasa_port, actions_port, health_port)))
    assert not (tmp_path / "data").exists() and not (tmp_path / "secrets").exists()

    # Someone who ran an earlier version without PRAYAT_PEPPER is told where that pepper is.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "pepper").write_text("0" * 64)
    done = subprocess.run([*PRAYAT, "serve"], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert str(tmp_path / "data" / "pepper") in done.stderr.strip()


@pytest.mark.parametrize("secret", [None, "bad secret!"])
def test_a_webhook_without_a_valid_secret_is_refused_before_starting_anything(tmp_path, secret):
    rasa_port, actions_port = free_port(), free_port()
    env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, PRAYAT_PEPPER="p" * 64,
                    PRAYAT_WEBHOOK_URL="https://bot.example.org/telegram",
                    PRAYAT_RASA_PORT=str(rasa_port), PRAYAT_ACTIONS_PORT=str(actions_port))
    if secret:
        env["PRAYAT_WEBHOOK_SECRET"] = secret
    started = time.monotonic()
    done = subprocess.run([*PRAYAT, "serve"], env=env, capture_output=True, text=True, timeout=30)
    assert time.monotonic() - started < 10 and done.returncode == 2
    assert "PRAYAT_WEBHOOK_SECRET" in done.stderr
    assert not any(map(port_is_open, (rasa_port, actions_port)))


def test_a_local_pepper_is_made_private_and_moved_out_of_the_data_folder(tmp_path):
    data, secrets = tmp_path / "data", tmp_path / "secrets"
    data.mkdir()
    (data / "pepper").write_text("ab" * 32 + "\n")  # where earlier versions kept it
    settings = Settings(pepper=None, data_dir=data, secrets_dir=secrets)
    with umask(0o022):
        assert settings.secret_pepper() == b"ab" * 32  # the same people stay the same people
        assert not (data / "pepper").exists()
        assert stat.S_IMODE((secrets / "pepper").stat().st_mode) == 0o600
        assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
        assert sorted(p.name for p in secrets.iterdir()) == ["pepper"]
        assert settings.secret_pepper() == b"ab" * 32

        fresh = Settings(pepper=None, data_dir=tmp_path / "other", secrets_dir=tmp_path / "new")
        made = fresh.secret_pepper()
        assert len(made) == 64 and made == fresh.secret_pepper() and made != b"ab" * 32
        assert not (tmp_path / "other").exists()
    assert Settings(pepper="set-in-production", secrets_dir=tmp_path / "unused").secret_pepper() \
        == b"set-in-production"
    assert not (tmp_path / "unused").exists()


def test_purge_days_0_deletes_everything_before_today(tmp_path):
    url = f"sqlite:///{tmp_path / 'prayat.db'}"
    engine = make_engine(url)
    migrate(engine)
    today = dt.date.today()
    old = dt.datetime.combine(today - dt.timedelta(days=5), dt.time()).timestamp()
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, timestamp REAL)"))
        conn.execute(text("INSERT INTO events (timestamp) VALUES (:t)"), {"t": old})
        for key, days_ago in (("recent", 5), ("old", 40)):
            day = today - dt.timedelta(days=days_ago)
            conn.execute(users.insert().values(id=key, created_on=day, last_seen=day))

    def purge(*args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k != "PRAYAT_RETENTION_DAYS"}
        done = subprocess.run([*PRAYAT, "purge", *args], env={**env, "DATABASE_URL": url},
                              capture_output=True, text=True, timeout=60, check=True)
        return done.stdout

    def left() -> tuple[list[str], int]:
        with engine.connect() as conn:
            return (sorted(conn.execute(users.select()).scalars()),
                    conn.execute(text("SELECT count(*) FROM events")).scalar_one())

    assert "30 days: 1 people, 0 conversation events" in purge()  # the default retention
    assert left() == (["recent"], 1)
    assert "0 days: 1 people, 1 conversation events" in purge("--days", "0")
    assert left() == ([], 0)
    engine.dispose()
