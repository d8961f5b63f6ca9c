"""Outreach: content/outreach.yml (cards, quiz answers, the group session) and its words per language,
content/<lang>/cards.yml and content/<lang>/quiz.yml.

Cards are printed and the quiz runs as Telegram polls, so the words are checked against Telegram's
limits and against each other: every language has the same options and the same figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import LANGUAGES
from bot.content.items import Item
from bot.content.loading import Loading, numbers_in, placeholders
from bot.content.yamlfile import LineDict

CARD_TEXTS = "cards.yml"  # in content/<lang>/
QUIZ = "quiz.yml"  # in content/<lang>/
CARD_FIELDS = ("title", "text")
QUIZ_FIELDS = ("question", "options", "explanation", "text")
ICONS = {"warning", "money", "briefcase", "no_experience", "plane", "map_pin", "passport", "chat",
         "clock", "building", "ring", "phone", "shield", "people"}
COLOURS = {"red", "blue", "green"}
# Telegram's limits for a quiz poll.
POLL_QUESTION, POLL_OPTION, POLL_EXPLANATION, POLL_OPTIONS = 300, 100, 200, (2, 10)


@dataclass(frozen=True)
class Outreach:
    cards: dict[str, tuple[str, str]]  # card id -> (icon, colour)
    hotline_cards: dict[str, str]  # place -> hotlines item
    quiz: dict[str, int]  # question id -> the right option (from 0)
    session: tuple[tuple[str, str], ...]  # ("card", id), ("quiz", id) or ("hotlines", "")


def load_entries(ctx: Loading, path: Path, lang: str, keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """A catalogue of small entries (card words, quiz questions): `id: {field: value}`."""
    data = ctx.read(path) or LineDict()
    entries: dict[str, dict[str, Any]] = {}
    for entry_id, entry in data.items():
        line = data.line_of(entry_id)
        if not isinstance(entry, dict) or not entry or set(entry) - set(keys):
            ctx.problem(path, line, f"{entry_id!r} must have only these fields: {', '.join(keys)}")
            continue
        words = " ".join(str(v) if not isinstance(v, list) else " ".join(map(str, v))
                         for v in entry.values())
        # The bot's name and {placeholders} are the same in every language.
        ctx.check_script(path, line, lang, re.sub(r"\{\w+\}|Prayat", "", words))
        entries[str(entry_id)] = {**entry, "_line": line}
    return entries


def load_outreach(ctx: Loading, path: Path, items: dict[str, dict[str, Item]],
                  card_texts: dict[str, dict[str, dict[str, Any]]],
                  quiz_texts: dict[str, dict[str, dict[str, Any]]]) -> Outreach | None:
    if not path.exists():
        ctx.problem(path, 1, "missing: the outreach cards, quiz and session")
        return None
    data = ctx.read(path)
    if data is None:
        return None
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        ctx.problem(path, data.line_of(key), message)

    cards: dict[str, tuple[str, str]] = {}
    for card, style in (data.get("cards") or {}).items():
        if not isinstance(style, dict) or style.get("icon") not in ICONS or style.get(
                "colour") not in COLOURS:
            bad("cards", f"card {card!r} needs an `icon` ({', '.join(sorted(ICONS))}) and a "
                f"`colour` ({', '.join(sorted(COLOURS))})")
            continue
        cards[str(card)] = (style["icon"], style["colour"])
    hotline_cards = {}
    for place, item in (data.get("hotline_cards") or {}).items():
        if not any(item in texts for texts in items.values()):
            bad("hotline_cards", f"hotline card {place!r}: item {item!r} does not exist")
            continue
        hotline_cards[str(place)] = item
    quiz = {}
    for question, entry in (data.get("quiz") or {}).items():
        correct = entry.get("correct") if isinstance(entry, dict) else None
        if not isinstance(correct, int) or isinstance(correct, bool) or correct < 0:
            bad("quiz", f"quiz question {question!r} needs `correct`, the right option from 0")
            continue
        quiz[str(question)] = correct
    session: list[tuple[str, str]] = []
    for step in data.get("session") or []:
        if step == "hotlines":
            session.append(("hotlines", ""))
        elif isinstance(step, dict) and step.get("card") in cards:
            session.append(("card", step["card"]))
        elif isinstance(step, dict) and step.get("quiz") in quiz:
            session.append(("quiz", step["quiz"]))
        else:
            bad("session", f"session step {step!r} is not a known card, quiz question or "
                "`hotlines`")
    check_outreach_words(ctx, cards, hotline_cards, quiz, card_texts, quiz_texts)
    if ok:
        return Outreach(cards, hotline_cards, quiz, tuple(session))
    return None


def check_outreach_words(ctx: Loading, cards: dict[str, tuple[str, str]], hotline_cards: dict[str, str],
                         quiz: dict[str, int], card_texts: dict[str, dict[str, dict[str, Any]]],
                         quiz_texts: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Every card and question has its words in every language, within Telegram's limits,
    with the same number of options and the same figures."""
    root = ctx.root
    wanted_cards = {c: ("title", "text") for c in cards}
    wanted_cards |= {f"hotline.{p}": ("title",) for p in hotline_cards} | {"footer": ("text",)}
    for lang in LANGUAGES:
        path = root / lang / CARD_TEXTS
        texts = card_texts.get(lang, {})
        for card, fields in wanted_cards.items():
            if path in ctx.broken_files:
                break
            if card not in texts or any(not str(texts[card].get(f) or "").strip() for f in fields):
                ctx.problem(path, texts.get(card, {}).get("_line", 1),
                            f"card {card!r} needs {' and '.join(f'`{f}`' for f in fields)}")
        path = root / lang / QUIZ
        questions = quiz_texts.get(lang, {})
        if path in ctx.broken_files:
            continue
        for key, placeholders_wanted in (("intro", set()), ("score", {"right", "total"})):
            text = str(questions.get(key, {}).get("text") or "")
            if not text or placeholders(text) != placeholders_wanted:
                ctx.problem(path, questions.get(key, {}).get("_line", 1), f"{key!r} needs a "
                            f"`text` with {sorted(placeholders_wanted) or 'no placeholders'}")
        for question, correct in quiz.items():
            entry = questions.get(question)
            line = entry.get("_line", 1) if entry else 1
            options = entry.get("options") if entry else None
            if not entry or not isinstance(options, list) or not entry.get("question") or not \
                    entry.get("explanation"):
                ctx.problem(path, line, f"quiz question {question!r} needs `question`, "
                            "`options` (a list) and `explanation`")
                continue
            if not POLL_OPTIONS[0] <= len(options) <= POLL_OPTIONS[1] or correct >= len(options):
                ctx.problem(path, line, f"{question}: {len(options)} options, and option "
                            f"{correct} is the right one (content/outreach.yml)")
            for name, value, limit in (("question", entry["question"], POLL_QUESTION),
                                       ("explanation", entry["explanation"], POLL_EXPLANATION),
                                       *(("option", o, POLL_OPTION) for o in options)):
                if len(str(value)) > limit:
                    ctx.problem(path, line, f"{question}: {name} is over Telegram's "
                                f"{limit} characters")
    for question in quiz:
        versions = {lang: quiz_texts.get(lang, {}).get(question) for lang in LANGUAGES}
        counts = {lang: len(v["options"]) for lang, v in versions.items()
                  if v and isinstance(v.get("options"), list)}
        if len(set(counts.values())) > 1:
            ctx.problem(root / "outreach.yml", 1, f"quiz question {question!r} has a "
                        f"different number of options per language: {counts}")
        figures = {lang: numbers_in(" ".join([str(v.get("question")), *map(str, v["options"]),
                                              str(v.get("explanation"))]))
                   for lang, v in versions.items() if v and isinstance(v.get("options"), list)}
        if len({tuple(f) for f in figures.values()}) > 1:
            ctx.problem(root / "outreach.yml", 1, f"quiz question {question!r}: the numbers "
                        f"differ between languages: {figures}")
