"""`igbot serve` as a real process on loopback, for tests that stop it the hard way and start it again.

Its log (JSON lines on standard error) is read as it comes, so a busy server never blocks on a
full pipe, and a test can wait for a line rather than for a clock.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from bot.core.clock import Clock
from bot.core.database import seed_demo
from bot.core.profile import load_profile
from bot.core.settings import EXAMPLE_PROFILE
from storage import migrate
from storage.engine import create_database_engine

REPO = Path(__file__).parents[2]
START_TIMEOUT = 60.0
EXIT_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any igbot, Slack, Teams or database settings, plus `settings`."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SLACK_", "TEAMS_", "DATABASE_", "IGBOT_", "LOG_LEVEL", "SHUTDOWN_"))}
    env.update(settings)
    return env


@dataclass
class ServeProcess:
    """One `igbot serve` at a time on a fixed port; `start` again after it stopped is the restart."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    lines: list[str] = field(default_factory=list)
    process: asyncio.subprocess.Process | None = None
    _reader: asyncio.Task[None] | None = None
    _listening: asyncio.Event = field(default_factory=asyncio.Event)
    _logged: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        self._listening = asyncio.Event()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.app.cli", "serve", "--port", str(self.port), env=self.env, cwd=REPO,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read(self.process))
        waiting = asyncio.create_task(self._listening.wait())
        await asyncio.wait({waiting, self._reader}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        assert self._listening.is_set(), "igbot serve did not start:\n" + "\n".join(self.lines[-20:])

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := (await process.stderr.readline()).decode(errors="replace"):
            async with self._logged:
                self.lines.append(line.rstrip("\n"))
                self._logged.notify_all()
            if "igbot is listening" in line:
                self._listening.set()

    async def wait_for_line(self, text: str, timeout: float = START_TIMEOUT) -> None:
        """Wait (on the log arriving, not on a clock) for a line containing `text`."""
        async with self._logged:
            await asyncio.wait_for(self._logged.wait_for(lambda: any(text in line for line in self.lines)), timeout)

    def send(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    async def stop(self, signum: int) -> int:
        """Send `signum` and wait for the process to end; its exit status."""
        self.send(signum)
        return await self.wait_exit()

    async def wait_exit(self) -> int:
        assert self.process is not None
        status = await asyncio.wait_for(self.process.wait(), EXIT_TIMEOUT)
        if self._reader is not None:
            await asyncio.wait_for(self._reader, EXIT_TIMEOUT)
        return status

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            self._reader.cancel()

    def records(self) -> list[dict[str, object]]:
        """The log lines that are JSON objects (every line igbot writes once logging is set up)."""
        found = []
        for line in self.lines:
            if line.startswith("{"):
                found.append(json.loads(line))
        return found

    def errors(self) -> list[dict[str, object]]:
        return [record for record in self.records() if record.get("level") in ("ERROR", "CRITICAL")]

    def rss_kib(self) -> int:
        """The server's resident memory now, from /proc."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS in /proc")


@contextmanager
def dedicated_postgres_database(admin_url: str, clock: Clock) -> Iterator[str]:
    """A database of its own on the shared server (so its connections alone can be cut), migrated, with the demo
    directory; dropped afterwards."""
    name = f"igbot_reliability_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    engine = create_database_engine(url)
    try:
        migrate.upgrade(engine)
        seed_demo(engine, load_profile(EXAMPLE_PROFILE), clock=clock)
        engine.dispose()
        yield url
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def terminate_connections(admin_url: str, database_url: str) -> int:
    """Cut every connection to the test's own database (never the server, never another database); how many."""
    name = database_url.rsplit("/", 1)[1].split("?")[0]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).all())
    finally:
        admin.dispose()


def unprocessed_events(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM received_event WHERE processed_at IS NULL")).scalar_one())
