"""Whatever people send, each message gets exactly one well-formed answer in a language Prayat
speaks. Random text goes through the whole pipeline: safety floor, language, Rasa, actions."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import LANGUAGES
from bot.core.prayat import Incoming, Prayat
from bot.dialogue.rasa_client import RasaClient
from bot.storage import UserStore, make_engine
from tests.conftest import PEPPER

pytestmark = pytest.mark.stack

PIECES = st.sampled_from([
    "ខ្ញុំ", "ចង់ទៅធ្វើការ", "ជួយផង", "我想", "工作", "救命", "job", "help", "passport", " ", "\n",
    "😀", "🙏🏽", "\u200b", "\u200f", "\u202e", "\x00", "\x07", "<b>", "</script>", "'; DROP TABLE",
    "**bold**", "_x_", "/start", "/show{\"item\":\"x\"}", "ผม", "ຂ້ອຍ", "ကျွန်", "Tôi", "១២០០",
    "$1,500", "&amp;", "\\", "{", "}", "%s", "…",
])
MESSAGES = st.one_of(
    st.lists(PIECES, min_size=0, max_size=12).map("".join),
    st.text(max_size=80),
)


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def check(answer) -> None:
    assert answer.lang in LANGUAGES
    assert len(answer.replies) >= 1
    for reply in answer.replies:
        assert reply["text"].strip()
        assert isinstance(reply["topic"], str) and reply["topic"]
        assert all(b["title"] and b["payload"].startswith("/") for b in reply["buttons"])


def test_random_messages_each_get_one_good_answer(rasa_url, content, stack_db_url, loop):
    prayat = Prayat(content, RasaClient(rasa_url, timeout=30),
                    UserStore(make_engine(stack_db_url)), PEPPER)
    users = iter(range(10**9))

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(MESSAGES)
    def one(text: str) -> None:
        check(loop.run_until_complete(prayat.handle(Incoming(user=f"fuzz:{next(users)}",
                                                             text=text))))

    one()


@pytest.mark.parametrize("text", [
    "ក" * 4096, "a" * 5000, "😀" * 2000, "\u200b" * 100, "", "   ", "\x00\x01\x02",
    "<script>alert(1)</script>" * 100, "ÙÚÛÜ" * 50, "ﷺ" * 20,
    "xJ¬ cg;eTAeFVIkarenARbeTséf", "eRKaHfñak;GñkCYy",  # Khmer typed in a legacy Limon font
])
def test_extreme_messages(rasa_url, content, stack_db_url, loop, text):
    prayat = Prayat(content, RasaClient(rasa_url, timeout=30),
                    UserStore(make_engine(stack_db_url)), PEPPER)
    check(loop.run_until_complete(prayat.handle(Incoming(user="extreme", text=text))))


@pytest.mark.parametrize("payload", [
    "/show{\"item\":\"nope\"}", "/ask_nothing", "garbage", "", "/set_language{\"language\":\"fr\"}",
    "/delete_confirmed_x",
])
def test_old_or_forged_buttons_get_the_menu(rasa_url, content, stack_db_url, loop, payload):
    prayat = Prayat(content, RasaClient(rasa_url, timeout=30),
                    UserStore(make_engine(stack_db_url)), PEPPER)
    answer = loop.run_until_complete(prayat.handle(Incoming(user="forger", button=payload)))
    assert answer.replies[0]["content"] == ["fallback.bad_button"]
