"""The Telegram front end: a thin python-telegram-bot adapter around the shared core.

Dialogue state lives in Rasa, never here. Updates are handled concurrently, but the replies to one
chat are sent in the order its messages came (`ChatOrderedProcessor`), and one update the library
cannot read is skipped rather than stopping polling (`SkipUnreadableUpdates`).
"""

from __future__ import annotations

import asyncio
import html
import inspect
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.channels.keyboards import keyboard
from bot.content import Reply
from bot.core.prayat import DELETE_CONFIRMED, Answer, Incoming, Prayat
from bot.handoff.desk import HandoffDesk, desk_from_settings
from bot.health import serve_health
from bot.outreach.cards import CardCache
from bot.outreach.desk import OutreachDesk
from bot.runner import stop_event
from bot.settings import Settings

logger = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

# Updates handled at once, across all chats (PTB's own default for concurrent_updates(True)).
CONCURRENT_UPDATES = 256
# Updates one chat may have waiting behind the one being handled; past that they are dropped
# without a reply (the flood guard has already said "slow down").
MAX_WAITING_PER_CHAT = 50


@dataclass
class _ChatQueue:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    updates: int = 0  # the one being handled and the ones waiting
    dropping: bool = False


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Each chat's updates one at a time and in order, then one of `slots` shared slots.

    The order matters: a chat waits for its own turn *before* it takes a slot, so one account's
    hundreds of updates hold at most one slot and everyone else's updates go straight on. (PTB's
    `process_update` takes the slot first; waiting for the chat inside it let 500 updates from one
    chat fill all 256 slots.) Updates without a chat, such as poll answers, only need a slot.
    """

    def __init__(self, slots: int = CONCURRENT_UPDATES,
                 max_waiting: int = MAX_WAITING_PER_CHAT) -> None:
        super().__init__(slots)
        self.max_waiting = max_waiting
        # One entry per chat with updates in flight, dropped when the chat goes quiet.
        self._chats: dict[int, _ChatQueue] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Overrides BaseUpdateProcessor.process_update (typing.final: a hint for type checkers,
        # nothing at run time), which would take the shared semaphore before the chat's turn.
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._semaphore:
                await self.do_process_update(update, coroutine)
            return
        queue = self._chats.setdefault(chat.id, _ChatQueue())
        if queue.updates > self.max_waiting:
            if not queue.dropping:
                queue.dropping = True  # said once per burst; no chat id in the log
                logger.warning("A chat has %s updates waiting: dropping its next ones",
                               self.max_waiting)
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started, so never "never awaited"
            return
        queue.updates += 1
        try:
            async with queue.lock, self._semaphore:
                await self.do_process_update(update, coroutine)
        finally:
            queue.updates -= 1
            if queue.updates == 0:
                del self._chats[chat.id]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class SkipUnreadableUpdates(HTTPXRequest):
    """The getUpdates connection, reading each update of a batch on its own.

    PTB parses a whole batch at once: one update it cannot read (say, a field a newer Bot API made
    required) failed the batch, was logged with everyone's messages in it, and was fetched again at
    the same offset forever. Here an unreadable update becomes a bare one with only its update_id,
    so the offset moves past it, and the log names only that id.
    """

    async def post(self, url: str, *args: Any, **kwargs: Any) -> Any:
        result = await super().post(url, *args, **kwargs)
        if not url.endswith("/getUpdates") or not isinstance(result, list):
            return result
        return [item for item in map(self._readable, result) if item is not None]

    @staticmethod
    def _readable(raw: Any) -> Any:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        try:
            Update.de_json(raw, None)
            return raw
        except Exception as error:  # noqa: BLE001 - whatever breaks parsing, skip the update
            # The type only: a parser's message may quote what the person sent.
            logger.error("Update %s could not be read (%s) and is skipped",
                         update_id, type(error).__name__)
        return {"update_id": update_id} if isinstance(update_id, int) else None


IMAGES = filters.PHOTO | filters.Document.IMAGE
MAX_DOWNLOAD = 10_000_000  # bytes; Telegram lets a bot download files up to 20 MB


async def _image_bytes(message) -> bytes:
    """The picture, in memory only: the largest size of a photo, or an image file. Empty when it
    is too large or cannot be fetched (the person is then asked for the text)."""
    if message.photo:
        source = message.photo[-1]
    else:
        source = message.document
    if source is None or (source.file_size or 0) > MAX_DOWNLOAD:
        return b""
    try:
        file = await source.get_file()
        return bytes(await file.download_as_bytearray())
    except TelegramError as error:
        logger.warning("Could not fetch a picture: %s", type(error).__name__)
        return b""


MEDIA = (
    filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
    | filters.ANIMATION | filters.LOCATION | filters.VENUE | filters.CONTACT | filters.Document.ALL
    | filters.PHOTO | filters.POLL | filters.Dice.ALL
)


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a text into messages that fit Telegram's limit *after* HTML escaping, breaking at a
    blank line, else a line, else a space, and only as a last resort inside a word."""
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        if len(html.escape(rest)) <= limit:
            chunks.append(rest)
            break
        # The longest prefix whose escaped form fits.
        low, high = 1, len(rest)
        while low < high:
            mid = (low + high + 1) // 2
            if len(html.escape(rest[:mid])) <= limit:
                low = mid
            else:
                high = mid - 1
        window = rest[:low]
        cut = next((window.rfind(sep) for sep in ("\n\n", "\n", " ") if window.rfind(sep) > 0),
                   low)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return chunks or [""]


class TelegramFrontEnd:
    def __init__(self, prayat: Prayat, staff_ids: frozenset[int] = frozenset(),
                 cards: CardCache | None = None, handoff: HandoffDesk | None = None) -> None:
        self.prayat = prayat
        self.staff_ids = staff_ids
        self.handoff = handoff  # talk to a person: only with an operator group configured
        self.outreach = OutreachDesk(prayat, cards or CardCache(Settings().data_dir / "cards"),
                                     staff_ids)

    def build(self, token: str, base_url: str | None = None, rate_limit: bool = True
              ) -> Application:
        builder = (Application.builder().token(token)
                   .concurrent_updates(ChatOrderedProcessor())
                   # PTB's default for the getUpdates connection, reading updates one by one.
                   .get_updates_request(SkipUnreadableUpdates(connection_pool_size=1)))
        if base_url:
            builder = builder.base_url(f"{base_url.rstrip('/')}/bot").base_file_url(
                f"{base_url.rstrip('/')}/file/bot")
        if rate_limit:
            # Retries 429s as Telegram asks (retry_after) and keeps under its send limits.
            builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
        app = builder.build()
        for handler in self.handoff.handlers() if self.handoff else []:
            app.add_handler(handler)  # the operator group, and the consent button
        for handler in self.outreach.handlers():  # the quiz and group sessions come first
            app.add_handler(handler)
        app.add_handler(CallbackQueryHandler(self.on_button))
        # A photo or an image sent as a file, with or without a caption: read for a job ad.
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGES & IMAGES, self.on_image))
        # An edited message is answered as a new one: a fixed typo may be the message that matters.
        app.add_handler(MessageHandler(
            filters.UpdateType.MESSAGES & (filters.TEXT | filters.CAPTION), self.on_text))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGES & MEDIA, self.on_media))
        app.add_error_handler(self.on_error)
        return app

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if not self._private(update):
            return
        if self.handoff and await self.handoff.relay(update, context):
            return  # an open case: to the counsellor, never to the dialogue
        await self._answer(update, context, Incoming(
            user="", text=message.text or message.caption or "",
            forwarded=message.forward_origin is not None))

    @staticmethod
    def _private(update: Update) -> bool:
        """In a group, a conversation would be everyone's: the bot answers there only the
        outreach worker's /session (bot/outreach/desk.py), and talks to each person privately."""
        chat = update.effective_chat
        return chat is not None and chat.type == "private"

    async def on_image(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if not self._private(update):
            return
        if self.handoff and await self.handoff.relay(update, context):
            return  # an open case: the counsellor sees the picture; it is not read
        await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)  # reading takes a moment
        await self._answer(update, context, Incoming(
            user="", text=message.caption or "", image=await _image_bytes(message),
            forwarded=message.forward_origin is not None))

    async def on_media(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._private(update):
            return
        if self.handoff and await self.handoff.relay(update, context):
            return
        await self._answer(update, context, Incoming(user="", media=True))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()  # stops the button's loading spinner at once
        if not self._private(update):
            return
        cases = []
        if self.handoff and query.data == DELETE_CONFIRMED:
            cases = await self.handoff.cases_of(update.effective_chat.id)
        answer = await self._answer(update, context, Incoming(user="", button=query.data or ""))
        if cases and answer and any("privacy.deleted" in r["content"] for r in answer.replies):
            await self.handoff.forget(context.bot, update.effective_chat.id, cases)

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                      incoming: Incoming) -> Answer | None:
        chat = update.effective_chat
        user = update.effective_user
        if chat is None:
            return None
        incoming.user = f"telegram:{chat.id}"
        incoming.telegram_language = user.language_code if user else None
        incoming.staff = bool(user and user.id in self.staff_ids)
        # No lock here: ChatOrderedProcessor hands this chat's updates over one at a time.
        answer = await self.prayat.handle(incoming)
        if self.handoff:
            self.handoff.noted(chat.id, answer.priority)
        for reply in answer.replies:
            await self._send(context, chat.id, reply, answer.lang)
        return answer

    async def _send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply,
                    lang: str) -> None:
        if reply.get("voice"):
            await self._send_voice(context, chat_id, reply, lang)
            return
        if reply.get("image"):
            await self._send_image(context, chat_id, reply, lang)
        chunks = split_message(reply["text"])
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            await context.bot.send_message(
                chat_id, html.escape(chunk), parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply["buttons"]) if last else None,
                link_preview_options=_NO_PREVIEW,
            )

    async def _send_image(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply,
                          lang: str) -> None:
        """An item's picture goes first, its alt text as the caption. A missing file is logged
        and skipped: the text still goes out."""
        library = self.prayat.content.library
        path = library.root / lang / reply["image"]
        item = library.item(reply["content"][0], lang) if reply["content"] else None
        caption = item.image_alt if item and item.image_alt else None
        try:
            with path.open("rb") as photo:
                await context.bot.send_photo(chat_id, photo, caption=caption)
        except OSError as error:
            logger.error("Image %s for %s not sent: %s", path, reply["content"], error)

    async def _send_voice(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply,
                          lang: str) -> None:
        path = self.prayat.content.library.root / lang / reply["voice"]
        try:
            with path.open("rb") as recording:
                await context.bot.send_voice(chat_id, recording)
        except OSError as error:
            logger.error("Recording %s for %s not sent: %s", path, reply["content"], error)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("Error while handling an update", exc_info=context.error)


ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "poll_answer", "poll"]


async def serve_telegram(prayat: Prayat, settings: Settings, rate_limit: bool = True) -> None:
    """Polling by default; a webhook when PRAYAT_WEBHOOK_URL and PRAYAT_WEBHOOK_SECRET are set."""
    assert settings.telegram_token
    stop = stop_event()
    desk = desk_from_settings(prayat, settings)
    app = TelegramFrontEnd(prayat, settings.admin_ids, handoff=desk).build(
        settings.telegram_token, settings.telegram_base_url, rate_limit=rate_limit)
    async with app, serve_health(prayat, "127.0.0.1", settings.health_port):
        logger.info("Health report at http://127.0.0.1:%s/health", settings.health_port)
        await app.start()
        if desk:
            desk.start(app.bot)
            logger.info("Talk to a person: cases go to the operator group")
        if settings.webhook_url:
            if not settings.webhook_secret:
                raise SystemExit("PRAYAT_WEBHOOK_SECRET must be set with PRAYAT_WEBHOOK_URL.")
            # PTB rejects every request whose X-Telegram-Bot-Api-Secret-Token header differs.
            await app.updater.start_webhook(
                listen=settings.webhook_listen, port=settings.webhook_port,
                url_path="telegram", webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES,
            )
            logger.info("Serving Telegram by webhook at %s", settings.webhook_url)
        else:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            logger.info("Serving Telegram by polling")
        await stop.wait()
        logger.info("Shutting down")
        if desk:
            await desk.stop()
        await app.updater.stop()
        await app.stop()
