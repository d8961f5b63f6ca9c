"""`prayat eval-ocr`: how well ads are read from images. Ads of a labelled set are drawn as images
in several fonts (heavy display fonts too), sizes, colours and grounds, some made to look
photographed (rotated, blurred, noisy, JPEG), and read back with bot/checkers/ocr.py:

- the character error rate of the reading against the text drawn, per language and style;
- whether the checker gives the image the verdict it gives the text;
- how often a reading is judged readable (a blurred photo should not be: it gets "send the text").

The development set's ads are for tuning the image cleaning; the held-out set's are scored as
docs/evaluation.md says. Images are drawn in memory and never written, unless --keep DIR.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.tools.ad_tools import SETS

FONT_DIRS = (Path("/usr/share/fonts/truetype/khmeros"), Path("/usr/share/fonts/opentype/noto"),
             Path("/usr/share/fonts/truetype/dejavu"))
# language -> style -> (font file, index in the collection, stroke width: a heavier display weight)
FONTS = {
    "km": {"plain": ("KhmerOS.ttf", 0, 0), "heavy": ("KhmerOSmuollight.ttf", 0, 0),
           "book": ("KhmerOSbattambang.ttf", 0, 0)},
    "zh": {"plain": ("NotoSansCJK-Regular.ttc", 2, 0), "heavy": ("NotoSansCJK-Bold.ttc", 2, 1),
           "book": ("NotoSerifCJK-Bold.ttc", 2, 0)},
    "en": {"plain": ("DejaVuSans.ttf", 0, 0), "heavy": ("DejaVuSans-Bold.ttf", 0, 1),
           "book": ("DejaVuSerif-Bold.ttf", 0, 0)},
}
STYLES = ("clean", "poster", "screenshot", "photo", "blurred")


@dataclass(frozen=True)
class Sample:
    id: str
    lang: str
    label: str
    style: str
    text: str  # as drawn


def drawable(text: str) -> str:
    """The ad without what the fonts cannot draw (emoji, symbols): that is the text to read."""
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "So" or category == "Cs" or ord(ch) in (0xFE0F, 0x200D) or ord(ch) > 0x1F000:
            continue
        kept.append(ch)
    lines = [" ".join("".join(kept_line).split()) for kept_line in "".join(kept).splitlines()]
    return "\n".join(line for line in lines if line)


def _clusters(text: str) -> list[str]:
    """Letters that must stay together on a line: a Khmer consonant with its vowels and
    subscripts (after the coeng U+17D2), a Chinese character, a Latin word with its space."""
    out: list[str] = []
    for ch in text:
        if out and (unicodedata.category(ch) in ("Mn", "Mc") or out[-1].endswith("\u17d2")
                    or (ch.isascii() and ch.isalnum() and out[-1][-1:].isascii() and out[-1][-1:].isalnum())):
            out[-1] += ch
        else:
            out.append(ch)
    return out


# For the letters the style's font lacks (Chinese in a Khmer ad, Khmer in an English one).
FALLBACKS = (("KhmerOS.ttf", 0), ("NotoSansCJK-Regular.ttc", 2), ("DejaVuSans.ttf", 0))


def _font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    raise SystemExit(f"font {name} is not installed: run scripts/ensure-fonts")


class Fonts:
    """The style's font first, then the fallbacks, each letter drawn by the first that has it."""

    def __init__(self, lang: str, weight: str, size: int) -> None:
        from fontTools.ttLib import TTFont
        from PIL import ImageFont

        name, index, _ = FONTS[lang][weight]
        self.faces = []
        for file, number in ((name, index), *FALLBACKS):
            path = _font_file(file)
            font = ImageFont.truetype(str(path), size, index=number, layout_engine=ImageFont.Layout.RAQM)
            cmap = TTFont(str(path), fontNumber=number if path.suffix == ".ttc" else -1).getBestCmap()
            self.faces.append((font, set(cmap)))
        self.main = self.faces[0][0]

    def runs(self, line: str) -> list[tuple[object, str]]:
        """The line cut into runs of one font; a letter no font has is left out."""
        runs: list[tuple[object, str]] = []
        for ch in line:
            # Khmer vowels and subscripts stay in the run of the letter they belong to.
            joined = unicodedata.category(ch) in ("Mn", "Mc") or (runs and runs[-1][1].endswith("\u17d2"))
            font = runs[-1][0] if joined and runs else next(
                (f for f, letters in self.faces if ord(ch) in letters or ch == " "), None)
            if font is None:
                continue
            if runs and runs[-1][0] is font:
                runs[-1] = (font, runs[-1][1] + ch)
            else:
                runs.append((font, ch))
        return runs

    def length(self, line: str) -> float:
        return sum(font.getlength(text) for font, text in self.runs(line))


def _wrap(text: str, fonts: Fonts, width: int) -> list[str]:
    lines = []
    for paragraph in text.splitlines():
        line = ""
        for cluster in _clusters(paragraph):
            if line and fonts.length(line + cluster) > width:
                lines.append(line.rstrip())
                line = cluster.lstrip()
            else:
                line += cluster
        if line.strip():
            lines.append(line.rstrip())
    return lines


def draw(sample: Sample, seed: int) -> tuple[bytes, str]:
    """The sample's text as an image in its style, and the text as drawn (what a perfect reading
    would give: without the letters no font has)."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    weight, size, ink, ground, width = {
        "clean": ("plain", 30, (20, 20, 20), (255, 255, 255), 1000),
        "poster": ("heavy", 44, rng.choice([(255, 255, 255), (255, 230, 0)]),
                   rng.choice([(200, 20, 30), (20, 40, 140), (10, 10, 10), (0, 110, 60)]), 1100),
        "screenshot": ("plain", 24, (30, 30, 30), (235, 240, 245), 660),
        "photo": (rng.choice(["plain", "book", "heavy"]), 34, (30, 30, 30), (245, 240, 225), 1000),
        "blurred": ("plain", 30, (30, 30, 30), (250, 250, 250), 1000),
    }[sample.style]
    fonts = Fonts(sample.lang, weight, size)
    stroke = FONTS[sample.lang][weight][2] if sample.style == "poster" else 0
    lines = _wrap(sample.text, fonts, width)
    ascent, descent = fonts.main.getmetrics()
    line_height = int((ascent + descent) * 1.35)
    margin = 40
    image = Image.new("RGB", (width + 2 * margin, line_height * len(lines) + 2 * margin), ground)
    pen = ImageDraw.Draw(image)
    drawn = []
    for i, line in enumerate(lines):
        x = margin
        for font, text in fonts.runs(line):
            pen.text((x, margin + i * line_height), text, font=font, fill=ink, stroke_width=stroke,
                     stroke_fill=ink)
            x += font.getlength(text)
        drawn.append("".join(text for _, text in fonts.runs(line)))
    if sample.style == "photo":
        image = image.rotate(rng.uniform(-6, 6), resample=Image.BICUBIC, expand=True, fillcolor=(120, 110, 100))
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.4)))
        image = _noise(image, rng)
        image = image.resize((int(image.width * 0.8), int(image.height * 0.8)), Image.BILINEAR)
    if sample.style == "blurred":
        image = image.filter(ImageFilter.GaussianBlur(7))
    buffer = io.BytesIO()
    if sample.style in ("photo", "blurred", "poster"):
        image.save(buffer, format="JPEG", quality=rng.randint(35, 60) if sample.style == "photo" else 75)
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue(), "\n".join(drawn)


def _noise(image, rng: random.Random):
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image).astype("int16")
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 12, pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype("uint8"))


def distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings, in letters."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _normal(text: str, lang: str) -> str:
    """Spaces do not count (Tesseract spaces Khmer and Chinese its own way), nor case, nor
    traditional read as simplified (the checker reads both the same)."""
    from nlu.components.segment import simplified

    text = simplified(unicodedata.normalize("NFC", text))
    return "".join(text.split()).lower()


def cer(reference: str, reading: str, lang: str) -> float:
    ref, hyp = _normal(reference, lang), _normal(reading, lang)
    return distance(ref, hyp) / max(1, len(ref))


def samples(folder: Path, per_label: int, seed: int) -> list[Sample]:
    rng = random.Random(seed)
    chosen = []
    for path in sorted(folder.glob("*.yml")):
        ads = yaml.safe_load(path.read_text(encoding="utf-8"))
        for label in ("scam", "ordinary"):
            pool = [ad for ad in ads if ad["label"] == label]
            for i, ad in enumerate(rng.sample(pool, min(per_label, len(pool)))):
                style = STYLES[i % len(STYLES)]
                chosen.append(Sample(ad["id"], path.stem, label, style, drawable(ad["text"])))
    return chosen


def _score(job: tuple[Sample, int, str | None]) -> dict:
    from bot.checkers import ocr
    from bot.checkers.red_flags import RedFlagChecker
    from bot.content import CONTENT_ROOT, load_library

    sample, seed, keep = job
    image, drawn = draw(sample, seed)
    if keep:
        suffix = "png" if image.startswith(b"\x89PNG") else "jpg"
        Path(keep, f"{sample.id}-{sample.style}.{suffix}").write_bytes(image)
    started = time.perf_counter()
    reading = ocr.read(image)
    seconds = time.perf_counter() - started
    checker = _checker_cache.get("c")
    if checker is None:
        checker = _checker_cache["c"] = RedFlagChecker(load_library(CONTENT_ROOT))
    return {"id": sample.id, "lang": sample.lang, "label": sample.label, "style": sample.style,
            "cer": cer(drawn, reading.text, sample.lang), "readable": reading.readable,
            "confidence": reading.confidence, "seconds": seconds,
            # The verdict on the ad as written, against the verdict on what was read.
            "same_verdict": checker.check(reading.text).verdict == checker.check(sample.text).verdict,
            "text_verdict": checker.check(sample.text).verdict, "image_verdict": checker.check(reading.text).verdict}


_checker_cache: dict = {}


def evaluate(folder: Path, per_label: int, seed: int = 7, workers: int = 2, keep: str | None = None) -> list[dict]:
    jobs = [(s, seed + i, keep) for i, s in enumerate(samples(folder, per_label, seed))]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_score, jobs))


def summary(results: list[dict]) -> dict:
    out: dict = {}
    for lang in sorted({r["lang"] for r in results}):
        mine = [r for r in results if r["lang"] == lang]
        row: dict = {"images": len(mine)}
        for style in STYLES:
            these = [r for r in mine if r["style"] == style]
            if not these:
                continue
            read = [r for r in these if r["readable"]]
            row[style] = {
                "images": len(these),
                "median_cer": round(statistics.median(r["cer"] for r in these), 3),
                "readable": round(len(read) / len(these), 2),
                # A verdict on a reading judged unreadable is never given (the bot asks for text).
                "same_verdict_when_readable": round(sum(r["same_verdict"] for r in read) / len(read), 2)
                if read else None,
            }
        row["median_seconds"] = round(statistics.median(r["seconds"] for r in mine), 2)
        out[lang] = row
    return out


def main(args: argparse.Namespace) -> int:
    from bot.checkers import ocr

    if not ocr.available():
        print("Tesseract with khm, chi_sim, chi_tra and eng is not installed: run scripts/ensure-ocr",
              file=sys.stderr)
        return 2
    if args.set != "dev" and (args.details or args.keep):
        print("The held-out set is scored, never looked into: no --details or --keep for it.", file=sys.stderr)
        return 2
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    results = evaluate(SETS[args.set], args.per_label, workers=args.workers, keep=args.keep)
    print(json.dumps({"set": args.set, "summary": summary(results)} |
                     ({"images": results} if args.details else {}), indent=2, ensure_ascii=False))
    return 0
