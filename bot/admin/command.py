""""dashboard" in any channel (and `/ig dashboard`): a one-time link to the dashboard, for the person who asked.

The link signs its holder in, so it is never posted where others can see it: asked in a channel or
a group chat, it goes to the person in a direct message through the outbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.admin import links, wording
from bot.core import outbox
from bot.core.chat import Reply
from bot.core.conversation import Conversation
from bot.core.schedule import in_session
from bot.core.settings import Settings
from bot.core.turn import Step, Turn
from storage import admin_access
from storage.models import IG_ROLES, Role

NAME = "dashboard"
PURGE_JOB = "dashboard-sign-in-purge"
KEPT_FOR = dt.timedelta(days=1)  # used or expired links and ended sessions: gone a day later
TRIGGERS = frozenset({"dashboard", "the dashboard", "dashboard link", "open the dashboard", "open dashboard",
                      "ig dashboard"})
WHO = "the IG team and line managers"


class DashboardCommand:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def matches(self, text: str) -> bool:
        return " ".join(text.lower().strip(" .!?").split()) in TRIGGERS

    def __call__(self, turn: Turn) -> Step:
        person = turn.require_person()
        assert person.id is not None, "a stored staff member always has an id"
        public_url, secret_key = self.settings.public_url, self.settings.secret_key
        if not public_url or not secret_key:
            return Step([Reply(text=wording.NOT_SET_UP)])
        token = links.issue(session=turn.session, secret_key=secret_key, staff_id=person.id, now=turn.now)
        link = Reply(title=wording.LINK_TITLE, text=wording.LINK.format(url=links.url_for(public_url, token)))
        if not turn.message.shared:
            return Step([link])
        outbox.queue(session=turn.session, now=turn.now, dedup_key=f"dashboard-link:{token.rsplit('.', 2)[1]}",
                     staff_id=person.id, replies=[link])
        return Step([Reply(text=wording.LINK_SENT_PRIVATELY)])

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return self(turn)


def install(conversation: Conversation, settings: Settings) -> None:
    conversation.add_command(NAME, DashboardCommand(settings), roles=IG_ROLES | {Role.MANAGER}, who=WHO,
                             help_line=wording.HELP_LINE)
    conversation.schedule.at(PURGE_JOB, "40 2 * * *", in_session(
        conversation.engine, lambda session, now: admin_access.purge(session=session, before=now - KEPT_FOR),
    ), working_days_only=False)
