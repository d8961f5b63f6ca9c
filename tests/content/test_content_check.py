"""`prayat content check` catches each kind of editor mistake and says where it is.

Each test copies the shipped content, breaks one thing the way an editor might, and checks the
problem reported: its file, its line and what it says.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import CONTENT_ROOT, ContentError, ContentStore, load_library


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    return root


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in a file; return the 1-based line where the change starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def errors(root: Path) -> list[tuple[str, int, str]]:
    lib = load_library(root)
    return [(p.path.name if p.path.parent.name == root.name else f"{p.path.parent.name}/{p.path.name}",
             p.line, p.message) for p in lib.errors]


def only_error(root: Path) -> tuple[str, int, str]:
    found = errors(root)
    assert len(found) == 1, found
    return found[0]


def replace_text(path: Path, item: str, new_text: str) -> int:
    """Replace an item's whole text block with a one-line text; return the line it is on."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"{item}:")
    at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("text:"))
    end = at + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith("    ")):
        end += 1
    lines[at:end] = [f"  text: {new_text}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def test_shipped_content_passes(content_copy):
    assert errors(content_copy) == []


def test_broken_yaml_is_reported_at_its_line(content_copy):
    path = content_copy / "en" / "jobs.yml"
    line = edit(path, "jobs.what_happens:", "jobs.what_happens: [unclosed")
    where, at, message = only_error(content_copy)
    assert where == "en/jobs.yml" and message.startswith("not valid YAML")
    assert at in (line, line + 1)


def test_an_item_missing_in_one_language(content_copy):
    path = content_copy / "zh" / "marriage.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("marriage:", "marriage_typo:", 1), encoding="utf-8")
    found = errors(content_copy)
    assert any(w == "zh/marriage.yml" and "'marriage' is missing in zh" in m for w, _, m in found)


def test_a_missing_text(content_copy):
    path = content_copy / "km" / "welcome.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("welcome.thanks:\n")
    field = text.index("\n  text:", start)
    path.write_text(text[:field] + "\n  txt:" + text[field + len("\n  text:"):], encoding="utf-8")
    line, txt_line = text[:start].count("\n") + 1, text[:field].count("\n") + 2
    found = errors(content_copy)
    assert ("km/welcome.yml", txt_line, "welcome.thanks: unknown field 'txt' (fields: audio, buttons, "
            "contacts, image, image_alt, review, reviewed_on, reviewer, sources, text, translates)") in found
    assert ("km/welcome.yml", line, "welcome.thanks: needs a `text`") in found
    assert len(found) == 2


def test_review_must_be_draft_or_reviewed(content_copy):
    path = content_copy / "en" / "fallback.yml"
    line = edit(path, "fallback:\n  review: draft", "fallback:\n  review: ok")
    assert only_error(content_copy) == ("en/fallback.yml", line + 1,
                                        "fallback: `review` must be `draft` or `reviewed`")


def test_a_reviewed_item_names_its_reviewer(content_copy):
    path = content_copy / "en" / "fallback.yml"
    edit(path, "fallback:\n  review: draft", "fallback:\n  review: reviewed")
    where, _, message = only_error(content_copy)
    assert where == "en/fallback.yml" and "needs the reviewer's role" in message


def test_a_malformed_phone_number(content_copy):
    path = content_copy / "contacts.yml"
    line = edit(path, 'numbers: ["117"]', 'numbers: ["11 7x"]')
    assert only_error(content_copy) == (
        "contacts.yml", line,
        "contact 'kh_police': '11 7x' is not a phone number (write it in quotes: \"117\")")


def test_a_contact_without_a_source(content_copy):
    path = content_copy / "contacts.yml"
    edit(path, "  source: https://en.vietnamplus.vn/", "  origin: https://en.vietnamplus.vn/")
    where, _, message = only_error(content_copy)
    assert where == "contacts.yml" and "needs a `source`" in message


def test_a_confirmed_contact_without_a_date(content_copy):
    path = content_copy / "contacts.yml"
    line = edit(path, "verified_on: 2025-08-20", "verified_on: null")
    assert only_error(content_copy) == (
        "contacts.yml", line,
        "contact 'kh_labour': a confirmed contact needs `verified_on`, the date it was checked")


def test_an_old_check_date_is_a_warning_not_an_error(content_copy):
    lib = load_library(content_copy, today=dt.date(2026, 12, 8))
    stale = {p.message.split(":")[0] for p in lib.warnings if "over 6 months ago" in p.message}
    assert {"contact 'kh_police'", "contact 'th_1300'", "contact 'my_mapo'"} <= stale
    assert "contact 'la_tourist_police_vte'" not in stale  # checked 2026-12-07
    assert lib.errors == []


def test_khmer_text_written_in_latin_letters(content_copy):
    path = content_copy / "km" / "welcome.yml"
    line = replace_text(path, "welcome.goodbye", "Goodbye, take care and come back any time.")
    assert only_error(content_copy) == ("km/welcome.yml", line,
                                        "Khmer text must be written mostly in Khmer script")


def test_chinese_text_written_in_another_script(content_copy):
    path = content_copy / "zh" / "fallback.yml"
    line = replace_text(path, "fallback.bad_button", "This button is old.")
    assert only_error(content_copy) == ("zh/fallback.yml", line,
                                        "Chinese text must be written mostly in Chinese characters")


def test_an_unknown_placeholder(content_copy):
    path = content_copy / "en" / "fallback.yml"
    edit(path, "fallback.media:\n  review: draft\n  reviewer: null\n  text: |\n",
         "fallback.media:\n  review: draft\n  reviewer: null\n  text: |\n    Hello {name}\n")
    where, _, message = only_error(content_copy)
    assert where == "en/fallback.yml" and message == "fallback.media: unknown placeholder(s) ['name']"


def test_a_label_that_lost_its_placeholder(content_copy):
    path = content_copy / "zh" / "labels.yml"
    text = path.read_text(encoding="utf-8")
    line_no, line = next((i + 1, ln) for i, ln in enumerate(text.splitlines())
                         if ln.startswith("checked:"))
    path.write_text(text.replace(line, 'checked: "核实日期"'), encoding="utf-8")
    assert only_error(content_copy) == ("zh/labels.yml", line_no,
                                        "label 'checked' must contain exactly ['{date}']")


def test_buttons_that_differ_between_languages(content_copy):
    path = content_copy / "km" / "jobs.yml"
    edit(path, "buttons: [jobs.what_happens, jobs.what_to_do, menu.hotlines]",
         "buttons: [jobs.what_happens, menu.hotlines]")
    where, _, message = only_error(content_copy)
    assert where == "km/jobs.yml"
    assert message == ("jobs: buttons ['jobs.what_happens', 'menu.hotlines'] differ from en "
                       "['jobs.what_happens', 'jobs.what_to_do', 'menu.hotlines']")


def test_a_button_that_does_not_exist(content_copy):
    path = content_copy / "en" / "jobs.yml"
    line = edit(path, "buttons: [jobs.what_happens, jobs.what_to_do, menu.hotlines]",
                "buttons: [jobs.what_happens, jobs.what_to_do, menu.hotline]")
    found = errors(content_copy)
    assert ("en/jobs.yml", line, "jobs: unknown button 'menu.hotline'") in found


def test_a_contact_that_does_not_exist(content_copy):
    for lang in ("km", "en", "zh"):
        edit(content_copy / lang / "emergency.yml", "contacts: [kh_police]", "contacts: [kh_polise]")
    found = errors(content_copy)
    assert {w for w, _, m in found if "unknown contact 'kh_polise'" in m} == {
        "km/emergency.yml", "en/emergency.yml", "zh/emergency.yml"}


def test_a_button_that_opens_an_item_that_does_not_exist(content_copy):
    edit(content_copy / "buttons.yml", '{"item":"jobs.what_to_do"}', '{"item":"jobs.what_to_doo"}')
    found = errors(content_copy)
    assert any("shows item 'jobs.what_to_doo', which does not exist" in m for _, _, m in found)


def test_a_payload_over_telegrams_limit(content_copy):
    line = edit(content_copy / "buttons.yml", "menu.hotlines: {payload: /ask_hotlines}",
                "menu.hotlines: {payload: /ask_hotlines_and_every_other_number_we_know_of_in_cambodia_and_china}")
    assert ("buttons.yml", line, "payload of 'menu.hotlines' is over Telegram's 64-byte limit"
            ) in errors(content_copy)


def test_a_text_over_the_limit(content_copy):
    path = content_copy / "en" / "fallback.yml"
    edit(path, "fallback.media:\n  review: draft\n  reviewer: null\n  text: |\n",
         "fallback.media:\n  review: draft\n  reviewer: null\n  text: |\n    " + "word " * 800 + "\n")
    where, _, message = only_error(content_copy)
    assert where == "en/fallback.yml" and re.match(r"fallback.media: text is \d+ characters", message)


def test_a_figure_translated_wrongly(content_copy):
    path = content_copy / "zh" / "facts.yml"
    text = path.read_text(encoding="utf-8")
    assert "197" in text
    path.write_text(text.replace("197", "179", 1), encoding="utf-8")
    where, _, message = only_error(content_copy)
    assert where == "zh/facts.yml"
    assert message == "facts: the numbers in the text differ from km: 179 here, 197 in km"


def test_the_command_prints_file_and_line_and_fails(content_copy):
    edit(content_copy / "en" / "jobs.yml", "jobs.what_happens:", "jobs.what_happens: [unclosed")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "content", "check"],
                          env={**os.environ, "PRAYAT_CONTENT_DIR": str(content_copy)},
                          capture_output=True, text=True, cwd=content_copy.parent)
    assert done.returncode == 1
    assert re.search(r"^content/en/jobs\.yml:\d+: not valid YAML", done.stdout, re.M), done.stdout
    assert "1 errors" in done.stderr


def test_the_command_passes_on_the_shipped_content():
    done = subprocess.run([sys.executable, "-m", "bot.cli", "content", "check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert "0 errors" in done.stderr


# -- live reloading ----------------------------------------------------------------------------

def test_an_edit_goes_live_and_a_broken_edit_is_refused(content_copy, tmp_path):
    store = ContentStore(content_copy, interval=0, snapshot=tmp_path / "last-good.pickle")
    before = store.library.item("fallback.media", "en").text
    edit(content_copy / "en" / "fallback.yml", before.splitlines()[0], "I read text only. 📝")
    assert store.library.item("fallback.media", "en").text.startswith("I read text only. 📝")
    assert store.last_error is None

    edit(content_copy / "en" / "fallback.yml", "fallback.media:", "fallback.media: [broken")
    live = store.library
    assert live.item("fallback.media", "en").text.startswith("I read text only. 📝")
    assert "en/fallback.yml" in store.last_error


def test_a_restart_during_a_broken_edit_serves_the_last_good_content(content_copy, tmp_path):
    snapshot = tmp_path / "last-good.pickle"
    ContentStore(content_copy, snapshot=snapshot)
    edit(content_copy / "en" / "jobs.yml", "jobs.what_happens:", "jobs.what_happens: [unclosed")
    restarted = ContentStore(content_copy, snapshot=snapshot)
    assert restarted.library.item("jobs.what_happens", "en") is not None
    assert restarted.last_error
    with pytest.raises(ContentError):
        ContentStore(content_copy)  # no snapshot: refuse to start on broken content
