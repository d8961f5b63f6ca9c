"""`/health`: one look at whether each part is up, for whoever runs Prayat."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.core.prayat import Prayat


@contextlib.asynccontextmanager
async def serve_health(prayat: Prayat, host: str, port: int) -> AsyncIterator[None]:
    """GET /health on host:port: 200 when every part is up, 503 (with the same JSON) if not."""

    async def health(request: web.Request) -> web.Response:
        body = await prayat.status()
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
