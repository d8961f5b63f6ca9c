"""Picture cards for outreach sessions: one per warning sign and topic, and a hotline card per place,
drawn from content in each language.

Khmer and Chinese need real shaping (Khmer stacks consonants and places vowels around them), so
text is laid out by raqm (HarfBuzz) with Khmer OS and Noto Sans CJK, the fonts the project
installs from Debian (scripts/ensure-fonts). Lines are broken where the project's own segmenter
finds word boundaries, since Khmer and Chinese have no spaces. Every text box is measured: a card
whose text does not fit at the smallest size is an error, never a cropped card.

Cards are square (they read on a phone and on a projector), with a coloured band, a large
pictogram, a large title and one or two lines. They are cached under the hash of what is drawn.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.content.library import Library
from nlu.components.segment import segment

SIZE = 1080
MARGIN = 80
BAND = 360  # the coloured band with the pictogram
FOOTER = 90
COLOURS = {"red": (196, 30, 45), "blue": (21, 76, 153), "green": (18, 122, 62)}
INK, GREY, WHITE = (20, 20, 20), (90, 90, 90), (255, 255, 255)
VERSION = "1"  # change when the drawing changes, so cached cards are drawn again

FONT_DIRS = (Path("/usr/share/fonts/truetype/khmeros"), Path("/usr/share/fonts/opentype/noto"))
# (file, index in the collection) per language; Noto Sans CJK's collection holds SC at index 2.
FONTS = {
    "km": {"regular": ("KhmerOS.ttf", 0), "bold": ("KhmerOSbattambang.ttf", 0)},
    "zh": {"regular": ("NotoSansCJK-Regular.ttc", 2), "bold": ("NotoSansCJK-Bold.ttc", 2)},
    "en": {"regular": ("NotoSansCJK-Regular.ttc", 2), "bold": ("NotoSansCJK-Bold.ttc", 2)},
}
TITLE_SIZES = (84, 76, 68, 60, 54)
TEXT_SIZES = (54, 48, 42, 38, 34, 30, 26)


class CardError(Exception):
    """A card cannot be drawn: a font is missing, or its words do not fit."""


@dataclass
class Card:
    id: str
    lang: str
    image: Image.Image
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # every line's ink box

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG", optimize=True)
        return out.getvalue()


def font_path(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    raise CardError(f"font {name} is not installed: run scripts/ensure-fonts")


def font(lang: str, weight: str, size: int) -> ImageFont.FreeTypeFont:
    name, index = FONTS[lang][weight]
    return ImageFont.truetype(str(font_path(name)), size, index=index,
                              layout_engine=ImageFont.Layout.RAQM)


def card_ids(library: Library) -> list[str]:
    outreach = library.outreach
    if outreach is None:
        return []
    return [*outreach.cards, *(f"hotline.{place}" for place in outreach.hotline_cards)]


CARD_NUMBERS = 3  # numbers on one hotline card, so that they can be read from the back of a room


def words_of(library: Library, card_id: str, lang: str) -> tuple[str, str]:
    """(title, body) as drawn on the card."""
    texts = library.card_texts[lang]
    title = str(texts[card_id]["title"]).strip()
    if not card_id.startswith("hotline."):
        return title, str(texts[card_id]["text"]).strip()
    code = card_id.split(".", 1)[1]
    item = library.items[lang][library.outreach.hotline_cards[code]]
    # The contacts for that place, as the chat gives them (its own first, none that cannot help
    # there); the "abroad" card is for any other country.
    place = library.places.get(code) or library.places.get("OTHER")
    ids = [*place.contacts, *item.contacts] if place else list(item.contacts)
    contacts = [library.contacts[c] for c in dict.fromkeys(ids)
                if not place or place.country in library.contacts[c].serves]
    # A card is for calling: the numbers (as many as fit), each with when it was checked. Where no
    # number is known (other countries), the organisations and their websites.
    callable_ = [c for c in contacts if c.numbers][:CARD_NUMBERS]
    labels = library.labels[lang]
    lines = []
    for contact in callable_ or contacts:
        name = library.contact_names[lang][contact.id]["name"]
        if contact.numbers:
            lines.append(f"{' / '.join(contact.numbers)} · {name}")
            lines.append(labels["checked"].format(date=contact.verified_on.isoformat())
                         if contact.verified_on else labels["not_checked"])
        else:
            site = str(contact.website or "").removeprefix("https://").removeprefix("http://")
            lines.append(f"{name} · {site.removeprefix('www.').rstrip('/')}")
    return title, "\n".join(lines)


def _width(face: ImageFont.FreeTypeFont, text: str) -> float:
    """How wide the text is drawn: its advance, or its ink if a glyph reaches further."""
    return max(face.getlength(text), face.getbbox(text)[2]) if text else 0


def _lines(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    """The text broken into lines that fit `width`, only where a word starts (the segmenter's
    words, so Khmer and Chinese break between words; punctuation stays with the word before it).
    None if one word alone is too wide."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        breaks = sorted({p.start for p in segment(paragraph)} - {0}) + [len(paragraph)]
        start, fits = 0, None
        for end in breaks:
            if _width(face, paragraph[start:end].strip()) <= width:
                fits = end
                continue
            if fits is None:
                return None
            lines.append(paragraph[start:fits].strip())
            start = fits
            if _width(face, paragraph[start:end].strip()) > width:
                return None
            fits = end
        lines.append(paragraph[start:].strip())
    return lines


def _layout(draw: ImageDraw.ImageDraw, lang: str, title: str, body: str
            ) -> tuple[list[tuple[str, ImageFont.FreeTypeFont, int]], int]:
    """Lines with their font and gap below, at the largest sizes that fit the text area."""
    width = SIZE - 2 * MARGIN
    height = SIZE - BAND - FOOTER - 40
    for title_size in TITLE_SIZES:
        for text_size in TEXT_SIZES:
            bold, regular = font(lang, "bold", title_size), font(lang, "regular", text_size)
            title_lines = _lines(title, bold, width)
            body_lines = _lines(body, regular, width)
            if title_lines is None or body_lines is None:
                continue
            rows = [(line, bold, int(title_size * 0.45)) for line in title_lines]
            rows[-1] = (rows[-1][0], bold, int(title_size * 0.9))
            rows += [(line, regular, int(text_size * 0.55)) for line in body_lines]
            total = sum(_height(draw, line, face) + gap for line, face, gap in rows)
            if total <= height:
                return rows, total
    raise CardError(f"the words do not fit on the card: {title!r}")


def _height(draw: ImageDraw.ImageDraw, line: str, face: ImageFont.FreeTypeFont) -> int:
    ascent, descent = face.getmetrics()
    return ascent + descent if line else ascent // 2


def draw_card(library: Library, card_id: str, lang: str) -> Card:
    outreach = library.outreach
    if card_id.startswith("hotline."):
        icon, colour = "phone", "green"
    else:
        icon, colour = outreach.cards[card_id]
    title, body = words_of(library, card_id, lang)
    image = Image.new("RGB", (SIZE, SIZE), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE, BAND - 40), fill=COLOURS[colour])
    pictogram(draw, icon, (SIZE // 2, (BAND - 40) // 2), 120)
    rows, total = _layout(draw, lang, title, body)
    card = Card(card_id, lang, image)
    y = BAND + (SIZE - BAND - FOOTER - total) // 2
    for line, face, gap in rows:
        if line:
            x = (SIZE - _width(face, line)) / 2
            draw.text((x, y), line, font=face, fill=INK)
            card.boxes.append(tuple(int(v) for v in draw.textbbox((x, y), line, font=face)))
        y += _height(draw, line, face) + gap
    footer = str(library.card_texts[lang]["footer"]["text"])
    small = font(lang, "regular", 30)
    x = (SIZE - small.getlength(footer)) / 2
    draw.text((x, SIZE - FOOTER + 20), footer, font=small, fill=GREY)
    card.boxes.append(tuple(int(v) for v in draw.textbbox((x, SIZE - FOOTER + 20), footer,
                                                          font=small)))
    return card


def pictogram(draw: ImageDraw.ImageDraw, icon: str, centre: tuple[int, int], r: int) -> None:
    """A simple white pictogram, drawn with shapes so that it needs no image files or emoji font."""
    cx, cy = centre
    w = max(8, r // 8)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return int(cx + x0 * r), int(cy + y0 * r), int(cx + x1 * r), int(cy + y1 * r)

    if icon == "warning":
        draw.polygon([(cx, cy - r), (cx + r, cy + 0.8 * r), (cx - r, cy + 0.8 * r)], outline=WHITE,
                     width=w)
        draw.line([(cx, cy - 0.4 * r), (cx, cy + 0.3 * r)], fill=WHITE, width=w)
        draw.ellipse(box(-0.08, 0.45, 0.08, 0.61), fill=WHITE)
    elif icon == "money":
        draw.ellipse(box(-0.9, -0.9, 0.9, 0.9), outline=WHITE, width=w)
        draw.arc(box(-0.35, -0.55, 0.35, 0.05), 90, 360, fill=WHITE, width=w)
        draw.arc(box(-0.35, -0.05, 0.35, 0.55), 270, 180, fill=WHITE, width=w)
        draw.line([(cx, cy - 0.75 * r), (cx, cy + 0.75 * r)], fill=WHITE, width=w)
    elif icon == "briefcase":
        draw.rounded_rectangle(box(-0.95, -0.45, 0.95, 0.75), radius=r // 8, outline=WHITE, width=w)
        draw.rounded_rectangle(box(-0.35, -0.75, 0.35, -0.45), radius=r // 12, outline=WHITE, width=w)
        draw.line([(cx - 0.95 * r, cy), (cx + 0.95 * r, cy)], fill=WHITE, width=w)
    elif icon == "no_experience":
        draw.ellipse(box(-0.9, -0.9, 0.9, 0.9), outline=WHITE, width=w)
        draw.line([(cx - 0.64 * r, cy + 0.64 * r), (cx + 0.64 * r, cy - 0.64 * r)], fill=WHITE,
                  width=w)
        draw.ellipse(box(-0.25, -0.55, 0.25, -0.05), outline=WHITE, width=w)
        draw.arc(box(-0.5, 0.05, 0.5, 0.9), 180, 360, fill=WHITE, width=w)
    elif icon == "plane":
        draw.polygon([(cx - r, cy + 0.1 * r), (cx + r, cy - 0.2 * r), (cx - 0.2 * r, cy + 0.3 * r)],
                     fill=WHITE)
        draw.polygon([(cx - 0.1 * r, cy), (cx + 0.3 * r, cy - 0.9 * r), (cx + 0.45 * r, cy - 0.25 * r)],
                     fill=WHITE)
        draw.polygon([(cx - 0.2 * r, cy + 0.2 * r), (cx + 0.1 * r, cy + 0.9 * r),
                      (cx + 0.3 * r, cy + 0.1 * r)], fill=WHITE)
    elif icon == "map_pin":
        draw.ellipse(box(-0.55, -0.95, 0.55, 0.15), outline=WHITE, width=w)
        draw.polygon([(cx - 0.48 * r, cy - 0.2 * r), (cx + 0.48 * r, cy - 0.2 * r), (cx, cy + 0.95 * r)],
                     fill=WHITE)
        draw.ellipse(box(-0.2, -0.6, 0.2, -0.2), fill=WHITE)
    elif icon == "passport":
        draw.rounded_rectangle(box(-0.65, -0.9, 0.65, 0.9), radius=r // 10, outline=WHITE, width=w)
        draw.ellipse(box(-0.35, -0.5, 0.35, 0.2), outline=WHITE, width=w)
        draw.line([(cx - 0.35 * r, cy + 0.5 * r), (cx + 0.35 * r, cy + 0.5 * r)], fill=WHITE, width=w)
    elif icon == "chat":
        draw.rounded_rectangle(box(-0.95, -0.75, 0.95, 0.45), radius=r // 4, outline=WHITE, width=w)
        draw.polygon([(cx - 0.5 * r, cy + 0.4 * r), (cx - 0.1 * r, cy + 0.4 * r),
                      (cx - 0.6 * r, cy + 0.9 * r)], fill=WHITE)
        for dx in (-0.45, 0, 0.45):
            draw.ellipse(box(dx - 0.1, -0.25, dx + 0.1, -0.05), fill=WHITE)
    elif icon == "clock":
        draw.ellipse(box(-0.9, -0.9, 0.9, 0.9), outline=WHITE, width=w)
        draw.line([(cx, cy), (cx, cy - 0.6 * r)], fill=WHITE, width=w)
        draw.line([(cx, cy), (cx + 0.45 * r, cy + 0.2 * r)], fill=WHITE, width=w)
    elif icon == "building":
        draw.rectangle(box(-0.6, -0.9, 0.6, 0.9), outline=WHITE, width=w)
        for dy in (-0.6, -0.2, 0.2):
            for dx in (-0.3, 0.1):
                draw.rectangle(box(dx, dy, dx + 0.2, dy + 0.2), fill=WHITE)
        draw.line([(cx - r, cy + 0.9 * r), (cx + r, cy + 0.9 * r)], fill=WHITE, width=w)
    elif icon == "ring":
        draw.ellipse(box(-0.7, -0.4, 0.7, 1.0), outline=WHITE, width=w * 2)
        draw.polygon([(cx - 0.3 * r, cy - 0.5 * r), (cx, cy - r), (cx + 0.3 * r, cy - 0.5 * r),
                      (cx, cy - 0.3 * r)], fill=WHITE)
    elif icon == "phone":
        draw.rounded_rectangle(box(-0.5, -0.95, 0.5, 0.95), radius=r // 6, outline=WHITE, width=w)
        draw.line([(cx - 0.2 * r, cy - 0.75 * r), (cx + 0.2 * r, cy - 0.75 * r)], fill=WHITE, width=w)
        draw.ellipse(box(-0.1, 0.62, 0.1, 0.82), fill=WHITE)
    elif icon == "shield":
        draw.polygon([(cx - 0.8 * r, cy - 0.8 * r), (cx + 0.8 * r, cy - 0.8 * r),
                      (cx + 0.7 * r, cy + 0.2 * r), (cx, cy + r), (cx - 0.7 * r, cy + 0.2 * r)],
                     outline=WHITE, width=w)
        draw.line([(cx - 0.35 * r, cy), (cx - 0.05 * r, cy + 0.3 * r), (cx + 0.4 * r, cy - 0.35 * r)],
                  fill=WHITE, width=w)
    else:  # people
        for dx in (-0.45, 0.45):
            draw.ellipse(box(dx - 0.22, -0.75, dx + 0.22, -0.3), outline=WHITE, width=w)
            draw.arc(box(dx - 0.45, -0.2, dx + 0.45, 0.9), 180, 360, fill=WHITE, width=w)


class CardCache:
    """Cards drawn once per content version and kept as PNG files under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, library: Library, card_id: str, lang: str) -> Path:
        title, body = words_of(library, card_id, lang)
        style = (library.outreach.cards.get(card_id, ("phone", "green")) if library.outreach
                 else ("", ""))
        footer = str(library.card_texts[lang]["footer"]["text"])
        digest = hashlib.sha256("\x1f".join([VERSION, lang, card_id, title, body, footer, *style])
                                .encode("utf-8")).hexdigest()[:16]
        path = self.folder / lang / f"{card_id}-{digest}.png"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(draw_card(library, card_id, lang).png())
            tmp.replace(path)
        return path


def handout(cards: list[Card], target: Path) -> None:
    """An A4 PDF (300 dpi) with four cards per page, for printing."""
    page_w, page_h, gap = 2480, 3508, 120
    side = (page_w - 3 * gap) // 2
    pages = []
    for start in range(0, len(cards), 4):
        page = Image.new("RGB", (page_w, page_h), WHITE)
        for i, card in enumerate(cards[start:start + 4]):
            x = gap + (i % 2) * (side + gap)
            y = gap + (i // 2) * (side + gap)
            page.paste(card.image.resize((side, side), Image.LANCZOS), (x, y))
        pages.append(page)
    pages[0].save(target, "PDF", resolution=300, save_all=True, append_images=pages[1:])


def main(args) -> int:
    """`prayat cards --lang km --out DIR`: every card as a PNG, and an A4 PDF handout."""
    import sys

    from bot.content import load_library
    from bot.settings import Settings

    library = load_library(Settings().content_dir)
    if library.errors or library.outreach is None:
        for problem in library.errors:
            print(problem, file=sys.stderr)
        print("The content has errors; run `prayat content check`.", file=sys.stderr)
        return 1
    out = Path(args.out)
    for lang in args.lang or ["km", "en", "zh"]:
        (out / lang).mkdir(parents=True, exist_ok=True)
        cards = [draw_card(library, card_id, lang) for card_id in card_ids(library)]
        for card in cards:
            card.image.save(out / lang / f"{card.id}.png")
        handout(cards, out / f"handout-{lang}.pdf")
        print(f"{lang}: {len(cards)} cards and handout-{lang}.pdf in {out}")
    return 0
