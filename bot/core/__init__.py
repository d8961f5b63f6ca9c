"""The path every message takes, whatever the front end: clean → safety floor → language →
dialogue → replies (`prayat.py`), with the flood guard, the emergency patterns and the language
guess it asks on the way."""
