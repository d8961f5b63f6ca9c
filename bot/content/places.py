"""Places: content/places.yml, the countries a message can name, the hotlines item for each, and
the contacts that come first in an answer for someone there (at most MAX_FIRST, to fit a small
phone screen under the emergency steps).

A person who names where they are is shown that place's numbers; names are matched in any script.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.contacts import COUNTRIES, Contact
from bot.content.items import Item
from bot.content.loading import Loading


@dataclass(frozen=True)
class Place:
    country: str
    hotlines: str  # the item with this place's numbers
    names: tuple[str, ...]  # lower-cased spellings, in any script
    contacts: tuple[str, ...] = ()  # first in the emergency and hotlines answers for this place
    # Before those, for someone who says they are from another country: that country's own lines
    # (a Chinese citizen in Cambodia: China's consular protection).
    nationals: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Towns and zones where scam compounds are reported: recognised as this place in a message, and
    # a warning sign in a job ad (abroad: `hotspot`; in Cambodia, beside honest employers:
    # `border_town`).
    hotspots: tuple[str, ...] = ()
    # The country's own names count as hotspots too (a job in Myanmar offered in Cambodia).
    country_is_hotspot: bool = False

    @property
    def all_names(self) -> tuple[str, ...]:
        return self.names + self.hotspots

    def for_nationals(self, nationality: str | None) -> tuple[str, ...] | None:
        """The lines for people of that nationality here; None if the content has none."""
        return dict(self.nationals).get(nationality or "")


MAX_FIRST = 4


def load_places(ctx: Loading, path: Path, items: dict[str, dict[str, Item]],
                contacts: dict[str, Contact]) -> dict[str, Place]:
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
        hotspots = entry.get("hotspots") or []
        if not isinstance(hotspots, list) or not all(isinstance(h, str) and h.strip() for h in hotspots):
            ctx.problem(path, line, f"{code}: `hotspots` is a list of place names")
            continue
        first = entry.get("contacts") or []
        if not isinstance(first, list) or len(first) > MAX_FIRST:
            ctx.problem(path, line, f"{code}: `contacts` is a list of at most {MAX_FIRST} contact ids")
            continue
        unknown = [c for c in first if c not in ctx.seen_contacts]
        if unknown:
            ctx.problem(path, line, f"{code}: unknown contact(s) {', '.join(map(str, unknown))}")
            continue
        # A contact with an error of its own is reported where it is, and left out here.
        first = [c for c in first if c in contacts]
        elsewhere = [c for c in first if code not in contacts[c].serves]
        if elsewhere:
            ctx.problem(path, line, f"{code}: {', '.join(elsewhere)} cannot help there (add {code} to "
                        "its `serves` in contacts.yml if it can)")
            continue
        nationals = entry.get("nationals") or {}
        if not isinstance(nationals, dict) or any(
                not isinstance(ids, list) or any(c not in contacts or code not in contacts[c].serves
                                                 for c in ids) for ids in nationals.values()):
            ctx.problem(path, line, f"{code}: `nationals` maps a country code to contact ids that "
                        f"serve {code}")
            continue
        places[code] = Place(code, hotlines, names, tuple(first),
                             tuple((str(n), tuple(ids)) for n, ids in nationals.items()),
                             tuple(h.strip().casefold() for h in hotspots if h.strip().casefold() not in names),
                             entry.get("country_is_hotspot") is True)
    return places
