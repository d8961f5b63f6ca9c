"""Outreach cards: every card in every language, shaped by raqm, with no text outside the card."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from bot.content import CONTENT_ROOT, load_library
from bot.outreach.cards import BAND, MARGIN, SIZE, CardCache, CardError, card_ids, draw_card, font, font_path
from tests.content.test_content_check import content_copy, edit  # noqa: F401 - fixture

LIBRARY = load_library(CONTENT_ROOT)
CARDS = card_ids(LIBRARY)


def test_there_is_a_card_per_warning_sign_topic_and_place():
    assert {"topic.jobs", "topic.marriage", "sign.high_pay", "sign.passport_kept",
            "hotline.KH", "hotline.CN", "hotline.ABROAD"} <= set(CARDS)


@pytest.mark.parametrize("card_id", CARDS)
@pytest.mark.parametrize("lang", ["km", "en", "zh"])
def test_every_card_renders_with_its_text_inside(card_id, lang):
    card = draw_card(LIBRARY, card_id, lang)
    assert card.image.size == (SIZE, SIZE)
    assert len(card.boxes) >= 3  # title, text (or numbers), footer
    for left, top, right, bottom in card.boxes:
        assert MARGIN <= left and right <= SIZE - MARGIN, (left, right)
        assert BAND - 40 <= top and bottom <= SIZE, (top, bottom)
    title = LIBRARY.card_texts[lang][card_id]["title"]
    assert title  # the words come from content/<lang>/cards.yml


def test_cards_use_the_raqm_layout_engine():
    for lang in ("km", "en", "zh"):
        assert font(lang, "regular", 40).layout_engine == ImageFont.Layout.RAQM


def test_khmer_is_shaped_not_drawn_letter_by_letter():
    """With raqm, a subscript consonant (coeng) is drawn under its base; without shaping it is
    drawn as separate glyphs. The two drawings must differ."""
    word = "ស្ត្រី"
    path = str(font_path("KhmerOS.ttf"))

    def drawn(engine):
        face = ImageFont.truetype(path, 80, layout_engine=engine)
        image = Image.new("L", (400, 200), 255)
        ImageDraw.Draw(image).text((10, 10), word, font=face, fill=0)
        return image

    shaped, unshaped = drawn(ImageFont.Layout.RAQM), drawn(ImageFont.Layout.BASIC)
    assert ImageChops.difference(shaped, unshaped).getbbox() is not None
    face = ImageFont.truetype(path, 80, layout_engine=ImageFont.Layout.RAQM)
    basic = ImageFont.truetype(path, 80, layout_engine=ImageFont.Layout.BASIC)
    assert face.getlength(word) < basic.getlength(word)  # stacked, so narrower


def test_words_that_cannot_fit_are_an_error_not_a_cropped_card(content_copy):  # noqa: F811
    edit(content_copy / "en" / "cards.yml", "  text: Big pay for easy work is the most common bait.",
         "  text: " + "Big pay for easy work is the most common bait. " * 40)
    library = load_library(content_copy)
    with pytest.raises(CardError):
        draw_card(library, "sign.high_pay", "en")


def test_cards_are_cached_and_drawn_again_when_the_words_change(content_copy, tmp_path):  # noqa: F811
    cache = CardCache(tmp_path)
    first = cache.path(load_library(content_copy), "sign.high_pay", "km")
    assert first.exists() and Image.open(first).size == (SIZE, SIZE)
    assert cache.path(load_library(content_copy), "sign.high_pay", "km") == first
    edit(content_copy / "en" / "cards.yml", "title: Pay too good to be true",
         "title: Pay that is too good")
    assert cache.path(load_library(content_copy), "sign.high_pay", "en") != cache.path(
        load_library(CONTENT_ROOT), "sign.high_pay", "en")


def test_the_cards_command_writes_pngs_and_an_a4_handout(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot.cli", "cards", "--lang", "zh", "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pngs = sorted(p.stem for p in (tmp_path / "zh").glob("*.png"))
    assert pngs == sorted(CARDS)
    pdf = (tmp_path / "handout-zh.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") \
        + pdf.count(b"/Type/Page") >= 1
    assert shutil.disk_usage(tmp_path).free > 0
