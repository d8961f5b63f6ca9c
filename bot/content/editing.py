"""Tools that write content files for editors (`prayat content translated | review`), keeping the
file's comments, key order and layout: a round trip through ruamel.yaml, and only the fields of
the items named change. Nothing is written unless the content still loads without errors after
the change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bot.content.items import SOURCE_LANGUAGE, source_hash
from bot.content.library import load_library
from bot.content.model import Library


class EditError(ValueError):
    """What stops an edit, said so that an editor can act on it."""


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text in ("draft", "reviewed"):
        return text  # a hash such as 12345678 or 1e234567 would read as a number unquoted
    return json.dumps(text, ensure_ascii=False)


def edit_text(text: str, items: dict[str, dict]) -> str:
    """The file with the named items' one-line fields set (replaced where they are, or added after
    `reviewed_on`, `reviewer` or `review`). Every other byte stays as it was: ruamel.yaml finds
    where each field is, and only those lines change."""
    data = _yaml().load(text)
    lines = text.splitlines(keepends=True)
    inserts: dict[int, list[str]] = {}
    for item_id, fields in items.items():
        entry = data[item_id]
        indent = " " * (entry.lc.key(next(iter(entry)))[1] if entry else 2)
        for key, value in fields.items():
            if key == "text":
                _replace_text(data, item_id, lines, indent, str(value))
                continue
            line = f"{indent}{key}: {_scalar(value)}\n"
            if key in entry:
                number = entry.lc.key(key)[0]
                lines[number] = line
            else:
                anchor = next((k for k in ("translates", "reviewed_on", "reviewer", "review") if k in entry), None)
                after = entry.lc.key(anchor)[0] if anchor else data.lc.key(item_id)[0]
                inserts.setdefault(after, []).append(line)
    out = []
    for number, line in enumerate(lines):
        out.append(line)
        out += inserts.get(number, [])
    return "".join(out)


def _replace_text(data, item_id: str, lines: list[str], indent: str, value: str) -> None:
    """The item's `text:` block replaced, in place, by a literal block with the new text; the
    lines count stays the same (the block's old lines become empty strings after the first)."""
    entry = data[item_id]
    start = entry.lc.key("text")[0]
    keys = list(entry)
    later = [entry.lc.key(k)[0] for k in keys if entry.lc.key(k)[0] > start]
    items = list(data)
    position = items.index(item_id)
    following = data.lc.key(items[position + 1])[0] if position + 1 < len(items) else len(lines)
    end = min(later) if later else following
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # keep the blank lines and comments before what follows
    body = "".join(f"{indent}  {line}\n" if line.strip() else "\n" for line in value.strip("\n").split("\n"))
    lines[start] = f"{indent}text: |\n{body}"
    for number in range(start + 1, end):
        lines[number] = ""


def write_changes(root: Path, changes: dict[Path, dict[str, dict]]) -> None:
    """Apply {file: {item id: {field: value}}}; check the whole content first, then write."""
    old_texts = {path: path.read_text(encoding="utf-8") for path in changes}
    new_texts = {path: edit_text(old_texts[path], items) for path, items in changes.items()}
    for path, text in new_texts.items():
        path.write_text(text, encoding="utf-8")
    errors = load_library(root).errors
    if errors:
        for path, text in old_texts.items():
            path.write_text(text, encoding="utf-8")
        raise EditError("the change would break the content, so nothing was written:\n" +
                        "\n".join(str(e) for e in errors))


def _item(lib: Library, item_id: str, lang: str):
    if lang == SOURCE_LANGUAGE:
        raise EditError(f"{lang} is the language the others are translated from; review it in its file")
    item = lib.item(item_id, lang)
    english = lib.item(item_id, SOURCE_LANGUAGE)
    if item is None or english is None:
        raise EditError(f"no item {item_id!r} in {lang} and {SOURCE_LANGUAGE}")
    return item, english


def loaded_library(root: Path) -> Library:
    lib = load_library(root)
    if lib.errors:
        raise EditError("the content has errors; fix them first (`prayat content check`):\n" +
                        "\n".join(str(e) for e in lib.errors))
    return lib


def translated(root: Path, lang: str, item_ids: list[str]) -> list[str]:
    """A translator has brought these items up to date with the English: link them to the
    current English text, as drafts for a reviewer."""
    lib = loaded_library(root)
    changes: dict[Path, dict[str, dict]] = {}
    for item_id in item_ids:
        item, english = _item(lib, item_id, lang)
        changes.setdefault(item.path, {})[item_id] = {
            "translates": source_hash(english.text), "review": "draft", "reviewer": None}
    write_changes(root, changes)
    return item_ids


def review(root: Path, lang: str, item_ids: list[str], by: str, today: dt.date | None = None,
           all_current: bool = False, file: str | None = None) -> list[str]:
    """A native reviewer approves these items as they read now, against the English as it reads
    now. `all_current`: every item of the language (or of one file) that is not outdated."""
    if not by.strip():
        raise EditError("say who reviewed: --by NAME (a name or a role)")
    lib = loaded_library(root)
    today = today or dt.date.today()
    if all_current:
        item_ids = sorted(i.id for i in lib.items.get(lang, {}).values()
                          if lib.review_state(i) == "draft" and (file is None or i.path.name == file))
    changes: dict[Path, dict[str, dict]] = {}
    for item_id in item_ids:
        item, english = _item(lib, item_id, lang)
        changes.setdefault(item.path, {})[item_id] = {
            "review": "reviewed", "reviewer": by.strip(), "reviewed_on": today,
            "translates": source_hash(english.text)}
    if changes:
        write_changes(root, changes)
    return item_ids


def link_all(root: Path) -> int:
    """Link every translation that is not yet linked to the English text it stands beside now
    (the starting point: the translations were made from today's English). Their review state is
    left as it is."""
    lib = loaded_library(root)
    changes: dict[Path, dict[str, dict]] = {}
    for lang, items in lib.items.items():
        if lang == SOURCE_LANGUAGE:
            continue
        for item in items.values():
            english = lib.items[SOURCE_LANGUAGE].get(item.id)
            if english is not None and item.translates is None:
                changes.setdefault(item.path, {})[item.id] = {"translates": source_hash(english.text)}
    if changes:
        write_changes(root, changes)
    return sum(len(v) for v in changes.values())
