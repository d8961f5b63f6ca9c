"""The fixes bot/dialogue/rasa_server.py makes to Rasa keep Rasa's answers."""

from __future__ import annotations

import pytest
from aiohttp import web
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.dialogue.rasa_server import keep_endpoint_sessions, remember_event_types


@pytest.fixture
def remembered():
    walk = Event.resolve_by_type
    remember_event_types()
    yield Event.resolve_by_type
    Event.resolve_by_type = staticmethod(walk)


def test_every_event_type_resolves_to_the_class_rasa_finds(remembered):
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "action", "slot", "active_loop", "session_started"} <= names
    for name in names:
        walked = next(cls for cls in all_subclasses(Event) if cls.type_name == name)
        assert remembered(name) is walked
        assert remembered(name) is walked  # the second time, from memory
    assert (remembered("user"), remembered("action"), remembered("slot")) == (
        UserUttered, ActionExecuted, SlotSet)


def test_an_unknown_event_type_is_still_refused_or_given_the_default(remembered):
    with pytest.raises(ValueError, match="Unknown event name"):
        remembered("no_such_event")
    assert remembered("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError):  # the default was not remembered for it
        remembered("no_such_event")


@pytest.fixture
def kept_sessions():
    make = EndpointConfig.session
    keep_endpoint_sessions()
    yield
    EndpointConfig.session = make


async def test_calls_to_the_action_server_reuse_one_connection(kept_sessions):
    connections: set[int] = set()

    async def webhook(request: web.Request) -> web.Response:
        connections.add(id(request.transport))
        body = await request.json()
        if body.get("fail"):
            return web.json_response({"error": "no"}, status=500)
        return web.json_response({"echo": body["n"]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        answers = [await endpoint.request(json={"n": n}, method="post") for n in range(5)]
        assert answers == [{"echo": n} for n in range(5)]  # Rasa's own answers
        assert len(connections) == 1  # not one connection per call
        with pytest.raises(ClientResponseError) as error:  # an error status still raises
            await endpoint.request(json={"fail": True}, method="post")
        assert error.value.status == 500
    finally:
        await runner.cleanup()
