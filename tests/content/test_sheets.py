"""The translators' spreadsheet round trip (bot/content/sheets.py), with real .xlsx files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.content import CONTENT_ROOT, load_library
from bot.content.editing import EditError
from bot.content.sheets import NEW, export, import_sheet


@pytest.fixture
def root(tmp_path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, copy)
    return copy


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*.yml")}


def fill(sheet_path: Path, texts: dict[str, str]) -> None:
    book = load_workbook(sheet_path)
    sheet = book.active
    header = [c.value for c in sheet[3]]
    for row in sheet.iter_rows(min_row=4):
        item_id = row[header.index("id")].value
        if item_id in texts:
            row[header.index(NEW)].value = texts[item_id]
    book.save(sheet_path)


def test_every_item_is_a_row_with_the_english_and_the_translation(root, tmp_path):
    out = tmp_path / "km.xlsx"
    count = export(root, "km", out)
    lib = load_library(root)
    assert count == len(lib.items["km"])
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[3]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    row = rows["jobs.what_happens"]
    assert row[header.index("English")] == lib.item("jobs.what_happens", "en").text
    assert row[header.index("current translation")] == lib.item("jobs.what_happens", "km").text
    assert row[header.index("state")] == "draft" and row[header.index(NEW)] is None


def test_export_then_import_with_no_edits_changes_nothing(root, tmp_path):
    before = snapshot(root)
    out = tmp_path / "zh.xlsx"
    export(root, "zh", out)
    assert import_sheet(root, out) == []
    assert snapshot(root) == before  # byte for byte


def test_a_new_text_is_imported_as_a_draft_linked_to_the_english(root, tmp_path):
    out = tmp_path / "km.xlsx"
    export(root, "km", out)
    new = load_library(root).item("welcome.thanks", "km").text + " ✨"
    fill(out, {"welcome.thanks": new})
    before = (root / "km" / "welcome.yml").read_text(encoding="utf-8")
    assert import_sheet(root, out) == ["welcome.thanks"]
    lib = load_library(root)
    item = lib.item("welcome.thanks", "km")
    assert item.text == new and lib.review_state(item) == "draft"
    after = (root / "km" / "welcome.yml").read_text(encoding="utf-8")
    assert [line for line in before.splitlines() if line.startswith("#")] == \
        [line for line in after.splitlines() if line.startswith("#")]  # comments kept
    assert list(load_library(root).items["km"]) == list(lib.items["km"])  # order kept


def test_one_broken_row_stops_the_whole_import_and_is_named(root, tmp_path):
    out = tmp_path / "km.xlsx"
    export(root, "km", out)
    lib = load_library(root)
    good = lib.item("welcome.thanks", "km").text + " ✨"
    facts = lib.item("facts", "km").text
    broken = facts.replace("197", "179", 1)  # a changed number
    assert broken != facts
    fill(out, {"welcome.thanks": good, "facts": broken})
    before = snapshot(root)
    with pytest.raises(EditError) as raised:
        import_sheet(root, out)
    message = str(raised.value)
    assert "nothing was written" in message and "(facts)" in message and "welcome.thanks" not in message
    assert snapshot(root) == before


def test_a_sheet_that_is_not_ours_is_refused(root, tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_bytes(b"not a spreadsheet")
    with pytest.raises(EditError, match="not a spreadsheet"):
        import_sheet(root, bad)


def test_a_po_file_round_trip_for_translation_platforms(root, tmp_path):
    import polib

    out = tmp_path / "zh.po"
    assert export(root, "zh", out) == len(load_library(root).items["zh"])
    before = snapshot(root)
    assert import_sheet(root, out) == []  # nothing changed: nothing written
    assert snapshot(root) == before
    po = polib.pofile(str(out))
    entry = next(e for e in po if e.msgctxt == "welcome.thanks")
    assert entry.msgid == load_library(root).item("welcome.thanks", "en").text
    entry.msgstr = entry.msgstr + " 🙏"
    po.save(str(out))
    assert import_sheet(root, out) == ["welcome.thanks"]
    assert load_library(root).item("welcome.thanks", "zh").text.endswith("🙏")


def test_an_outdated_translation_is_fuzzy_in_the_po_file(root, tmp_path):
    import polib

    path = root / "en" / "welcome.yml"
    item = load_library(root).item("welcome.thanks", "en")
    path.write_text(path.read_text(encoding="utf-8").replace(item.text.splitlines()[0],
                                                             item.text.splitlines()[0] + " Take care.", 1),
                    encoding="utf-8")
    out = tmp_path / "km.po"
    export(root, "km", out)
    entry = next(e for e in polib.pofile(str(out)) if e.msgctxt == "welcome.thanks")
    assert "fuzzy" in entry.flags and "state: outdated" in entry.comment
