"""deploy/backup and deploy/restore against real databases: a PostgreSQL database of its own on
the test server (PRAYAT_TEST_POSTGRES_URL, as the other PostgreSQL tests), and a SQLite file. What
an operator sees: private dump files, old ones gone after the retention, and a person deleted
after the backup back again after a restore."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.storage import UserStore, make_engine, user_key
from tests.conftest import PEPPER, postgres_engine
from tests.deploy.nginx_site import DEPLOY

DAY = 24 * 3600
KEY = user_key(PEPPER, "telegram:4242")


def run(script: str, env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A script as the service (or the operator) runs it: its settings from the env file only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRAYAT_", "DATABASE_URL", "PG"))}
    env["PRAYAT_ENV_FILE"] = str(env_file)
    return subprocess.run([str(DEPLOY / script), *args], capture_output=True, text=True, env=env, timeout=120)


def dumps(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.glob(f"prayat-*{suffix}"))


def age(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


@pytest.fixture
def throwaway_database():
    """A PostgreSQL database for this test alone, dropped afterwards."""
    server = postgres_engine()  # skips, or fails with PRAYAT_REQUIRE_POSTGRES, if there is no server
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("PostgreSQL answers but pg_dump / pg_restore are not installed (postgresql-client)")
    name = f"prayat_backup_test_{secrets.token_hex(4)}"
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.mark.postgres
async def test_postgres_backup_retention_and_restore(throwaway_database, tmp_path):
    backups = tmp_path / "backups"
    env_file = tmp_path / "prayat.env"
    env_file.write_text(f"DATABASE_URL={throwaway_database}\nPRAYAT_BACKUP_DIR={backups}\nPRAYAT_BACKUP_DAYS=7\n")
    engine = make_engine(throwaway_database)
    store = UserStore(engine)
    await store.remember(KEY, "km")

    first = run("backup", env_file)
    assert first.returncode == 0, first.stderr
    [dump] = dumps(backups, ".dump")
    assert dump.stat().st_mode & 0o777 == 0o600
    assert backups.stat().st_mode & 0o777 == 0o700
    assert str(dump) in first.stdout

    # Ten days later: that dump is past the retention, one of two days ago is not.
    old = dump.rename(backups / "prayat-20000101T000000Z.dump")
    age(old, 10)
    recent = backups / "prayat-20000109T000000Z.dump"
    shutil.copy2(old, recent)
    age(recent, 2)
    second = run("backup", env_file)
    assert second.returncode == 0, second.stderr
    assert not old.exists()
    assert f"deleted {old}" in second.stdout
    fresh = [d for d in dumps(backups, ".dump") if d != recent]
    assert recent.exists() and len(fresh) == 1
    assert not list(backups.glob(".*"))  # no temporary file left

    assert await store.erase(KEY)
    assert not (await store.lookup(KEY)).known
    engine.dispose()

    refused = run("restore", env_file, str(fresh[0]))  # no --yes: nothing happens
    assert refused.returncode != 0 and "--yes" in refused.stdout
    assert not (await UserStore(make_engine(throwaway_database)).lookup(KEY)).known

    restored = run("restore", env_file, "--yes", str(fresh[0]))
    assert restored.returncode == 0, restored.stderr
    assert "prayat purge" in restored.stdout
    back = make_engine(throwaway_database)
    person = await UserStore(back).lookup(KEY)
    assert (person.known, person.language) == (True, "km")
    back.dispose()


async def test_sqlite_backup_and_restore(tmp_path):
    data, backups = tmp_path / "data", tmp_path / "backups"
    data.mkdir()
    env_file = tmp_path / "prayat.env"
    # No DATABASE_URL: the SQLite file in the data folder, as `prayat serve` would use.
    env_file.write_text(f"PRAYAT_DATA_DIR={data}\nPRAYAT_BACKUP_DIR={backups}\n")
    engine = make_engine(f"sqlite:///{data / 'prayat.db'}")
    store = UserStore(engine)
    await store.remember(KEY, "zh")

    made = run("backup", env_file)  # while the database is open, as it is while the bot runs
    assert made.returncode == 0, made.stderr
    [copy] = dumps(backups, ".sqlite3")
    assert copy.stat().st_mode & 0o777 == 0o600

    assert await store.erase(KEY)
    engine.dispose()
    restored = run("restore", env_file, "--yes", str(copy))
    assert restored.returncode == 0, restored.stderr
    back = make_engine(f"sqlite:///{data / 'prayat.db'}")
    person = await UserStore(back).lookup(KEY)
    assert (person.known, person.language) == (True, "zh")
    back.dispose()


def test_restore_refuses_a_dump_of_the_other_kind(tmp_path):
    env_file = tmp_path / "prayat.env"
    env_file.write_text(f"PRAYAT_DATA_DIR={tmp_path}\n")
    (tmp_path / "prayat-20000101T000000Z.dump").write_bytes(b"PGDMP")
    refused = run("restore", env_file, "--yes", str(tmp_path / "prayat-20000101T000000Z.dump"))
    assert refused.returncode != 0
    assert "not PostgreSQL" in refused.stderr


def test_a_backup_of_a_missing_database_fails_and_writes_nothing(tmp_path):
    env_file = tmp_path / "prayat.env"
    env_file.write_text(f"PRAYAT_DATA_DIR={tmp_path / 'nothing'}\nPRAYAT_BACKUP_DIR={tmp_path / 'backups'}\n")
    failed = run("backup", env_file)
    assert failed.returncode != 0
    assert "no SQLite database" in failed.stderr
    assert list((tmp_path / "backups").iterdir()) == []
