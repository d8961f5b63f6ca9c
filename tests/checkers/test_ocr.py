"""Reading ads from pictures (bot/checkers/ocr.py) with the real Tesseract: the cleaning steps, what
is read in each script, and the pictures that must not get a verdict."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.checkers import ocr
from bot.tools.ocr_eval import Sample, cer, draw

pytestmark = pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed (scripts/ensure-ocr)")

ADS = {
    "en": "HIRING NOW customer service\nSalary $2,500 per month\nNo experience needed, free flight",
    "km": "ជ្រើសរើសបុគ្គលិកបម្រើអតិថិជន\nប្រាក់ខែ ២០០០ ដុល្លារ\nមិនត្រូវការបទពិសោធន៍",
    "zh": "诚聘网络客服\n月薪两万，包机票\n无需经验，公司统一培训",
}


def picture(lang: str, style: str) -> tuple[bytes, str]:
    return draw(Sample("t", lang, "scam", style, ADS[lang]), seed=5)


@pytest.mark.parametrize("lang", ["en", "km", "zh"])
@pytest.mark.parametrize("style", ["clean", "screenshot", "photo"])
def test_an_ad_is_read_in_each_script(lang, style):
    image, drawn = picture(lang, style)
    reading = ocr.read(image)
    assert reading.readable
    assert cer(drawn, reading.text, lang) < 0.25, reading.text


def test_traditional_chinese_is_read():
    words = "誠聘網絡客服\n月薪兩萬，包機票\n無需經驗，公司統一培訓"
    image, drawn = draw(Sample("t", "zh", "scam", "clean", words), seed=5)
    assert cer(drawn, ocr.read(image).text, "zh") < 0.25


def test_light_letters_on_a_dark_poster_are_turned_dark_on_light():
    from PIL import ImageDraw, ImageFont

    image = Image.new("L", (600, 120), 20)
    ImageDraw.Draw(image).text((20, 30), "SALARY 2000", fill=240,
                                font=ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 48))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    prepared = ocr.prepare(buffer.getvalue())
    assert sum(prepared.getdata()) / (prepared.width * prepared.height) > 128  # mostly light now
    assert "SALARY 2000" in ocr.read(buffer.getvalue()).text


def test_a_tilted_photo_is_set_level():
    image, _ = picture("en", "clean")
    tilted = Image.open(io.BytesIO(image)).convert("L").rotate(5, expand=True, fillcolor=255)
    assert abs(ocr.skew(tilted) + 5) <= 1


def test_small_print_is_scaled_to_the_height_tesseract_reads_best():
    image, _ = picture("en", "screenshot")
    small = Image.open(io.BytesIO(image)).convert("L")
    small = small.resize((small.width // 2, small.height // 2))
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    assert ocr.line_height(ocr.prepare(buffer.getvalue())) == pytest.approx(ocr.LINE_HEIGHT, rel=0.3)


def test_a_blurred_photo_is_not_readable():
    image, _ = picture("km", "blurred")
    assert not ocr.read(image).readable


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\nbroken"])
def test_what_is_not_an_image_is_refused(data):
    with pytest.raises(ocr.NotAnImage):
        ocr.read(data)


def test_a_decompression_bomb_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")  # 81 megapixels in a small file
    with pytest.raises(ocr.NotAnImage):
        ocr.read(buffer.getvalue())


def test_a_blank_picture_reads_nothing():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(buffer, format="JPEG")
    reading = ocr.read(buffer.getvalue())
    assert not reading.readable and reading.letters < ocr.MIN_LETTERS
