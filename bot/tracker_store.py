"""Rasa's SQL tracker store, configured from the one DATABASE_URL that Prayat's own tables use,
and keeping no message text.

- Rasa's SQLTrackerStore takes the URL in pieces (dialect, host, port, db, ...), and endpoints.yml
  can only pass strings, so this subclass takes the whole URL (`url:` in endpoints.yml) instead.
  Conversations then live next to Prayat's tables, where `/delete` and `prayat purge` reach them.
- What a person typed is not written to the database: the dialogue needs the intent and
  entities of past turns, not their words. PRAYAT_KEEP_MESSAGE_TEXT=true keeps them (for example
  while testing new training data with consent).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

from bot.storage import EVENTS_TABLE  # noqa: F401 - the table this store writes


class DatabaseUrlTrackerStore(SQLTrackerStore):
    def __init__(self, host: str, domain: Any = None, event_broker: Any = None,
                 **kwargs: Any) -> None:
        url = make_url(host)
        super().__init__(
            domain=domain,
            dialect=url.get_backend_name(),
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
        )
        self.keep_text = os.environ.get("PRAYAT_KEEP_MESSAGE_TEXT", "").lower() == "true"

    def _additional_events(self, session: Any, tracker: Any) -> Iterator[Any]:
        for event in super()._additional_events(session, tracker):
            yield event if self.keep_text else _WithoutText(event)


class _WithoutText:
    """An event as stored: a user message keeps its intent and entities, not its words."""

    def __init__(self, event: Any) -> None:
        self._event = event
        self.type_name = event.type_name

    def as_dict(self) -> dict[str, Any]:
        data = self._event.as_dict()
        if data.get("event") == "user":
            data["text"] = None
            if isinstance(data.get("parse_data"), dict):
                data["parse_data"] = {**data["parse_data"], "text": None}
        return data
