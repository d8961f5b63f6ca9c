"""Prayat's runtime: the CLI, the Telegram front end, the Rasa client, language and safety floor."""

import os

# Rasa reads this at import time; Prayat never phones home.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

LANGUAGES = ("km", "en", "zh")
DEFAULT_LANGUAGE = "km"

# The entities nlu/components/entities.py adds to every message.
PLACE_ENTITY = "place"
AMOUNT_ENTITY = "amount"
