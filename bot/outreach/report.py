"""`prayat report --since 30d`: an HTML page for the organisation, from the anonymous counts only.

The counts (table prayat_events) hold a day, a kind, a value and a language: no person, no time
of day, no words. Even so, a very small number can point at someone in a small village, so every
cell under SUPPRESS_BELOW is shown as "<5" and left out of the charts, and no totals are printed
(a total minus the cells shown would give a suppressed cell back).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import io
import re
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select

from bot.storage import events, make_engine

SUPPRESS_BELOW = 5
SECTIONS = (
    ("conversation", "Conversations per day and language", "day"),
    ("topic", "Topics asked about", "value"),
    ("screening.tier", "Situation checks: result tiers", "value"),
    ("ad_check.verdict", "Job ads checked: verdicts", "value"),
    ("ad_check.flag", "Job ads: most frequent warning signs", "value"),
    ("ad_check.photo", "Job ads sent as pictures: read, unreadable, not an ad", "value"),
    ("outreach", "Outreach: quizzes and group sessions", "value"),
    ("handoff", "Talk to a person: cases opened and claimed", "value"),
    ("handoff.priority", "Talk to a person: priority when a case opened", "value"),
    ("handoff.outcome", "Talk to a person: how cases ended", "value"),
)
CLAIM_MINUTES = "handoff.claim_minutes"  # one count per claimed case, its value the minutes waited
LANGUAGE_NAMES = {"km": "Khmer", "en": "English", "zh": "Chinese"}


def since_date(text: str, today: dt.date | None = None) -> dt.date:
    """"30d", "8w", "6m" (30-day months) or a date such as 2026-10-01."""
    today = today or dt.date.today()
    match = re.fullmatch(r"(\d+)\s*([dwm])", text.strip())
    if match:
        days = int(match.group(1)) * {"d": 1, "w": 7, "m": 30}[match.group(2)]
        return today - dt.timedelta(days=days)
    return dt.date.fromisoformat(text.strip())


def counts(url: str, since: dt.date) -> dict[str, dict[tuple[str, str], int]]:
    """kind -> (value or day, language) -> count, from `since` on."""
    engine = make_engine(url)
    query = (select(events.c.kind, events.c.value, events.c.day, events.c.language,
                    func.count().label("n"))
             .where(events.c.day >= since)
             .group_by(events.c.kind, events.c.value, events.c.day, events.c.language))
    table: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    with engine.connect() as conn:
        rows = conn.execute(query).fetchall()
    by = {kind: by for kind, _, by in SECTIONS}
    for kind, value, day, language, n in rows:
        key = day.isoformat() if by.get(kind) == "day" else value
        table[kind][(key, language)] += n
    return table


def shown(n: int) -> str:
    return str(n) if n >= SUPPRESS_BELOW else f"<{SUPPRESS_BELOW}"


def _chart(cells: dict[tuple[str, str], int], horizontal: bool) -> str:
    """A bar chart (per language) of the cells that are not suppressed, as a data: URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = sorted({k for k, _ in cells})
    langs = sorted({lang for _, lang in cells})
    fig, ax = plt.subplots(figsize=(8, max(3, 0.35 * len(keys)) if horizontal else 3.5))
    width = 0.8 / max(1, len(langs))
    for i, lang in enumerate(langs):
        values = [cells.get((k, lang), 0) for k in keys]
        values = [v if v >= SUPPRESS_BELOW else 0 for v in values]
        positions = [x + i * width for x in range(len(keys))]
        label = LANGUAGE_NAMES.get(lang, lang)
        (ax.barh if horizontal else ax.bar)(positions, values, width, label=label)
    ticks = [x + width * (len(langs) - 1) / 2 for x in range(len(keys))]
    if horizontal:
        ax.set_yticks(ticks, keys)
        ax.invert_yaxis()
    else:
        ax.set_xticks(ticks, keys, rotation=45, ha="right")
    ax.legend()
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def build(url: str, since: dt.date, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    table = counts(url, since)
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>Prayat report</title>",
        "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}table{border-collapse:"
        "collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
        "th:first-child,td:first-child{text-align:left}</style>",
        f"<h1>Prayat: {since.isoformat()} to {today.isoformat()}</h1>",
        f"<p>Anonymous counts only. Cells under {SUPPRESS_BELOW} are shown as "
        f"&lt;{SUPPRESS_BELOW} and left out of the charts, so that no one can be singled out.</p>",
    ]
    for kind, title, by in SECTIONS:
        cells = table.get(kind, {})
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if not cells:
            parts.append("<p>No data for this period.</p>")
            continue
        if any(n >= SUPPRESS_BELOW for n in cells.values()):
            alt = html.escape(title)
            parts.append(f"<img alt='{alt}' src='{_chart(cells, horizontal=by != 'day')}'>")
        langs = sorted({lang for _, lang in cells})
        keys = sorted({k for k, _ in cells}, key=lambda k: (by != "day" and -sum(
            n for (key, _), n in cells.items() if key == k and n >= SUPPRESS_BELOW), k))
        header = "".join(f"<th>{LANGUAGE_NAMES.get(lang, lang)}</th>" for lang in langs)
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td>" + "".join(
                f"<td>{html.escape(shown(cells[(k, lang)])) if (k, lang) in cells else ''}</td>"
                for lang in langs) + "</tr>"
            for k in keys)
        parts.append(f"<table><tr><th>{'day' if by == 'day' else ''}</th>{header}</tr>{rows}</table>")
    parts.append(_median_claim(url, since))
    parts.append("</html>")
    return "\n".join(parts)


def _median_claim(url: str, since: dt.date) -> str:
    """The median wait before a counsellor took a case, over every language (per language the
    counts would be smaller still), shown only from SUPPRESS_BELOW claims on."""
    with make_engine(url).connect() as conn:
        waits = sorted(int(v) for v in conn.execute(select(events.c.value).where(
            (events.c.kind == CLAIM_MINUTES) & (events.c.day >= since))).scalars() if v.isdigit())
    title = "<h2>Talk to a person: median time to claim</h2>"
    if len(waits) < SUPPRESS_BELOW:
        return title + f"<p>Fewer than {SUPPRESS_BELOW} cases claimed in this period.</p>"
    middle = len(waits) // 2
    median = waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
    return title + f"<p>Median: {median:g} minutes.</p>"


def main(args: argparse.Namespace) -> int:
    from bot.settings import Settings

    since = since_date(args.since)
    target = Path(args.out)
    target.write_text(build(Settings().db_url, since), encoding="utf-8")
    print(f"Report from {since.isoformat()} written to {target}")
    return 0
