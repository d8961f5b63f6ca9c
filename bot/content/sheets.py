"""Translators' spreadsheets: `prayat content export --lang km --out km.xlsx` writes one row per
item (id, the English, the current translation, its state, the reviewer, and an empty column for
the new text); `prayat content import km.xlsx` takes the new texts back. Every content check runs
on the result before anything is written; if any row fails, nothing is written and each failing
row is named. An imported text is a draft, linked to the English as it is now. The same as a PO
file (`--out km.po`), for organisations that use a translation platform; a row is then an entry,
named by its line in the file."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.content.editing import EditError, edit_text, loaded_library, write_changes
from bot.content.items import SOURCE_LANGUAGE, source_hash
from bot.content.library import load_library

COLUMNS = ("id", "file", "English", "current translation", "state", "reviewer", "reviewed on", "new translation")
NEW = "new translation"
LANGUAGE_CELL = "B1"  # the sheet says which language it is for, above the table


@dataclass(frozen=True)
class RowProblem:
    row: int
    item_id: str
    problem: str

    def __str__(self) -> str:
        return f"row {self.row} ({self.item_id}): {self.problem}"


def export(root: Path, lang: str, out: Path) -> int:
    """A spreadsheet (.xlsx) or, for a translation platform, a PO file (.po), by the name given."""
    if out.suffix == ".po":
        return export_po(root, lang, out)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    if lang == SOURCE_LANGUAGE:
        raise EditError("export a translation (km or zh); the English is the source")
    lib = loaded_library(root)
    book = Workbook()
    sheet = book.active
    sheet.title = f"Prayat {lang}"
    sheet["A1"], sheet[LANGUAGE_CELL] = "language", lang
    sheet.append([])
    sheet.append(list(COLUMNS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    outdated = PatternFill("solid", fgColor="FFE699")
    count = 0
    for item in sorted(lib.items[lang].values(), key=lambda i: (i.path.name, i.line)):
        english = lib.items[SOURCE_LANGUAGE].get(item.id)
        state = lib.review_state(item)
        sheet.append([item.id, item.path.name, english.text if english else "", item.text, state,
                      item.reviewer or "", item.reviewed_on.isoformat() if item.reviewed_on else "", ""])
        if state == "outdated":
            for cell in sheet[sheet.max_row]:
                cell.fill = outdated
        count += 1
    for letter, width in zip("ABCDEFGH", (28, 16, 60, 60, 10, 18, 12, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B4"
    book.save(out)
    return count


def _rows(path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    """(language, [(row number, item id, new text)]) of a sheet written by `export`."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).active
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same answer
        raise EditError(f"{path.name}: not a spreadsheet this tool wrote ({type(error).__name__})") from None
    rows = list(sheet.iter_rows(values_only=True))
    lang = str(rows[0][1]) if rows and len(rows[0]) > 1 else ""
    header = next((i for i, r in enumerate(rows) if r and "id" in r and NEW in r), None)
    if header is None or lang not in ("km", "zh"):
        raise EditError(f"{path.name}: no language in B1 or no header row with `id` and `{NEW}`: "
                        "export a fresh sheet with `prayat content export`")
    names = list(rows[header])
    at_id, at_new = names.index("id"), names.index(NEW)
    found = []
    for number, row in enumerate(rows[header + 1:], start=header + 2):
        if not row or row[at_id] is None:
            continue
        new = row[at_new] if at_new < len(row) else None
        if new is not None and str(new).strip():
            found.append((number, str(row[at_id]).strip(), str(new).replace("\r\n", "\n").strip()))
    return lang, found


def export_po(root: Path, lang: str, out: Path) -> int:
    """One entry per item: the id as context, the English as msgid, the translation as msgstr;
    outdated translations are marked fuzzy, as translation platforms expect."""
    import polib

    if lang == SOURCE_LANGUAGE:
        raise EditError("export a translation (km or zh); the English is the source")
    lib = loaded_library(root)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": lang, "Content-Type": "text/plain; charset=UTF-8",
                   "X-Generator": "prayat content export"}
    for item in sorted(lib.items[lang].values(), key=lambda i: (i.path.name, i.line)):
        english = lib.items[SOURCE_LANGUAGE].get(item.id)
        state = lib.review_state(item)
        po.append(polib.POEntry(
            msgctxt=item.id, msgid=english.text if english else item.id, msgstr=item.text,
            occurrences=[(f"content/{lang}/{item.path.name}", str(item.line))],
            comment=f"state: {state}" + (f", reviewed by {item.reviewer}" if item.reviewer else ""),
            flags=["fuzzy"] if state == "outdated" else []))
    po.save(str(out))
    return len(po)


def _po_rows(path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    import polib

    try:
        po = polib.pofile(str(path))
    except (OSError, ValueError) as error:
        raise EditError(f"{path.name}: not a PO file this tool can read ({type(error).__name__})") from None
    lang = po.metadata.get("Language", "")
    if lang not in ("km", "zh"):
        raise EditError(f"{path.name}: the PO file's Language header must be km or zh")
    return lang, [(entry.linenum, entry.msgctxt or "", entry.msgstr.strip()) for entry in po
                  if entry.msgctxt and entry.msgstr.strip()]


def import_sheet(root: Path, path: Path) -> list[str]:
    """The ids whose text was replaced. EditError, naming every failing row, if any fails."""
    lang, rows = _po_rows(path) if path.suffix == ".po" else _rows(path)
    lib = loaded_library(root)
    problems: list[RowProblem] = []
    changes: dict[Path, dict[str, dict]] = {}
    row_of: dict[str, int] = {}
    for number, item_id, new in rows:
        item = lib.item(item_id, lang)
        english = lib.item(item_id, SOURCE_LANGUAGE)
        if item is None or english is None:
            problems.append(RowProblem(number, item_id, f"no such item in {lang}"))
            continue
        if item_id in row_of:
            problems.append(RowProblem(number, item_id, f"the same id as row {row_of[item_id]}"))
            continue
        row_of[item_id] = number
        if new == item.text:
            continue
        changes.setdefault(item.path, {})[item_id] = {
            "text": new, "translates": source_hash(english.text), "review": "draft", "reviewer": None}
    if not problems and changes:
        problems += _trial(root, changes, row_of)
    if problems:
        raise EditError(f"{path.name}: nothing was written; fix these rows and import again:\n" +
                        "\n".join(str(p) for p in sorted(problems, key=lambda p: p.row)))
    if changes:
        write_changes(root, changes)
    return sorted(i for items in changes.values() for i in items)


def _trial(root: Path, changes: dict[Path, dict[str, dict]], row_of: dict[str, int]) -> list[RowProblem]:
    """Every content check, on a copy of the content with the changes made: the rows they fail."""
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "content"
        shutil.copytree(root, copy)
        for path, items in changes.items():
            target = copy / path.relative_to(root)
            target.write_text(edit_text(path.read_text(encoding="utf-8"), items), encoding="utf-8")
        for error in load_library(copy).errors:
            message = str(error).split(": ", 1)[-1]
            item_id = next((i for i in row_of if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w.])", message)), None)
            if item_id is None:
                problems.append(RowProblem(0, "-", message))
            else:
                problems.append(RowProblem(row_of[item_id], item_id, message))
    return problems
