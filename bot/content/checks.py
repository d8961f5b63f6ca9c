"""The checks across content files, run in this order once every file is loaded.

Each file's own loader checks what one file can tell; these need several at once (every language,
the catalogues, the rendered message). The last renders every item, so it lives here rather than in
library.py: render.py uses the library, and the library must not import render.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from bot import LANGUAGES
from bot.content.buttons import BUTTON_LABELS
from bot.content.contacts import CONTACT_NAMES
from bot.content.items import SHOW_ITEM, Item
from bot.content.labels import LABELS
from bot.content.loading import Loading, numbers_in
from bot.content.model import Library
from bot.content.render import render

MAX_MESSAGE = 4096

Check = Callable[[Library, Loading], None]


def check_items_in_every_language(lib: Library, ctx: Loading) -> None:
    """Every item is in every language."""
    seen = ctx.seen_items
    all_ids = set().union(*seen.values()) if seen else set()
    for lang in lib.items:
        for item_id in sorted(all_ids - seen.get(lang, set())):
            path = lib.root / lang / f"{item_id.split('.', 1)[0]}.yml"
            if path in ctx.broken_files:
                continue  # already reported: the file does not parse
            other = next(o for o in LANGUAGES if item_id in seen.get(o, set()))
            ctx.problem(path, 1, f"item {item_id!r} is missing in {lang} (it is in {other})")


def check_translations_agree(lib: Library, ctx: Loading) -> None:
    """The languages of an item have the same buttons, contacts, sources and numbers."""
    seen = ctx.seen_items
    all_ids = set().union(*seen.values()) if seen else set()
    for item_id in sorted(all_ids):
        versions = [lib.items[lang][item_id] for lang in lib.items if item_id in lib.items[lang]]
        for name, value in (("buttons", lambda i: i.buttons), ("contacts", lambda i: i.contacts),
                            ("sources", lambda i: i.sources),
                            ("numbers", lambda i: numbers_in(i.text))):
            check_same(ctx, item_id, versions, name, value)


def check_same(ctx: Loading, item_id: str, versions: list[Item], name: str, value: Any) -> None:
    """Report the languages whose value differs from what most languages have."""
    if len(versions) < 2:
        return
    values = [tuple(value(v)) for v in versions]
    usual, count = Counter(values).most_common(1)[0]
    if count == 1:
        usual = values[0]  # all differ: compare with the first language
    for version, found in zip(versions, values, strict=True):
        if found != usual:
            reference = next(v.lang for v, f in zip(versions, values, strict=True) if f == usual)
            if name == "numbers":
                extra = sorted((Counter(found) - Counter(usual)).elements())
                missing = sorted((Counter(usual) - Counter(found)).elements())
                message = (f"{item_id}: the numbers in the text differ from {reference}: "
                           f"{', '.join(extra) or 'nothing'} here, {', '.join(missing) or 'nothing'}"
                           f" in {reference}")
            else:
                message = f"{item_id}: {name} {list(found)} differ from {reference} {list(usual)}"
            ctx.problem(version.path, version.line, message)


def check_translations_current(lib: Library, ctx: Loading) -> None:
    """A warning for every translation made from an older English text (or never linked to one):
    it still serves, but a translator should look at it and a reviewer again."""
    for lang, items in lib.items.items():
        for item in items.values():
            if lib.review_state(item) != "outdated":
                continue
            english = lib.items["en"][item.id]
            why = ("is not yet linked to its English text" if item.translates is None else
                   f"was translated from an older English text ({english.path.name}:{english.line} changed)")
            ctx.problem(item.path, item.line, f"{item.id}: the {lang} text {why}: check the translation, "
                        f"then `prayat content translated {item.id} --lang {lang}` (or `review`)", "warning")


def check_catalogues(lib: Library, ctx: Loading) -> None:
    """Every button has a label and every contact a name, in every language."""
    for lang in LANGUAGES:
        folder = lib.root / lang
        labels = lib.button_labels.get(lang, {})
        for button in lib.buttons.values():
            if button.title is None and button.id not in labels and (
                    folder / BUTTON_LABELS) not in ctx.broken_files:
                ctx.problem(folder / BUTTON_LABELS, 1, f"no {lang} label for button "
                            f"{button.id!r}")
        names = lib.contact_names.get(lang, {})
        for cid in lib.contacts:
            if cid not in names and (folder / CONTACT_NAMES) not in ctx.broken_files:
                ctx.problem(folder / CONTACT_NAMES, 1, f"no {lang} name for contact {cid!r}")
        if lang not in lib.labels:
            ctx.problem(folder / LABELS, 1, "missing labels file")


def check_shown_items_exist(lib: Library, ctx: Loading) -> None:
    """A button that shows an item shows one that exists."""
    for button in lib.buttons.values():
        match = SHOW_ITEM.match(button.payload)
        if match and not any(match.group(1) in items for items in lib.items.values()):
            ctx.problem(lib.root / "buttons.yml", ctx.button_lines.get(button.id, 1),
                        f"button {button.id!r} shows item {match.group(1)!r}, which does "
                        "not exist")


def check_messages_fit(lib: Library, ctx: Loading) -> None:
    """Every item, with its contacts, fits in one Telegram message."""
    if lib.errors:
        return  # rendering needs a library without errors
    for lang, items in lib.items.items():
        for item in items.values():
            size = len(render(lib, item.id, lang)["text"])
            if size > MAX_MESSAGE:
                ctx.problem(item.path, item.line, f"{item.id}: with its contacts the message "
                            f"is {size} characters, over Telegram's {MAX_MESSAGE}")


CHECKS: list[tuple[str, Check]] = [
    ("items in every language", check_items_in_every_language),
    ("translations agree", check_translations_agree),
    ("translations current", check_translations_current),
    ("catalogues complete", check_catalogues),
    ("shown items exist", check_shown_items_exist),
    ("messages fit Telegram", check_messages_fit),
]
