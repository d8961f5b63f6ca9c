"""Turn a content item into a reply: the one shape every front end (Telegram, terminal, JSON) shows."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from bot.content.contacts import Contact
from bot.content.items import listen_payload
from bot.content.model import Library
from bot.content.places import MAX_FIRST

Reply = dict[str, Any]  # {"text", "topic", "content", "buttons", "image"}, and "voice" for audio


def render(lib: Library, item_id: str, lang: str, contacts: Sequence[str] | None = None,
           values: dict[str, object] | None = None) -> Reply:
    """The reply for one item in one language, with its contacts (or the ones given) and buttons;
    `values` fill the placeholders of its own (bot/handoff/ items)."""
    item = lib.items[lang][item_id]
    parts = [item.text.format_map(_Values(placeholder_values(), **(values or {}))) if "{" in item.text
             else item.text]
    shown = item.contacts if contacts is None else contacts
    if shown:
        parts.append("\n\n".join(contact_block(lib, lib.contacts[c], lang) for c in shown))
    return {
        "text": "\n\n".join(parts),
        "topic": item.topic,
        "content": [item.id],
        "buttons": [
            *([{"title": lib.labels[lang]["listen"], "payload": listen_payload(item.id)}]
              if item.audio else []),
            *({"title": lib.button_title(b, lang), "payload": lib.buttons[b].payload}
              for b in item.buttons),
        ],
        "image": item.image,
    }


def for_place(lib: Library, item_id: str, lang: str, country: str | None,
              limit: int | None = None, nationality: str | None = None) -> Reply:
    """An answer with contacts, for where the person is: the lines for their nationality there,
    if they said it, then the place's own first contacts (content/places.yml), then those of the
    item that can help there; none that cannot (no Chinese police for someone in Poipet). A
    nationality with no line of its own there is told so. With no place known, the item as it is."""
    place = lib.places.get(country or "")
    if place is None:
        return render(lib, item_id, lang)
    item = lib.items[lang][item_id]
    foreign = nationality not in (None, place.country)
    own = place.for_nationals(nationality) if foreign else ()
    shown = list(dict.fromkeys([*(own or ()), *place.contacts, *(
        c for c in item.contacts if place.country in lib.contacts[c].serves)]))
    reply = render(lib, item_id, lang, shown[:limit])
    if foreign and own is None:
        # The honest line goes between the text and the contacts.
        words = render(lib, item_id, lang, contacts=[])["text"]
        reply["text"] = f"{words}\n\n{lib.labels[lang]['no_embassy']}{reply['text'][len(words):]}"
    return reply


def emergency_reply(lib: Library, lang: str, country: str | None, about: str | None,
                    nationality: str | None = None) -> Reply:
    """The emergency answer for where the person in danger is and for who is writing: the steps
    for the person in danger, or what a relative or friend can do from where they write (the
    item's own contacts first: they call from Cambodia), then the place's; a child brings the
    lines for children (`children: true` in contacts.yml)."""
    helper = lib.items[lang].get("emergency.for_someone")
    if about not in ("other", "child") or helper is None:
        return for_place(lib, "emergency", lang, country, MAX_FIRST, nationality)
    place = lib.places.get(country or "")
    children = [c.id for c in lib.contacts.values() if c.children] if about == "child" else []
    shown = list(dict.fromkeys([*helper.contacts, *children, *(place.contacts if place else ())]))
    return render(lib, helper.id, lang, shown[:MAX_FIRST])


def voice(lib: Library, item_id: str, lang: str) -> Reply:
    """The recording of an item, sent as a Telegram voice message."""
    item = lib.items[lang][item_id]
    return {"text": "", "topic": item.topic, "content": [item.id], "buttons": [], "image": None,
            "voice": item.audio}


def contact_block(lib: Library, contact: Contact, lang: str) -> str:
    """A few short lines per contact: number and name, what it is for, when and how, and when it
    was last checked, so that nobody mistakes an unconfirmed number for a sure one."""
    labels = lib.labels[lang]
    names = lib.contact_names[lang][contact.id]
    if contact.numbers:
        lines = [f"📞 {' / '.join(contact.numbers)} — {names['name']}"]
    else:
        lines = [f"🏢 {names['name']}"]
    if names.get("purpose"):
        lines.append(names["purpose"])
    if names.get("how"):
        lines.append(names["how"])
    if contact.numbers:
        details = [labels[f"hours.{contact.hours}"], labels[f"cost.{contact.cost}"],
                   labels[_reach(contact)]]
        if contact.no_credit_needed:
            details.append(labels["no_credit"])
        lines.append(" · ".join(details))
    if contact.website:
        lines.append(labels["website"].format(website=contact.website))
    spoken = [labels[f"lang.{code}"] for code in contact.languages if f"lang.{code}" in labels]
    if spoken:
        lines.append(labels["languages"].format(languages=", ".join(spoken)))
    if contact.verified_on:
        lines.append(labels["checked"].format(date=contact.verified_on.isoformat()))
    elif contact.numbers:
        lines.append(labels["not_checked"])
    if contact.status != "confirmed":
        lines.append(labels["unconfirmed" if contact.numbers else "unconfirmed.website"])
    return "\n".join(lines)


def _reach(contact: Contact) -> str:
    if not contact.calls:
        return "sms.only"
    return "sms.yes" if contact.sms else "sms.no"


class _Values(dict):
    """A placeholder with no value stays as it is written (a check renders every item without
    the hand-off's values; an answer must never fail on one)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def placeholder_values() -> dict[str, str]:
    """What `{...}` placeholders in texts stand for: settings a text must never contradict."""
    return {"retention_days": os.environ.get("PRAYAT_RETENTION_DAYS", "").strip() or "30"}
