"""`prayat chat --jsonl` whatever it is fed and whatever is down: one output line per input
line, in order, and the emergency answer always."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.core.prayat import clean_text
from tests.conftest import free_port

EMERGENCY = "help me I am locked in and they took my passport"


def run_bytes(stdin: bytes, env: dict[str, str], timeout: float = 120
              ) -> tuple[int, list[dict], str]:
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--jsonl"], input=stdin,
                          capture_output=True, env={**os.environ, **env}, timeout=timeout)
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    return done.returncode, out, done.stderr.decode("utf-8", "replace")


def is_emergency_answer(answer: dict) -> bool:
    first = answer["replies"][0]
    return first["topic"] == "emergency" and "117" in first["text"]


def test_clean_text_drops_lone_surrogates():
    assert clean_text("hello \ud800 world\udfff") == "hello  world"
    assert clean_text("😀 ជួយផង 救命") == "😀 ជួយផង 救命"  # real characters outside the BMP stay


@pytest.mark.stack
def test_lines_that_used_to_stop_the_machine_interface(rasa_url, tmp_path):
    lines = [
        b'{"user": "\\ud800", "text": "hi"}',  # a lone surrogate as the user id
        b"[" * 100_000,  # deeper than json.loads can go
        b'{"user": "c", "text": "hi \xff\xfe there"}',  # bytes that are not UTF-8
        b"\xff\xfe\x80",  # nothing but bad bytes
        b'{"user": "d", "text": "what are the signs of a fake job? \\ud800"}',
        json.dumps({"user": "e", "text": EMERGENCY}).encode(),
    ]
    code, out, stderr = run_bytes(b"\n".join(lines) + b"\n", {
        "RASA_URL": rasa_url, "PRAYAT_DATA_DIR": str(tmp_path), "PRAYAT_RASA_TIMEOUT": "30",
        "PYTHONIOENCODING": "utf-8:strict"})
    assert code == 0, stderr[-2000:]
    assert len(out) == len(lines), out
    assert [o["user"] for o in out] == ["\ud800", None, "c", None, "d", "e"]
    assert out[0]["replies"]
    assert "error" in out[1] and "error" in out[3]
    assert out[2]["replies"]
    # The lone surrogate is dropped, not a reason to fall back to the limited mode.
    assert out[4]["replies"][0]["content"] == ["jobs"]
    assert is_emergency_answer(out[5])


@pytest.mark.stack
def test_a_database_down_at_start_still_answers_an_emergency(tmp_path):
    """PostgreSQL unreachable when the bot starts (its own Rasa too uses DATABASE_URL): the
    bot starts, answers, and says so in one log line that does not show the password."""
    secret = "pw-never-in-the-log"
    lines = [
        {"user": "x", "text": EMERGENCY},
        {"user": "x", "button": "/delete_confirmed"},
        {"user": "y", "text": "救命"},
    ]
    code, out, stderr = run_bytes(
        "".join(json.dumps(x) + "\n" for x in lines).encode(), {
            "DATABASE_URL": f"postgresql://postgres:{secret}@127.0.0.1:{free_port()}/nodb",
            "PRAYAT_RASA_PORT": str(free_port()), "PRAYAT_ACTIONS_PORT": str(free_port()),
            "PRAYAT_DATA_DIR": str(tmp_path), "PRAYAT_RASA_TIMEOUT": "30"},
        timeout=400)
    assert code == 0, stderr[-3000:]
    assert len(out) == len(lines), stderr[-3000:]
    assert out[0]["lang"] == "en" and is_emergency_answer(out[0])
    assert [r["content"] for r in out[1]["replies"]] == [["privacy.delete_failed"]]
    assert out[2]["lang"] == "zh" and is_emergency_answer(out[2])
    started = [line for line in stderr.splitlines() if "Database unavailable at start" in line]
    assert len(started) == 1, stderr[-3000:]
    assert secret not in stderr
