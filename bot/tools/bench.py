"""`prayat bench`: simulated Telegram users against the real stack, through a fake Bot API over HTTP.

Each simulated user sends /start and then a mix of questions and button presses in three
languages, waiting for each reply as a person would. Two phases:

- latency: every user pauses 1-3 s between messages (reading, typing, pressing), as people do;
  p50/p95/p99 come from this phase;
- saturation: every user sends the next message the moment the reply arrives, so the bot is never
  idle; replies_per_s is the most it sustains, and saturated_* latencies show the queueing.

The numbers measure the bot, not Telegram: the send rate limiter is off, so Telegram's own
30 messages/s cap does not hide the bot's limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot import PROJECT_ROOT
from bot.channels.telegram import TelegramFrontEnd
from bot.content import ContentStore
from bot.core.prayat import Prayat
from bot.dialogue.model import ensure_model, recorded_training_seconds
from bot.dialogue.rasa_client import RasaClient
from bot.dialogue.stack import Stack
from bot.settings import Settings
from bot.storage import UserStore, make_engine

# The fake Bot API lives with the tests; the benchmark runs from a checkout.
sys.path.insert(0, str(PROJECT_ROOT))
from tests.fake_telegram import TOKEN, FakeBotAPI  # noqa: E402

SCRIPT = [
    ("text", "Is a job in Sihanoukville with high pay and free flights real?"),
    ("text", "មានគេផ្តល់ការងារឱ្យខ្ញុំនៅថៃ ប្រាក់ខែខ្ពស់ ពិតឬអត់?"),
    ("text", "有人介绍我去西港做客服，工资很高，是真的吗？"),
    ("button", "/ask_hotlines"),
    ("text", "my sister is locked in a compound and they took her passport"),
    ("button", '/show{"item":"jobs.what_to_do"}'),
    ("text", "hello"),
    ("button", "/ask_marriage"),
    ("text", "ជួយផង"),
    ("text", "thank you"),
]


def _rss_peak_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _user(fake: FakeBotAPI, chat: int, messages: int, latencies: list[float],
                timeout: float, think: tuple[float, float] = (0.0, 0.0)) -> int:
    """One person: /start, then `messages` more, each waiting for its reply. Returns lost."""
    lost = 0
    steps = [("text", "/start")] + [SCRIPT[(chat + i) % len(SCRIPT)] for i in range(messages)]
    pauses = random.Random(chat)
    for kind, value in steps:
        if think[1]:
            await asyncio.sleep(pauses.uniform(*think))
        before = len(fake.messages_to(chat))
        started = time.monotonic()
        if kind == "text":
            fake.send_text(chat, value, language_code="km")
        else:
            fake.press_button(chat, value, language_code="km")
        try:
            await fake.wait_for(chat, before + 1, timeout=timeout)
        except AssertionError:
            lost += 1
            continue
        latencies.append((time.monotonic() - started) * 1000)
    return lost


async def run(users: int, messages: int, timeout: float = 30.0) -> dict:
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="prayat-bench-") as tmp:
        model, train_s = await asyncio.to_thread(ensure_model)
        cold_started = time.monotonic()
        database = f"sqlite:///{tmp}/bench.db"
        stack = Stack(model, Path(tmp), settings.rasa_port + 100, settings.actions_port + 100,
                      database)
        await stack.start()
        try:
            fake = FakeBotAPI()
            await fake.start()
            rasa = RasaClient(stack.rasa_url, timeout=timeout)
            prayat = Prayat(ContentStore(settings.content_dir), rasa,
                            UserStore(make_engine(database)), os.urandom(32))
            app = TelegramFrontEnd(prayat).build(TOKEN, fake.base_url, rate_limit=False)
            async with app:
                await app.start()
                await app.updater.start_polling(poll_interval=0, timeout=1)
                cold_start_s = time.monotonic() - cold_started
                # One warm-up conversation so that the first user does not pay for lazy loading.
                await _user(fake, 1, 2, [], timeout)
                latencies: list[float] = []
                chats = range(10_000, 10_000 + users)
                lost = sum(await asyncio.gather(*(
                    _user(fake, chat, messages, latencies, timeout, think=(1.0, 3.0))
                    for chat in chats)))
                saturated: list[float] = []
                busy_chats = range(20_000, 20_000 + users)
                started = time.monotonic()
                lost += sum(await asyncio.gather(
                    *(_user(fake, chat, messages, saturated, timeout) for chat in busy_chats)))
                elapsed = time.monotonic() - started
                await asyncio.sleep(1.0)  # let any late duplicate arrive before counting
                sent = sum(len(fake.messages_to(chat)) for chat in chats)
                busy_sent = sum(len(fake.messages_to(chat)) for chat in busy_chats)
                await app.updater.stop()
                await app.stop()
            await rasa.close()
            await fake.stop()
            expected = 2 * users * (messages + 1)
            peak = {
                "bot": _rss_peak_mb(),
                "rasa": _rss_peak_mb(stack.rasa.process.pid),
                "actions": _rss_peak_mb(stack.actions.process.pid),
            }
        finally:
            await stack.stop()
    return {
        "users": users,
        "messages": expected,
        "replies": sent + busy_sent,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "replies_per_s": round(busy_sent / elapsed, 1),
        "saturated_p50_ms": round(statistics.median(saturated), 1) if saturated else None,
        "saturated_p95_ms": round(_percentile(saturated, 0.95), 1),
        "lost": lost,
        "duplicated": max(0, sent + busy_sent - (expected - lost)),
        "peak_rss_mb": round(sum(peak.values()), 1),
        "peak_rss_mb_by_part": {k: round(v, 1) for k, v in peak.items()},
        "cold_start_s": round(cold_start_s, 1),
        "rasa_ready_s": round(stack.startup_seconds, 1),
        "train_s": train_s or recorded_training_seconds(model),
        "machine": f"{os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d"),
    }


def main(args: argparse.Namespace) -> int:
    result = asyncio.run(run(args.users, args.messages))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 0
