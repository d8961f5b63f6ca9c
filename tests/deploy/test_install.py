"""deploy/install and the settings it writes: a dry run goes through every step and says what it
would do, and the production settings agree with what Prayat, nginx and the units expect."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from bot import PROJECT_ROOT
from tests.deploy.nginx_site import DEPLOY, SITE

ENV_EXAMPLE = DEPLOY / "prayat.env.example"
SETTING = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")
# Read by the backup scripts, and by Rasa itself, rather than by Prayat (.env.example).
NOT_PRAYATS = {"PRAYAT_BACKUP_DIR", "PRAYAT_BACKUP_DAYS", "RASA_CACHE_DIRECTORY"}


def settings(path) -> dict[str, str]:
    return {m[1]: m[2] for line in path.read_text().splitlines() if (m := SETTING.match(line))}


def as_nobody(argv: list[str]) -> list[str]:
    """As root, a dry run goes as `nobody`, who could not change the machine if it tried."""
    if os.geteuid() != 0:
        return argv
    runuser = shutil.which("runuser")
    if runuser is None or subprocess.run([runuser, "-u", "nobody", "--", "test", "-r", argv[0]]).returncode:
        pytest.skip("cannot run the dry run as nobody here (no runuser, or the checkout is not readable)")
    return [runuser, "-u", "nobody", "--", *argv]


def test_a_dry_run_goes_through_every_step_and_changes_nothing():
    result = subprocess.run(as_nobody([str(DEPLOY / "install"), "--dry-run", "--domain", "bot.example.org"]),
                            capture_output=True, text=True, timeout=120, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "dry run: nothing is changed" in out
    for step in ("apt-get install", "scripts/ensure-ocr", "scripts/ensure-fonts", "make -C /opt/prayat/app",
                 "createdb --owner=prayat", "/etc/prayat/prayat.env (0640 root:prayat)", "prayat train",
                 "/etc/nginx/prayat/prayat-secret.conf", "/etc/nginx/sites-available/prayat.conf",
                 "/etc/systemd/system/prayat.service", "/etc/systemd/system/prayat-backup.timer"):
        assert step in out, f"the dry run never mentions {step!r}"
    assert "would run:" in out and "\n  + " not in out  # only said, never done


def test_install_refuses_unknown_options():
    result = subprocess.run([str(DEPLOY / "install"), "--dry-run", "--domian", "x"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_every_production_setting_is_one_something_reads_and_is_explained():
    documented = settings(PROJECT_ROOT / ".env.example")
    lines = ENV_EXAMPLE.read_text().splitlines()
    for i, line in enumerate(lines):
        match = SETTING.match(line)
        if not match:
            continue
        assert match[1] in documented or match[1] in NOT_PRAYATS, f"{match[1]} is read by nothing"
        above = next(text for text in reversed(lines[:i]) if not SETTING.match(text))
        assert above.startswith("# "), f"{match[1]} has no comment above it"


def test_nginx_forwards_to_where_the_bot_listens():
    production = settings(ENV_EXAMPLE)
    site = SITE.read_text()
    assert production["PRAYAT_WEBHOOK_URL"] == "https://bot.example.org/telegram"
    assert "location = /telegram {" in site
    assert f"proxy_pass http://{production['PRAYAT_WEBHOOK_LISTEN']}:{production['PRAYAT_WEBHOOK_PORT']}/telegram;" \
        in site
    # The units and the settings name the same folders.
    unit = (DEPLOY / "systemd" / "prayat.service").read_text()
    assert production["PRAYAT_DATA_DIR"] == "/var/lib/prayat" and "StateDirectory=prayat\n" in unit
    assert production["PRAYAT_MODEL_CACHE"].startswith(production["PRAYAT_DATA_DIR"] + "/")
    assert f"ReadWritePaths={production['PRAYAT_BACKUP_DIR']}\n" in (
        DEPLOY / "systemd" / "prayat-backup.service").read_text()
