"""No log line holds what people wrote: not at DEBUG, not from a library, not in a traceback.

Messages full of identifiers go through Slack, Teams and the terminal with logging set up as
`igbot serve` and `igbot chat` set it up; then every byte of log output is searched for them.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from slack_harness import SAM, FakeSlackApi, SlackWorkspace, igbot_server, make_assistant, running, slack_environment
from teams_fakes import OUTBOUND_TOKEN, FakeConnector, Igbot, sam_in, teams_environment

from bot.app.server import build_web_app
from bot.core.logs import PrivateJsonFormatter, safe_value
from bot.core.settings import load_settings

ConfigureLogs = Callable[[str], Path]  # the igbot_logs fixture (conftest.py)

LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]
REPO = Path(__file__).parents[2]

# Invented people and details; the NHS number is a valid test number, the phone number in Ofcom's drama range.
SECRETS = [
    "943 476 5919", "9434765919", "943-476-5919",
    "07700 900123", "07700900123",
    "jane.doughty@example.net", "Doughty", "Marguerite",
    "SW1A 1AA", "12/03/1961",
    "AB 12 34 56 C", "AB123456C",
]
MESSAGES = [
    "Marguerite Doughty (NHS 943 476 5919, born 12/03/1961) rang from 07700 900123 about her records",
    "can I email jane.doughty@example.net her letter? NHS9434765919, postcode SW1A 1AA, NI AB 12 34 56 C",
    "I sent 943-476-5919 to the wrong person, Marguerite Doughty, AB123456C, phone 07700900123",
]
# The Slack signing secret and bot token, the Teams app password, and the access token Entra gives igbot for it.
CONFIGURED_SECRETS = ["test-signing-secret-0123456789abcdef", "xoxb-test-token", "a-client-secret", OUTBOUND_TOKEN]


def assert_private(*outputs: str, level: str = "DEBUG") -> None:
    written = "\n".join(outputs)
    if level in ("DEBUG", "INFO"):
        assert written.strip(), "nothing was logged: the test would prove nothing"
    for line in written.splitlines():
        if line.strip():
            json.loads(line)  # one JSON object a line
    for secret in [*SECRETS, *CONFIGURED_SECRETS]:
        assert secret not in written, f"{secret!r} reached the logs"
        assert secret.replace(" ", "") not in written.replace(" ", "")


@pytest.mark.parametrize("level", LEVELS)
async def test_slack_messages_leave_no_trace_in_the_logs(level: str, igbot_logs: ConfigureLogs, database_url: str,
                                                        tmp_path: Path) -> None:
    log_file = igbot_logs(level)
    api = FakeSlackApi(emails={SAM: "sam.okafor@example.org"})
    async with running(api.app()) as url:
        api.url = url
        assistant = make_assistant(database_url, tmp_path, slack_environment(api))
        try:
            async with igbot_server(assistant) as server_url, ClientSession() as session:
                slack = SlackWorkspace(server_url=server_url, api=api, session=session)
                for text in MESSAGES:
                    assert (await slack.dm(SAM, text))[0] == 200
                assert (await slack.command(SAM, MESSAGES[0]))[0] == 200
                assert (await slack.mention(SAM, MESSAGES[1]))[0] == 200
                await api.wait_for("chat.postMessage", count=len(MESSAGES) + 1)
                await api.wait_for("response_url")
                logging.getLogger("bot.test").info("done")
        finally:
            assistant.engine.dispose()
    assert_private(log_file.read_text(), level=level)


@pytest.mark.parametrize("level", LEVELS)
async def test_teams_messages_leave_no_trace_in_the_logs(level: str, igbot_logs: ConfigureLogs, engine: object,
                                                        profile: object, conversation: object, tmp_path: Path) -> None:
    from bot.core.assistant import Assistant

    log_file = igbot_logs(level)
    connector = FakeConnector()
    await connector.start()
    sam = sam_in(connector)
    settings = load_settings({"IGBOT_HOME": str(tmp_path / "home"), **teams_environment(connector)})
    assistant = Assistant(settings=settings, profile=profile, engine=engine, conversation=conversation)  # type: ignore[arg-type]
    server = TestServer(build_web_app(assistant))
    await server.start_server()
    try:
        async with ClientSession() as http:
            igbot = Igbot(server=server, http=http)
            for text in MESSAGES:
                assert (await igbot.post(sam.says(connector.url, text)))[0] == 200
            assert (await igbot.post(sam.says(connector.url, MESSAGES[0]), token="forged"))[0] == 401
            await connector.wait_for(len(MESSAGES))
            logging.getLogger("bot.test").info("done")
    finally:
        await server.close()
        await connector.close()
    assert_private(log_file.read_text(), level=level)


@pytest.mark.parametrize("level", LEVELS)
def test_the_terminal_chat_leaves_no_trace_in_its_log(level: str, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("IGBOT_", "DATABASE_URL"))}
    env.update(IGBOT_HOME=str(tmp_path / "home"), LOG_LEVEL=level)
    result = subprocess.run([sys.executable, "-m", "bot.app.cli", "chat"], input="\n".join(MESSAGES) + "\n",
                            capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    log_file = tmp_path / "home" / "igbot.log"
    written = log_file.read_text() if log_file.exists() else ""
    for secret in SECRETS:
        assert secret not in written + result.stderr, f"{secret!r} reached the logs"
    if level == "DEBUG":
        assert_private(written)


def test_a_traceback_is_logged_without_the_values_in_its_message() -> None:
    formatter = PrivateJsonFormatter()
    try:
        raise ValueError("INSERT ... ('Marguerite Doughty', '943 476 5919')")
    except ValueError as error:
        record = logging.LogRecord("bot.core.errors", logging.ERROR, __file__, 1, "unexpected error reference=%s "
                                   "context=%s", ("ERR-1", "NHS 943 476 5919"), (type(error), error,
                                                                                error.__traceback__))
    line = formatter.format(record)
    entry = json.loads(line)
    assert entry["error"] == "ValueError" and entry["reference"] == "ERR-1"
    assert entry["trace"] and "test_private_logs.py" in entry["trace"][-1]
    assert "943" not in line and "Doughty" not in line


def test_a_library_message_is_never_written() -> None:
    record = logging.LogRecord("sqlalchemy.engine.Engine", logging.WARNING, __file__, 1,
                               "[generated] ('incident-record:1', 'Marguerite Doughty')", None, None)
    entry = json.loads(PrivateJsonFormatter().format(record))
    assert entry == {"time": entry["time"], "level": "WARNING", "logger": "sqlalchemy.engine.Engine", "event": "library"}


@pytest.mark.parametrize("value, shown", [
    ("USAMOKAFOR", True), ("Ev08MFMKH6J2", True), ("NHS9434765919", False), ("IG-2026-0042", True), ("1700000001.000100", True), (42, True),
    ("slack", True), ("9434765919", False), ("943 476 5919", False), ("sam.okafor@example.org", False),
    ("07700900123", False), ("Marguerite Doughty", False), ("a:personal-sam", True),
])
def test_only_id_like_values_are_written_as_they_are(value: object, shown: bool) -> None:
    assert (safe_value(value) == value) is shown
