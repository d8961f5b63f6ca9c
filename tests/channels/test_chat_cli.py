"""`prayat chat --jsonl`, the machine interface that tools and tests rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import free_port

LINES = [
    {"user": "a", "text": "/start"},
    {"user": "a", "button": '/set_language{"language":"zh"}'},
    {"user": "b", "text": "I got a job offer for customer service in Poipet, free flights. scam?"},
    {"user": "a", "text": "西港的高薪客服工作是真的吗？"},
    {"user": "c", "text": "ជួយផង គេចាប់ខ្ញុំដាក់ក្នុងបន្ទប់"},
    {"user": "b", "text": "not json at all"},
]


def run_chat(lines: list, rasa_url: str, tmp_path) -> list[dict]:
    env = {**os.environ, "RASA_URL": rasa_url, "PRAYAT_DATA_DIR": str(tmp_path),
           "PRAYAT_RASA_TIMEOUT": "30"}
    stdin = "".join((json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x) + "\n"
                    for x in lines)
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--jsonl"], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.stack
def test_one_json_line_per_input_line_in_order(rasa_url, tmp_path):
    lines = LINES[:-1] + ["this is not json"]
    out = run_chat(lines, rasa_url, tmp_path)
    assert len(out) == len(lines)
    assert [o["user"] for o in out[:5]] == ["a", "a", "b", "a", "c"]
    assert out[0]["replies"][0]["topic"] == "welcome"
    assert out[1]["lang"] == "zh" and out[1]["replies"][0]["topic"] == "language"
    assert out[2]["lang"] == "en" and out[2]["replies"][0]["topic"] == "jobs"
    assert out[3]["lang"] == "zh" and out[3]["replies"][0]["topic"] == "jobs"
    assert out[4]["lang"] == "km" and out[4]["replies"][0]["topic"] == "emergency"
    assert out[5]["user"] is None and "error" in out[5]
    for reply in out[2]["replies"]:
        assert set(reply) == {"text", "topic", "content", "buttons", "image"}
        assert all(set(b) == {"title", "payload"} for b in reply["buttons"])
    assert out[2]["replies"][0]["content"] == ["jobs"]


def test_when_rasa_is_down_the_safety_floor_answers(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    out = run_chat([
        {"user": "x", "text": "help me they took my passport"},
        {"user": "y", "text": "救命"},
        {"user": "z", "text": "what are the signs of a fake job?"},
    ], dead, tmp_path)
    assert out[0]["lang"] == "en" and out[0]["replies"][0]["topic"] == "emergency"
    assert "117" in out[0]["replies"][0]["text"]
    assert out[1]["lang"] == "zh" and out[1]["replies"][0]["topic"] == "emergency"
    assert out[2]["replies"][0]["content"] == ["fallback.limited"]


def test_a_language_prayat_does_not_speak_gets_told_which_it_does(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"  # no dialogue model needed for this answer
    out = run_chat([
        {"user": "t", "text": "/start"},
        {"user": "t", "button": '/set_language{"language":"zh"}'},
        {"user": "t", "text": "ผมอยากทำงานที่กัมพูชา"},  # Thai
        {"user": "v", "text": "Tôi muốn đi làm việc ở Campuchia"},  # Vietnamese, new user
        {"user": "w", "text": "ช่วยด้วย"},  # Thai "help!"
    ], dead, tmp_path)
    assert out[2]["lang"] == "zh" and out[2]["replies"][0]["content"] == ["language.unsupported"]
    assert {b["payload"] for b in out[2]["replies"][0]["buttons"]} >= {
        '/set_language{"language":"km"}', '/set_language{"language":"en"}'}
    assert out[3]["lang"] == "km" and out[3]["replies"][0]["content"] == ["language.unsupported"]
    assert out[4]["replies"][0]["topic"] == "emergency"
