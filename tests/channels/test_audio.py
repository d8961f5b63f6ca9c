"""Recordings for people who read little: an item with `audio:` gets a "listen" button, and
pressing it sends the recording as a Telegram voice message."""

from __future__ import annotations

import pytest

from bot.content import ContentStore, load_library, render
from bot.core.prayat import Incoming, Prayat
from bot.dialogue.rasa_client import RasaClient
from bot.storage import UserStore, make_engine
from tests.conftest import PEPPER, free_port, telegram_for
from tests.content.test_content_check import content_copy, edit  # noqa: F401 - fixture

LISTEN = '/listen{"item":"jobs"}'


@pytest.fixture
def recorded(content_copy):  # noqa: F811
    """The shipped content with a Khmer recording of the jobs text, as an editor would add it."""
    (content_copy / "km" / "audio").mkdir()
    (content_copy / "km" / "audio" / "jobs.ogg").write_bytes(b"OggS fake recording")
    edit(content_copy / "km" / "jobs.yml", "jobs:\n  review: draft\n",
         "jobs:\n  audio: audio/jobs.ogg\n  review: draft\n")
    return content_copy


def test_an_item_with_a_recording_offers_a_listen_button(recorded):
    library = load_library(recorded)
    assert not library.errors
    km = render(library, "jobs", "km")
    assert km["buttons"][0] == {"title": library.labels["km"]["listen"], "payload": LISTEN}
    assert LISTEN not in [b["payload"] for b in render(library, "jobs", "en")["buttons"]]


def test_a_missing_recording_is_an_editor_error(recorded):
    (recorded / "km" / "audio" / "jobs.ogg").unlink()
    assert any("audio 'audio/jobs.ogg' not found" in p.message for p in load_library(recorded).errors)


async def test_pressing_listen_sends_the_voice_message(recorded, sqlite_url):
    rasa = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)  # not needed for this
    prayat = Prayat(ContentStore(recorded), rasa, UserStore(make_engine(sqlite_url)), PEPPER)
    answer = await prayat.handle(Incoming(user="u", button=LISTEN, telegram_language="km"))
    assert answer.replies[0]["voice"] == "audio/jobs.ogg"
    # Through Telegram: a sendVoice with the file.
    async with telegram_for(prayat) as fake:
        fake.press_button(42, LISTEN, language_code="km")
        [sent] = await fake.wait_for(42, 1)
    await rasa.close()
    assert sent.method == "sendVoice"
