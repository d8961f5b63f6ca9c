"""Reading a job ad from a photo or a screenshot, with Tesseract OCR (Debian's tesseract-ocr with
its Khmer, simplified and traditional Chinese and English data; scripts/ensure-ocr installs them).

The image is cleaned first (grey, contrast stretched, light text on a dark poster turned dark on
light, scaled so that its lines are the height Tesseract reads best, deskewed), then read once with all three
scripts, and again with the script that dominated the first reading (for Chinese, with the
simplified and with the traditional data); the reading with the higher confidence wins.
The image lives only in memory: it is never written to disk, and neither is the text read from
it. Tesseract reads it from a pipe and writes to one.

The binary is called directly, as pytesseract does: pytesseract needs packaging>=21.3, and rasa
3.6 pins packaging<21.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from nlu.components.scripts import HAN, KHMER, LATIN, script_counts

logger = logging.getLogger(__name__)

LANGUAGES = ("khm", "chi_sim", "chi_tra", "eng")
FIRST_PASS = "khm+chi_sim+eng"
BY_SCRIPT = {KHMER: "khm+eng", HAN: "chi_sim+eng", LATIN: "eng"}
TRADITIONAL = "chi_tra+eng"
TIMEOUT = 30  # seconds per Tesseract run
# Tesseract's page segmentation: the picture as one block of lines (6). Finding the blocks itself
# (3) lost whole lines of plain ads in the development images (docs/evaluation.md); a poster in
# several columns may be read better by 3.
PSM = "6"
MAX_PIXELS = 40_000_000  # larger images are refused as they are decoded (a decompression bomb)
LINE_HEIGHT = 40  # pixels: the height of a line of text Tesseract reads best
MIN_SCALE, MAX_UPSCALE = 0.5, 3
MAX_SIDE = 4000  # pixels; a larger image is made smaller before anything else
# A reading good enough to give a verdict on: this many letters (a Khmer or Chinese letter counts
# as three: a syllable's worth) and this mean word confidence (Tesseract's 0-100).
MIN_LETTERS = 40
MIN_CONFIDENCE = 55


class OcrUnavailable(RuntimeError):
    """Tesseract, or one of its language packs, is not installed here."""


class NotAnImage(ValueError):
    """The file is not an image that can be decoded."""


@dataclass(frozen=True)
class Reading:
    text: str
    confidence: float  # the mean confidence of the words read, 0-100
    letters: int  # letters read, a Khmer or Chinese letter counting as three
    languages: str  # the Tesseract languages of the reading that was kept
    passes: list[tuple[str, float]] = field(default_factory=list)  # every reading: languages, confidence

    @property
    def readable(self) -> bool:
        return self.letters >= MIN_LETTERS and self.confidence >= MIN_CONFIDENCE


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    if shutil.which("tesseract") is None:
        return frozenset()
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                                timeout=TIMEOUT, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in listed.splitlines()[1:] if line.strip())


def available() -> bool:
    return set(LANGUAGES) <= installed_languages()


def prepare(data: bytes):
    """The image as Tesseract reads it best: grey, upright, contrast stretched, dark text on a
    light ground, deskewed, scaled so that its lines are about LINE_HEIGHT pixels tall."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise NotAnImage(str(error)) from error
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        ground = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(ground, image)
    grey = image.convert("L")
    if max(grey.size) > MAX_SIDE:  # a huge photo: smaller first, the lines are still tall enough
        grey.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
    grey = ImageOps.autocontrast(grey, cutoff=1)
    if _mostly_dark(grey):
        grey = ImageOps.invert(grey)  # light letters on a dark poster
    angle = skew(grey)
    if angle:
        grey = grey.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    height = line_height(grey)
    if height:
        # Tesseract reads lines about LINE_HEIGHT pixels tall best; much smaller or larger letters
        # are read worse (a screenshot's small print, a poster's huge title).
        scale = max(MIN_SCALE, min(MAX_UPSCALE, LINE_HEIGHT / height))
        if abs(scale - 1) > 0.15:
            grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                               Image.LANCZOS)
    return grey


def line_height(grey) -> float | None:
    """The height of a line of text, in pixels, from the letters themselves: the median height of
    the blobs of ink that are the size of letters (not specks, not borders or bars), times 1.4
    for the space between lines. A photo's dark border or a poster's bars do not count."""
    import numpy as np
    from scipy import ndimage

    small = grey.copy()
    factor = max(1.0, max(small.size) / 1500)
    if factor > 1:
        small = small.resize((round(small.width / factor), round(small.height / factor)))
    pixels = np.asarray(small)
    ink = pixels < _otsu(pixels)
    labels, count = ndimage.label(ink, structure=np.ones((3, 3)))
    if not count:
        return None
    heights = []
    for box in ndimage.find_objects(labels):
        height, width = box[0].stop - box[0].start, box[1].stop - box[1].start
        if 3 <= height <= small.height / 3 and width <= small.width / 3:
            heights.append(height)
    if len(heights) < 3:
        return None
    return float(np.median(heights)) * 1.4 * factor


def _mostly_dark(grey) -> bool:
    import numpy as np

    pixels = np.asarray(grey.resize((max(1, grey.width // 8), max(1, grey.height // 8))))
    threshold = _otsu(pixels)
    return (pixels < threshold).mean() > 0.55


def _otsu(pixels) -> int:
    import numpy as np

    histogram = np.bincount(pixels.ravel(), minlength=256).astype(float)
    total = histogram.sum()
    if not total:
        return 128
    levels = np.arange(256)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    between = (mean[-1] * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    return int(np.argmax(between))


def skew(grey, limit: float = 10, step: float = 0.5) -> float:
    """The angle (degrees) that makes the lines of text level, by the rows' ink profile: the
    rotation whose rows are most unequal (lines of ink and white between them). 0 if level."""
    import numpy as np
    from PIL import Image

    small = grey.copy()
    small.thumbnail((600, 600))
    pixels = np.asarray(small)
    ink = Image.fromarray(((pixels < _otsu(pixels)) * 255).astype("uint8"))
    if not np.asarray(ink).any():
        return 0.0

    def score(angle: float) -> float:
        rotated = np.asarray(ink.rotate(angle, resample=Image.NEAREST, expand=True, fillcolor=0))
        rows = rotated.sum(axis=1).astype(float)
        return float(np.diff(rows).var())

    angles = np.arange(-limit, limit + step / 2, step)
    scores = [score(float(a)) for a in angles]
    best = float(angles[int(np.argmax(scores))])
    return best if abs(best) >= step else 0.0


def _tesseract(png: bytes, languages: str) -> tuple[str, float]:
    """The text Tesseract reads (lines kept) and the mean confidence of its words."""
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", languages, "--psm", PSM, "tsv"],
                              input=png, capture_output=True, timeout=TIMEOUT, check=False,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as error:
        raise OcrUnavailable(f"tesseract took over {TIMEOUT} s") from error
    except OSError as error:
        raise OcrUnavailable(str(error)) from error
    if done.returncode != 0:
        raise OcrUnavailable(f"tesseract exited with {done.returncode}")
    rows = csv.DictReader(io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t",
                          quoting=csv.QUOTE_NONE)
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences = []
    for row in rows:
        word = (row.get("text") or "").strip()
        if not word:
            continue
        try:
            confidence = float(row.get("conf") or -1)
        except ValueError:
            confidence = -1
        if confidence >= 0:
            confidences.append((confidence, len(word)))
        key = (row.get("block_num", ""), row.get("par_num", ""), row.get("line_num", ""))
        lines.setdefault(key, []).append(word)
    text = "\n".join(_join(words) for words in lines.values())
    weight = sum(n for _, n in confidences)
    mean = sum(c * n for c, n in confidences) / weight if weight else 0.0
    return text, mean


def _join(words: list[str]) -> str:
    """The words of one line; Chinese and Khmer words are joined without the spaces Tesseract
    puts between them (Chinese is written without spaces, Khmer between phrases only)."""
    out = ""
    for word in words:
        if out and not (_closed(out[-1]) and _closed(word[0])):
            out += " "
        out += word
    return out


def _closed(ch: str) -> bool:
    counts = script_counts(ch)
    return bool(counts[HAN]) or unicodedata.category(ch) in ("Po", "Ps", "Pe") and ord(ch) > 0x3000


def letters(text: str) -> int:
    counts = script_counts(text)
    return counts[LATIN] + 3 * (counts[KHMER] + counts[HAN])


def read(data: bytes) -> Reading:
    """The text of an image. OcrUnavailable if Tesseract is missing; NotAnImage if it is no image."""
    if not available():
        raise OcrUnavailable("tesseract with " + ", ".join(LANGUAGES) + " is not installed "
                             "(scripts/ensure-ocr)")
    image = prepare(data)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    png = buffer.getvalue()
    passes = []
    text, confidence = _tesseract(png, FIRST_PASS)
    passes.append((FIRST_PASS, confidence, text))
    counts = script_counts(text)
    script = max((KHMER, HAN, LATIN), key=lambda s: counts[s] * (3 if s != LATIN else 1))
    if counts[script]:
        # Chinese read with the simplified data comes out simplified even when the ad is in
        # traditional characters, so both are tried and the surer reading kept.
        for second in (BY_SCRIPT[script], TRADITIONAL) if script == HAN else (BY_SCRIPT[script],):
            text2, confidence2 = _tesseract(png, second)
            passes.append((second, confidence2, text2))
    # The reading with the most letters read surely: confidence times letters. A reading that
    # dropped a line is as sure of what it kept, but keeps less.
    languages, confidence, text = max(passes, key=lambda p: p[1] * letters(p[2]))
    return Reading(text.strip(), round(confidence, 1), letters(text), languages,
                   [(p[0], round(p[1], 1)) for p in passes])
