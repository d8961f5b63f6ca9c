"""`prayat content check | status | preview | translated | review | link-all`: the editors' tools."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

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
    outdated = [item for lang in LANGUAGES for item in lib.items.get(lang, {}).values()
                if lib.review_state(item) == "outdated"]
    print("Translations made from an older English text (or not yet linked to it): "
          f"{len(outdated)}")
    for lang in LANGUAGES:
        mine = sorted((i for i in outdated if i.lang == lang), key=lambda i: (i.path.name, i.line))
        if mine:
            print(f"  {lang}: {len(mine)}")
            for item in mine:
                was = f" (was reviewed by {item.reviewer})" if item.review == "reviewed" else ""
                print(f"    {item.path.relative_to(lib.root.parent)}:{item.line} {item.id}{was}")
    drafts = [item for lang in LANGUAGES for item in lib.items.get(lang, {}).values()
              if lib.review_state(item) == "draft"]
    print(f"Still draft (not reviewed by a native speaker): {len(drafts)}")
    for lang in LANGUAGES:
        ids = sorted(i.id for i in drafts if i.lang == lang)
        if ids:
            print(f"  {lang}: {', '.join(ids)}")
    overdue = [item for lang in LANGUAGES for item in lib.items.get(lang, {}).values()
               if lib.review_state(item) == "reviewed"
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


def edit(args: argparse.Namespace) -> int:
    from bot.content import editing

    root = Settings().content_dir
    try:
        if args.content_verb == "translated":
            done = editing.translated(root, args.lang, args.items)
            print(f"Linked to the English text as it is now, as drafts for a reviewer: {', '.join(done)}")
        elif args.content_verb == "review":
            if not args.items and not args.all_current:
                print("Name the items, or use --all-current", file=sys.stderr)
                return 2
            done = editing.review(root, args.lang, args.items, args.by, all_current=args.all_current,
                                  file=args.file)
            print(f"Marked reviewed by {args.by}: {len(done)} item(s)" + (f": {', '.join(done)}" if done else ""))
        elif args.content_verb == "export":
            from bot.content.sheets import export

            print(f"Wrote {export(root, args.lang, Path(args.out))} rows to {args.out}")
        elif args.content_verb == "import":
            from bot.content.sheets import import_sheet

            done = import_sheet(root, Path(args.sheet))
            print(f"Imported {len(done)} new text(s), as drafts for a reviewer"
                  + (f": {', '.join(done)}" if done else ""))
        else:
            print(f"Linked {editing.link_all(root)} translations to their English text.")
    except editing.EditError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def main(args: argparse.Namespace) -> int:
    if args.content_verb == "check":
        return check()
    if args.content_verb == "status":
        return status()
    if args.content_verb in ("translated", "review", "link-all", "export", "import"):
        return edit(args)
    if args.html:
        if not args.out:
            print("--html needs --out FILE.html", file=sys.stderr)
            return 2
        from bot.content import preview_page

        lib = load_library(Settings().content_dir)
        if lib.errors:
            return check()
        print(f"Wrote {preview_page.write(lib, Path(args.out))} items in 3 languages to {args.out}")
        return 0
    if not args.item:
        print("Name an item, or use --html --out FILE.html for all of them", file=sys.stderr)
        return 2
    return preview(args.item, args.lang)
