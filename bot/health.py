"""`/health`: one look at whether each part is up, for whoever runs Prayat."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.core import Prayat
    from bot.stack import Stack


async def report(prayat: Prayat, stack: Stack | None) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    if stack is not None:
        parts.update(await stack.health())
        parts["restarts"] = {"rasa": stack.rasa.restarts, "actions": stack.actions.restarts}
    else:
        parts["rasa"] = "up" if await prayat.rasa.ready() else "down"
    parts["database"] = "up" if await prayat.users.ping() else "down"
    refused = prayat.content.last_error
    parts["content"] = "up" if not refused else "serving the last good version; refused: " + \
        refused.splitlines()[0]
    down = [k for k in ("rasa", "actions", "database") if parts.get(k, "up") != "up"]
    parts["status"] = "ok" if not down else "degraded: " + ", ".join(down)
    return parts


@contextlib.asynccontextmanager
async def serve_health(prayat: Prayat, stack: Stack | None, host: str, port: int
                       ) -> AsyncIterator[None]:
    """GET /health on host:port: 200 when every part is up, 503 (with the same JSON) if not."""

    async def health(request: web.Request) -> web.Response:
        body = await report(prayat, stack)
        return web.Response(text=json.dumps(body), content_type="application/json",
                            status=200 if body["status"] == "ok" else 503)

    app = web.Application()
    app.router.add_get("/health", health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    try:
        yield
    finally:
        await runner.cleanup()
