"""Starts the action server and the Rasa server, waits until each is ready, and stops them cleanly.

Their logs go to files in the data folder, so the terminal chat stays readable; Prayat's own log
says which part is starting, when it is ready, and where its log is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot import PROJECT_ROOT

logger = logging.getLogger(__name__)


class StartupError(Exception):
    pass


class Child:
    """One server process."""

    def __init__(self, name: str, argv: list[str], ready_url: str, log_path: Path,
                 env: dict[str, str]) -> None:
        self.name, self.argv, self.ready_url, self.log_path, self.env = (
            name, argv, ready_url, log_path, env)
        # A plain Popen, not an asyncio subprocess, so that one event loop can start the stack
        # and another stop it (tests start it once for the whole session).
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped_on_purpose = False
        self.restarts = 0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def crashed(self) -> bool:
        return self.process is not None and not self.running and not self.stopped_on_purpose

    def start(self) -> None:
        self.stopped_on_purpose = False
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        logger.info("Starting %s (log: %s)", self.name, self.log_path)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    async def wait_ready(self, timeout: float) -> float:
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() - started < timeout:
                if self.process and self.process.poll() is not None:
                    raise StartupError(f"{self.name} exited with code "
                                       f"{self.process.returncode}; see {self.log_path}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(self.ready_url)).status_code == 200:
                        seconds = time.monotonic() - started
                        logger.info("%s is ready (%.1f s)", self.name, seconds)
                        return seconds
                await asyncio.sleep(0.25)
        raise StartupError(f"{self.name} was not ready after {timeout:.0f} s; see {self.log_path}")

    async def stop(self, grace: float = 10.0) -> None:
        self.stopped_on_purpose = True
        process = self.process
        if process is None or process.poll() is not None:
            return
        logger.info("Stopping %s", self.name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await asyncio.to_thread(process.wait)


class Stack:
    """The action server and the Rasa server for one model, on loopback ports."""

    def __init__(self, model: Path, data_dir: Path, rasa_port: int, actions_port: int,
                 database_url: str, timeout: float = 180.0) -> None:
        self.timeout = timeout
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.actions_url = f"http://127.0.0.1:{actions_port}/webhook"
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "SANIC_HOST": "127.0.0.1",  # the action server's bind address: loopback only
            "PRAYAT_ACTIONS_URL": self.actions_url,
            "DATABASE_URL": database_url,  # Rasa keeps conversations next to Prayat's tables
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                        os.environ.get("PYTHONPATH")])),
        }
        logs = data_dir / "logs"
        self.actions = Child(
            "action server",
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port",
             str(actions_port)],
            f"http://127.0.0.1:{actions_port}/health", logs / "actions.log", env,
        )
        self.rasa = Child(
            "Rasa server",
            [sys.executable, "-m", "bot.dialogue.rasa_server", "run", "--model", str(model), "--port", str(rasa_port),
             "--interface", "127.0.0.1", "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml"],
            f"{self.rasa_url}/", logs / "rasa.log", env,
        )
        self.startup_seconds = 0.0
        self._supervisor: asyncio.Task[None] | None = None

    @property
    def children(self) -> tuple[Child, Child]:
        return (self.actions, self.rasa)

    async def start(self) -> None:
        started = time.monotonic()
        try:
            self.actions.start()
            self.rasa.start()
            await asyncio.gather(self.actions.wait_ready(self.timeout),
                                 self.rasa.wait_ready(self.timeout))
        except BaseException:
            await self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        if self._supervisor is None or self._supervisor.done():
            self._supervisor = asyncio.create_task(self._supervise(), name="stack-supervisor")

    async def stop(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        await asyncio.gather(self.rasa.stop(), self.actions.stop())

    async def _supervise(self, check_every: float = 1.0, max_backoff: float = 60.0) -> None:
        """Restart a server that crashed, waiting 1, 2, 4 ... s between tries. Meanwhile the
        bot answers from the safety floor. A server stopped on purpose is left alone."""
        backoff = dict.fromkeys(self.children, 1.0)
        while True:
            await asyncio.sleep(check_every)
            for child in self.children:
                if not child.crashed():
                    continue
                logger.error("%s exited with code %s; restarting in %.0f s (log: %s)", child.name,
                             child.process.returncode, backoff[child], child.log_path)
                await asyncio.sleep(backoff[child])
                if not child.crashed():
                    continue
                child.restarts += 1
                child.start()
                try:
                    await child.wait_ready(self.timeout)
                    backoff[child] = 1.0
                except StartupError as error:
                    logger.error("%s did not come back: %s", child.name, error)
                    backoff[child] = min(max_backoff, backoff[child] * 2)

    async def health(self) -> dict[str, str]:
        """Each part: "up", or why not."""
        async with httpx.AsyncClient(timeout=2) as http:
            result = {}
            for key, child in (("actions", self.actions), ("rasa", self.rasa)):
                try:
                    ok = (await http.get(child.ready_url)).status_code == 200
                    result[key] = "up" if ok else "not ready"
                except httpx.HTTPError:
                    result[key] = "down" if not child.running else "not answering"
        return result

    async def __aenter__(self) -> Stack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
