"""The terminal chat and its machine interface (`prayat chat`, `prayat chat --jsonl`): the same
core as Telegram, read from stdin."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from typing import TextIO

from bot.core.prayat import Answer, Incoming, Prayat, answer_json
from bot.runner import stop_event


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
    stop = stop_event()
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
