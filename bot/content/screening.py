"""The situation check: content/screening.yml, parsed by bot/checkers/screening.py.

The questions and rules are the checker's own; this loader reports its problems with their lines and
checks what the file cites from elsewhere: its sources and the items that say each result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.checkers.screening import Screening, item_ids
from bot.checkers.screening import parse as parse_screening
from bot.content.loading import Loading


def load_screening(ctx: Loading, path: Path, sources: dict[str, dict[str, Any]]) -> Screening | None:
    if not path.exists():
        ctx.problem(path, 1, "missing: the situation check's questions and rules")
        return None
    data = ctx.read(path)
    if data is None:
        return None
    screening, problems = parse_screening(data, data.line_of)
    for line, message in problems:
        ctx.problem(path, line, message)
    if screening is None:
        return None
    for indicator, entry in data["indicators"].items():
        source = entry.get("source") if isinstance(entry, dict) else None
        if source not in sources:
            ctx.problem(path, data.line_of("indicators"), f"indicator {indicator!r}: source "
                        f"{source!r} is not in sources.yml")
    # An item missing in some languages only is reported by the parity check.
    written = set().union(*ctx.seen_items.values()) if ctx.seen_items else set()
    missing = sorted(item_ids(screening) - written)
    if missing:
        ctx.problem(path, 1, "the situation check needs these items in content/<lang>/"
                    f"screening.yml: {', '.join(missing)}")
    return screening
