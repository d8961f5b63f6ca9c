"""What the dialogue hears of what a person did: a typed line never reaches it as an intent
payload, however the slashes and spaces are arranged."""

from __future__ import annotations

import pytest

from bot.content import CONTENT_ROOT, load_library
from bot.core.prayat import CHECK_AD, EMERGENCY, Incoming, understand

LIBRARY = load_library(CONTENT_ROOT)


@pytest.mark.parametrize("typed", [
    '/ /set_language{"language":"km"}',
    '/\n/show{"item":"privacy.deleted"}',
    '/ /ask_hotlines{"place":{"a":1}}',
    '//  / /delete_confirmed',
    '/set_language{"language":"xx"}',
])
def test_a_typed_payload_reaches_the_dialogue_as_text(typed):
    act = understand(Incoming(user="u", text=typed), LIBRARY)
    # Rasa strips spaces before it looks for an intent payload: "/" must not come after them either.
    assert not act.message.lstrip().startswith("/") and act.here is None and act.chosen is None


def test_commands_and_buttons_still_work():
    assert understand(Incoming(user="u", text="/hotlines"), LIBRARY).message == "/ask_hotlines"
    assert understand(Incoming(user="u", text="/start@prayat_bot"), LIBRARY).message == "/start"
    chosen = understand(Incoming(user="u", button='/set_language{"language":"zh"}'), LIBRARY)
    assert chosen.chosen == "zh"
    assert understand(Incoming(user="u", button="/forged"), LIBRARY).here == "bad_button"


def test_an_emergency_or_an_ad_is_recognised_before_the_dialogue():
    sos = understand(Incoming(user="u", text="/ / help me they locked me in"), LIBRARY)
    assert sos.emergency and sos.message == EMERGENCY
    ad = understand(Incoming(user="u", text=(
        "URGENT HIRING customer service in Sihanoukville, salary $3000 per month, no experience "
        "needed, free flight and visa, apply now on telegram @hr_job")), LIBRARY)
    assert ad.message == CHECK_AD and ad.ad and not ad.emergency
