"""Shared fixtures. The Rasa and action servers are real and started once per test session;
Telegram is the fake Bot API in fake_telegram.py, reached by the real PTB Application over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# A local pepper made by a test run stays out of the home folder.
os.environ.setdefault("PRAYAT_SECRETS_DIR", tempfile.mkdtemp(prefix="prayat-test-secrets-"))

from bot.channels.telegram import TelegramFrontEnd  # noqa: E402
from bot.content import CONTENT_ROOT, ContentStore  # noqa: E402
from bot.core.prayat import Prayat  # noqa: E402
from bot.dialogue.rasa_client import RasaClient  # noqa: E402
from bot.dialogue.stack import Stack  # noqa: E402
from bot.storage import UserStore, make_engine  # noqa: E402
from tests.fake_telegram import TOKEN, FakeBotAPI  # noqa: E402

PEPPER = b"pepper-for-tests"
POSTGRES_URL = os.environ.get("PRAYAT_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stack_database(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'prayat.db'}"


@pytest.fixture(scope="session")
def live_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of content/ that the session's action server serves, so a test can edit it."""
    root = tmp_path_factory.mktemp("live") / "content"
    shutil.copytree(CONTENT_ROOT, root)
    return root


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def session_stack(stack_dir: Path, live_content: Path) -> Iterator[Stack]:
    """A running Rasa server with the action server behind it, for the whole session."""
    from bot.dialogue.model import ensure_model

    model, _ = ensure_model()
    data_dir = stack_dir
    saved = {k: os.environ.get(k) for k in ("PRAYAT_CONTENT_DIR", "PRAYAT_DATA_DIR")}
    os.environ.update(PRAYAT_CONTENT_DIR=str(live_content), PRAYAT_DATA_DIR=str(data_dir))
    stack = Stack(model, data_dir, free_port(), free_port(), stack_database(data_dir))
    try:
        asyncio.run(stack.start())
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        yield stack
    finally:
        asyncio.run(stack.stop())


@pytest.fixture(scope="session")
def rasa_url(session_stack: Stack) -> str:
    return session_stack.rasa_url


@pytest.fixture(scope="session")
def stack_db_url(rasa_url: str, stack_dir: Path) -> str:
    """The database the session's Rasa keeps conversations in, shared with the bot's tables."""
    return stack_database(stack_dir)


@pytest.fixture
def content(live_content: Path) -> ContentStore:
    """The content the session's action server serves (a copy of content/ tests may edit)."""
    return ContentStore(live_content, interval=0.5)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'prayat.db'}"


def postgres_engine():
    """An engine on the real PostgreSQL server (.ci/run makes sure it runs): the test fails if
    PRAYAT_REQUIRE_POSTGRES is set and it does not answer, and is skipped otherwise."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect means no server
        if os.environ.get("PRAYAT_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_URL}: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    return engine


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The real PostgreSQL server. Each test gets clean tables."""
    engine = postgres_engine()
    drop_tables(engine)
    engine.dispose()
    yield POSTGRES_URL
    engine = make_engine(POSTGRES_URL)
    drop_tables(engine)
    engine.dispose()


def drop_tables(engine) -> None:
    """Prayat's tables, its migration record, and Rasa's conversations: a clean database."""
    from bot.storage import VERSION_TABLE, metadata

    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
        conn.execute(text("DROP TABLE IF EXISTS events"))


@pytest.fixture
async def floor(sqlite_url: str) -> AsyncIterator[Prayat]:
    """The core with the dialogue down: every answer comes from the safety floor."""
    dead = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    yield Prayat(ContentStore(CONTENT_ROOT), dead, UserStore(make_engine(sqlite_url)), PEPPER)
    await dead.close()


@pytest.fixture
async def prayat(rasa_url: str, content: ContentStore, stack_db_url: str
                 ) -> AsyncIterator[Prayat]:
    """The core as `prayat serve` builds it: its tables in the database Rasa uses."""
    rasa = RasaClient(rasa_url, timeout=30)
    yield Prayat(content, rasa, UserStore(make_engine(stack_db_url)), PEPPER)
    await rasa.close()


@contextlib.asynccontextmanager
async def telegram_for(prayat: Prayat) -> AsyncIterator[FakeBotAPI]:
    """The real PTB Application, polling the fake Bot API, with this Prayat behind it."""
    fake = FakeBotAPI()
    await fake.start()
    app = TelegramFrontEnd(prayat).build(TOKEN, fake.base_url)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        yield fake
        await app.updater.stop()
        await app.stop()
    await fake.stop()


@contextlib.asynccontextmanager
async def own_stack(content: ContentStore, data_dir: Path, database_url: str
                    ) -> AsyncIterator[tuple[Stack, Prayat]]:
    """A stack of this test's own (to stop or crash), with a Prayat core in front of it."""
    from bot.dialogue.model import ensure_model

    model, _ = ensure_model()
    stack = Stack(model, data_dir, free_port(), free_port(), database_url)
    await stack.start()
    rasa = RasaClient(stack.rasa_url, timeout=3)
    try:
        yield stack, Prayat(content, rasa, UserStore(make_engine(database_url)), PEPPER)
    finally:
        await rasa.close()
        await stack.stop()


@pytest.fixture
async def telegram(prayat: Prayat) -> AsyncIterator[FakeBotAPI]:
    async with telegram_for(prayat) as fake:
        yield fake


@contextlib.contextmanager
def unavailable(path: Path) -> Iterator[None]:
    """While inside, the SQLite file is moved aside and a folder takes its name, so nothing can
    open it (a read-only chmod would not do: the tests may run as root); then it comes back."""
    aside = path.parent / "aside"
    aside.mkdir()
    moved = [f for f in (Path(f"{path}{s}") for s in ("", "-wal", "-shm", "-journal"))
             if f.exists()]
    for f in moved:
        f.rename(aside / f.name)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        for f in moved:
            (aside / f.name).rename(f)
        aside.rmdir()
