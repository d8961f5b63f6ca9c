"""`prayat content check | status | preview`: the editors' tools."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from bot import LANGUAGES
from bot.channels.telegram import split_message
from bot.content import load_library, render
from bot.content.library import REVIEW_VALID_FOR, STALE_AFTER
from bot.settings import Settings


def check() -> int:
    lib = load_library(Settings().content_dir)
    for problem in lib.problems:
        print(problem)
    items = sum(len(i) for i in lib.items.values())
    errors, warnings = len(lib.errors), len(lib.warnings)
    verdict = "content is OK" if not errors else "fix the errors above; the bot keeps the last good content until then"
    print(f"{items} items, {len(lib.contacts)} contacts: {errors} errors, {warnings} warnings: {verdict}",
          file=sys.stderr)
    return 1 if errors else 0


def status() -> int:
    lib = load_library(Settings().content_dir)
    today = dt.date.today()
    drafts = [item for lang in LANGUAGES for item in lib.items.get(lang, {}).values()
              if item.review != "reviewed"]
    print(f"Still draft (not reviewed by a native speaker): {len(drafts)}")
    for lang in LANGUAGES:
        ids = sorted(i.id for i in drafts if i.lang == lang)
        if ids:
            print(f"  {lang}: {', '.join(ids)}")
    overdue = [item for lang in LANGUAGES for item in lib.items.get(lang, {}).values()
               if item.review == "reviewed"
               and (item.reviewed_on is None or today - item.reviewed_on > REVIEW_VALID_FOR)]
    print(f"Reviewed, but due for another review (over a year ago, or no reviewed_on date): "
          f"{len(overdue)}")
    for item in overdue:
        print(f"  {item.lang}: {item.id} (reviewed {item.reviewed_on or 'on an unknown date'})")
    stale = [c for c in lib.contacts.values()
             if c.verified_on is None or today - c.verified_on > STALE_AFTER]
    print(f"Contacts to check again (older than 6 months, or never checked): {len(stale)}")
    for contact in stale:
        print(f"  {contact.id}: {', '.join(contact.numbers)} "
              f"(checked {contact.verified_on or 'never'}, {contact.status})")
    return 1 if lib.errors else 0


def preview(item_id: str, lang: str) -> int:
    lib = load_library(Settings().content_dir)
    if lib.errors:
        return check()
    if lib.item(item_id, lang) is None:
        print(f"No item {item_id!r} in {lang}. Items: {', '.join(sorted(lib.items[lang]))}")
        return 1
    reply = render(lib, item_id, lang)
    for chunk in split_message(reply["text"]):
        print("┌" + "─" * 40)
        for line in chunk.splitlines():
            print(f"│ {line}")
        print("└" + "─" * 40)
    for button in reply["buttons"]:
        print(f"  [ {button['title']} ]  → {button['payload']}")
    return 0


def main(args: argparse.Namespace) -> int:
    if args.content_verb == "check":
        return check()
    if args.content_verb == "status":
        return status()
    return preview(args.item, args.lang)
