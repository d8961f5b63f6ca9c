"""Places: content/places.yml, the countries a message can name and the hotlines item for each.

A person who names where they are is shown that place's numbers; names are matched in any script.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.contacts import COUNTRIES
from bot.content.items import Item
from bot.content.loading import Loading


@dataclass(frozen=True)
class Place:
    country: str
    hotlines: str  # the item with this place's numbers
    names: tuple[str, ...]  # lower-cased spellings, in any script


def load_places(ctx: Loading, path: Path, items: dict[str, dict[str, Item]]) -> dict[str, Place]:
    places: dict[str, Place] = {}
    if not path.exists():
        return places
    data = ctx.read(path)
    if data is None:
        return places
    for code, entry in data.items():
        line = data.line_of(code)
        if code not in COUNTRIES:
            ctx.problem(path, line, f"{code!r} is not a country code "
                        f"({', '.join(sorted(COUNTRIES))})")
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("names"), list):
            ctx.problem(path, line, f"{code}: needs `hotlines` and a list of `names`")
            continue
        hotlines = entry.get("hotlines")
        if not any(hotlines in texts for texts in items.values()):
            ctx.problem(path, line, f"{code}: hotlines item {hotlines!r} does not exist")
            continue
        names = tuple(str(n).casefold() for n in entry["names"] if str(n).strip())
        places[code] = Place(code, hotlines, names)
    return places
