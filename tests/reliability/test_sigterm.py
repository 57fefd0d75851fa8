"""A deploy right after a burst: every event Slack was told was received is answered before igbot exits.

Real `igbot serve` processes on loopback, the fake Slack Web API in this test; bounded in time.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path

from aiohttp import ClientSession
from slack_harness import SAM, EMAILS, FakeSlackApi, SlackWorkspace, running, slack_environment

BURST = 40
REPO = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_sigterm_after_a_burst_answers_every_acknowledged_event(tmp_path: Path) -> None:
    api = FakeSlackApi(emails=dict(EMAILS))
    async with running(api.app()) as api_url:
        api.url = api_url
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("SLACK_", "TEAMS_", "DATABASE_", "IGBOT_"))}
        env.update(IGBOT_HOME=str(tmp_path), **slack_environment(api))
        port = _free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.app.cli", "serve", "--port", str(port), env=env, cwd=REPO,
            stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL)
        assert process.stderr is not None
        try:
            while "igbot is listening" not in (line := (await asyncio.wait_for(process.stderr.readline(), 60)).decode()):
                assert line, "igbot serve stopped before it was listening"
            async with ClientSession() as session:
                slack = SlackWorkspace(server_url=f"http://127.0.0.1:{port}", api=api, session=session)
                answers = await asyncio.gather(*(slack.dm(SAM, "help", event_id=f"EvBurst{n:04d}")
                                                 for n in range(BURST)))
            acknowledged = sum(1 for status, _ in answers if status == 200)
            assert acknowledged == BURST
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 60) == 0
            assert len(api.of("chat.postMessage")) == acknowledged, "every acknowledged event was answered"
            remaining = (await process.stderr.read()).decode()
            assert all(json.loads(line)["level"] != "ERROR" for line in remaining.splitlines() if line.strip())
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
