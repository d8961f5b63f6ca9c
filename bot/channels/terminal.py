"""The terminal chat and its machine interface (`prayat chat`, `prayat chat --jsonl`): the same
core as Telegram, read from stdin."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
import logging
import sys
import threading
from typing import TextIO

from bot.core.prayat import Answer, Incoming, Prayat, answer_json
from bot.runner import stop_event

logger = logging.getLogger(__name__)


def _stdin_lines(stream: TextIO, encoding: str | None = None) -> asyncio.Queue[str | None]:
    """Lines from stdin on a daemon thread, so Ctrl-C never waits on a blocked read.

    The bytes are read and decoded here, bytes that are not valid text becoming U+FFFD, so a
    bad byte costs one character, never the input (a strict decoder would stop the thread and
    leave the loop waiting for ever). `encoding` defaults to the stream's own. Whatever stops the
    reading, the queue ends with None."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    binary = getattr(stream, "buffer", None)
    codec = encoding or getattr(stream, "encoding", None) or "utf-8"
    try:
        codecs.lookup(codec)
    except LookupError:
        codec = "utf-8"

    def put(line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is listening
            loop.call_soon_threadsafe(queue.put_nowait, line)

    def pump() -> None:
        try:
            if binary is not None:
                for raw in binary:
                    put(raw.decode(codec, "replace"))
            else:  # a text stream without bytes below it (a test's StringIO)
                for line in stream:
                    put(line)
        except Exception:  # noqa: BLE001 - reading stops, the chat ends; never a hang
            logger.exception("Standard input could not be read further")
        finally:
            put(None)

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
    """One input line of `prayat chat --jsonl`: {"user", "text"} or {"user", "button"}.
    ValueError for anything else."""
    try:
        data = json.loads(line)
    except RecursionError as error:  # "[[[[..." deeper than Python's stack
        raise ValueError("the line is nested too deeply to read") from error
    if not isinstance(data, dict) or "user" not in data:
        raise ValueError('each line needs "user" and "text" or "button"')
    if isinstance(data.get("button"), str):
        return Incoming(user=str(data["user"]), button=data["button"])
    if isinstance(data.get("text"), str):
        return Incoming(user=str(data["user"]), text=data["text"])
    raise ValueError('each line needs "text" or "button"')


async def _answer_line(prayat: Prayat, line: str) -> str:
    """The one output line for one input line, whatever it holds: the answer, or an error
    object {"user": null, "error": ...} for a line that is not a message or was not answered."""
    try:
        incoming = parse_jsonl(line)
    except ValueError as error:
        return json.dumps({"user": None, "error": str(error)})
    try:
        answer = await prayat.handle(incoming)
    except Exception:  # noqa: BLE001 - one line's failure must not stop the next person's answer
        logger.exception("A line could not be answered")
        return json.dumps({"user": None, "error": "this line could not be answered; see the log"})
    return answer_json(incoming.user, answer)


def _write_line(out: TextIO, line: str) -> None:
    try:
        out.write(line + "\n")
    except UnicodeEncodeError:
        # A lone surrogate echoed back in "user", or an output encoding narrower than the text:
        # the same JSON, written with ASCII escapes.
        out.write(json.dumps(json.loads(line)) + "\n")
    out.flush()


async def chat_jsonl(prayat: Prayat, stream: TextIO = sys.stdin, out: TextIO = sys.stdout
                     ) -> None:
    """One JSON line out for every non-blank line in, in order. Input is read as UTF-8 (JSON's
    encoding), whatever the locale."""
    stop = stop_event()
    queue = _stdin_lines(stream, "utf-8")
    while (line := await _next_line(queue, stop)) is not None:
        if not line.strip():
            continue
        _write_line(out, await _answer_line(prayat, line))


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
    stop = stop_event()
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
