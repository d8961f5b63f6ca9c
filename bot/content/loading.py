"""What every content loader shares: the Problem it reports, reading a YAML file, and text checks.

Editors are not programmers, so loading never stops at the first mistake: each loader reports every
problem with the file and line it is on, into one list. The state kept here (ids seen, files that did
not parse) lets the loaders and the cross-file checks (checks.py) report one mistake once.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.yamlfile import LineDict, YamlError, load
from nlu.components.scripts import HAN, KHMER, LATIN, script_counts

NUMBER = re.compile(r"\d+(?:[,.]\d+)*")
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        try:
            where = self.path.resolve().relative_to(Path.cwd())
        except ValueError:
            where = self.path
        return f"{where}:{self.line}: {prefix}{self.message}"


@dataclass
class Loading:
    """One run of loading the content folder: where problems go, and what was seen so far."""

    root: Path  # the content/ folder
    today: dt.date
    problems: list[Problem]  # the library's own list
    button_lines: dict[str, int] = field(default_factory=dict)
    # Ids seen even where their entry had errors, and files that did not parse: so that one
    # mistake is reported once, not again as "missing" or "unknown" everywhere else.
    seen_items: dict[str, set[str]] = field(default_factory=dict)
    seen_contacts: set[str] = field(default_factory=set)
    broken_files: set[Path] = field(default_factory=set)

    def problem(self, path: Path, line: int, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(path, line, message, severity))

    def read(self, path: Path) -> LineDict | None:
        try:
            data = load(path)
        except YamlError as error:
            self.problem(path, error.line, error.message)
            self.broken_files.add(path)
            return None
        if data is None:
            data = LineDict()
        if not isinstance(data, LineDict):
            self.problem(path, 1, "the file must be a list of `id: ...` entries")
            return None
        return data

    def check_script(self, path: Path, line: int, lang: str, text: str) -> None:
        counts = script_counts(re.sub(r"\{\w+\}", "", text))  # a {placeholder}'s name is no word of the text
        khmer, han, latin = counts[KHMER], counts[HAN], counts[LATIN]
        if lang == "km" and khmer <= latin + han:
            self.problem(path, line, "Khmer text must be written mostly in Khmer script")
        elif lang == "zh" and han <= latin + khmer:
            self.problem(path, line, "Chinese text must be written mostly in Chinese characters")
        elif lang == "en" and khmer + han > latin:
            self.problem(path, line, "English text is written mostly in another script")


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders in a text."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def numbers_in(text: str) -> list[str]:
    """The numbers a text states, Khmer digits read as digits and "2,695" as 2695, so a fact
    translated with a wrong figure is caught."""
    found = NUMBER.findall(text.translate(_KHMER_DIGITS))
    return sorted(n.replace(",", "") for n in found)
