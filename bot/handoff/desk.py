"""The Telegram side of "talk to a person": consent, one forum topic per case, the relay both ways.

- A person presses "Yes, connect me" (CONSENT) after the consent text: a case opens with a random
  code, a topic titled "code · language · priority" is made in the operator group, and the first
  post there carries the buttons to claim it, close it, or send a ready reply from content.
- While the case is open, what the person sends (text, photos, anything) is copied to the topic,
  and what a listed counsellor writes in the topic is copied back. copyMessage, never forward:
  no profile link, no name, no id crosses. The dialogue (Rasa) never sees these messages, so no
  tracker stores them; nothing stores them.
- Emergency words from the person still get the emergency answer at once, from content, and mark
  the case urgent for the counsellors. An urgent case nobody claimed is posted again to the
  group every PRAYAT_HANDOFF_REMIND_MINUTES.
- The case closes by the person ("stop" alone), by a counsellor (with an outcome), or after
  PRAYAT_HANDOFF_IDLE_MINUTES without a message; the person is told once and gets the menu.
  Nothing is ever sent to them after that unless they write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.channels.keyboards import keyboard
from bot.content import Reply, emergency_reply, for_place, render
from bot.core.language import resolve
from bot.core.prayat import COMMANDS, Incoming, Prayat, understand
from bot.core.safety import is_emergency
from bot.handoff import CONSENT, OUTCOMES, REQUEST, Hours, Offer, is_stop
from bot.handoff.cases import Case, CaseStore
from bot.settings import Settings
from bot.storage import user_key

logger = logging.getLogger(__name__)

PLACES = ("KH", "CN", "TH", "MM", "LA", "VN", "MY", "OTHER")  # the hotlines a counsellor can send
RECENT_FOR = 3600.0  # seconds an answer's priority is remembered (in memory) for a case opened after


class HandoffDesk:
    def __init__(self, prayat: Prayat, store: CaseStore, group: int, counsellors: frozenset[int],
                 language: str = "en", remind_minutes: float = 10, idle_minutes: float = 1440,
                 grace_minutes: float = 30, tick_seconds: float = 30) -> None:
        self.prayat = prayat
        self.store = store
        self.group = group
        self.counsellors = counsellors
        self.language = language if language in ("km", "en", "zh") else "en"
        self.remind = remind_minutes * 60
        self.idle = idle_minutes * 60
        self.grace = grace_minutes * 60
        self.tick_seconds = tick_seconds
        # keyed hash -> (priority, when): what the last answers said, for a case opened after them.
        self._recent: dict[str, tuple[str, float]] = {}
        self._warned: set[tuple[str, int]] = set()  # (case, user) told "only counsellors"
        self._ticker: asyncio.Task | None = None

    # -- wiring --------------------------------------------------------------------------------

    def handlers(self) -> list:
        group = filters.Chat(self.group)
        return [
            CallbackQueryHandler(self.on_case_button, pattern=r"^case:"),
            CallbackQueryHandler(self.on_consent, pattern=rf"^{CONSENT}$"),
            MessageHandler(group & filters.UpdateType.MESSAGES & ~filters.StatusUpdate.ALL,
                           self.on_group_message),
        ]

    def start(self, bot: Bot) -> None:
        """Reminders, inactivity and forgetting, every `tick_seconds` (no job queue: see the
        design notes)."""
        async def loop() -> None:
            while True:
                await asyncio.sleep(self.tick_seconds)
                try:
                    await self.tick(bot)
                except Exception:  # noqa: BLE001 - one failed round must not end the loop
                    logger.exception("Hand-off round failed")
        self._ticker = asyncio.create_task(loop())

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker

    @property
    def library(self):
        return self.prayat.content.library

    def _key(self, chat_id: int) -> str:
        return user_key(self.prayat.pepper, f"telegram:{chat_id}")

    def _say(self, item: str, lang: str, **values: Any) -> Reply:
        offer = self.prayat.handoff
        named = offer.organisation if offer else None
        values.setdefault("organisation", named or self.library.labels[lang]["handoff.organisation"])
        reply = render(self.library, item, lang, values=values)
        reply["buttons"] = [b for b in reply["buttons"] if self.prayat.handoff or b["payload"] != REQUEST]
        return reply

    async def _send(self, bot: Bot, chat_id: int, reply: Reply, thread: int | None = None,
                    markup: InlineKeyboardMarkup | None = None) -> Message | None:
        try:
            return await bot.send_message(
                chat_id, reply["text"], message_thread_id=thread,
                reply_markup=markup if markup is not None else keyboard(reply["buttons"]))
        except TelegramError as error:
            logger.error("Hand-off message not sent (%s)", type(error).__name__)
            return None

    async def _to_group(self, bot: Bot, case: Case | None, item: str,
                        markup: InlineKeyboardMarkup | None = None, **values: Any) -> None:
        await self._send(bot, self.group, self._say(item, self.language, **values),
                         case.topic if case else None, markup)

    def _label(self, key: str) -> str:
        return self.library.labels[self.language][key]

    def _title(self, case: Case) -> str:
        return f"{case.code} · {self._label('lang.' + case.language)} · {self._label('priority.' + case.priority)}"

    def _case_buttons(self, case: Case) -> InlineKeyboardMarkup:
        lib, lang = self.library, self.language
        row = [InlineKeyboardButton(self._label("handoff.claim"), callback_data=f"case:claim:{case.code}"),
               InlineKeyboardButton(self._label("handoff.close"), callback_data=f"case:close:{case.code}")]
        say = [InlineKeyboardButton(self._label("handoff.greeting"), callback_data=f"case:say:{case.code}:greeting"),
               InlineKeyboardButton(self._label("handoff.safe"), callback_data=f"case:say:{case.code}:safe")]
        places = [InlineKeyboardButton(lib.button_title(f"where.{p.lower() if p != 'OTHER' else 'abroad'}", lang),
                                       callback_data=f"case:hot:{case.code}:{p}") for p in PLACES]
        return InlineKeyboardMarkup([row, say, places[:4], places[4:]])

    async def _count(self, kind: str, value: str, lang: str) -> None:
        await self.prayat.users.count(kind, [value], lang)

    # -- what the front end calls --------------------------------------------------------------

    def noted(self, chat_id: int, priority: str | None) -> None:
        """The priority the bot's last answer to this chat showed (an emergency, a check's tier)."""
        now = time.monotonic()
        self._recent = {k: v for k, v in self._recent.items() if now - v[1] < RECENT_FOR}
        if priority:
            key = self._key(chat_id)
            old = self._recent.get(key, ("none", 0))[0]
            if old != "urgent" or priority == "urgent":
                self._recent[key] = (priority, now)

    async def cases_of(self, chat_id: int) -> list[tuple[str, int | None]]:
        return await self.store.run("topics_of", self._key(chat_id))

    async def forget(self, bot: Bot, chat_id: int, cases: list[tuple[str, int | None]]) -> None:
        """After /delete: the cases' rows are gone with the person's; their topics go too."""
        self._recent.pop(self._key(chat_id), None)
        for code, topic in cases:
            if topic is not None:
                try:
                    await bot.delete_forum_topic(self.group, topic)
                except TelegramError as error:
                    logger.error("Topic of a deleted case not deleted (%s)", type(error).__name__)
            await self._to_group(bot, None, "handoff.group.deleted", code=code)

    async def relay(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """A private message during an open case goes to the counsellor; True if it was taken.
        Commands and buttons go the usual way (they carry no words of the person's)."""
        chat, message = update.effective_chat, update.effective_message
        if chat is None or message is None:
            return False
        key = self._key(chat.id)
        case = await self.store.run("of_person", key)
        if case is None:
            return False
        text = message.text or message.caption or ""
        command = text.strip().split(maxsplit=1)[0].split("@")[0].lower() if text.startswith("/") else ""
        if command in COMMANDS:
            return False
        if is_stop(text):
            await self._close(context.bot, case, "stopped", by_person=True)
            return True
        if self.prayat.flood.check(key) == "drop":
            return True
        if case.topic is None:
            return False
        try:
            await context.bot.copy_message(self.group, chat.id, message.message_id,
                                           message_thread_id=case.topic)
        except TelegramError as error:
            logger.error("A person's message was not copied to the case (%s)", type(error).__name__)
        await self.store.run("touch", case.code)
        if text and is_emergency(text):
            # The steps and numbers first, from content alone; then the counsellors know.
            act = understand(Incoming(user="", text=text), self.library)
            reply = emergency_reply(self.library, case.language, act.place, act.about, act.nationality)
            reply["buttons"] = [b for b in reply["buttons"] if b["payload"] != REQUEST]
            await self._send(context.bot, chat.id, reply)
            if await self.store.run("make_urgent", case.code, self.remind):
                case = await self.store.run("by_code", case.code)
                with contextlib.suppress(TelegramError):
                    await context.bot.edit_forum_topic(self.group, case.topic, name=self._title(case))
            await self._to_group(context.bot, case, "handoff.group.emergency")
        return True

    # -- the person's consent ------------------------------------------------------------------

    async def on_consent(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            return
        key = self._key(chat.id)
        user = update.effective_user
        person = await self.prayat.users.lookup(key)
        lang = resolve(None, person.language, user.language_code if user else None)
        priority = self._recent.pop(key, ("none", 0))[0]
        case, new = await self.store.run("open_case", key, chat.id, lang, priority, self.remind)
        if not new:
            await self._send(context.bot, chat.id, self._say("handoff.already", case.language))
            return
        try:
            topic = await context.bot.create_forum_topic(self.group, self._title(case))
        except TelegramError as error:
            # The group is not a forum, or the bot may not manage topics: no case, and say so.
            logger.error("No topic for a new case (%s): is the operator group a forum with the bot "
                         "as an admin who can manage topics?", type(error).__name__)
            await self.store.run("close", case.code, "failed", 0)
            await self._send(context.bot, chat.id, self._say("handoff.unavailable", lang))
            return
        await self.store.run("set_topic", case.code, topic.message_thread_id)
        case = await self.store.run("by_code", case.code)
        await self._to_group(context.bot, case, "handoff.group.new", self._case_buttons(case),
                             code=case.code, language=self._label("lang." + lang),
                             priority=self._label("priority." + priority))
        await self._send(context.bot, chat.id, self._say("handoff.waiting", lang))
        await self._count("handoff", "opened", lang)
        await self._count("handoff.priority", priority, lang)

    # -- the counsellors' side -----------------------------------------------------------------

    async def on_group_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        user = update.effective_user
        if message is None or not message.is_topic_message or message.message_thread_id is None:
            return  # the group's General topic: counsellors talking among themselves
        case = await self.store.run("by_topic", message.message_thread_id)
        if case is None or user is None or user.is_bot:
            return
        if user.id not in self.counsellors:
            if (case.code, user.id) not in self._warned:
                self._warned.add((case.code, user.id))
                await self._to_group(context.bot, case, "handoff.group.not_counsellor")
            return
        text = message.text or message.caption or ""
        if text.startswith("!"):
            return  # a note for the other counsellors
        if case.chat is None:
            await self._to_group(context.bot, case, "handoff.group.gone")
            return
        try:
            await context.bot.copy_message(case.chat, self.group, message.message_id)
        except Forbidden:
            await self._to_group(context.bot, case, "handoff.group.undelivered")
            return
        except TelegramError as error:
            logger.error("A counsellor's message was not copied (%s)", type(error).__name__)
            return
        if not case.closed:
            await self.store.run("touch", case.code)
            if not case.claimed:
                await self._claimed(context.bot, case, user.first_name)

    async def _claimed(self, bot: Bot, case: Case, name: str) -> bool:
        minutes = await self.store.run("claim", case.code)
        if minutes is None:
            return False
        await self._to_group(bot, case, "handoff.group.claimed", name=name, minutes=round(minutes))
        await self._count("handoff", "claimed", case.language)
        await self._count("handoff.claim_minutes", str(round(minutes)), case.language)
        return True

    async def on_case_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        user = update.effective_user
        if user is None or user.id not in self.counsellors or \
                update.effective_chat is None or update.effective_chat.id != self.group:
            # Shown to the one who pressed it, nobody else.
            await query.answer(self.library.items[self.language]["handoff.group.not_counsellor"].text.strip(),
                               show_alert=True)
            return
        await query.answer()
        parts = (query.data or "").split(":")
        if len(parts) < 3:
            return
        action, code, arg = parts[1], parts[2], parts[3] if len(parts) > 3 else None
        case = await self.store.run("by_code", code)
        if case is None:
            return
        bot = context.bot
        if action == "claim":
            await self._claimed(bot, case, user.first_name)
        elif action == "close" and not case.closed:
            buttons = [[InlineKeyboardButton(self._label(f"outcome.{o}"), callback_data=f"case:end:{code}:{o}")]
                       for o in OUTCOMES]
            await self._to_group(bot, case, "handoff.group.choose_outcome", InlineKeyboardMarkup(buttons))
        elif action == "end" and arg in OUTCOMES:
            await self._close(bot, case, arg, name=user.first_name)
        elif action in ("say", "hot"):
            if case.chat is None:
                await self._to_group(bot, case, "handoff.group.gone")
                return
            if action == "say" and arg in ("greeting", "safe"):
                reply = self._say(f"handoff.say.{arg}", case.language)
            elif action == "hot" and arg in self.library.places:
                place = self.library.places[arg]
                reply = for_place(self.library, place.hotlines, case.language, place.country)
                reply["buttons"] = []
            else:
                return
            if await self._send(bot, case.chat, {**reply, "buttons": []}) is None:
                await self._to_group(bot, case, "handoff.group.undelivered")
                return
            sent = self._say("handoff.group.sent", self.language)
            await self._send(bot, self.group, {**sent, "text": sent["text"].rstrip() + "\n\n" + reply["text"]},
                             case.topic)
            if not case.closed:
                await self.store.run("touch", case.code)

    # -- closing -------------------------------------------------------------------------------

    async def _close(self, bot: Bot, case: Case, outcome: str, by_person: bool = False,
                     name: str = "", idle: bool = False) -> None:
        # Closed by the person: nothing may reach them after "stop", so no grace period.
        if await self.store.run("close", case.code, outcome, 0 if by_person else self.grace) is None:
            return
        if case.chat is not None:
            item = "handoff.stopped" if by_person else "handoff.ended_idle" if idle else "handoff.ended"
            await self._send(bot, case.chat, self._say(item, case.language))
        if by_person:
            await self._to_group(bot, case, "handoff.group.stopped")
        elif idle:
            await self._to_group(bot, case, "handoff.group.idle", minutes=round(self.idle / 60))
        else:
            await self._to_group(bot, case, "handoff.group.closed", name=name,
                                 outcome=self._label(f"outcome.{outcome}"),
                                 grace_minutes=round(self.grace / 60))
        if case.topic is not None:
            with contextlib.suppress(TelegramError):
                await bot.close_forum_topic(self.group, case.topic)
        await self._count("handoff.outcome", outcome, case.language)

    async def tick(self, bot: Bot, now: float | None = None) -> None:
        now = time.time() if now is None else now
        for case in await self.store.run("reminders_due", now):
            waited = round((now - (case.opened_at or now)) / 60)
            await self._to_group(bot, None, "handoff.group.reminder", self._case_buttons(case),
                                 code=case.code, minutes=waited)
            await self.store.run("remind_later", case.code, now + self.remind)
        for case in await self.store.run("idle", self.idle, now):
            await self._close(bot, case, "no_reply", idle=True)
        await self.store.run("forget_due", now)


def handoff_problem(settings: Settings) -> str | None:
    """What is wrong with the hand-off settings, if anything (checked before `prayat serve` starts)."""
    if settings.handoff_group is None:
        return None
    if not settings.handoff_key or len(settings.handoff_key) < 32:
        return ("PRAYAT_HANDOFF_GROUP needs PRAYAT_HANDOFF_KEY: at least 32 random characters, not the "
                "pepper; make one with `python -c \"import secrets; print(secrets.token_hex(32))\"`.")
    if settings.handoff_key == settings.pepper:
        return "PRAYAT_HANDOFF_KEY must differ from PRAYAT_PEPPER."
    if not settings.counsellor_ids:
        return "PRAYAT_HANDOFF_GROUP needs PRAYAT_COUNSELLOR_IDS: the Telegram ids of the counsellors."
    try:
        Hours.parse(settings.handoff_hours, settings.handoff_timezone)
    except (ValueError, KeyError) as error:
        return f"PRAYAT_HANDOFF_HOURS / PRAYAT_HANDOFF_TIMEZONE: {error}"
    return None


def desk_from_settings(prayat: Prayat, settings: Settings) -> HandoffDesk | None:
    """The desk for the configured operator group, and the offer in the core; None without one."""
    if settings.handoff_group is None:
        return None
    problem = handoff_problem(settings)
    if problem:
        raise SystemExit(problem)
    prayat.handoff = Offer(settings.handoff_organisation,
                           Hours.parse(settings.handoff_hours, settings.handoff_timezone),
                           settings.handoff_wait_minutes)
    return HandoffDesk(prayat, CaseStore(prayat.users.engine, settings.handoff_key or ""),
                       settings.handoff_group, settings.counsellor_ids, settings.handoff_language,
                       settings.handoff_remind_minutes, settings.handoff_idle_minutes,
                       settings.handoff_grace_minutes)
