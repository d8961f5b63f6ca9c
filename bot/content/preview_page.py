"""`prayat content preview --html --out preview.html`: every item in the three languages side by
side, as Telegram would show it (the text with its contacts and their dates, the buttons, the
picture), with its review state, and filters for "outdated", "draft" and "reviewed". One file,
pictures included, that opens in any browser with no server and no network."""

from __future__ import annotations

import base64
import html
import mimetypes
from pathlib import Path

from bot import LANGUAGES
from bot.content.model import Library
from bot.content.render import render

STATES = ("outdated", "draft", "reviewed")

_STYLE = """
body { font-family: "Khmer OS", "Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", sans-serif; margin: 0;
       background: #dfe7ee; color: #111; }
header { position: sticky; top: 0; background: #27476e; color: #fff; padding: 10px 16px; z-index: 1; }
header button { margin-right: 6px; padding: 4px 10px; border-radius: 12px; border: 0; cursor: pointer; }
header button.on { background: #ffd34d; }
.item { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; padding: 10px 16px; }
.item h2 { grid-column: 1 / -1; font-size: 14px; margin: 8px 0 0; font-family: monospace; }
.bubble { background: #fff; border-radius: 12px; padding: 10px 12px; box-shadow: 0 1px 2px #0003;
          max-width: 420px; }
.text { white-space: pre-wrap; font-size: 15px; line-height: 1.5; }
.buttons { margin-top: 8px; display: flex; flex-wrap: wrap; gap: 4px; }
.buttons span { background: #eef3f8; border: 1px solid #c9d6e3; border-radius: 8px; padding: 4px 8px;
                font-size: 13px; }
.state { font-size: 12px; margin-bottom: 6px; }
.state.outdated { color: #9a5b00; font-weight: bold; } .state.draft { color: #666; }
.state.reviewed { color: #16703a; }
img { max-width: 100%; border-radius: 8px; margin-bottom: 6px; }
"""

_SCRIPT = """
function show(state) {
  document.querySelectorAll("header button").forEach(b => b.classList.toggle("on", b.dataset.state === state));
  document.querySelectorAll(".item").forEach(row => {
    row.hidden = state !== "all" && !row.dataset.states.split(" ").includes(state);
  });
  document.getElementById("shown").textContent = document.querySelectorAll(".item:not([hidden])").length;
}
document.querySelectorAll("header button").forEach(b => b.addEventListener("click", () => show(b.dataset.state)));
show("all");
"""


def _picture(lib: Library, lang: str, name: str | None) -> str:
    if not name:
        return ""
    path = lib.root / lang / name
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:{kind};base64,{data}" alt="">'


def _bubble(lib: Library, item_id: str, lang: str) -> tuple[str, str]:
    item = lib.item(item_id, lang)
    if item is None:
        return "missing", f'<div class="bubble" data-lang="{lang}"><div class="state outdated">missing</div></div>'
    state = lib.review_state(item)
    who = f" · {html.escape(item.reviewer)}" if item.reviewer else ""
    when = f" · {item.reviewed_on.isoformat()}" if item.reviewed_on else ""
    reply = render(lib, item_id, lang)
    buttons = "".join(f"<span>{html.escape(b['title'])}</span>" for b in reply["buttons"])
    return state, (
        f'<div class="bubble" data-lang="{lang}" data-state="{state}">'
        f'<div class="state {state}">{lang} · {state}{who}{when}</div>'
        f'{_picture(lib, lang, item.image)}'
        f'<div class="text" lang="{lang}">{html.escape(reply["text"])}</div>'
        f'<div class="buttons">{buttons}</div></div>')


def page(lib: Library) -> str:
    order = sorted(lib.items.get("en", {}).values(), key=lambda i: (i.path.name, i.line))
    rows = []
    for item in order:
        states, bubbles = zip(*(_bubble(lib, item.id, lang) for lang in LANGUAGES), strict=True)
        rows.append(f'<section class="item" data-id="{html.escape(item.id)}" data-states="{" ".join(states)}">'
                    f'<h2>{html.escape(item.id)} <small>({item.path.name})</small></h2>{"".join(bubbles)}</section>')
    filters = "".join(f'<button data-state="{s}">{s}</button>' for s in ("all", *STATES))
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Prayat content preview</title>"
            f"<style>{_STYLE}</style></head><body><header>Prayat · {len(order)} items · {filters}"
            f' <span id="shown"></span> shown</header>{"".join(rows)}<script>{_SCRIPT}</script></body></html>')


def write(lib: Library, out: Path) -> int:
    out.write_text(page(lib), encoding="utf-8")
    return len(lib.items.get("en", {}))
