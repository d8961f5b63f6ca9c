"""The content library: every text, button and contact Prayat shows, loaded and checked.

Editors are not programmers, so loading never stops at the first mistake: it collects every
problem with the file and line it is on. A library with errors is never served; the running bot
keeps the last good one (see store.py).

This module only puts the pieces together: each kind of content file has its own loader next to
its data classes (buttons.py, contacts.py, items.py, ...), the checks across files are listed in
checks.py, and the Library they fill is in model.py. The names used elsewhere are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot import LANGUAGES
from bot.content.buttons import BUTTON_LABELS, MAX_CALLBACK_BYTES, Button, load_button_labels, load_buttons
from bot.content.checks import CHECKS, MAX_MESSAGE
from bot.content.contacts import CONTACT_NAMES, STALE_AFTER, Contact, load_contact_names, load_contacts
from bot.content.items import LISTEN, MAX_TEXT, REVIEW_VALID_FOR, SHOW_ITEM, Item, listen_payload, load_items
from bot.content.labels import LABELS, load_labels
from bot.content.loading import Loading, Problem, numbers_in, placeholders
from bot.content.model import Library
from bot.content.outreach import CARD_FIELDS, CARD_TEXTS, QUIZ, QUIZ_FIELDS, Outreach, load_entries, load_outreach
from bot.content.places import Place, load_places
from bot.content.red_flags import RED_FLAG_WORDS, RedFlagRules, load_red_flag_words, load_red_flags
from bot.content.screening import load_screening
from bot.content.sources import load_sources

# Files in content/<lang>/ that are catalogues rather than text items.
CATALOGUES = {BUTTON_LABELS, CONTACT_NAMES, LABELS, RED_FLAG_WORDS, CARD_TEXTS, QUIZ}

__all__ = [
    "CATALOGUES", "CHECKS", "LISTEN", "MAX_CALLBACK_BYTES", "MAX_MESSAGE", "MAX_TEXT", "REVIEW_VALID_FOR",
    "SHOW_ITEM", "STALE_AFTER", "Button", "Contact", "Item", "Library", "Outreach", "Place", "Problem",
    "RedFlagRules", "listen_payload", "load_library", "numbers_in", "placeholders",
]


def load_library(root: Path, today: dt.date | None = None) -> Library:
    """Load and check everything under root (the content/ folder)."""
    lib = Library(root=root)
    ctx = Loading(root, today or dt.date.today(), lib.problems)
    if not root.is_dir():
        ctx.problem(root, 1, "content folder not found")
        return lib
    lib.buttons = load_buttons(ctx, root / "buttons.yml")
    lib.contacts = load_contacts(ctx, root / "contacts.yml")
    lib.sources = load_sources(ctx, root / "sources.yml")
    for lang in LANGUAGES:
        folder = root / lang
        if not folder.is_dir():
            ctx.problem(folder, 1, f"missing language folder for {lang}")
            continue
        lib.items[lang] = {}
        for path in sorted(folder.glob("*.yml")):
            if path.name == BUTTON_LABELS:
                lib.button_labels[lang] = load_button_labels(ctx, path, lang, lib.buttons)
            elif path.name == CONTACT_NAMES:
                lib.contact_names[lang] = load_contact_names(ctx, path)
            elif path.name == LABELS:
                lib.labels[lang] = load_labels(ctx, path)
            elif path.name == RED_FLAG_WORDS:
                lib.red_flag_words[lang] = load_red_flag_words(ctx, path)
            elif path.name == CARD_TEXTS:
                lib.card_texts[lang] = load_entries(ctx, path, lang, CARD_FIELDS)
            elif path.name == QUIZ:
                lib.quiz[lang] = load_entries(ctx, path, lang, QUIZ_FIELDS)
            else:
                load_items(ctx, path, lang, lib.items[lang], lib.buttons, lib.sources)
    lib.places = load_places(ctx, root / "places.yml", lib.items, lib.contacts)
    lib.screening = load_screening(ctx, root / "screening.yml", lib.sources)
    lib.red_flags = load_red_flags(ctx, root / "red_flags.yml", lib.red_flag_words)
    lib.outreach = load_outreach(ctx, root / "outreach.yml", lib.items, lib.card_texts, lib.quiz)
    for _name, check in CHECKS:
        check(lib, ctx)
    return lib
