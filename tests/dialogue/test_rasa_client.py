"""The bot's client of several Rasa replicas: each person goes to one replica; while it refuses
connections, to the next; and after that, the person stays where they were moved for a while,
so that two replicas never work on one person's messages at once."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.dialogue import rasa_client
from bot.dialogue.rasa_client import RasaClient, RasaUnavailable
from tests.conftest import free_port


class Replica:
    """A stand-in for Rasa's REST channel that says which replica answered."""

    def __init__(self, name: str, port: int) -> None:
        self.name, self.port, self.runner = name, port, None
        self.url = f"http://127.0.0.1:{port}"

    async def start(self) -> None:
        async def webhook(request: web.Request) -> web.Response:
            return web.json_response([{"recipient_id": "x", "custom": {"text": self.name}}])

        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", webhook)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()


async def answer(client: RasaClient, sender: str) -> str:
    [reply] = await client.send(sender, "hello", {"language": "en"})
    return reply["text"]


async def test_a_person_moved_to_another_replica_stays_there_for_a_while(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(rasa_client.time, "monotonic", lambda: now[0])
    a, b = Replica("a", free_port()), Replica("b", free_port())
    client = RasaClient([a.url, b.url], timeout=5)
    sender = next(s for s in (f"person-{n}" for n in range(100))
                  if client.replicas_for(s)[0] == a.url)
    await b.start()  # a is down
    try:
        assert await answer(client, sender) == "b"
        assert client.failovers == 1
        await a.start()
        now[0] += rasa_client.RETRY_DOWN_AFTER + 1  # a's pause after refusing is over
        # Still b: a may not send this person's messages while b might still be busy with one.
        assert await answer(client, sender) == "b"
        now[0] += rasa_client.STAY_AFTER_FAILOVER + 1
        assert await answer(client, sender) == "a"  # home again, once the stay is over
        homes = {await answer(client, f"other-{n}") for n in range(40)}
        assert homes == {"a", "b"}  # and everyone else went home all along
    finally:
        await client.close()
        for replica in (a, b):
            if replica.runner:
                await replica.stop()


async def test_with_every_replica_down_the_bot_hears_it_at_once():
    client = RasaClient([f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"],
                        timeout=5)
    try:
        with pytest.raises(RasaUnavailable):
            await answer(client, "someone")
    finally:
        await client.close()
