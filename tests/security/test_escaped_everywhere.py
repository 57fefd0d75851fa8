"""What a person types reaches the IG team inert in every rendering: Slack, Teams, the terminal and CSV.

Hostile text goes in as a question passed to the IG team and as an incident report; every reply
igbot then makes of it (the notices queued for the IG team, the full record, the inbox) is rendered
as Slack Block Kit, as an Adaptive Card and for the terminal, and the register is exported as CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.app.cli import main
from bot.core import outbox as queued
from bot.core import wording
from bot.core.chat import Reply
from bot.core.neutralise import for_csv
from bot.core.profile import Profile
from bot.slack import blocks
from bot.teams import cards
from bot.terminal.console import render
from storage import curation, directory, incidents
from storage.curation import CurationItem, Signal
from storage.engine import session_scope
from storage.outbox import OutboxMessage
from workflows.incidents import notices, report

HOSTILE = ("=HYPERLINK(\"https://evil.example\",\"open\") <!channel> <!here> <@U0ADMIN> @everyone "
           "<https://evil.example/login|the intranet> [log in](https://evil.example/login) <b>now</b> "
           "<script>alert(1)</script>\n# Urgent\x1b]0;owned\x07\x1b[2J\u202eevil")
SLACK_ACTIVE = ["<!channel>", "<!here>", "<@U0ADMIN>", "<https://evil.example", "<script", "<b>"]
# Unescaped in Teams markdown: a tag, a link or image, or a heading.
_TEAMS_ACTIVE = re.compile(r"(?<!\\)[<\[]|^#", re.MULTILINE)
_BARE_ADDRESS = re.compile(r"\[https?://[^\s\]]*\]\(https?://[^\s)]*\)")
TERMINAL_ACTIVE = ["\x1b]", "\x1b[2J", "\x07", "\u202e", "\x00"]


def _stored(engine: Engine, profile: Profile, now: Any) -> list[Reply]:
    """Sam's hostile question passed to the IG team, and his hostile incident report: every reply made of them."""
    text = {"text": HOSTILE, "removed": []}
    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert sam is not None
        incident = report.store(session=session, reporter=sam, channel="slack", profile=profile, now=now, answers={
            "kind": "misdirected_email", "happened_at": now.isoformat(), "discovered_at": now.isoformat(),
            "data_kind": "personal", "vulnerable": "none", "people_affected": 1, "contained": "partly",
            "containment": text, "told": text, "description": text})
        curation.create(session=session, signal=Signal.DECLINED, now=now, question=HOSTILE, staff_id=sam.id)
        replies = [reply for message in session.exec(select(OutboxMessage)).all()
                   for reply in queued.replies_of(message)]
        replies.append(Reply(title=incident.reference, text=notices.full_record(
            incident, profile=profile, now=now, reporter=sam, notes=incidents.notes_of(session=session, incident=incident))))
        return replies


def test_hostile_text_is_inert_in_slack_teams_and_the_terminal(chat_as, engine: Engine,  # type: ignore[no-untyped-def]
                                                                profile: Profile, conversation) -> None:
    now = conversation.clock.now()
    replies = _stored(engine, profile, now)
    sam = chat_as("sam.okafor@example.org")
    replies += sam.say(HOSTILE + "\x00\ud800")  # declined, and kept for curation, on either database
    assert wording.APOLOGY.split("{")[0] not in "\n".join(reply.text for reply in replies[-1:])
    with session_scope(engine) as session:
        item_id = max(item.id or 0 for item in session.exec(select(CurationItem)).all())
    replies += sam.say(action=f"kb:refer-declined:{item_id}")
    with session_scope(engine) as session:
        replies += [reply for message in session.exec(select(OutboxMessage)).all()
                    for reply in queued.replies_of(message)]
    replies += chat_as("harriet.osei@example.org").say("inbox")
    shown_anywhere = "\n".join(f"{reply.title}\n{reply.text}\n{reply.notes}" for reply in replies)
    assert "evil.example" in shown_anywhere, "the hostile text reached the replies: the test proves something"

    for reply in replies:
        slack = json.dumps([[message.text, message.blocks] for message in blocks.messages(reply)], ensure_ascii=False)
        for active in SLACK_ACTIVE:
            assert active not in slack, (active, reply.title)
        assert not re.search(r"@(channel|here|everyone)\b", slack), "a broadcast word Slack would act on"

        for element in cards.card(reply)["body"]:
            shown = _BARE_ADDRESS.sub("", str(element.get("text", "")))  # an address shown as itself is a link
            assert not _TEAMS_ACTIVE.search(shown), shown

        for styled in (False, True):
            shown = render(reply, styled=styled).replace("\033[1m", "").replace("\033[0m", "")
            for active in TERMINAL_ACTIVE:
                assert active not in shown, (repr(active), reply.title)


def test_hostile_text_is_inert_in_the_register_exported_as_csv(engine: Engine, profile: Profile, conversation,  # type: ignore[no-untyped-def]
                                                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("IGBOT_HOME", str(tmp_path / "home"))
    _stored(engine, profile, conversation.clock.now())
    assert main(["incident", "export", "--csv"]) == 0
    exported = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(exported)))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("evil.example" in cell for cell in cells)
    for cell in cells:
        assert cell == for_csv(cell) or cell.startswith("'"), f"a cell a spreadsheet would run: {cell[:40]!r}"
        assert cell.lstrip(" \t\n")[:1] not in ("=", "+", "-", "@", "|", "\uff1d"), cell[:40]
        for active in TERMINAL_ACTIVE:
            assert active not in cell
