"""Contacts: content/contacts.yml (numbers, hours, where each is published) and content/<lang>/contacts.yml.

A wrong or stale number can cost someone their one chance to call for help, so every contact says
where it is published and when it was last checked, and old checks are reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from bot.content.loading import Loading
from bot.content.yamlfile import LineDict

CONTACT_NAMES = "contacts.yml"  # in content/<lang>/
COUNTRIES = {"KH", "CN", "TH", "MM", "LA", "VN", "MY", "OTHER"}
HOURS = {"24h", "office", "unknown"}
COSTS = {"free", "paid", "unknown"}
CONTACT_STATUS = {"confirmed", "unconfirmed"}
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{1,18}[0-9]$")
STALE_AFTER = dt.timedelta(days=183)


@dataclass(frozen=True)
class Contact:
    id: str
    country: str
    numbers: tuple[str, ...]
    website: str | None
    sms: bool
    calls: bool
    hours: str
    cost: str
    no_credit_needed: bool
    languages: tuple[str, ...]
    source: str
    verified_on: dt.date | None
    status: str
    # The places (country codes) from which this contact can be reached and help: its own country
    # unless content/contacts.yml says more (`serves: [KH, TH, MM]` for an NGO that takes cases
    # from there). A contact is never shown to someone in a place it does not serve.
    serves: tuple[str, ...] = ()
    children: bool = False  # a line for children: shown when a child is in danger


def load_contacts(ctx: Loading, path: Path) -> dict[str, Contact]:
    contacts: dict[str, Contact] = {}
    data = ctx.read(path)
    if data is None:
        return contacts
    for contact_id, entry in data.items():
        line = data.line_of(contact_id)
        ctx.seen_contacts.add(contact_id)
        if not isinstance(entry, LineDict):
            ctx.problem(path, line, f"contact {contact_id!r} must be a set of fields")
            continue
        contact = parse_contact(ctx, path, contact_id, entry, line)
        if contact:
            contacts[contact_id] = contact
    return contacts


def parse_contact(ctx: Loading, path: Path, cid: str, entry: LineDict, line: int) -> Contact | None:
    ok = True

    def bad(key: str, message: str, severity: str = "error") -> None:
        nonlocal ok
        ok = ok and severity != "error"
        ctx.problem(path, entry.lines.get(key, line), f"contact {cid!r}: {message}", severity)

    country = entry.get("country")
    if country not in COUNTRIES:
        bad("country", f"country must be one of {', '.join(sorted(COUNTRIES))}")
    numbers = entry.get("numbers") or []
    website = entry.get("website")
    if website is not None and not str(website).startswith(("http://", "https://")):
        bad("website", "website must be a web address starting with https://")
    if not isinstance(numbers, list) or not (numbers or website):
        bad("numbers", "needs `numbers`, a list such as [\"117\"], or a `website`")
        numbers = []
    for number in numbers:
        if not isinstance(number, str) or not PHONE.match(number):
            bad("numbers", f"{number!r} is not a phone number (write it in quotes: \"117\")")
    source = entry.get("source")
    if not isinstance(source, str) or not source.startswith(("http://", "https://")):
        bad("source", "needs a `source`: the web address where the number is published")
    status = entry.get("status")
    if status not in CONTACT_STATUS:
        bad("status", "status must be `confirmed` or `unconfirmed`")
    verified = entry.get("verified_on")
    if verified is None:
        if status == "confirmed":
            bad("verified_on", "a confirmed contact needs `verified_on`, the date it was checked")
        else:
            bad("verified_on", "no `verified_on` date: it is shown as unconfirmed", "warning")
    elif not isinstance(verified, dt.date):
        bad("verified_on", "verified_on must be a date written as 2025-08-20")
        verified = None
    elif verified > ctx.today:
        bad("verified_on", "verified_on is in the future")
    elif ctx.today - verified > STALE_AFTER:
        bad("verified_on", f"last checked {verified}, over 6 months ago: check it again",
            "warning")
    hours = entry.get("hours", "unknown")
    if hours not in HOURS:
        bad("hours", f"hours must be one of {', '.join(sorted(HOURS))}")
    cost = entry.get("cost", "unknown")
    if cost not in COSTS:
        bad("cost", f"cost must be one of {', '.join(sorted(COSTS))}")
    languages = entry.get("languages") or []
    serves = entry.get("serves", [country])
    if not isinstance(serves, list) or any(s not in COUNTRIES for s in serves):
        bad("serves", f"serves must be a list of places: {', '.join(sorted(COUNTRIES))}")
    if not ok:
        return None
    return Contact(
        id=cid, country=country, numbers=tuple(numbers), website=website,
        sms=bool(entry.get("sms")),
        calls=bool(entry.get("calls", True)),
        hours=hours, cost=cost, no_credit_needed=bool(entry.get("no_credit_needed")),
        languages=tuple(languages), source=source, verified_on=verified, status=status,
        serves=tuple(serves), children=bool(entry.get("children")),
    )


def load_contact_names(ctx: Loading, path: Path) -> dict[str, dict[str, str]]:
    data = ctx.read(path) or LineDict()
    names: dict[str, dict[str, str]] = {}
    for cid, entry in data.items():
        line = data.line_of(cid)
        if cid not in ctx.seen_contacts:
            ctx.problem(path, line, f"name for unknown contact {cid!r}")
            continue
        if not isinstance(entry, dict) or not entry.get("name"):
            ctx.problem(path, line, f"contact {cid!r} needs a `name`")
            continue
        names[cid] = {k: str(v) for k, v in entry.items()}
    return names
