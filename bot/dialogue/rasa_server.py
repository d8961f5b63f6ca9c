"""Runs Rasa's own CLI (`python -m bot.dialogue.rasa_server run ...`) with Prayat's wordless logs
(bot/private_logs.py) and one measured fix.

Rasa 3.6 validates every action server response with `jsonschema.validate`, which first checks
the *schema itself* against the JSON Schema meta-schema, on every call. Profiling the server under
load showed that check taking over half of Rasa's time per message. Here the schema is checked once
and its validator reused; every response is still validated against the same schema, and a bad
response still raises the same error.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import jsonschema
from jsonschema import exceptions, validators

from bot import private_logs

_unpatched = jsonschema.validate
_validators: dict[str, Any] = {}


def validate(instance: Any, schema: dict, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    if cls is not None or args or kwargs:
        return _unpatched(instance, schema, cls, *args, **kwargs)
    key = json.dumps(schema, sort_keys=True, default=str)
    validator = _validators.get(key)
    if validator is None:
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = _validators[key] = validator_class(schema)
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error
    return None


def main() -> None:
    if sys.argv[1:2] == ["run"]:  # serving people; `rasa test` and the like keep full messages
        private_logs.install()
    jsonschema.validate = validate
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
