"""One path for every message, whatever the front end: Telegram, the terminal, or JSON lines.

safety floor → language → Rasa (which calls the actions) → replies. If Rasa cannot answer in
time, the bot answers from content itself, so help never depends on the model being up.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot import LANGUAGES
from bot.content import ContentStore, Reply, render, voice
from bot.content.library import LISTEN
from bot.flood import FloodGuard
from bot.health import report
from bot.language import OTHER, UNKNOWN, Guess, guess, resolve
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.red_flags import AD_METADATA, looks_like_ad
from bot.safety import is_emergency
from bot.storage import UserStore, user_key

if TYPE_CHECKING:
    from bot.stack import Stack

logger = logging.getLogger(__name__)

MAX_INPUT = 4096  # Telegram's own limit for one message

# Commands a person may type, and the dialogue payload each stands for. Any other text that
# starts with "/" is treated as plain text, so nobody can type a raw intent payload.
COMMANDS = {
    "/start": "/start",
    "/help": "/help",
    "/menu": "/help",
    "/language": "/change_language",
    "/hotlines": "/ask_hotlines",
    "/emergency": "/emergency",
    "/sos": "/emergency",
    "/privacy": "/privacy",
    "/delete": "/delete_data",
    "/check": "/start_screening",
    "/check_situation": "/start_screening",
    "/check_ad": "/check_ad",
    "/ad": "/check_ad",
}
EMERGENCY = "/emergency"
CHECK_AD = "/check_ad"
UNSUPPORTED_MEDIA = "/unsupported_media"
# Handled here, never sent to Rasa: sending it would start the conversation that was just erased.
DELETE_CONFIRMED = "/delete_confirmed"
# Staff commands, answered by the bot itself for the ids in PRAYAT_ADMIN_IDS only.
STAFF_COMMANDS = {"/status"}
_SET_LANGUAGE = re.compile(r'^/set_language\{"language":\s*"(km|en|zh)"\}$')
_COMMAND = re.compile(r"^(/[A-Za-z_]+)(?:@\w+)?\s*$")


@dataclass
class Incoming:
    """One thing a person did: typed text, pressed a button, or sent something that is not text."""

    user: str
    text: str | None = None
    button: str | None = None
    media: bool = False
    telegram_language: str | None = None
    staff: bool = False  # listed in PRAYAT_ADMIN_IDS: may use staff commands
    forwarded: bool = False  # forwarded from someone else (a post, a channel, a recruiter)


@dataclass
class Answer:
    lang: str
    replies: list[Reply] = field(default_factory=list)


def clean_text(text: str) -> str:
    """Drop control characters (keeping line breaks) and cap the length. Nothing else changes:
    the text is never echoed as markup, so HTML or SQL-looking text is harmless."""
    text = "".join(
        ch for ch in text[:MAX_INPUT]
        if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )
    return text.strip()


class Prayat:
    def __init__(self, content: ContentStore, rasa: RasaClient, users: UserStore,
                 pepper: bytes, flood: FloodGuard | None = None,
                 stack: Stack | None = None) -> None:
        self.content = content
        self.rasa = rasa
        self.users = users
        self.pepper = pepper
        self.flood = flood or FloodGuard()
        self.stack = stack  # the servers this process started, if any (for the health report)

    async def handle(self, incoming: Incoming) -> Answer:
        """The answer to one thing a person did. Answer.replies is empty only for a flood of
        messages past the first "slow down" answer."""
        key = user_key(self.pepper, incoming.user)
        flood = self.flood.check(key)
        if flood != "ok" and not (incoming.text and is_emergency(incoming.text)):
            if flood == "drop":
                return Answer(resolve(None, None, incoming.telegram_language), [])
            stored = (await self.users.lookup(key)).language
            said = guess(incoming.text or "")
            lang = resolve(said.language, stored, incoming.telegram_language, said.clear)
            return Answer(lang, [render(self.content.library, "fallback.too_fast", lang)])
        person = await self.users.lookup(key)
        known, stored = person.known, person.language
        first_today = self.users.first_today(key)
        library = self.content.library

        emergency = False
        ad: str | None = None  # a job ad to check
        chosen: str | None = None
        if incoming.button is not None:
            payload = incoming.button
            match = _SET_LANGUAGE.match(payload)
            if match:
                chosen = match.group(1)
            elif (listen := LISTEN.match(payload)) and payload in library.payloads:
                # A recording for people who read little: sent by the bot, no dialogue needed.
                lang = resolve(None, stored, incoming.telegram_language)
                if library.item(listen.group(1), lang) and library.items[lang][listen.group(1)].audio:
                    return Answer(lang, [voice(library, listen.group(1), lang)])
                return Answer(lang, [render(library, "fallback.bad_button", lang)])
            elif payload == DELETE_CONFIRMED:
                lang = resolve(None, stored, incoming.telegram_language)
                await self.users.erase(key)
                return Answer(lang, [render(library, "privacy.deleted", lang)])
            elif payload not in library.payloads:
                # An old button from an earlier version, or forged callback data.
                lang = resolve(None, stored, incoming.telegram_language)
                return Answer(lang, [render(library, "fallback.bad_button", lang)])
            message, detected = payload, UNKNOWN
        elif incoming.media:
            message, detected = UNSUPPORTED_MEDIA, UNKNOWN
        else:
            text = clean_text(incoming.text or "")
            command = _COMMAND.match(text)
            if command and command.group(1).lower() in STAFF_COMMANDS:
                return await self._staff(command.group(1).lower(), incoming, stored)
            if command and command.group(1).lower() in COMMANDS:
                message, detected = COMMANDS[command.group(1).lower()], UNKNOWN
            else:
                text = text.lstrip("/") or "?"
                message, detected = text, guess(text)
                if incoming.forwarded:
                    # Someone else's words ("老板说你明天不用来了" forwarded by a Khmer speaker):
                    # answered in the person's own language if it is known.
                    detected = Guess(detected.language, False)
                emergency = is_emergency(text)
                if looks_like_ad(text, incoming.forwarded):
                    # Checked, and explained in the person's language, not the ad's.
                    ad, message, detected = text, CHECK_AD, UNKNOWN
                if emergency:
                    # Force the intent: the emergency rule then wins over anything the model or
                    # an open form would do.
                    message = EMERGENCY

        lang = chosen or resolve(detected.language, stored, incoming.telegram_language,
                                 detected.clear)
        if chosen:
            await self.users.remember(key, chosen, chosen=True)
        elif not known:
            await self.users.remember(key, lang, only_if_new=True)
        elif (detected.clear and detected.language in LANGUAGES and lang != stored
              and not person.chosen and not emergency):
            # Someone who now writes clearly in another language keeps it for the short
            # messages that follow ("ok", "thanks bong", "menu"). Not when they chose their
            # language (only another choice changes it), nor for an emergency message, which may
            # be copied from a poster or a hotline card.
            await self.users.remember(key, lang)
        if detected.language == OTHER and not emergency:
            # Thai, Lao, Burmese, Vietnamese...: say which languages Prayat speaks, in the one the
            # person most likely reads, rather than guess at a reply.
            return Answer(lang, [render(library, "language.unsupported", lang)])

        try:
            replies = []
            if ad is not None and emergency:
                # Safety first: the emergency answer, then the check of the ad it came with.
                replies += await self.rasa.send(key, EMERGENCY, {"language": lang})
                message = CHECK_AD
            metadata = {"language": lang} if ad is None else {"language": lang, AD_METADATA: ad}
            replies += await self.rasa.send(key, message, metadata)
            if not replies:
                # Every rule ends in an action that answers, so silence means a failure, most
                # often the action server being down.
                raise RasaUnavailable("the dialogue sent no reply; is the action server up?")
        except RasaUnavailable as error:
            logger.error("Dialogue unavailable, answering from the safety floor: %s", error)
            floor = "emergency" if emergency or message == EMERGENCY else "fallback.limited"
            replies = [render(library, floor, lang)]
        if not known and not chosen and replies[0]["topic"] not in ("welcome", "language"):
            # A first message is answered directly; the language choice comes alongside.
            replies.append(render(library, "language.offer", lang))
        if first_today:
            await self.users.count("conversation", ["person"], lang)  # conversations per day
        await self.users.count("topic", [r["topic"] for r in replies], lang)
        for reply in replies:
            # Only tallies (a screening tier, the indicators found): never who or what was said.
            for kind, values in (reply.pop("counts", None) or {}).items():
                await self.users.count(kind, values, lang)
        return Answer(lang, replies)

    async def _staff(self, command: str, incoming: Incoming, stored: str | None) -> Answer:
        lang = resolve(None, stored, incoming.telegram_language)
        library = self.content.library
        if not incoming.staff:
            return Answer(lang, [render(library, "admin.refused", lang)])
        reply = render(library, "admin.status", lang)
        details = await report(self, self.stack)
        reply["text"] += "\n\n" + "\n".join(f"{k}: {v}" for k, v in details.items())
        return Answer(lang, [reply])


def answer_json(user: str, answer: Answer) -> str:
    """The machine interface of `prayat chat --jsonl`: one JSON line per input line."""
    return json.dumps({"user": user, "lang": answer.lang, "replies": answer.replies},
                      ensure_ascii=False)

