"""The servers' logs are kept a file a day for PRAYAT_LOG_DAYS days, and a server writing to its
log goes on writing to it across a rotation."""

from __future__ import annotations

import subprocess
import sys
import time

from bot.dialogue.stack import rotate_log

WRITER = """
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
for i in range(40):
    os.write(fd, f"line {i}\\n".encode())
    time.sleep(0.05)
"""


def test_a_day_of_logs_moves_to_dot_1_and_the_oldest_goes(tmp_path):
    log = tmp_path / "rasa.log"
    for day in range(1, 6):
        log.write_text(f"day {day}\n")
        rotate_log(log, keep=3)
    assert log.read_text() == ""
    assert [(tmp_path / f"rasa.log.{i}").read_text() for i in (1, 2, 3)] == ["day 5\n", "day 4\n",
                                                                          "day 3\n"]
    assert not (tmp_path / "rasa.log.4").exists()
    assert all((tmp_path / f"rasa.log.{i}").stat().st_mode & 0o077 == 0 for i in (1, 2, 3))


def test_keeping_no_days_empties_the_log_and_keeps_no_archive(tmp_path):
    log = tmp_path / "actions.log"
    log.write_text("something\n")
    rotate_log(log, keep=0)
    assert log.read_text() == "" and sorted(p.name for p in tmp_path.iterdir()) == ["actions.log"]


def test_a_server_writing_its_log_loses_no_line_and_writes_no_hole(tmp_path):
    log = tmp_path / "rasa.log"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(log)])
    time.sleep(1.0)
    rotate_log(log, keep=2)
    writer.wait(timeout=30)
    lines = (tmp_path / "rasa.log.1").read_text().splitlines() + log.read_text().splitlines()
    # In order and each once; a line written in the microseconds between the copy and the
    # emptying can be lost (as with logrotate's copytruncate), never more than that one.
    assert lines == sorted(set(lines), key=lambda line: int(line.split()[1]))
    assert len(lines) >= 39 and lines[-1] == "line 39" and log.read_text()
    assert "\0" not in log.read_text()
