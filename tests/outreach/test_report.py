"""`prayat report`: charts and tables from the anonymous counts, with small counts suppressed."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

from bot.outreach.report import SUPPRESS_BELOW, build, since_date
from bot.storage import UserStore, events, make_engine

TODAY = dt.date(2026, 11, 25)


def seed(url: str) -> None:
    UserStore(make_engine(url))  # creates the tables
    rows = []

    def add(kind, value, language, n, day=TODAY):
        rows.extend({"day": day, "kind": kind, "value": value, "language": language}
                    for _ in range(n))

    add("conversation", "person", "km", 40)
    add("conversation", "person", "en", 3)  # too few to show
    add("conversation", "person", "km", 12, TODAY - dt.timedelta(days=1))
    add("topic", "jobs", "km", 25)
    add("topic", "marriage", "zh", 2)  # too few to show
    add("screening.tier", "warning", "km", 7)
    add("screening.tier", "urgent", "km", 4)  # too few to show
    add("ad_check.flag", "hotspot", "zh", 9)
    add("topic", "jobs", "km", 50, TODAY - dt.timedelta(days=90))  # before the period
    add("handoff", "opened", "km", 8)
    add("handoff", "claimed", "km", 6)
    add("handoff.outcome", "referred", "km", 3)  # too few to show
    for minutes, n in (("2", 2), ("7", 2), ("30", 2)):
        add("handoff.claim_minutes", minutes, "km", n)
    with make_engine(url).begin() as conn:
        conn.execute(events.insert(), rows)


def cell(page: str, row: str, column: int) -> str:
    match = re.search(rf"<tr><td>{re.escape(row)}</td>((?:<td>[^<]*</td>)+)</tr>", page)
    assert match, row
    return re.findall(r"<td>([^<]*)</td>", match.group(1))[column]


def test_the_report_shows_counts_and_suppresses_small_ones(sqlite_url):
    seed(sqlite_url)
    page = build(sqlite_url, since_date("30d", TODAY), TODAY)
    assert page.count("data:image/png;base64,") >= 4  # charts for the sections with data
    # Conversations per day and language: km 40 today, 12 yesterday; en 3 today suppressed.
    assert cell(page, TODAY.isoformat(), 1) == "40"
    assert cell(page, TODAY.isoformat(), 0) == f"&lt;{SUPPRESS_BELOW}"
    assert cell(page, (TODAY - dt.timedelta(days=1)).isoformat(), 1) == "12"
    assert cell(page, "jobs", 0) == "25"  # the 50 from 90 days ago are outside the period
    assert cell(page, "marriage", 1) == f"&lt;{SUPPRESS_BELOW}"
    assert cell(page, "warning", 0) == "7" and cell(page, "urgent", 0) == f"&lt;{SUPPRESS_BELOW}"
    assert cell(page, "hotspot", 0) == "9"
    assert cell(page, "opened", 0) == "8" and cell(page, "claimed", 0) == "6"
    assert cell(page, "referred", 0) == f"&lt;{SUPPRESS_BELOW}"
    assert "Median: 7 minutes." in page  # 2, 2, 7, 7, 30, 30
    # No suppressed number appears anywhere in a table, and no totals are printed.
    tables = "".join(re.findall(r"<table>.*?</table>", page, flags=re.S))
    assert not re.search(r"<td>[1-4]</td>", tables)
    assert "total" not in page.lower()


def test_since_accepts_days_weeks_months_and_dates():
    assert since_date("30d", TODAY) == TODAY - dt.timedelta(days=30)
    assert since_date("2w", TODAY) == TODAY - dt.timedelta(days=14)
    assert since_date("2026-10-01", TODAY) == dt.date(2026, 10, 1)


def test_the_report_command_writes_the_page(sqlite_url, tmp_path):
    seed(sqlite_url)
    target = tmp_path / "report.html"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "report", "--since", "3650d", "--out",
                           str(target)], env={"DATABASE_URL": sqlite_url, "PATH": "/usr/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "<h1>Prayat:" in target.read_text()
