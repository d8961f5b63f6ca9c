"""Putting the parts together: content, model, servers, storage, and a front end on top."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator
from typing import TextIO

from bot.content import ContentError, ContentStore
from bot.core import Answer, Incoming, Prayat, answer_json
from bot.health import serve_health
from bot.model import ensure_model
from bot.rasa_client import RasaClient
from bot.settings import Settings
from bot.stack import Stack
from bot.storage import UserStore, make_engine
from bot.telegram import TelegramFrontEnd

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "poll_answer", "poll"]


@contextlib.asynccontextmanager
async def open_prayat(settings: Settings) -> AsyncIterator[Prayat]:
    """The core with everything behind it running. With RASA_URL set, that server is used and
    nothing is started; otherwise the action server and Rasa are started and stopped here."""
    try:
        content = ContentStore(settings.content_dir, snapshot=settings.content_snapshot)
    except ContentError as error:
        raise SystemExit(f"The content has errors; fix them first:\n{error}") from error
    async with contextlib.AsyncExitStack() as stack:
        rasa_url = settings.rasa_url
        servers: Stack | None = None
        if not rasa_url:
            model, _ = await asyncio.to_thread(ensure_model)
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            servers = Stack(model, settings.data_dir, settings.rasa_port, settings.actions_port,
                            settings.db_url)
            await stack.enter_async_context(servers)
            rasa_url = servers.rasa_url
        rasa = RasaClient(rasa_url, settings.rasa_timeout)
        stack.push_async_callback(rasa.close)
        users = UserStore(make_engine(settings.db_url))
        stack.push_async_callback(users.flush)
        yield Prayat(content, rasa, users, settings.secret_pepper(), stack=servers)


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def _stdin_lines(stream: TextIO) -> asyncio.Queue[str | None]:
    """Lines from stdin on a daemon thread, so Ctrl-C never waits on a blocked read."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def pump() -> None:
        for line in stream:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, daemon=True, name="stdin").start()
    return queue


async def _next_line(queue: asyncio.Queue[str | None], stop: asyncio.Event) -> str | None:
    getter = asyncio.ensure_future(queue.get())
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for task in (getter, stopper):
        if task not in done:
            task.cancel()
    return getter.result() if getter in done else None


def parse_jsonl(line: str) -> Incoming:
    """One input line of `prayat chat --jsonl`: {"user", "text"} or {"user", "button"}."""
    data = json.loads(line)
    if not isinstance(data, dict) or "user" not in data:
        raise ValueError('each line needs "user" and "text" or "button"')
    if isinstance(data.get("button"), str):
        return Incoming(user=str(data["user"]), button=data["button"])
    if isinstance(data.get("text"), str):
        return Incoming(user=str(data["user"]), text=data["text"])
    raise ValueError('each line needs "text" or "button"')


async def chat_jsonl(prayat: Prayat, stream: TextIO = sys.stdin, out: TextIO = sys.stdout
                     ) -> None:
    stop = _stop_event()
    queue = _stdin_lines(stream)
    while (line := await _next_line(queue, stop)) is not None:
        if not line.strip():
            continue
        try:
            incoming = parse_jsonl(line)
        except ValueError as error:
            out.write(json.dumps({"user": None, "error": str(error)}) + "\n")
            out.flush()
            continue
        answer = await prayat.handle(incoming)
        out.write(answer_json(incoming.user, answer) + "\n")
        out.flush()


def _show(answer: Answer, out: TextIO) -> list[str]:
    payloads: list[str] = []
    for reply in answer.replies:
        out.write(f"\nprayat [{answer.lang} · {reply['topic']}]\n{reply['text']}\n")
        if reply.get("voice"):
            out.write(f"  (a voice message: content/{answer.lang}/{reply['voice']})\n")
        for button in reply["buttons"]:
            payloads.append(button["payload"])
            out.write(f"  [{len(payloads)}] {button['title']}\n")
    out.flush()
    return payloads


async def chat_terminal(prayat: Prayat, stream: TextIO = sys.stdin, out: TextIO = sys.stdout
                        ) -> None:
    """A terminal chat over the same pipeline as Telegram. Type a number to press a button."""
    stop = _stop_event()
    queue = _stdin_lines(stream)
    out.write("Prayat terminal chat. Type a message, or a button's number. Ctrl-C to leave.\n")
    payloads = _show(await prayat.handle(Incoming(user="terminal", text="/start")), out)
    while True:
        out.write("\nyou> ")
        out.flush()
        line = await _next_line(queue, stop)
        if line is None:
            break
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(payloads):
            incoming = Incoming(user="terminal", button=payloads[int(text) - 1])
        else:
            incoming = Incoming(user="terminal", text=text)
        payloads = _show(await prayat.handle(incoming), out)
    out.write("\n")


async def serve_telegram(prayat: Prayat, settings: Settings, rate_limit: bool = True) -> None:
    """Polling by default; a webhook when PRAYAT_WEBHOOK_URL and PRAYAT_WEBHOOK_SECRET are set."""
    assert settings.telegram_token
    stop = _stop_event()
    app = TelegramFrontEnd(prayat, settings.admin_ids).build(
        settings.telegram_token, settings.telegram_base_url, rate_limit=rate_limit)
    async with app, serve_health(prayat, prayat.stack, "127.0.0.1", settings.health_port):
        logger.info("Health report at http://127.0.0.1:%s/health", settings.health_port)
        await app.start()
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
        await app.updater.stop()
        await app.stop()
