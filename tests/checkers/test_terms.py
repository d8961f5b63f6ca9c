"""Which definition a "what is ...?" question gets (nlu/terms/terms.yml)."""

from __future__ import annotations

import pytest

from bot.checkers.terms import term_asked


@pytest.mark.parametrize(("text", "item"), [
    ("what is debt bondage?", "definitions.debt_bondage"),  # not "debt" alone
    ("difference between trafficking and smuggling", "definitions.trafficking"),
    ("what are scam compounds", "definitions.scam_compound"),  # a plural, as a whole word
    ("ពលកម្មដោយបង្ខំជាអ្វី", "definitions.forced_labour"),  # Khmer, without spaces
    ("什麼是強迫勞動", "definitions.forced_labour"),  # traditional characters
    ("what does it mean", None),  # no term: the overview
])
def test_the_term_named_first_decides(text: str, item: str | None) -> None:
    assert term_asked(text) == item
