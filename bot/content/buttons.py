"""Buttons: content/buttons.yml (each button's payload) and content/<lang>/buttons.yml (its label).

Telegram sends a button's payload back as callback data, so payloads are checked against its limits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.content.loading import Loading
from bot.content.yamlfile import LineDict

BUTTON_LABELS = "buttons.yml"  # in content/<lang>/
MAX_CALLBACK_BYTES = 64  # Telegram's limit for a button's callback data


@dataclass(frozen=True)
class Button:
    id: str
    payload: str
    title: str | None  # the same label in every language, e.g. a language's own name


def load_buttons(ctx: Loading, path: Path) -> dict[str, Button]:
    buttons: dict[str, Button] = {}
    data = ctx.read(path)
    if data is None:
        return buttons
    for button_id, entry in data.items():
        line = data.line_of(button_id)
        if not isinstance(entry, dict) or not isinstance(entry.get("payload"), str):
            ctx.problem(path, line, f"button {button_id!r} needs a `payload`")
            continue
        payload = entry["payload"]
        if not payload.startswith("/"):
            ctx.problem(path, line, f"payload of {button_id!r} must start with '/'")
        if len(payload.encode("utf-8")) > MAX_CALLBACK_BYTES:
            ctx.problem(
                path, line, f"payload of {button_id!r} is over Telegram's 64-byte limit"
            )
        if "{" in payload:
            try:
                json.loads(payload[payload.index("{"):])
            except ValueError:
                ctx.problem(path, line, f"payload of {button_id!r} has broken JSON")
        buttons[button_id] = Button(button_id, payload, entry.get("title"))
        ctx.button_lines[button_id] = line
    return buttons


def load_button_labels(ctx: Loading, path: Path, lang: str, buttons: dict[str, Button]) -> dict[str, str]:
    data = ctx.read(path) or LineDict()
    labels: dict[str, str] = {}
    for button_id, label in data.items():
        line = data.line_of(button_id)
        if button_id not in buttons:
            ctx.problem(path, line, f"label for unknown button {button_id!r}")
        elif not isinstance(label, str) or not label.strip():
            ctx.problem(path, line, f"button {button_id!r} needs a label")
        else:
            labels[button_id] = label
            ctx.check_script(path, line, lang, label)
    return labels
