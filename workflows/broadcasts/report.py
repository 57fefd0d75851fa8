"""Who has read a broadcast: the figures overall and by team, who is outstanding, and the dated CSV for the DSPT.

The IG team see everyone; a manager sees only their own reporting line (however deep).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Collection
from typing import TextIO

from sqlmodel import Session

from bot.core.chat import Choice, Reply
from bot.core.errors import CommandError
from bot.core.neutralise import for_csv
from bot.core.profile import Profile
from storage import broadcasts
from storage.broadcasts import Broadcast, BroadcastStatus
from storage.models import Role, StaffMember
from workflows.broadcasts import audience, render, wording
from workflows.broadcasts.compose import people

SHOWN = 30
CSV_COLUMNS = ("report_date", "broadcast_id", "title", "sent_at", "ack_by", "name", "email", "team", "channel",
               "status", "acknowledged_at", "acknowledged_on")


def scope_for(*, session: Session, viewer: StaffMember) -> Collection[int] | None:
    """Whose figures this person may see: None for everyone (the IG team), their reporting line for a manager."""
    if viewer.is_ig:
        return None
    if viewer.has_role(Role.MANAGER) and viewer.id is not None:
        return audience.line_of(session=session, manager_id=viewer.id) - {viewer.id}
    raise CommandError(wording.NOT_ALLOWED_STATUS)


def rate(acknowledged: int, recipients: int) -> str:
    return f"{acknowledged / recipients:.0%}" if recipients else "0%"


def status(broadcast: Broadcast, *, session: Session, profile: Profile, among: Collection[int] | None) -> Reply:
    """The chat answer to `broadcast status ID`."""
    assert broadcast.id is not None
    title = wording.STATUS_TITLE.format(broadcast_id=broadcast.id, title=broadcast.title)
    if broadcast.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.CANCELLED):
        when = render.moment(broadcast.send_at, profile)
        return Reply(title=title, text=wording.STATUS_NOT_SENT.format(status=broadcast.status.value, when=when))
    teams = broadcasts.acknowledgement_by_team(session=session, broadcast_id=broadcast.id, among=among)
    total = sum(team.recipients for team in teams)
    done = sum(team.acknowledged for team in teams)
    if not broadcast.ack_required:
        return Reply(title=title, text=wording.STATUS_NO_ACK.format(recipients=people(total)))
    lines = [wording.STATUS_SUMMARY.format(acknowledged=f"{done:,}", recipients=people(total), rate=rate(done, total))]
    if among is not None:
        lines.append(wording.STATUS_YOUR_LINE)
    lines += [wording.STATUS_TEAM.format(team=team.team or "(no team)", acknowledged=f"{team.acknowledged:,}",
                                         recipients=f"{team.recipients:,}", rate=rate(team.acknowledged, team.recipients))
              for team in teams]
    waiting = total - done
    if waiting:
        shown = broadcasts.outstanding(session=session, broadcast_id=broadcast.id, among=among, limit=SHOWN)
        lines.append("\n" + wording.STATUS_OUTSTANDING.format(count=f"{waiting:,}"))
        lines += [wording.STATUS_PERSON.format(name=member.name, team=recipient.team or "no team",
                                               unreachable="" if recipient.channel else wording.STATUS_UNREACHABLE)
                  for recipient, member in shown]
        if waiting > len(shown):
            lines.append(wording.STATUS_MORE.format(count=f"{waiting - len(shown):,}", broadcast_id=broadcast.id))
    else:
        lines.append("\n" + wording.STATUS_NOBODY)
    choices = (Choice(wording.REMIND_BUTTON, f"broadcast:remind:{broadcast.id}"),) if waiting and among is None else ()
    return Reply(title=title, text="\n".join(lines), choices=choices)


def write_csv(broadcast: Broadcast, *, session: Session, among: Collection[int] | None, out: TextIO,
              today: dt.date) -> int:
    """Every counted recipient, one row each, dated, with every cell safe to open in a spreadsheet; rows written."""
    assert broadcast.id is not None
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    common = [today.isoformat(), str(broadcast.id), for_csv(broadcast.title),
              broadcast.sent_at.isoformat() if broadcast.sent_at else "",
              broadcast.ack_by.isoformat() if broadcast.ack_by else ""]
    rows = broadcasts.report_rows(session=session, broadcast_id=broadcast.id, among=among)
    teams: dict[str, str] = {}  # a few hundred teams among 100,000 rows: each made safe once
    writer.writerows([*common, for_csv(name), for_csv(email), teams.get(team) or teams.setdefault(team, for_csv(team)),
                      channel or "none", _state(acknowledged_at, channel),
                      acknowledged_at.isoformat() if acknowledged_at else "", acknowledged_on or ""]
                     for name, email, team, channel, acknowledged_at, acknowledged_on in rows)
    return len(rows)


def _state(acknowledged_at: dt.datetime | None, channel: str) -> str:
    return "acknowledged" if acknowledged_at else "outstanding" if channel else "unreachable"
