"""The servers are Prayat's own: they die with it, and a port someone else holds is an error, never
"ready" (red-team M6: after `kill -9` of the bot, the old servers kept answering the next start)."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.dialogue.stack import Child, Stack, StartupError
from tests.conftest import free_port


def port_is_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextlib.contextmanager
def listening_socket() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


@contextlib.contextmanager
def stale_server() -> Iterator[int]:
    """An HTTP server that answers 200 to everything, like a server left from an earlier run."""

    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("taken", ["rasa", "actions"])
async def test_a_stack_refuses_to_start_on_a_port_in_use(taken, tmp_path):
    with listening_socket() as port:
        ports = {"rasa": free_port(), "actions": free_port(), taken: port}
        stack = Stack(tmp_path / "no-model-needed.tar.gz", tmp_path, ports["rasa"],
                      ports["actions"], f"sqlite:///{tmp_path / 'prayat.db'}")
        started = time.monotonic()
        with pytest.raises(StartupError, match=f"Port {port}\\b.*already in use"):
            await stack.start()
        assert time.monotonic() - started < 5
        assert stack.actions.process is None and stack.rasa.process is None  # nothing started


async def test_a_stale_server_on_the_port_is_never_the_childs_readiness(tmp_path):
    """Even if something starts listening after the port check: an answer counts only from the
    child's own socket, and a child that exited is never ready."""
    with stale_server() as port:
        url = f"http://127.0.0.1:{port}/"
        env = dict(os.environ)
        sleeper = Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], port, url,
                        tmp_path / "logs" / "sleeper.log", env)
        quitter = Child("quitter", [sys.executable, "-c", "pass"], port, url,
                        tmp_path / "logs" / "quitter.log", env)
        for child in (sleeper, quitter):  # started as if the port had been free a moment ago
            child.check_port = lambda: None  # type: ignore[method-assign]
            child.start()
        try:
            with pytest.raises(StartupError, match="not ready"):
                await sleeper.wait_ready(timeout=3)
            with pytest.raises(StartupError, match="exited with code 0"):
                await quitter.wait_ready(timeout=10)
        finally:
            await sleeper.stop()
            await quitter.stop()


@pytest.mark.stack
def test_kill_9_of_the_bot_takes_its_servers_with_it(tmp_path):
    from bot.dialogue.model import ensure_model

    ensure_model()  # trained (or cached) before the clock starts
    rasa_port, actions_port = free_port(), free_port()
    data = tmp_path / "data"
    env = {**os.environ, "PRAYAT_DATA_DIR": str(data), "PRAYAT_RASA_PORT": str(rasa_port),
           "PRAYAT_ACTIONS_PORT": str(actions_port), "PRAYAT_RASA_TIMEOUT": "30",
           "PRAYAT_SECRETS_DIR": str(tmp_path / "secrets"),
           "DATABASE_URL": f"sqlite:///{data / 'prayat.db'}"}
    env.pop("RASA_URL", None)
    with (tmp_path / "stderr.log").open("wb") as stderr:
        bot = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--jsonl"], env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
    servers: list[int] = []
    try:
        bot.stdin.write(json.dumps({"user": "k", "text": "/start"}).encode() + b"\n")
        bot.stdin.flush()
        ready, _, _ = select.select([bot.stdout], [], [], 240)
        assert ready, (tmp_path / "stderr.log").read_text()
        answer = json.loads(bot.stdout.readline())
        assert answer["replies"][0]["topic"] == "welcome"
        assert port_is_open(rasa_port) and port_is_open(actions_port)
        servers = children_of(bot.pid)
        assert len(servers) == 2

        bot.send_signal(signal.SIGKILL)  # no chance to stop anything itself
        bot.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
                port_is_open(rasa_port) or port_is_open(actions_port) or any(map(alive, servers))):
            time.sleep(0.2)
        assert not port_is_open(rasa_port) and not port_is_open(actions_port)
        assert not any(map(alive, servers))
    finally:
        for pid in [bot.pid, *servers]:  # only what this test started, by id
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        bot.wait(10)


def test_a_stack_refuses_a_port_held_by_an_old_server(tmp_path):
    """What the next start after M6 saw: a server still answering on the port. It fails at once,
    naming the port, instead of saying ready."""
    with stale_server() as port:
        stack = Stack(tmp_path / "model.tar.gz", tmp_path, port, free_port(),
                      f"sqlite:///{tmp_path / 'prayat.db'}")
        with pytest.raises(StartupError, match=f"Port {port}\\b"):
            asyncio.run(stack.start())
        assert stack.rasa.process is None and stack.actions.process is None
