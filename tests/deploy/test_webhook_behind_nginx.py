"""Telegram → nginx (deploy/nginx/prayat.conf) → the bot's own webhook server, all real on
loopback: the fake Bot API delivers updates over TLS through nginx as Telegram does, with the
secret header. What must not reach the bot stops at nginx; its access log says so (`upstream=-`).

The bot here answers from the safety floor (the dialogue is down): what is tested is the way in."""

from __future__ import annotations

import asyncio
import html
import json
import ssl
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.channels.telegram import ALLOWED_UPDATES, TelegramFrontEnd
from bot.content import CONTENT_ROOT, ContentStore
from bot.core.prayat import Prayat
from bot.dialogue.rasa_client import RasaClient
from bot.health import serve_health
from bot.storage import UserStore, make_engine
from tests.conftest import PEPPER, free_port
from tests.deploy.nginx_site import (
    SECRET,
    access_log,
    needs_nginx,
    render_site,
    running_nginx,
    self_signed,
    write_nginx_conf,
    written_secret,
)
from tests.fake_telegram import TOKEN, FakeBotAPI

pytestmark = needs_nginx
LANGUAGE_BUTTONS = {'/set_language{"language":"km"}', '/set_language{"language":"en"}',
                    '/set_language{"language":"zh"}'}


@dataclass
class Proxied:
    fake: FakeBotAPI
    https: str  # nginx, as the internet sees it
    http: str
    health: str  # the bot's health report, on the server only
    cert: Path
    prefix: Path

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(verify=str(self.cert), timeout=10)

    async def logged(self, method: str, path: str, count: int = 1) -> list[str]:
        """nginx's access log lines for requests like this one, once there are `count` of them
        (nginx writes a line when it is done with a request, which for a refused body can be a
        moment after the answer)."""
        for _ in range(100):
            lines = [line for line in access_log(self.prefix) if f'"{method} {path}"' in line]
            if len(lines) >= count:
                return lines
            await asyncio.sleep(0.05)
        return lines


@pytest.fixture(scope="module")
def library() -> ContentStore:
    """The content, read once for the module (reading it is most of a test's time)."""
    return ContentStore(CONTENT_ROOT)


@pytest.fixture
async def floor(library, sqlite_url):
    """The core with the dialogue down, as conftest's `floor`: every answer from the safety floor."""
    dead = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    yield Prayat(library, dead, UserStore(make_engine(sqlite_url)), PEPPER)
    await dead.close()


@pytest.fixture
async def proxied(floor, tmp_path):
    fake = FakeBotAPI()
    await fake.start()
    cert, key = self_signed(tmp_path)
    https_port, http_port, webhook_port, health_port = free_port(), free_port(), free_port(), free_port()
    site = render_site(tmp_path, https_port=https_port, http_port=http_port, webhook_port=webhook_port,
                       cert=cert, key=key, secret_conf=written_secret(tmp_path, SECRET))
    conf = write_nginx_conf(tmp_path, site)
    https = f"https://127.0.0.1:{https_port}"
    # Telegram reaches the server's name on port 443; here that is nginx on its loopback port.
    fake.deliver_to(f"{https}/telegram", ssl.create_default_context(cafile=str(cert)))
    app = TelegramFrontEnd(floor).build(TOKEN, fake.base_url)
    with running_nginx(tmp_path, conf, https_port):
        # As serve_telegram starts it in webhook mode (bot/channels/telegram.py).
        async with app, serve_health(floor, "127.0.0.1", health_port):
            await app.start()
            await app.updater.start_webhook(listen="127.0.0.1", port=webhook_port, url_path="telegram",
                                            webhook_url="https://bot.example.org/telegram", secret_token=SECRET,
                                            allowed_updates=ALLOWED_UPDATES)
            yield Proxied(fake, https, f"http://127.0.0.1:{http_port}", f"http://127.0.0.1:{health_port}/health",
                          cert, tmp_path)
            await app.updater.stop()
            await app.stop()
    await fake.stop()


def update(chat: int, text: str, update_id: int = 999) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"},
        "from": {"id": chat, "is_bot": False, "first_name": "T", "language_code": "en"}, "text": text}}


async def test_start_through_nginx_gets_the_bots_answer(proxied):
    assert proxied.fake.webhook_url == "https://bot.example.org/telegram"
    assert proxied.fake.webhook_secret == SECRET
    proxied.fake.send_text(501, "/start", language_code="en")
    replies = await proxied.fake.wait_for(501, 2, timeout=20)
    assert all(html.unescape(r.text).strip() for r in replies)
    assert LANGUAGE_BUTTONS <= {b["callback_data"] for r in replies for b in r.buttons}
    assert [status for _, status in proxied.fake.deliveries] == [200]
    assert (await proxied.logged("POST", "/telegram"))[-1].endswith("upstream=200")


async def test_each_persons_messages_arrive_one_at_a_time_in_order(proxied):
    for chat in (511, 512):
        for text in ("/start", "hello", "thanks"):
            proxied.fake.send_text(chat, text, language_code="en")
    for chat in (511, 512):
        await proxied.fake.wait_for(chat, 3, timeout=20)
    delivered = [update_id for update_id, status in proxied.fake.deliveries if status == 200]
    assert delivered == sorted(delivered) and len(delivered) == 6


@pytest.mark.parametrize("secret", [None, "nope", SECRET.swapcase()], ids=["missing", "wrong", "wrong-case"])
async def test_a_request_without_the_secret_is_refused_by_nginx(proxied, secret):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with proxied.client() as http:
        refused = await http.post(f"{proxied.https}/telegram", json=update(521, "/start"), headers=headers)
    assert refused.status_code == 403
    assert (await proxied.logged("POST", "/telegram"))[-1].endswith("upstream=-")  # never reached the bot
    proxied.fake.send_text(522, "/start", language_code="en")
    await proxied.fake.wait_for(522, 2, timeout=20)
    assert proxied.fake.messages_to(521) == []


async def test_a_body_over_the_limit_gets_413_and_the_largest_message_passes(proxied):
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    # The most a message can hold: 4096 characters (escaped \uXXXX, six bytes each), replying to
    # another such message.
    longest = update(531, "ក" * 4096, update_id=5)
    longest["message"]["reply_to_message"] = update(531, "ខ" * 4096, update_id=4)["message"]
    body = json.dumps(longest, ensure_ascii=True)
    assert 49_000 < len(body) < 1024 * 1024
    async with proxied.client() as http:
        passed = await http.post(f"{proxied.https}/telegram", content=body, headers=headers)
        too_large = await http.post(f"{proxied.https}/telegram", content=b" " * (1024 * 1024 + 1),
                                    headers=headers)
    assert passed.status_code == 200
    assert too_large.status_code == 413
    logged = await proxied.logged("POST", "/telegram", count=2)
    assert [line.rsplit(" ", 1)[-1] for line in logged] == ["upstream=200", "upstream=-"]
    await proxied.fake.wait_for(531, 1, timeout=20)


async def test_only_the_webhook_is_reachable_from_outside(proxied):
    async with proxied.client() as http:
        health = await http.get(f"{proxied.https}/health")
        home = await http.get(f"{proxied.https}/")
        get_webhook = await http.get(f"{proxied.https}/telegram", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        local = await http.get(proxied.health)
    assert (health.status_code, home.status_code) == (404, 404)
    assert get_webhook.status_code == 403
    assert [line.rsplit(" ", 1)[-1] for line in await proxied.logged("GET", "/telegram")] == ["upstream=-"]
    # On the server itself the health report still answers (503 here: the dialogue is down).
    assert local.status_code == 503
    assert local.json()["rasa"] == "down" and local.json()["database"] == "up"


async def test_port_80_sends_people_to_https_and_serves_certbots_challenge(proxied):
    challenge = proxied.prefix / "acme" / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True)
    (challenge / "token-123").write_text("token-123.thumbprint")
    async with httpx.AsyncClient(timeout=10) as http:
        redirect = await http.get(f"{proxied.http}/telegram")
        answer = await http.get(f"{proxied.http}/.well-known/acme-challenge/token-123")
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "https://bot.example.org/telegram"
    assert (answer.status_code, answer.text) == (200, "token-123.thumbprint")
