"""Helpers for the broadcast tests: people by email, and a broadcast sent as the IG officer would send it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage import directory
from storage.engine import session_scope
from workflows.broadcasts import compose, send
from workflows.broadcasts.compose import Draft

IG_OFFICER = "harriet.osei@example.org"


def staff_id(engine: Engine, email: str) -> int:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=email)
        assert member is not None and member.id is not None
        return member.id


def link_slack(engine: Engine, email: str, slack_user_id: str) -> None:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=email)
        assert member is not None
        directory.link_platform_id(session=session, member=member, slack_user_id=slack_user_id)


def sent_broadcast(engine: Engine, profile: Profile, now: dt.datetime, *, audience: dict[str, Any],
                   title: str = "Check the recipient before you press send",
                   body: str = "Two emails went to the wrong person last month. **Check the address.**",
                   ack_by: dt.date | None = dt.date(2026, 12, 4)) -> int:
    """A broadcast created by the IG officer and fanned out at `now`; its id."""
    with session_scope(engine) as session:
        sender = directory.get_by_email(session=session, email=IG_OFFICER)
        assert sender is not None
        draft = Draft(title=title, body=body, audience=audience, ack_by=ack_by)
        broadcast = compose.create(draft, session=session, sender=sender, now=now)
        assert broadcast.id is not None
        send.send_due(session=session, profile=profile, calendar=WorkingCalendar(profile), now=now)
        return broadcast.id


def igbot(tmp_path: Path, *arguments: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """`igbot ARGUMENTS` as a real process, with its home under `tmp_path` and `extra` in its environment."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("IGBOT_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-m", "bot.app.cli", *arguments], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1], env={**env, "IGBOT_HOME": str(tmp_path / "home"), **extra},
                          timeout=120)
