"""Starts the action server and the Rasa server, waits until each is ready, and stops them cleanly.

Their logs go to files in the data folder, so the terminal chat stays readable; Prayat's own log
says which part is starting, when it is ready, and where its log is.

The servers are Prayat's own, and only while Prayat runs: on Linux each one gets a parent-death
signal, so even `kill -9` of the bot stops them; a port someone else already listens on stops the
start at once (never a "ready" from somebody else's server); and a server is ready only when it
is alive and the socket answering on its port is its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import datetime as dt
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bot import PROJECT_ROOT

logger = logging.getLogger(__name__)


class StartupError(Exception):
    pass


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, a `preexec_fn` that asks the kernel to send the child SIGTERM when its parent
    dies, however it dies. The signal follows the parent *thread* that forked, so children are
    started from the event loop's thread, never from a worker thread."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    parent = os.getpid()

    def preexec() -> None:
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # the parent died before prctl: nobody will send the signal
            os._exit(1)

    return preexec


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something already listens on host:port (on any address that covers it)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a TIME_WAIT is not a listener
        try:
            probe.bind((host, port))
        except OSError:
            return True
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def _listening_inodes(port: int) -> set[str] | None:
    """The socket inodes listening on `port` (Linux /proc), or None where /proc cannot say."""
    inodes: set[str] = set()
    found_table = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        found_table = True
        for line in lines:
            fields = line.split()
            # local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the inode.
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes if found_table else None


def _session_pids(sid: int) -> list[int]:
    """The processes in session `sid`: a child started in a new session and everything it forked."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
        if int(stat.rsplit(")", 1)[1].split()[3]) == sid:
            pids.append(int(entry.name))
    return pids


def owns_port(pid: int, port: int) -> bool | None:
    """Whether the listening socket on `port` belongs to process `pid`'s session; None if this
    system cannot tell (no /proc)."""
    inodes = _listening_inodes(port)
    if inodes is None:
        return None
    targets = {f"socket:[{inode}]" for inode in inodes}
    for member in _session_pids(pid):
        try:
            fds = list(Path(f"/proc/{member}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            with contextlib.suppress(OSError):
                if os.readlink(fd) in targets:
                    return True
    return False


class Child:
    """One server process."""

    def __init__(self, name: str, argv: list[str], port: int, ready_url: str, log_path: Path,
                 env: dict[str, str]) -> None:
        self.name, self.argv, self.port, self.ready_url, self.log_path, self.env = (
            name, argv, port, ready_url, log_path, env)
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

    def check_port(self) -> None:
        if port_in_use(self.port):
            raise StartupError(
                f"Port {self.port}, which the {self.name} needs, is already in use by another "
                f"process (perhaps a {self.name} left from an earlier run); stop it or choose "
                f"another port.")

    def start(self) -> None:
        self.check_port()
        self.stopped_on_purpose = False
        self.log_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.log_path.parent.chmod(0o700)
        logger.info("Starting %s (log: %s)", self.name, self.log_path)
        fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with open(fd, "ab") as log:
            os.fchmod(fd, 0o600)
            # A new session, so that Ctrl-C in the terminal reaches only Prayat, which then
            # stops the servers in order; and a parent-death signal, so they never outlive it.
            self.process = subprocess.Popen(
                self.argv, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log,
                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent(),
            )

    async def wait_ready(self, timeout: float) -> float:
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() - started < timeout:
                if self.process and self.process.poll() is not None:
                    raise StartupError(f"{self.name} exited with code "
                                       f"{self.process.returncode}; see {self.log_path}")
                with contextlib.suppress(httpx.HTTPError):
                    if ((await http.get(self.ready_url)).status_code == 200
                            and self._answering_is_ours()):
                        seconds = time.monotonic() - started
                        logger.info("%s is ready (%.1f s)", self.name, seconds)
                        return seconds
                await asyncio.sleep(0.25)
        raise StartupError(f"{self.name} was not ready after {timeout:.0f} s; see {self.log_path}")

    def _answering_is_ours(self) -> bool:
        """An answer on the port counts only if the listening socket is this child's."""
        if not self.running:
            return False
        ours = owns_port(self.process.pid, self.port)
        if ours is False:
            logger.warning("Port %s answers, but not from the %s that Prayat started",
                           self.port, self.name)
        return ours is not False

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


# What the two servers need not know: they get the database URL, never these.
SECRETS = ("TELEGRAM_BOT_TOKEN", "PRAYAT_PEPPER", "PRAYAT_WEBHOOK_SECRET")


def rotate_log(path: Path, keep: int) -> None:
    """Move a log's lines to `path.1` (`.1` to `.2` ..., the oldest beyond `keep` deleted) and
    empty it. The server goes on writing to `path`: it opened the file for appending, so its next
    line lands at the start of the emptied file."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    archive = [path.with_name(f"{path.name}.{i}") for i in range(1, keep + 1)]
    for older, oldest in reversed(list(zip(archive, archive[1:], strict=False))):
        if older.exists():
            older.replace(oldest)
    if archive:
        shutil.copyfile(path, archive[0])
        archive[0].chmod(0o600)
    os.truncate(path, 0)


class Stack:
    """The action server and the Rasa server for one model, on loopback ports.

    With `replicas` above 1, that many Rasa servers on consecutive ports from `rasa_port`, all on
    the same database and action server; the bot sends each person to one of them
    (bot/dialogue/rasa_client.py)."""

    def __init__(self, model: Path, data_dir: Path, rasa_port: int, actions_port: int,
                 database_url: str, timeout: float = 180.0, log_days: int = 7,
                 replicas: int = 1, rasa_ports: list[int] | None = None) -> None:
        self.timeout = timeout
        self.log_days = log_days  # each server's log is kept for this many days, a file a day
        self._log_day = dt.date.today()
        ports = rasa_ports or [rasa_port + n for n in range(max(1, replicas))]
        self.rasa_urls = [f"http://127.0.0.1:{port}" for port in ports]
        self.rasa_url = self.rasa_urls[0]
        self.actions_url = f"http://127.0.0.1:{actions_port}/webhook"
        env = {
            **{k: v for k, v in os.environ.items() if k not in SECRETS},
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
            [sys.executable, "-m", "bot.dialogue.action_server", "--actions", "actions", "--port",
             str(actions_port)],
            actions_port, f"http://127.0.0.1:{actions_port}/health", logs / "actions.log", env,
        )
        self.rasas = [
            Child(
                "Rasa server" if len(ports) == 1 else f"Rasa server {n + 1}",
                [sys.executable, "-m", "bot.dialogue.rasa_server", "run", "--model", str(model),
                 "--port", str(port), "--interface", "127.0.0.1", "--endpoints", "endpoints.yml",
                 "--credentials", "credentials.yml"],
                port, f"{url}/", logs / ("rasa.log" if n == 0 else f"rasa-{n + 1}.log"), env,
            )
            for n, (port, url) in enumerate(zip(ports, self.rasa_urls, strict=True))
        ]
        self.rasa = self.rasas[0]
        self.startup_seconds = 0.0
        self._supervisor: asyncio.Task[None] | None = None

    @property
    def children(self) -> tuple[Child, ...]:
        return (self.actions, *self.rasas)

    async def start(self) -> None:
        started = time.monotonic()
        for child in self.children:  # a log left from an earlier day starts the new day's file
            if child.log_path.is_file() and dt.date.fromtimestamp(
                    child.log_path.stat().st_mtime) < self._log_day:
                rotate_log(child.log_path, self.log_days)
        for child in self.children:  # before starting either: fail at once, start nothing
            if not child.running:
                child.check_port()
        try:
            for child in self.children:
                child.start()
            await asyncio.gather(*(child.wait_ready(self.timeout) for child in self.children))
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
        await asyncio.gather(*(child.stop() for child in self.children))

    async def _supervise(self, check_every: float = 1.0, max_backoff: float = 60.0) -> None:
        """Restart a server that crashed, waiting 1, 2, 4 ... s between tries. Meanwhile the
        bot answers from the safety floor. A server stopped on purpose is left alone."""
        backoff = dict.fromkeys(self.children, 1.0)
        while True:
            await asyncio.sleep(check_every)
            if dt.date.today() != self._log_day:
                self._log_day = dt.date.today()
                for child in self.children:
                    rotate_log(child.log_path, self.log_days)
            for child in self.children:
                if not child.crashed():
                    continue
                logger.error("%s exited with code %s; restarting in %.0f s (log: %s)", child.name,
                             child.process.returncode, backoff[child], child.log_path)
                await asyncio.sleep(backoff[child])
                if not child.crashed():
                    continue
                child.restarts += 1
                try:
                    child.start()
                    await child.wait_ready(self.timeout)
                    backoff[child] = 1.0
                except StartupError as error:
                    logger.error("%s did not come back: %s", child.name, error)
                    backoff[child] = min(max_backoff, backoff[child] * 2)

    async def health(self) -> dict[str, str]:
        """Each part: "up", or why not."""
        async with httpx.AsyncClient(timeout=2) as http:
            result = {}
            for key, child in (("actions", self.actions), *(
                    ("rasa" if n == 0 else f"rasa_{n + 1}", c) for n, c in enumerate(self.rasas))):
                if not child.running:  # whatever else may answer on its port
                    result[key] = "down"
                    continue
                try:
                    ok = (await http.get(child.ready_url)).status_code == 200
                    result[key] = "up" if ok else "not ready"
                except httpx.HTTPError:
                    result[key] = "not answering"
        return result

    @property
    def restarts(self) -> dict[str, int]:
        return {"actions": self.actions.restarts, **{
            "rasa" if n == 0 else f"rasa_{n + 1}": c.restarts for n, c in enumerate(self.rasas)}}

    async def __aenter__(self) -> Stack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
