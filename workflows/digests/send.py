"""Queueing the weekly digests: one to each manager with a team, one to each IG officer (or the IG team)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel import Session

from bot.core import outbox
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage import directory
from storage.models import Role
from workflows.digests.compose import Organisation, ig_digest, manager_digest

log = logging.getLogger(__name__)


def send_digests(*, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime) -> int:
    """Queue this week's digests, each once whatever runs it again; how many were queued."""
    organisation = Organisation.read(session=session, profile=profile, calendar=calendar, now=now)
    not_before = calendar.next_working_time(now)
    day = organisation.today.isoformat()
    queued = 0
    active = {person.staff_id for person in organisation.people}
    for manager_id, team in organisation.reports.items():
        if manager_id not in active:
            continue
        reply = manager_digest(team, profile=profile, today=organisation.today)
        queued += outbox.queue(session=session, dedup_key=f"digest:manager:{manager_id}:{day}", replies=[reply],
                               now=now, staff_id=manager_id, not_before=not_before)
    reply = ig_digest(organisation, session=session, profile=profile, now=now)
    officers = directory.get_with_role(session=session, role=Role.IG_OFFICER)
    for officer in officers:
        queued += outbox.queue(session=session, dedup_key=f"digest:ig:{officer.id}:{day}", replies=[reply], now=now,
                               staff_id=officer.id, not_before=not_before)
    if not officers:
        queued += outbox.queue(session=session, dedup_key=f"digest:ig-team:{day}", replies=[reply], now=now,
                               to_ig_team=True, not_before=not_before)
    log.info("digests queued=%d", queued)
    return queued
