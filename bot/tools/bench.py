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

from sqlalchemy.engine import make_url

from bot import PROJECT_ROOT
from bot.channels.telegram import TelegramFrontEnd
from bot.content import ContentStore
from bot.core.flood import FloodGuard
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


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int | str = "self") -> float:
    """User and system CPU seconds a process has used so far (threads included)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _cpu_by_part(stack: Stack) -> dict[str, float]:
    return {"rasa": sum(_cpu_s(r.process.pid) for r in stack.rasas),
            "actions": _cpu_s(stack.actions.process.pid), "bot": _cpu_s()}


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


async def _long_conversations(fake: FakeBotAPI, conversations: int, turns: int,
                              timeout: float) -> list[list[float]]:
    """A few people, one after another, each sending `turns` messages: the latency of each turn,
    to see whether a reply costs more as a conversation grows."""
    by_turn: list[list[float]] = []
    for n in range(conversations):
        latencies: list[float] = []
        chat = 30_000 + n
        lost = await _user(fake, chat, turns - 1, latencies, timeout)
        by_turn.append(latencies if not lost else [])  # a lost reply shifts the turns: not timed
    return by_turn


def _at_turn(by_turn: list[list[float]], turn: int, window: int = 2) -> float | None:
    """The median latency of the turns around `turn` (1-based), over every conversation."""
    values = [ms for latencies in by_turn
              for ms in latencies[max(0, turn - 1 - window):turn + window]]
    return round(statistics.median(values), 1) if values else None


async def run(users: int, messages: int, timeout: float = 30.0, turns: int = 102,
              conversations: int = 3, replicas: int = 1, database: str | None = None) -> dict:
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="prayat-bench-") as tmp:
        model, train_s = await asyncio.to_thread(ensure_model)
        cold_started = time.monotonic()
        if database:
            _empty(database)
        database = database or f"sqlite:///{tmp}/bench.db"
        stack = Stack(model, Path(tmp), settings.rasa_port + 100, settings.actions_port + 100,
                      database, replicas=replicas)
        await stack.start()
        try:
            fake = FakeBotAPI()
            await fake.start()
            rasa = RasaClient(stack.rasa_urls, timeout=timeout)
            prayat = Prayat(ContentStore(settings.content_dir), rasa,
                            UserStore(make_engine(database)), os.urandom(32),
                            # The long conversations send 100 messages in a few seconds: more
                            # than a person may (30 a minute); the benchmark measures the dialogue.
                            flood=FloodGuard(limit=1_000_000))
            app = TelegramFrontEnd(prayat).build(TOKEN, fake.base_url, rate_limit=False)
            async with app:
                await app.start()
                await app.updater.start_polling(poll_interval=0, timeout=1)
                cold_start_s = time.monotonic() - cold_started
                # Warm-up conversations, until every replica has answered some, so that the first
                # users do not pay for lazy loading (the Khmer segmenter's model, for one).
                warm = 1
                while warm < 200 and min(rasa.answered[u] for u in stack.rasa_urls) < len(SCRIPT):
                    await _user(fake, warm, len(SCRIPT), [], timeout)
                    warm += 1
                latencies: list[float] = []
                chats = range(10_000, 10_000 + users)
                lost = sum(await asyncio.gather(*(
                    _user(fake, chat, messages, latencies, timeout, think=(1.0, 3.0))
                    for chat in chats)))
                saturated: list[float] = []
                busy_chats = range(20_000, 20_000 + users)
                cpu_before = _cpu_by_part(stack)
                started = time.monotonic()
                lost += sum(await asyncio.gather(
                    *(_user(fake, chat, messages, saturated, timeout) for chat in busy_chats)))
                elapsed = time.monotonic() - started
                cpu_after = _cpu_by_part(stack)
                long_runs = await _long_conversations(fake, conversations, turns, timeout) \
                    if turns else []
                await asyncio.sleep(1.0)  # let any late duplicate arrive before counting
                sent = sum(len(fake.messages_to(chat)) for chat in chats)
                busy_sent = sum(len(fake.messages_to(chat)) for chat in busy_chats)
                await app.updater.stop()
                await app.stop()
            await rasa.close()
            await fake.stop()
            expected = 2 * users * (messages + 1)
            busy_expected = users * (messages + 1)
            cpu_ms = {part: round((cpu_after[part] - cpu_before[part]) * 1000 / busy_expected, 1)
                      for part in cpu_before}
            peak = {
                "bot": _rss_peak_mb(),
                "rasa": sum(_rss_peak_mb(r.process.pid) for r in stack.rasas),
                "actions": _rss_peak_mb(stack.actions.process.pid),
            }
            served = [rasa.answered[url] for url in stack.rasa_urls]
        finally:
            await stack.stop()
    return {
        "users": users,
        "replicas": replicas,
        "replies_by_replica": served,
        "database": make_url(database).get_backend_name(),
        "messages": expected,
        "replies": sent + busy_sent,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "replies_per_s": round(busy_sent / elapsed, 1),
        "saturated_p50_ms": round(statistics.median(saturated), 1) if saturated else None,
        "saturated_p95_ms": round(_percentile(saturated, 0.95), 1),
        # CPU per reply in the saturation phase, every process together; "bot" is the benchmark's
        # own process: the bot, and the fake Bot API and simulated users with it.
        "cpu_ms_per_reply": round(sum(cpu_ms.values()), 1),
        "cpu_ms_per_reply_by_part": cpu_ms,
        "cpu_ms_per_reply_servers": round(cpu_ms["rasa"] + cpu_ms["actions"], 1),
        # One conversation at a time, `turns` messages long: the median latency around each turn.
        "turn_ms": {str(t): _at_turn(long_runs, t) for t in (1, 30, 100) if t <= turns},
        "long_conversations_timed": sum(1 for run in long_runs if run),
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


def _empty(url: str) -> None:
    """A database given to the benchmark starts without Prayat's tables or conversations."""
    from sqlalchemy import text

    from bot.storage import VERSION_TABLE, metadata

    engine = make_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
        conn.execute(text("DROP TABLE IF EXISTS events"))
    engine.dispose()


def main(args: argparse.Namespace) -> int:
    result = asyncio.run(run(args.users, args.messages, turns=args.turns, replicas=args.replicas,
                             database=args.database))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 0
