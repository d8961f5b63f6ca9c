"""One path for every message, whatever the front end: Telegram, the terminal, or JSON lines.

safety floor → language → Rasa (which calls the actions) → replies. If Rasa cannot answer in
time, the bot answers from content itself, so help never depends on the model being up.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot import LANGUAGES, PROJECT_ROOT
from bot.checkers import ocr
from bot.checkers.red_flags import AD_METADATA, AD_SOURCE, looks_like_ad
from bot.checkers.who import about, nationality, without_nationality, word_pattern
from bot.content import ContentStore, Library, Reply, emergency_reply, render, voice
from bot.content.library import LISTEN
from bot.core.flood import FloodGuard
from bot.core.language import OTHER, UNKNOWN, Guess, guess, resolve
from bot.core.safety import is_emergency
from bot.dialogue.rasa_client import RasaClient, RasaUnavailable
from bot.handoff import CONSENT, REQUEST, Offer, asks_for_person
from bot.storage import Known, UserStore, user_key

if TYPE_CHECKING:
    from bot.dialogue.stack import Stack

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
# The other answers the bot gives itself, with no dialogue.
LISTEN_HERE = "listen"  # a "🔊 Listen" button: the recording
BAD_BUTTON = "bad_button"  # an old button from an earlier version, or forged callback data
HANDOFF = "handoff"  # "talk to a person": the consent, or the honest "no counsellor here"
# A photo or image file whose words could not be used: the item that says so, and asks for the text.
PHOTO_UNREADABLE = "ad_check.photo_unreadable"  # blurred, dark, too little text, not an image
PHOTO_NOT_AD = "ad_check.photo_not_ad"  # read, but not a job offer
PHOTO_UNAVAILABLE = "ad_check.photo_unavailable"  # no OCR on this server
PHOTO_ANSWERS = (PHOTO_UNREADABLE, PHOTO_NOT_AD, PHOTO_UNAVAILABLE)
_PHOTO_OUTCOME = {PHOTO_UNREADABLE: "unreadable", PHOTO_NOT_AD: "not_an_ad", PHOTO_UNAVAILABLE: "no_ocr"}
MAX_IMAGE_BYTES = 10_000_000  # a Telegram photo is at most 10 MB; a larger file is not read
_SET_LANGUAGE = re.compile(r'^/set_language\{"language":\s*"(km|en|zh)"\}$')
_COMMAND = re.compile(r"^(/[A-Za-z_]+)(?:@\w+)?\s*$")
_LEADING_SLASHES = re.compile(r"^[\s/]+")
# The person's own words before a pasted ad: "Can you check this ad? …", "帮我看看这个招聘：…",
# "ជួយមើលផ្សាយនេះផង៖ …",
# a first line; and a question after it ("… is it real?").
_BEFORE_AD = re.compile(r"^\s*([^\n:：៖?？]{2,80}[:：៖?？]?)(?:[:：៖?？]|\n)")
_AFTER_AD = re.compile(r"\n\s*([^\n]{2,80}[?？])\s*$")
# What makes those words a request to the bot rather than the ad's own heading ("招聘：", "URGENT:").
# The words are in nlu/requests/asking.yml.
ASKING_FILE = PROJECT_ROOT / "nlu" / "requests" / "asking.yml"


@lru_cache(maxsize=2)
def _asking(path: Path = ASKING_FILE) -> re.Pattern[str]:
    try:
        words = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        logger.error("Request words not read (%s): only a question mark marks a request", error)
        words = {}
    listed = [word_pattern(str(w).casefold()) for ws in words.values() for w in ws or []]
    return re.compile("|".join(["[?？]", *listed]), re.IGNORECASE)


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
    # A photo or an image sent as a file, as bytes in memory (read for a job ad, never stored);
    # its caption, if any, is `text`.
    image: bytes | None = None


@dataclass
class Answer:
    lang: str
    replies: list[Reply] = field(default_factory=list)
    # What the answer says of how urgent the person's situation is ("urgent" after the emergency
    # answer or an urgent situation check, "warning"), for a hand-off case opened after it.
    priority: str | None = None


def clean_text(text: str) -> str:
    """Drop control characters (keeping line breaks) and lone surrogates (a JSON line can hold
    "\\ud800"; it is no character and cannot be sent on as UTF-8), and cap the length. Nothing
    else changes: the text is never echoed as markup, so HTML or SQL-looking text is harmless."""
    text = "".join(
        ch for ch in text[:MAX_INPUT]
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    return text.strip()


def _emergency(place: str | None, who: str | None, origin: str | None) -> str:
    """`/emergency{"place":"MM","about":"other"}`: where, who and from where go to the dialogue
    as entities (codes from content/places.yml and bot/checkers/who.py, never the words typed)."""
    # "self" is the default reading: it is not sent, so that "help me" from a relative who wrote
    # about their sister before does not undo that.
    entities = {k: v for k, v in (("place", place), ("about", who if who != "self" else None),
                                  ("nationality", origin)) if v}
    return EMERGENCY + json.dumps(entities, separators=(",", ":")) if entities else EMERGENCY


def ad_language(text: str, forwarded: bool) -> Guess:
    """The language to answer a message with an ad in: the person's own words around it decide
    ("Can you check this ad? 高薪诚聘…" is English); with none, the ad's language is only a guess,
    used for someone the bot knows nothing of (a known person keeps theirs). A forwarded post
    holds nobody's own words."""
    if forwarded:
        return UNKNOWN
    own = " ".join(m.group(1) for m in (_BEFORE_AD.match(text), _AFTER_AD.search(text))
                   if m and len(m.group(1)) * 3 < len(text) and _asking().search(m.group(1)))
    said = guess(own) if own else UNKNOWN
    if said.clear:
        return said
    return Guess(guess(text).language, False)


@dataclass
class Act:
    """What a person did, understood before anything is looked up: the message for the dialogue
    (a payload, a command's payload or the cleaned text), or `here` when the bot answers itself."""

    message: str
    detected: Guess = UNKNOWN  # the language the message is written in, if it tells
    chosen: str | None = None  # a language chosen with a button
    emergency: bool = False
    ad: str | None = None  # a job ad to check
    place: str | None = None  # the place the message names (KH, MM, ...), for the safety floor
    about: str | None = None  # who is in danger, if the message says (bot/checkers/who.py)
    nationality: str | None = None  # where the writer is from, if they say (the same module)
    here: str | None = None  # LISTEN_HERE, DELETE_CONFIRMED, a staff command or BAD_BUTTON
    source: str | None = None  # where the ad came from when not typed: "photo"


def understand(incoming: Incoming, library: Library) -> Act:
    """Button, command, text or media: what the person did, and what the dialogue should hear."""
    if incoming.button is not None:
        payload = incoming.button
        if match := _SET_LANGUAGE.match(payload):
            return Act(payload, chosen=match.group(1))
        if (listen := LISTEN.match(payload)) and payload in library.payloads:
            return Act(listen.group(1), here=LISTEN_HERE)
        if payload == DELETE_CONFIRMED:
            return Act(payload, here=DELETE_CONFIRMED)
        if payload in (REQUEST, CONSENT):
            return Act(payload, here=HANDOFF)
        if payload not in library.payloads:
            return Act(payload, here=BAD_BUTTON)
        return Act(payload)
    if incoming.media:
        return Act(UNSUPPORTED_MEDIA)
    text = clean_text(incoming.text or "")
    command = _COMMAND.match(text)
    if command and command.group(1).lower() in STAFF_COMMANDS:
        return Act(text, here=command.group(1).lower())
    if command and command.group(1).lower() in COMMANDS:
        return Act(COMMANDS[command.group(1).lower()])
    # "/ /set_language{...}" or "/\n/show{...}" is text too: no typed line reaches the dialogue as
    # an intent payload.
    text = _LEADING_SLASHES.sub("", text) or "?"
    detected = guess(text)
    if incoming.forwarded:
        # Someone else's words ("老板说你明天不用来了" forwarded by a Khmer speaker):
        # answered in the person's own language if it is known.
        detected = Guess(detected.language, False)
    emergency = is_emergency(text)
    origin = nationality(text)
    # "我是中国人" names where the writer is from, not where they are.
    named = library.place_in(without_nationality(text) if origin else text)
    place = named.country if named else None
    who = about(text)
    if looks_like_ad(text, incoming.forwarded):
        # Checked, and explained in the person's language, not the ad's.
        return Act(EMERGENCY if emergency else CHECK_AD, ad_language(text, incoming.forwarded),
                   emergency=emergency, ad=text, place=place, about=who, nationality=origin)
    # An emergency forces the intent: the emergency rule then wins over anything the model or an
    # open form would do. The place it names goes with it (the dialogue keeps it for later answers).
    if emergency:
        return Act(_emergency(place, who, origin), detected, emergency=True, place=place,
                   about=who, nationality=origin)
    if asks_for_person(text):
        return Act(text, detected, place=place, about=who, nationality=origin, here=HANDOFF)
    return Act(text, detected, place=place, about=who, nationality=origin)


_OCR_AT_ONCE = 1  # images read at the same time: each takes a core for a second or two
_ocr_semaphores: dict[int, asyncio.Semaphore] = {}


def _ocr_turns() -> asyncio.Semaphore:
    """Photos wait their turn for OCR, so that a burst of them cannot starve the text replies."""
    loop = id(asyncio.get_running_loop())
    if loop not in _ocr_semaphores:
        _ocr_semaphores.clear()
        _ocr_semaphores[loop] = asyncio.Semaphore(_OCR_AT_ONCE)
    return _ocr_semaphores[loop]


class Prayat:
    def __init__(self, content: ContentStore, rasa: RasaClient, users: UserStore,
                 pepper: bytes, flood: FloodGuard | None = None,
                 stack: Stack | None = None, handoff: Offer | None = None) -> None:
        self.content = content
        self.rasa = rasa
        self.users = users
        self.pepper = pepper
        self.flood = flood or FloodGuard()
        self.stack = stack  # the servers this process started, if any (for the health report)
        # Set when an operator group is configured (bot/handoff/desk.py): without it, "talk to a
        # person" is never offered, and asking for one gets the hotlines and the honest reason.
        self.handoff = handoff

    async def handle(self, incoming: Incoming) -> Answer:
        """The answer to one thing a person did. Answer.replies is empty only for a flood of
        messages past the first "slow down" answer."""
        answer = await self._handle(incoming)
        if self.handoff is None:
            for reply in answer.replies:
                reply["buttons"] = [b for b in reply["buttons"] if b["payload"] != REQUEST]
        return answer

    async def _handle(self, incoming: Incoming) -> Answer:
        """

        One path: understand what the person did → the flood guard → the language, once → answer
        here (a recording, an erasure, an old button, a staff command) or in the dialogue → count.
        """
        library = self.content.library
        key = user_key(self.pepper, incoming.user)
        act = await self._read_image(incoming, library) if incoming.image is not None else \
            understand(incoming, library)
        flood = self.flood.check(key)
        if flood == "drop" and not act.emergency or \
                flood != "ok" and act.emergency and not self.flood.first_emergency(key):
            return Answer(resolve(None, None, incoming.telegram_language), [])
        person = await self.users.lookup(key)
        lang = act.chosen or resolve(act.detected.language, person.language,
                                     incoming.telegram_language, act.detected.clear)
        if flood != "ok":
            # Past the limit: "slow down", or the emergency steps and numbers straight from the
            # safety floor, without the dialogue.
            return Answer(lang, [self._floor(act, lang) if act.emergency else
                                 render(library, "fallback.too_fast", lang)],
                          "urgent" if act.emergency else None)
        if act.here and act.here != HANDOFF:
            # Answered by the bot itself: nothing is remembered or counted, and after an erasure
            # nothing may be, or the person would be written back.
            return Answer(lang, await self._answer_here(act, key, lang, incoming))
        await self._remember(key, person, act, lang)
        if act.here == HANDOFF:
            # Never through the dialogue: the consent, answered here (and the same with Rasa down).
            replies = [self._handoff_offer(lang)]
            await self._count(key, lang, replies)
            return Answer(lang, replies)
        if act.detected.language == OTHER and not act.emergency:
            # Thai, Lao, Burmese, Vietnamese...: say which languages Prayat speaks, in the one the
            # person most likely reads, rather than guess at a reply.
            return Answer(lang, [render(library, "language.unsupported", lang)])
        replies = await self._converse(key, act, lang)
        if not person.known and not act.chosen and replies[0]["topic"] not in ("welcome", "language"):
            # A first message is answered directly; the language choice comes alongside.
            replies.append(render(library, "language.offer", lang))
        priority = _priority(replies)
        await self._count(key, lang, replies)
        if act.source == "photo":
            await self.users.count("ad_check.photo", ["read"], lang)
        return Answer(lang, replies, priority)

    async def _read_image(self, incoming: Incoming, library: Library) -> Act:
        """A photo or image file: its words read (bot/checkers/ocr.py) and checked as a job ad,
        the caption being the person's own words. The image and its text stay in memory."""
        words = clean_text(incoming.text or "").strip()
        caption = Incoming(incoming.user, text=words, telegram_language=incoming.telegram_language,
                           staff=incoming.staff, forwarded=incoming.forwarded)
        own = understand(caption, library) if words else None
        said = own.detected if own and own.detected.clear else UNKNOWN
        if own and own.emergency:
            # The person's own words say they are in danger: that is answered first, always.
            return own
        # A caption that is itself an ad ("Hiring now! $1,800…") is checked even if the picture
        # cannot be read.
        caption_ad = own if own and own.ad is not None else None
        image = incoming.image or b""
        try:
            if len(image) > MAX_IMAGE_BYTES:
                raise ocr.NotAnImage("too large")
            async with _ocr_turns():
                reading = await asyncio.to_thread(ocr.read, image)
        except ocr.OcrUnavailable as error:
            logger.error("Cannot read images: %s", error)
            return caption_ad or Act(PHOTO_UNAVAILABLE, said, here=PHOTO_UNAVAILABLE)
        except ocr.NotAnImage:
            return caption_ad or Act(PHOTO_UNREADABLE, said, here=PHOTO_UNREADABLE)
        if not reading.readable:
            return caption_ad or Act(PHOTO_UNREADABLE, said, here=PHOTO_UNREADABLE)
        if not looks_like_ad(reading.text, forwarded=True):
            # Not a job offer: a caption is answered as the message it is.
            return own or Act(PHOTO_NOT_AD, Guess(guess(reading.text).language, False), here=PHOTO_NOT_AD)
        ad = f"{words}\n{reading.text}" if caption_ad else reading.text
        named = library.place_in(f"{words}\n{reading.text}")
        # Answered in the caption's language; with no caption, the ad's is only a guess (a known
        # person keeps theirs), as for a forwarded ad.
        detected = said if said.clear else Guess(guess(reading.text).language, False)
        return Act(CHECK_AD, detected, ad=ad, place=named.country if named else None,
                   about=own.about if own else None, nationality=own.nationality if own else None,
                   source="photo")

    def _handoff_offer(self, lang: str) -> Reply:
        library = self.content.library
        if self.handoff is None:
            return render(library, "handoff.unavailable", lang)
        return render(library, "handoff.consent", lang,
                      values=self.handoff.values(library.labels[lang]))

    async def _answer_here(self, act: Act, key: str, lang: str, incoming: Incoming) -> list[Reply]:
        library = self.content.library
        if act.here in PHOTO_ANSWERS:
            # Only which of the three it was is counted; nothing of the picture.
            await self.users.count("ad_check.photo", [_PHOTO_OUTCOME[act.here]], lang)
            return [render(library, act.here, lang)]
        if act.here == LISTEN_HERE:
            # A recording for people who read little: sent by the bot, no dialogue needed.
            item = library.item(act.message, lang)
            if item and item.audio:
                return [voice(library, act.message, lang)]
            return [render(library, "fallback.bad_button", lang)]
        if act.here == DELETE_CONFIRMED:
            if not await self.users.erase(key):
                # The database is down or refuses to write: nothing was deleted, and saying
                # "deleted" would be a lie the person may rely on. Ask them to try again.
                return [render(library, "privacy.delete_failed", lang)]
            return [render(library, "privacy.deleted", lang)]
        if act.here in STAFF_COMMANDS:
            return [await self._staff(incoming, lang)]
        # An old button from an earlier version, or forged callback data.
        return [render(library, "fallback.bad_button", lang)]

    async def _remember(self, key: str, person: Known, act: Act, lang: str) -> None:
        if act.chosen:
            await self.users.remember(key, act.chosen, chosen=True)
        elif not person.known:
            await self.users.remember(key, lang, only_if_new=True)
        elif (act.detected.clear and act.detected.language in LANGUAGES and lang != person.language
              and not person.chosen and not act.emergency):
            # Someone who now writes clearly in another language keeps it for the short
            # messages that follow ("ok", "thanks bong", "menu"). Not when they chose their
            # language (only another choice changes it), nor for an emergency message, which may
            # be copied from a poster or a hotline card.
            await self.users.remember(key, lang)

    async def _converse(self, key: str, act: Act, lang: str) -> list[Reply]:
        """The dialogue's replies, or the safety floor's if the dialogue cannot answer in time."""
        message = act.message
        try:
            replies = []
            if act.ad is not None and act.emergency:
                # Safety first: the emergency answer, then the check of the ad it came with.
                replies += await self.rasa.send(
                    key, _emergency(act.place, act.about, act.nationality), {"language": lang})
                message = CHECK_AD
            metadata: dict[str, Any] = {"language": lang}
            if act.ad is not None:
                metadata[AD_METADATA] = act.ad
                if act.source:
                    metadata[AD_SOURCE] = act.source
            replies += await self.rasa.send(key, message, metadata)
            if not replies:
                # Every rule ends in an action that answers, so silence means a failure, most
                # often the action server being down.
                raise RasaUnavailable("the dialogue sent no reply; is the action server up?")
        except RasaUnavailable as error:
            logger.error("Dialogue unavailable, answering from the safety floor: %s", error)
            replies = [self._floor(act, lang) if act.emergency or message.startswith(EMERGENCY) else
                       render(self.content.library, "fallback.limited", lang)]
        return replies

    def _floor(self, act: Act, lang: str) -> Reply:
        """The emergency answer from content alone, for the place and person the message names."""
        return emergency_reply(self.content.library, lang, act.place, act.about, act.nationality)

    async def _count(self, key: str, lang: str, replies: list[Reply]) -> None:
        if self.users.first_today(key):
            await self.users.count("conversation", ["person"], lang)  # conversations per day
        await self.users.count("topic", [r["topic"] for r in replies], lang)
        for reply in replies:
            # Only tallies (a screening tier, the indicators found): never who or what was said.
            for kind, values in (reply.pop("counts", None) or {}).items():
                await self.users.count(kind, values, lang)

    async def _staff(self, incoming: Incoming, lang: str) -> Reply:
        library = self.content.library
        if not incoming.staff:
            return render(library, "admin.refused", lang)
        reply = render(library, "admin.status", lang)
        details = await self.status()
        reply["text"] += "\n\n" + "\n".join(f"{k}: {v}" for k, v in details.items())
        return reply

    async def status(self) -> dict[str, Any]:
        """Whether each part is up: for `/health` and the staff's `/status`."""
        parts: dict[str, Any] = {}
        if self.stack is not None:
            parts.update(await self.stack.health())
            parts["restarts"] = self.stack.restarts
        else:
            parts["rasa"] = "up" if await self.rasa.ready() else "down"
        parts["database"] = "up" if await self.users.ping() else "down"
        refused = self.content.last_error
        parts["content"] = "up" if not refused else "serving the last good version; refused: " + \
            refused.splitlines()[0]
        down = [k for k in parts if (k in ("rasa", "actions", "database") or k.startswith("rasa_"))
                and parts[k] != "up"]
        parts["status"] = "ok" if not down else "degraded: " + ", ".join(down)
        return parts


def _priority(replies: list[Reply]) -> str | None:
    """"urgent" for the emergency answer or an urgent situation check, "warning" for a warning."""
    tiers = {t for r in replies for t in (r.get("counts") or {}).get("screening.tier", [])}
    if "urgent" in tiers or any(r["topic"] == "emergency" for r in replies):
        return "urgent"
    return "warning" if "warning" in tiers else None


def answer_json(user: str, answer: Answer) -> str:
    """The machine interface of `prayat chat --jsonl`: one JSON line per input line."""
    return json.dumps({"user": user, "lang": answer.lang, "replies": answer.replies},
                      ensure_ascii=False)

