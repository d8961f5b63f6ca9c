"""`prayat validate`: Rasa's own data validation, plus the links between content and dialogue.

Rasa warns about intents with no NLU examples. Some of Prayat's intents are never typed:
buttons and the bot itself send them as payloads. Those warnings, and only those, are expected;
any other warning fails the validation, as `rasa data validate --fail-on-warnings` would.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import load_library
from bot.dialogue.model import TRAINING_DATA

# Sent as payloads only: by /start, by language buttons, by content buttons and for stickers.
PAYLOAD_ONLY_INTENTS = {"start", "set_language", "show", "unsupported_media", "screening_answer"}
# Button payloads the bot answers itself, without Rasa (bot/core/prayat.py).
# commands the bot answers itself, before Rasa (the hand-off's two buttons: bot/handoff)
BOT_PAYLOADS = {"delete_confirmed", "quiz", "session_next", "session_area", "talk_to_person", "talk_to_person_yes"}
_NO_NLU = re.compile(r"The intent '(\w+)' is listed in the domain file, but is not found in the NLU")
_PAYLOAD_INTENT = re.compile(r"^/(\w+)")


def validate(content_root: Path = PROJECT_ROOT / "content") -> list[str]:
    """Problems found; an empty list means valid."""
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    importer = TrainingDataImporter.load_from_config(
        config_path=str(PROJECT_ROOT / "config.yml"),
        domain_path=str(PROJECT_ROOT / "domain.yml"),
        training_data_paths=[str(PROJECT_ROOT / p) for p in TRAINING_DATA],
    )
    validator = Validator.from_importer(importer)
    problems: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checks = {
            "domain": validator.verify_domain_validity(),
            "actions in stories and rules": validator.verify_actions_in_stories_rules(),
            "forms in stories and rules": validator.verify_forms_in_stories_rules(),
            "form slots": validator.verify_form_slots(),
            "slot mappings": validator.verify_slot_mappings(),
            "NLU data": validator.verify_nlu(True),
            "story structure": validator.verify_story_structure(False),
        }
    problems += [f"{name}: invalid" for name, ok in checks.items() if not ok]
    for warning in caught:
        message = str(warning.message)
        if not issubclass(warning.category, UserWarning):
            continue
        match = _NO_NLU.search(message)
        if match and match.group(1) in PAYLOAD_ONLY_INTENTS:
            continue
        problems.append(message.splitlines()[0])

    intents = set(importer.get_domain().intents)
    for intent in sorted(PAYLOAD_ONLY_INTENTS - intents):
        problems.append(f"payload-only intent {intent!r} is not in the domain")
    library = load_library(content_root)
    for button in library.buttons.values():
        match = _PAYLOAD_INTENT.match(button.payload)
        if match and match.group(1) not in intents | BOT_PAYLOADS:
            problems.append(f"content/buttons.yml: button {button.id!r} sends intent "
                            f"{match.group(1)!r}, which is not in domain.yml")
    return problems


def main() -> int:
    problems = validate()
    for problem in problems:
        print(problem)
    print("dialogue data is valid" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0
