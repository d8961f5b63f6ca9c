"""Outdated translations and review from the command line (bot/content/editing.py): what an
editor sees when the English changes, and what the tools write (only the fields they set)."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import CONTENT_ROOT, load_library
from bot.content.editing import EditError, edit_text, review, translated
from bot.content.items import source_hash


@pytest.fixture
def root(tmp_path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, copy)
    return copy


def change_english(root: Path, item_id: str, old: str, new: str) -> None:
    path = root / "en" / f"{item_id.split('.', 1)[0]}.yml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def outdated(root: Path) -> set[tuple[str, str]]:
    lib = load_library(root)
    return {(i.lang, i.id) for items in lib.items.values() for i in items.values()
            if lib.review_state(i) == "outdated"}


def warnings_about(root: Path, item_id: str) -> list[str]:
    return [str(p) for p in load_library(root).warnings if f"{item_id}: the " in str(p)]


def test_the_shipped_translations_are_all_linked_and_current():
    assert outdated(CONTENT_ROOT) == set()


def test_changing_an_english_text_makes_exactly_its_translations_outdated(root):
    change_english(root, "jobs.what_happens", "with targets to meet", "with daily targets")
    assert outdated(root) == {("km", "jobs.what_happens"), ("zh", "jobs.what_happens")}
    found = warnings_about(root, "jobs.what_happens")
    assert [w.split(":", 2)[0].split("/content/")[-1] for w in found] == ["km/jobs.yml", "zh/jobs.yml"]
    assert all("older English text" in w and "prayat content translated" in w for w in found)


def test_re_wrapping_an_english_line_changes_nothing(root):
    path = root / "en" / "jobs.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n    ", "\n      ", 1).replace(". ", ".  ", 1), encoding="utf-8")
    assert outdated(root) == set()


def test_the_translator_brings_it_up_to_date(root):
    change_english(root, "jobs.what_happens", "with targets to meet", "with daily targets")
    translated(root, "km", ["jobs.what_happens"])
    assert outdated(root) == {("zh", "jobs.what_happens")}
    item = load_library(root).item("jobs.what_happens", "km")
    assert (item.review, item.reviewer) == ("draft", None)  # now it waits for a reviewer


def test_a_reviewed_translation_that_becomes_outdated_is_no_longer_reviewed(root):
    review(root, "zh", ["jobs.what_happens"], by="Chinese reviewer", today=dt.date(2026, 12, 8))
    lib = load_library(root)
    assert lib.review_state(lib.item("jobs.what_happens", "zh")) == "reviewed"
    change_english(root, "jobs.what_happens", "with targets to meet", "with daily targets")
    lib = load_library(root)
    item = lib.item("jobs.what_happens", "zh")
    assert lib.review_state(item) == "outdated"
    assert item.text  # still served: the last translation is better than none
    status = subprocess.run([sys.executable, "-m", "bot.cli", "content", "status"], capture_output=True,
                            text=True, env={**os.environ, "PRAYAT_CONTENT_DIR": str(root)}, cwd=root.parent)
    assert "content/zh/jobs.yml:" in status.stdout
    assert "jobs.what_happens (was reviewed by Chinese reviewer)" in status.stdout


def test_review_writes_only_the_fields_it_sets_and_keeps_comments_and_order(root):
    path = root / "km" / "jobs.yml"
    before = path.read_text(encoding="utf-8")
    review(root, "km", ["jobs.what_happens"], by="Sokha, native reviewer", today=dt.date(2026, 12, 8))
    after = path.read_text(encoding="utf-8")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert sorted(changed) == sorted([
        "-  review: draft", "+  review: reviewed",
        "-  reviewer: null", '+  reviewer: "Sokha, native reviewer"', "+  reviewed_on: 2026-12-08",
    ])
    assert [line for line in before.splitlines() if line.startswith("#")] == \
        [line for line in after.splitlines() if line.startswith("#")]
    item = load_library(root).item("jobs.what_happens", "km")
    assert (item.review, item.reviewer, item.reviewed_on) == ("reviewed", "Sokha, native reviewer",
                                                               dt.date(2026, 12, 8))


def test_review_all_current_skips_what_is_outdated(root):
    change_english(root, "jobs.what_happens", "with targets to meet", "with daily targets")
    done = review(root, "km", [], by="reviewer", all_current=True, file="jobs.yml")
    assert "jobs.what_happens" not in done and done
    lib = load_library(root)
    assert all(lib.review_state(lib.item(i, "km")) == "reviewed" for i in done)
    assert lib.review_state(lib.item("jobs.what_happens", "km")) == "outdated"
    assert lib.review_state(lib.item("welcome", "km")) == "draft"  # another file: untouched


def test_an_edit_that_cannot_be_done_writes_nothing(root):
    before = {p: p.read_bytes() for p in root.rglob("*.yml")}
    with pytest.raises(EditError, match="no item"):
        review(root, "km", ["jobs.no_such_item"], by="reviewer")
    with pytest.raises(EditError, match="--by"):
        review(root, "km", ["jobs.what_happens"], by=" ")
    (root / "zh" / "jobs.yml").write_text("jobs: [broken", encoding="utf-8")
    with pytest.raises(EditError, match="errors"):
        translated(root, "km", ["jobs.what_happens"])
    assert {p: p.read_bytes() for p in root.rglob("*.yml") if p.name != "jobs.yml" or "zh" not in p.parts} == \
        {p: b for p, b in before.items() if p.name != "jobs.yml" or "zh" not in p.parts}


def test_a_hash_typed_by_hand_is_an_error(root):
    path = root / "km" / "jobs.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('translates: "', 'translates: "x', 1), encoding="utf-8")
    assert any("`translates` is written by" in str(e) for e in load_library(root).errors)


def test_edit_text_keeps_every_other_byte():
    text = ('# a comment\nfoo:\n  review: draft\n  reviewer: null\n  text: |\n    Hello.\n'
            '  buttons: [a, b,\n            c]\n\nbar:\n  review: draft\n  reviewer: null\n  text: x\n')
    out = edit_text(text, {"foo": {"translates": source_hash("Hello.")}})
    stamp = f'  translates: "{source_hash("Hello.")}"\n'
    assert out == text.replace("  reviewer: null\n  text: |", f"  reviewer: null\n{stamp}  text: |", 1)
