"""Sources: content/sources.yml, the publications items and the situation check cite.

Items and indicators name their sources by id, so a fact can be traced back to where it was found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.content.loading import Loading


def load_sources(ctx: Loading, path: Path) -> dict[str, dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return sources
    data = ctx.read(path)
    if data is None:
        return sources
    for source_id, entry in data.items():
        if not isinstance(entry, dict) or not entry.get("title"):
            ctx.problem(path, data.line_of(source_id), f"source {source_id!r} needs a `title`")
            continue
        url = entry.get("url")
        if url is not None and not str(url).startswith(("http://", "https://")):
            ctx.problem(path, data.line_of(source_id), f"source {source_id!r}: url must be a web "
                        "address or null")
        sources[source_id] = dict(entry)
    return sources
