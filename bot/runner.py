"""Putting the parts together: content, model, servers and storage behind one `Prayat`, which a
front end in bot/channels/ then serves."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from bot.content import ContentError, ContentStore
from bot.core.prayat import Prayat
from bot.dialogue.model import ensure_model
from bot.dialogue.rasa_client import RasaClient
from bot.dialogue.stack import Stack
from bot.settings import Settings
from bot.storage import UserStore, make_engine

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def open_prayat(settings: Settings) -> AsyncIterator[Prayat]:
    """The core with everything behind it running. With RASA_URL set, that server is used and
    nothing is started; otherwise the action server and Rasa are started and stopped here."""
    try:
        content = ContentStore(settings.content_dir, snapshot=settings.content_snapshot)
    except ContentError as error:
        raise SystemExit(f"The content has errors; fix them first:\n{error}") from error
    async with contextlib.AsyncExitStack() as stack:
        rasa_url = settings.rasa_url
        servers: Stack | None = None
        if not rasa_url:
            model, _ = await asyncio.to_thread(ensure_model)
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            if settings.rasa_replicas > 1 and settings.db_url.startswith("sqlite"):
                logger.warning("%d Rasa replicas share one SQLite file, which takes one writer at "
                               "a time: use PostgreSQL (DATABASE_URL) for several.",
                               settings.rasa_replicas)
            servers = Stack(model, settings.data_dir, settings.rasa_port, settings.actions_port,
                            settings.db_url, log_days=settings.log_days,
                            replicas=settings.rasa_replicas)
            await stack.enter_async_context(servers)
            rasa_url = ",".join(servers.rasa_urls)
        rasa = RasaClient(rasa_url, settings.rasa_timeout)
        stack.push_async_callback(rasa.close)
        users = UserStore(make_engine(settings.db_url))
        stack.push_async_callback(users.flush)
        yield Prayat(content, rasa, users, settings.secret_pepper(), stack=servers)


def stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
