"""Log lines that hold nothing a person typed, in all three processes (the bot, Rasa, the actions).

Logs are the first thing anyone who seizes a server reads, and `/delete` cannot reach into them.
Rasa and its SDK put people's words in log records: the whole message on every REST timeout
(`rest.message.received.timeout`), a message beginning with "/" in a parse warning, every slot and
the latest message in an action error's request body. python-telegram-bot logs a whole update
(text, chat id, names) when it cannot parse one. No list of bad messages can keep up with that, so
this works the other way round, at the one place every record passes through (the log-record
factory), whatever handler or formatter a library installs later:

- Records from Prayat's own code, and from a few start-up loggers that only say where a server
  listens, keep their message.
- Every other record keeps its time, level, logger and source line, and the event name of a
  structured (JSON) record, but not its message or arguments.
- No record keeps an exception's message or a traceback's text: only the exception's type and the
  places it went through.
- Python warnings become such records too, and so does an uncaught exception.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
import warnings
from types import TracebackType
from typing import Any

# Loggers whose messages are kept: Prayat's own code, which never logs what people typed, and
# start-up lines that say only which server runs where.
OWN_LOGGERS = ("bot", "actions", "nlu", "__main__")
START_UP_LOGGERS = ("rasa.core.run", "rasa_sdk.endpoint", "rasa.model_training")
WITHHELD = "(details withheld: logs keep no words people typed)"

_default_factory = logging.getLogRecordFactory()


def _is(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _event_name(message: Any) -> str | None:
    """The event name of a structlog record rendered as JSON (`{"event": "...", ...}`)."""
    if not isinstance(message, str) or not message.startswith("{"):
        return None
    try:
        data = json.loads(message)
    except ValueError:
        return None
    event = data.get("event") if isinstance(data, dict) else None
    return event if isinstance(event, str) and len(event) <= 80 and " " not in event else None


def describe_exception(kind: type[BaseException] | None, tb: TracebackType | None) -> str:
    """`ValueError at rasa/core/processor.py:123 in _run_action ← ...`: where, never what."""
    name = kind.__name__ if kind else "Exception"
    frames = traceback.extract_tb(tb)[-4:] if tb else []
    places = " ← ".join(f"{_short(f.filename)}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{name} at {places}" if places else name


def _short(path: str) -> str:
    marker = os.sep + "site-packages" + os.sep
    return path.split(marker, 1)[1] if marker in path else os.path.basename(path)


def _wordless(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _default_factory(*args, **kwargs)
    if not (_is(record.name, OWN_LOGGERS) or _is(record.name, START_UP_LOGGERS)):
        event = _event_name(record.msg)
        record.msg = f"{event} {WITHHELD}" if event else f"{WITHHELD} at {record.module}:{record.lineno}"
        record.args = ()  # not None: formatters such as khmer-nltk's take len() of it
    if record.exc_info:
        kind, _, tb = record.exc_info
        record.msg = f"{record.getMessage()} [{describe_exception(kind, tb)}]"
        record.args = ()  # not None: formatters such as khmer-nltk's take len() of it
        record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    return record


def _warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
    logging.getLogger(__name__).warning("%s at %s:%s %s", category.__name__, _short(filename), lineno,
                                        WITHHELD)


def _uncaught(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    logging.getLogger(__name__).critical("Uncaught %s", describe_exception(kind, tb))


def install() -> None:
    """Make every log record of this process wordless; call it first thing in each process."""
    if logging.getLogRecordFactory() is not _wordless:
        logging.setLogRecordFactory(_wordless)
    warnings.showwarning = _warning
    sys.excepthook = _uncaught
