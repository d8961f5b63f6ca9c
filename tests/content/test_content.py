"""The shipped content is complete and valid in all three languages."""

from __future__ import annotations

import pytest

from bot import LANGUAGES
from bot.content import CONTENT_ROOT, load_library, render
from nlu.components.scripts import HAN, KHMER, script_counts

LIB = load_library(CONTENT_ROOT)

# Items the code refers to by id: each must exist in every language.
USED_BY_CODE = ["welcome", "welcome.greet", "welcome.menu", "welcome.goodbye", "welcome.thanks",
                "jobs", "marriage", "safe_migration", "hotlines", "emergency", "language.choose",
                "language.changed", "language.offer", "fallback", "fallback.media",
                "fallback.limited", "fallback.bad_button"]


def test_shipped_content_has_no_errors():
    assert [str(p) for p in LIB.errors] == []


def test_every_language_has_the_same_items():
    ids = {lang: set(LIB.items[lang]) for lang in LANGUAGES}
    assert ids["km"] == ids["en"] == ids["zh"]


@pytest.mark.parametrize("item", USED_BY_CODE)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_items_used_by_the_bot_render_in_their_language(item, lang):
    reply = render(LIB, item, lang)
    counts = script_counts(reply["text"])
    if lang == "km":
        assert counts[KHMER] > counts[HAN]
    elif lang == "zh":
        assert counts[HAN] > counts[KHMER]
    assert reply["topic"] == item.split(".")[0]
    assert len(reply["text"]) <= 4096


def test_every_item_is_marked_draft_until_reviewed():
    for lang in LANGUAGES:
        for item in LIB.items[lang].values():
            assert item.review in ("draft", "reviewed")
            if item.review == "reviewed":
                assert item.reviewer


def test_every_contact_shows_when_it_was_checked():
    for lang in LANGUAGES:
        for place in ("hotlines.kh", "hotlines.cn", "hotlines.abroad"):
            text = render(LIB, place, lang)["text"]
            for contact_id in LIB.items[lang][place].contacts:
                contact = LIB.contacts[contact_id]
                if contact.verified_on:
                    assert contact.verified_on.isoformat() in text
                elif contact.numbers:
                    assert LIB.labels[lang]["not_checked"] in text


def test_unconfirmed_contacts_are_shown_as_unconfirmed():
    unconfirmed = [c for c in LIB.contacts.values() if c.status != "confirmed"]
    assert unconfirmed, "the shipped content has an unconfirmed contact (1280)"
    for lang in LANGUAGES:
        text = render(LIB, "hotlines.kh", lang)["text"]
        assert LIB.labels[lang]["unconfirmed"] in text  # 1280
        assert LIB.labels[lang]["unconfirmed.website"] in text  # the organisations


def test_button_payloads_fit_telegram():
    for button in LIB.buttons.values():
        assert len(button.payload.encode()) <= 64


@pytest.mark.parametrize(("text", "country"), [
    ("I'm in Myawaddy", "MM"), ("我在妙瓦底", "MM"), ("ខ្ញុំនៅថៃ", "TH"), ("我在中國", "CN"),
    ("ខ្ញុំនៅប្រទេសចិន", "CN"), ("she is in Poipet now", "KH"), ("在西港", "KH"),
    ("hotline please", None), ("ថ្ងៃនេះ", None),
])
def test_places_people_name(text, country):
    place = LIB.place_in(text)
    assert (place.country if place else None) == country
