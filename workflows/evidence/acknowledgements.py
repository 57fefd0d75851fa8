"""Acknowledgement of lessons learnt and policy updates sent as broadcasts (DSPT 5.1.1).

Every broadcast sent in the period, with how many of the people it went to had acknowledged it by
the end of the as-of date (an acknowledgement after it does not count), and by the day it asked for.
As in the broadcasts' own report (storage/broadcasts.py), someone who left without acknowledging
drops out of the count, since they can no longer read it; here, those who had left by the as-of date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, or_
from sqlmodel import Session, col, func, select

from storage.broadcasts import Broadcast, BroadcastRecipient, BroadcastStatus
from storage.employment import Employment
from storage.models import StaffMember
from workflows.broadcasts.audience import written
from workflows.evidence.model import Figure, Period, Section, Table, percent, yes_no
from workflows.evidence.people import in_post

GONE_OUT = (BroadcastStatus.SENT, BroadcastStatus.SENDING)
COUNTED = ("the people each broadcast went to, less those who had left by the as-of date without acknowledging it, "
           "counted once per broadcast")


@dataclass(frozen=True)
class Acknowledged:
    broadcast: Broadcast
    recipients: int
    acknowledged: int  # by the end of the as-of date
    on_time: int | None  # by the end of the day it asked for, when it asked for one


def acknowledgements(*, session: Session, period: Period) -> Section:
    found = [_count(session, broadcast, period) for broadcast in _sent_in(session, period)]
    asked = [item for item in found if item.broadcast.ack_required]
    recipients = sum(item.recipients for item in asked)
    acknowledged = sum(item.acknowledged for item in asked)
    dated = [item for item in asked if item.on_time is not None]
    on_time = sum(item.on_time or 0 for item in dated)
    during = period.describe()
    figures = [
        Figure("Broadcasts sent", f"{len(found):,}", "lessons learnt and policy updates sent to staff by igbot", during),
        Figure("Asking for acknowledgement", f"{len(asked):,}", "broadcasts that asked each recipient to acknowledge "
               "that they had read them", during),
        Figure("Staff asked", f"{recipients:,}", f"recipients of those broadcasts: {COUNTED}", during),
        Figure("Acknowledged", f"{acknowledged:,} ({percent(acknowledged, recipients)})",
               "of the staff asked, those who acknowledged by the end of the as-of date", during),
        Figure("Acknowledged by the day asked", f"{on_time:,} of {sum(item.recipients for item in dated):,}",
               "for broadcasts that set a day to acknowledge by: those who did so by the end of that day", during),
    ]
    return Section(
        key="acknowledgements", title="Acknowledgement of lessons learnt and policy updates", evidence=("5.1.1",),
        summary="Lessons learnt and policy updates sent to staff as broadcasts, and how many staff acknowledged them.",
        figures=figures,
        table=Table(caption=f"Broadcasts sent from {during}, oldest first",
                    columns=("sent_at", "title", "incident_reference", "audience", "acknowledgement_asked", "ack_by",
                             "recipients", "acknowledged", "percent_acknowledged", "acknowledged_by_ack_by"),
                    headings=("Sent", "Title", "Incident", "Audience", "Acknowledgement asked", "Acknowledge by",
                              "Recipients", "Acknowledged by the as-of date", "Acknowledged (%)",
                              "Acknowledged by the day asked"),
                    rows=[_row(item) for item in found]),
        notes=[] if found else [f"No broadcasts were sent from {during}."],
    )


def _sent_in(session: Session, period: Period) -> Sequence[Broadcast]:
    sent_at = func.coalesce(col(Broadcast.sent_at), col(Broadcast.send_at))  # still sending: not yet stamped
    statement = (select(Broadcast)
                 .where(col(Broadcast.status).in_(GONE_OUT), sent_at >= period.start, sent_at < period.end)
                 .order_by(sent_at, col(Broadcast.id)))
    return session.exec(statement).all()


def _count(session: Session, broadcast: Broadcast, period: Period) -> Acknowledged:
    """One query per broadcast (a year has tens of them), each over that broadcast's recipients only."""
    acknowledged_at = col(BroadcastRecipient.acknowledged_at)
    by_end = acknowledged_at < period.end
    deadline = _end_of(broadcast.ack_by, period) if broadcast.ack_by is not None else None
    on_time = acknowledged_at < deadline if deadline is not None else by_end
    statement = (select(func.count(), func.sum(case((by_end, 1), else_=0)), func.sum(case((on_time, 1), else_=0)))
                 .select_from(BroadcastRecipient)
                 .join(StaffMember, col(StaffMember.id) == col(BroadcastRecipient.staff_id))
                 .outerjoin(Employment, col(Employment.staff_id) == col(StaffMember.id))
                 .where(col(BroadcastRecipient.broadcast_id) == broadcast.id, or_(in_post(period), by_end)))
    recipients, acknowledged, in_time = session.exec(statement).one()
    return Acknowledged(broadcast, int(recipients), int(acknowledged or 0),
                        int(in_time or 0) if deadline is not None else None)


def _end_of(day: dt.date, period: Period) -> dt.datetime:
    """The end of `day` where the organisation is, but never after the as-of date's."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=period.zone).astimezone(dt.UTC)
    return min(midnight, period.end)


def _row(item: Acknowledged) -> tuple[object, ...]:
    broadcast = item.broadcast
    sent_at = broadcast.sent_at or broadcast.send_at
    asked = broadcast.ack_required
    return (sent_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), broadcast.title,
            broadcast.incident_reference or "", written(broadcast.audience), yes_no(asked),
            broadcast.ack_by.isoformat() if broadcast.ack_by else "", item.recipients,
            item.acknowledged if asked else "", percent(item.acknowledged, item.recipients) if asked else "",
            item.on_time if asked and item.on_time is not None else "")
