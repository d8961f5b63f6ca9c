"""deploy/systemd/: every unit passes `systemd-analyze verify` as installed (the checkout's path in
place of /opt/prayat/app, so that each ExecStart exists), the services are sandboxed, and the
timers fire once a day."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from tests.deploy.nginx_site import DEPLOY

ANALYZE = shutil.which("systemd-analyze")
pytestmark = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")
UNITS = sorted(p.name for p in (DEPLOY / "systemd").iterdir() if p.suffix in (".service", ".timer"))
SERVICES = [u for u in UNITS if u.endswith(".service")]
TIMERS = [u for u in UNITS if u.endswith(".timer")]


def installed(folder: Path) -> Path:
    """The units as deploy/install installs them, with this checkout where the server has
    /opt/prayat/app; all in one folder, as in /etc/systemd/system."""
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text()
        (folder / name).write_text(text.replace("/opt/prayat/app", str(PROJECT_ROOT)))
    return folder


def verify(unit: Path) -> list[str]:
    """What `systemd-analyze verify` says is wrong with the unit: it exits 0 even for an unknown
    directive or a value it cannot parse, and only says so, so anything it says about the unit
    counts. (Lines about units of the system it loads alongside are not this unit's problems.)"""
    result = subprocess.run([ANALYZE, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    said = [line for line in (result.stdout + result.stderr).splitlines()
            if str(unit.parent) in line or unit.stem in line]
    if result.returncode != 0:
        said.append(f"exit status {result.returncode}")
    return said


@pytest.mark.parametrize("unit", UNITS)
def test_the_unit_passes_systemd_analyze_verify(unit, tmp_path):
    assert verify(installed(tmp_path) / unit) == []


@pytest.mark.parametrize("breakage", [
    ("ExecStart=/opt/prayat/app/.venv/bin/prayat serve", "ExecStart=.venv/bin/prayat serve"),
    ("ProtectSystem=strict", "ProtectSytem=strict"),
    ("RestartSec=5s", "RestartSec=soon"),
], ids=["relative-exec", "misspelt-directive", "bad-value"])
def test_a_broken_unit_fails_the_check(breakage, tmp_path):
    unit = installed(tmp_path) / "prayat.service"
    original = (DEPLOY / "systemd" / "prayat.service").read_text()
    assert breakage[0] in original
    unit.write_text(original.replace(*breakage).replace("/opt/prayat/app", str(PROJECT_ROOT)))
    assert verify(unit) != []


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_is_sandboxed(service, tmp_path):
    """`systemd-analyze security` rates it "OK" (exposure 2.5 or less out of 10): a dedicated
    user, a read-only system, no capabilities, a system-call filter."""
    unit = installed(tmp_path) / service
    result = subprocess.run([ANALYZE, "security", "--offline=true", "--threshold=25", str(unit)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:]
    assert re.search(r"Overall exposure level for .*: [0-2]\.\d OK", result.stdout)


def calendar(spec: str, iterations: int = 3) -> list[dt.datetime]:
    """When `systemd-analyze calendar` says the spec elapses next, in UTC."""
    result = subprocess.run([ANALYZE, "calendar", f"--iterations={iterations}", spec], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "TZ": "UTC"}, check=True)
    return [dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
            for stamp in re.findall(r"(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+) UTC", result.stdout)]


@pytest.mark.parametrize("timer", TIMERS)
def test_the_timer_fires_once_a_day_even_after_the_server_was_off(timer):
    text = (DEPLOY / "systemd" / timer).read_text()
    [spec] = re.findall(r"^OnCalendar=(.+)$", text, re.MULTILINE)
    times = calendar(spec)
    assert len(times) == 3
    assert [later - earlier for earlier, later in zip(times, times[1:], strict=False)] == [dt.timedelta(days=1)] * 2
    assert re.search(r"^Persistent=true$", text, re.MULTILINE)  # a missed run happens at boot
    assert (DEPLOY / "systemd" / timer.replace(".timer", ".service")).exists()


def test_the_purge_runs_before_the_backup():
    """So that a backup never holds what that night's purge deleted."""
    purge, backup = (calendar(re.findall(r"^OnCalendar=(.+)$", (DEPLOY / "systemd" / t).read_text(),
                                         re.MULTILINE)[0], 1)[0]
                     for t in ("prayat-purge.timer", "prayat-backup.timer"))
    assert dt.timedelta(minutes=30) <= (backup - purge) % dt.timedelta(days=1) <= dt.timedelta(hours=3)
