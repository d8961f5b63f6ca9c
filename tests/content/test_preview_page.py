"""The content preview page (bot/content/preview_page.py) in a real headless Chromium (Debian's
chromium, driven by Playwright): every item in every language shows its text, the filters work,
and the browser reports no error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import LANGUAGES
from bot.content import CONTENT_ROOT, load_library
from bot.content.preview_page import write

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Chromium is not installed (scripts/ensure-chromium)")
# As the machine's notes say: no network, no first-run or background traffic.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser, path: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    return page, errors


def test_every_item_shows_in_every_language_with_no_browser_error(browser, tmp_path):
    lib = load_library(CONTENT_ROOT)
    out = tmp_path / "preview.html"
    write(lib, out)
    page, errors = open_page(browser, out)
    rows = page.locator("section.item")
    assert rows.count() == len(lib.items["en"])
    for lang in LANGUAGES:
        texts = page.locator(f'.bubble[data-lang="{lang}"] .text').all_inner_texts()
        assert len(texts) == len(lib.items["en"]) and all(t.strip() for t in texts), lang
    hotline = page.locator('section.item[data-id="hotlines.kh"] .bubble[data-lang="km"]').inner_text()
    assert "117" in hotline  # a contact, as Telegram would show it
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=False)
    assert (tmp_path / "preview.png").stat().st_size > 10_000
    assert errors == []


def test_the_outdated_filter_shows_what_a_translator_must_redo(browser, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    path = root / "en" / "jobs.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("with targets to meet", "with daily targets", 1),
                    encoding="utf-8")
    out = tmp_path / "preview.html"
    write(load_library(root), out)
    page, errors = open_page(browser, out)
    page.click('header button[data-state="outdated"]')
    visible = [s.get_attribute("data-id") for s in page.locator("section.item:not([hidden])").all()]
    assert visible == ["jobs.what_happens"]
    page.click('header button[data-state="draft"]')
    assert page.locator("section.item:not([hidden])").count() > 100
    assert errors == []
