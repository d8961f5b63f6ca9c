"""Logs keep no words people typed, in any of the three processes (bot/private_logs.py): not in a
structured Rasa record, a warning, an exception's message or a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import sys
import warnings

import httpx
import pytest

from bot import private_logs
from tests.conftest import own_stack

MARK = "ZQXLOGMARK"


@pytest.fixture
def log_text():
    """Everything this process logs while the test runs, as a handler would write it."""
    saved = logging.getLogRecordFactory(), warnings.showwarning, sys.excepthook
    private_logs.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield stream.getvalue
    root.removeHandler(handler)
    root.setLevel(old_level)
    logging.setLogRecordFactory(saved[0])
    warnings.showwarning, sys.excepthook = saved[1], saved[2]


def test_a_library_record_keeps_where_and_what_kind_but_not_the_words(log_text):
    logging.getLogger("rasa.core.channels.rest").error(
        '{"text": "' + MARK + ' my phone is 012 345 678", "event": "rest.message.received.timeout"}')
    logging.getLogger("telegram.ext.Updater").critical("Error while parsing updates! Received "
                                                      "data was %r", [{"text": MARK}])
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"Failed to parse arguments in line '/{MARK}'", UserWarning, stacklevel=1)
    try:
        raise ValueError(f"request_body: {{'latest_message': {{'text': '{MARK}'}}}}")
    except ValueError:
        logging.getLogger("rasa.core.actions.action").exception("Failed to run custom action")
        logging.getLogger("bot.core.prayat").exception("Dialogue unavailable")
    written = log_text()
    assert MARK not in written and "012 345 678" not in written
    assert "rest.message.received.timeout" in written  # the event's name stays
    assert "ERROR rasa.core.channels.rest" in written and "CRITICAL telegram.ext.Updater" in written
    assert "UserWarning at" in written
    assert written.count("ValueError at") == 2  # the exception's type and place, not its message
    assert "Dialogue unavailable" in written  # Prayat's own messages stay


def test_prayat_own_messages_are_kept(log_text):
    logging.getLogger("bot.dialogue.stack").info("Rasa server is ready (%.1f s)", 5.2)
    assert "INFO bot.dialogue.stack: Rasa server is ready (5.2 s)" in log_text()


def test_an_uncaught_exception_is_logged_without_its_message(log_text):
    try:
        raise RuntimeError(MARK)
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert "Uncaught RuntimeError at" in log_text() and MARK not in log_text()


@pytest.mark.stack
async def test_rasa_and_the_action_server_log_no_words(content, tmp_path):
    """Straight to Rasa, as any local process could: a message beginning with "/" (Rasa's parse
    warning), an intent with a dict entity (an action error, whose request body Rasa logs), and a
    request the client gives up on (Rasa's timeout record)."""
    async with own_stack(content, tmp_path, f"sqlite:///{tmp_path / 'prayat.db'}") as (stack, _):
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        async with httpx.AsyncClient(timeout=30) as http:
            for sender, message in (
                    ("a", f"/{MARK} my phone is 012 345 678"),
                    ("b", '/ask_hotlines{"place":{"' + MARK + '":"012 345 678"}}'),
                    ("c", f'/check_ad{{"x": "{MARK}"'),
            ):
                response = await http.post(url, json={"sender": sender, "message": message})
                assert response.status_code == 200
            with contextlib.suppress(httpx.TimeoutException):
                await http.post(url, json={"sender": "d", "message": f"{MARK} 012 345 678"},
                                timeout=0.01)
        await asyncio.sleep(1.0)
        logs = {p.name: p.read_text("utf-8", "replace") for p in (tmp_path / "logs").glob("*.log")}
    assert set(logs) == {"rasa.log", "actions.log"} and all(logs.values())
    assert {name: [w for w in (MARK, "012 345 678") if w in text] for name, text in logs.items()} == \
        {"rasa.log": [], "actions.log": []}
