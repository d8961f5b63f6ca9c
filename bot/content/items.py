"""Items: the texts in content/<lang>/<topic>.yml, each with its review state, buttons and contacts.

An item is what the bot says; it is the one kind of content file that is not a catalogue, so every
other file in content/<lang>/ is read by its own loader and every remaining one by this one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.buttons import MAX_CALLBACK_BYTES, Button
from bot.content.loading import Loading, placeholders
from bot.content.yamlfile import LineDict

ITEM_KEYS = {"text", "review", "reviewer", "reviewed_on", "translates", "buttons", "contacts", "sources",
             "image", "image_alt", "audio"}
SOURCE_LANGUAGE = "en"  # the language the others are translated from
_HASH = re.compile(r"^[0-9a-f]{8}$")
REVIEW_VALID_FOR = dt.timedelta(days=365)  # a reviewed text is looked at again after a year
REVIEW_STATES = {"draft", "reviewed"}
ITEM_PLACEHOLDERS = {"retention_days"}  # filled in by render.py
# Filled in by bot/handoff/desk.py, in its items (handoff.*) only.
HANDOFF_PLACEHOLDERS = {"organisation", "when", "hours", "code", "language", "priority", "name",
                        "minutes", "outcome", "grace_minutes"}
MAX_TEXT = 3500  # Telegram allows 4,096 per message; contacts are appended below the text
SHOW_ITEM = re.compile(r'^/show\{"item":\s*"([^"]+)"\}$')
LISTEN = re.compile(r'^/listen\{"item":\s*"([^"]+)"\}$')


def source_hash(text: str) -> str:
    """The short fingerprint of an English text that a translation records as `translates:`
    (written by `prayat content translated` or `review`, never by hand). Spaces and line breaks
    do not count, so re-wrapping a line does not make translations outdated."""
    import hashlib
    import unicodedata

    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:8]


def listen_payload(item_id: str) -> str:
    """What the "listen" button of an item with a recording sends (answered by the bot itself)."""
    return f'/listen{{"item":"{item_id}"}}'


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    text: str
    review: str
    reviewer: str | None
    reviewed_on: dt.date | None
    buttons: tuple[str, ...]
    contacts: tuple[str, ...]
    sources: tuple[str, ...]
    image: str | None
    image_alt: str | None
    path: Path
    line: int
    audio: str | None = None  # a recording of the text, offered with a "listen" button
    # For a translation: source_hash() of the English text it was made from (None: not yet linked).
    translates: str | None = None

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]


def load_items(ctx: Loading, path: Path, lang: str, items: dict[str, Item], buttons: dict[str, Button],
               sources: dict[str, dict[str, Any]]) -> None:
    """Add the items of one file to `items`, the items of its language."""
    data = ctx.read(path)
    if data is None:
        return
    for item_id, entry in data.items():
        line = data.line_of(item_id)
        ctx.seen_items.setdefault(lang, set()).add(str(item_id))
        item = parse_item(ctx, path, lang, str(item_id), line, entry, buttons, sources)
        if item is None:
            continue
        if item_id in items:
            ctx.problem(path, line, f"item {item_id!r} is defined twice")
        items[item.id] = item


def parse_item(ctx: Loading, path: Path, lang: str, item_id: str, line: int, entry: Any,
               buttons: dict[str, Button], sources: dict[str, dict[str, Any]]) -> Item | None:
    if not isinstance(entry, LineDict):
        ctx.problem(path, line, f"item {item_id!r} must have fields (text, review, ...)")
        return None
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        # A missing field is reported on the item's own line.
        ctx.problem(path, entry.lines.get(key, line), f"{item_id}: {message}")

    if item_id.split(".", 1)[0] != path.stem:
        bad(item_id, f"ids in {path.name} must start with '{path.stem}' (or move the item)")
    for key in entry:
        if key not in ITEM_KEYS:
            bad(key, f"unknown field {key!r} (fields: {', '.join(sorted(ITEM_KEYS))})")
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        bad("text", "needs a `text`")
        text = ""
    review = entry.get("review")
    if review not in REVIEW_STATES:
        bad("review", "`review` must be `draft` or `reviewed`")
    if "reviewer" not in entry:
        bad("review", "needs `reviewer:` (the reviewer's role, or null while draft)")
    elif review == "reviewed" and not entry.get("reviewer"):
        bad("reviewer", "a reviewed item needs the reviewer's role")
    reviewed_on = entry.get("reviewed_on")
    if reviewed_on is not None and not isinstance(reviewed_on, dt.date):
        bad("reviewed_on", "reviewed_on must be a date written as 2026-01-31")
        reviewed_on = None
    translates = entry.get("translates")
    if translates is not None and (lang == SOURCE_LANGUAGE or not isinstance(translates, str)
                                   or not _HASH.match(translates)):
        bad("translates", "`translates` is written by `prayat content translated` or `review` for a "
            "translation; do not type or change it (remove the line to link it again)")
        translates = None
    if len(text) > MAX_TEXT:
        bad("text", f"text is {len(text)} characters; keep it under {MAX_TEXT}")
    unknown = placeholders(text) - ITEM_PLACEHOLDERS - (
        HANDOFF_PLACEHOLDERS if item_id.startswith("handoff.") else set())
    if unknown:
        bad("text", f"unknown placeholder(s) {sorted(unknown)}")
    if text:
        ctx.check_script(path, entry.line_of("text"), lang, text)
    button_ids = id_list(ctx, path, entry, "buttons", buttons, item_id)
    contact_ids = id_list(ctx, path, entry, "contacts", ctx.seen_contacts, item_id)
    source_ids = id_list(ctx, path, entry, "sources", sources, item_id)
    if button_ids is None or contact_ids is None or source_ids is None or not ok:
        return None
    image = entry.get("image")
    if image and not (ctx.root / lang / image).is_file():
        ctx.problem(path, entry.line_of("image"), f"{item_id}: image {image!r} not found "
                    f"in content/{lang}/")
    if image and not entry.get("image_alt"):
        ctx.problem(path, entry.line_of("image"), f"{item_id}: an image needs `image_alt`, "
                    "a sentence saying what it shows")
    audio = entry.get("audio")
    if audio and len(listen_payload(item_id).encode("utf-8")) > MAX_CALLBACK_BYTES:
        ctx.problem(path, entry.line_of("audio"), f"{item_id}: the id is too long for a "
                    "listen button; use a shorter id")
    if audio and not (ctx.root / lang / audio).is_file():
        ctx.problem(path, entry.line_of("audio"), f"{item_id}: audio {audio!r} not found "
                    f"in content/{lang}/")
    return Item(
        id=item_id, lang=lang, text=text.strip(), review=review, reviewer=entry.get("reviewer"),
        reviewed_on=reviewed_on,
        buttons=tuple(button_ids), contacts=tuple(contact_ids), sources=tuple(source_ids), image=image,
        image_alt=entry.get("image_alt"), path=path, line=line, audio=audio or None,
        translates=translates,
    )


def id_list(ctx: Loading, path: Path, entry: LineDict, key: str, known: Any, item_id: str) -> list[str] | None:
    values = entry.get(key) or []
    if not isinstance(values, list):
        ctx.problem(path, entry.line_of(key), f"{item_id}: `{key}` must be a list")
        return None
    for value in values:
        if value not in known:
            ctx.problem(path, entry.line_of(key), f"{item_id}: unknown {key[:-1]} {value!r}")
            return None
    return values
