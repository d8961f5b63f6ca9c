"""`prayat serve`: one command starts Rasa, the action server and the bot, and stops them all."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys

import httpx
import pytest

from tests.conftest import free_port
from tests.fake_telegram import TOKEN, FakeBotAPI

pytestmark = pytest.mark.stack


def port_is_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


async def test_serve_answers_then_stops_everything_on_sigterm(rasa_url, tmp_path):
    # rasa_url: the model is trained (or cached) before this test starts its own stack.
    fake = FakeBotAPI()
    await fake.start()
    rasa_port, actions_port, health_port = free_port(), free_port(), free_port()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PRAYAT_TELEGRAM_BASE_URL": fake.base_url,
           "PRAYAT_PEPPER": "pepper-for-tests", "PRAYAT_DATA_DIR": str(tmp_path), "PRAYAT_RASA_PORT": str(rasa_port),
           "PRAYAT_ACTIONS_PORT": str(actions_port), "PRAYAT_HEALTH_PORT": str(health_port)}
    env.pop("RASA_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        fake.send_text(777, "/start", language_code="en")
        [welcome] = await fake.wait_for(777, 1, timeout=180)
        assert welcome.buttons
        assert port_is_open(rasa_port) and port_is_open(actions_port)
        async with httpx.AsyncClient() as http:
            health = await http.get(f"http://127.0.0.1:{health_port}/health")
        assert health.status_code == 200
        assert {k: health.json()[k] for k in ("status", "rasa", "actions", "database", "content")
                } == {"status": "ok", "rasa": "up", "actions": "up", "database": "up",
                      "content": "up"}
        process.send_signal(signal.SIGTERM)
        log = (await asyncio.wait_for(process.communicate(), 60))[0].decode()
        assert process.returncode == 0, log
        assert "Rasa server is ready" in log and "action server is ready" in log
        assert not port_is_open(rasa_port) and not port_is_open(actions_port)
    finally:
        if process.returncode is None:
            process.kill()
        await fake.stop()


async def test_webhook_checks_the_secret_on_every_request(telegram_webhook):
    url, secret = telegram_webhook
    update = {"update_id": 1, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 9, "type": "private"},
        "from": {"id": 9, "is_bot": False, "first_name": "T"}, "text": "hello"}}
    async with httpx.AsyncClient() as http:
        missing = await http.post(url, json=update)
        wrong = await http.post(url, json=update,
                                headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
        right = await http.post(url, content=json.dumps(update),
                                headers={"X-Telegram-Bot-Api-Secret-Token": secret,
                                         "Content-Type": "application/json"})
    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert right.status_code == 200


@pytest.fixture
async def telegram_webhook(prayat):
    """The real PTB webhook server in front of Prayat, registered with the fake Bot API."""
    from bot.channels.telegram import TelegramFrontEnd

    fake = FakeBotAPI()
    await fake.start()
    app = TelegramFrontEnd(prayat).build(TOKEN, fake.base_url)
    port, secret = free_port(), "s3cret_token-for-tests"
    async with app:
        await app.start()
        await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="telegram",
                                        webhook_url="https://bot.example.org/telegram",
                                        secret_token=secret)
        [registered] = [s for s in fake.sent if s.method == "setWebhook"]
        assert registered.params["secret_token"] == secret
        yield f"http://127.0.0.1:{port}/telegram", secret
        await app.updater.stop()
        await app.stop()
    await fake.stop()
