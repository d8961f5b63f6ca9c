"""Prayat's runtime. docs/architecture.md says which package holds what and how a message travels."""

import os
from pathlib import Path

# Rasa reads this at import time; Prayat never phones home.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

LANGUAGES = ("km", "en", "zh")
DEFAULT_LANGUAGE = "km"

# The checkout: content/, nlu/, the Rasa files and var/ are found from here.
PROJECT_ROOT = Path(__file__).resolve().parents[1]

# The entities nlu/components/entities.py adds to every message.
PLACE_ENTITY = "place"
AMOUNT_ENTITY = "amount"
ABOUT_ENTITY = "about"  # who is in danger: bot/checkers/who.py
NATIONALITY_ENTITY = "nationality"  # where the writer is from, if they say: bot/checkers/who.py
