"""Sending the day's nudges: the plan turned into outbox messages, queued once whatever runs it again.

Each person's message has the dedup key `nudge:<staff id>:<day>`, so a second run on the same
day (another replica, a restart, a catch-up) queues nothing more; the nudge counts are only
moved on for a message this run queued. Everything waits for working time in the outbox.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session

from bot.core import outbox
from bot.core.chat import Choice, ChoiceStyle, Reply
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage import directory, nudges
from storage.nudges import TRAINING, record_item
from storage.training import TrainingState
from workflows.nudges import wording
from workflows.nudges.plan import Due, Escalation, NudgePlan, plan

log = logging.getLogger(__name__)

ACTION = "nudge"
SHOWN_RECORDS = 10
RECORD_BUTTONS = 3


@dataclass(frozen=True)
class NudgeRun:
    nudged: int = 0
    managers_told: int = 0
    forgotten: int = 0


def send_nudges(*, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime) -> NudgeRun:
    """Queue today's nudges and manager notes; forget the items nobody needs any more."""
    planned = plan(session=session, profile=profile, calendar=calendar, now=now)
    not_before = calendar.next_working_time(now)
    keys = {nudge.staff_id: f"nudge:{nudge.staff_id}:{planned.today.isoformat()}" for nudge in planned.nudges}
    queued = outbox.queue_many(session=session, now=now, not_before=not_before, messages=[
        (keys[nudge.staff_id], nudge.staff_id, [nudge_reply(nudge.due, profile=profile, calendar=calendar)])
        for nudge in planned.nudges])
    for nudge in planned.nudges:
        if keys[nudge.staff_id] in queued:  # counted only for the messages this run queued
            _count_sent(planned, nudge.staff_id, nudge.due.items(), now)
    nudged = len(queued)
    told = _tell_managers(session, planned, profile, calendar, now, not_before)
    nudges.forget(session=session, ids=planned.resolved)
    session.flush()
    log.info("nudges queued=%d managers_told=%d forgotten=%d held=%d", nudged, told, len(planned.resolved),
             sum(planned.held.values()))
    return NudgeRun(nudged=nudged, managers_told=told, forgotten=len(planned.resolved))


def _count_sent(planned: NudgePlan, staff_id: int, items: list[str], now: dt.datetime) -> None:
    for item in items:
        state = planned.states.get((staff_id, item)) or nudges.NudgeState(staff_id=staff_id, item=item)
        state.nudges_sent += 1
        state.first_sent_at = state.first_sent_at or now
        state.last_sent_at = now
        state.snoozed_until = None
        planned.states[(staff_id, item)] = state


def _tell_managers(session: Session, planned: NudgePlan, profile: Profile, calendar: WorkingCalendar,
                   now: dt.datetime, not_before: dt.datetime) -> int:
    by_manager: dict[int | None, list[Escalation]] = defaultdict(list)
    for escalation in planned.escalations:
        by_manager[_reachable_manager(session, escalation.manager_id)].append(escalation)
    told = 0
    day = planned.today.isoformat()
    for manager_id, escalations in by_manager.items():
        reply = manager_reply(session, escalations, profile=profile, to_manager=manager_id is not None)
        queued = (outbox.queue(session=session, dedup_key=f"nudge-manager:{manager_id}:{day}", replies=[reply],
                               now=now, staff_id=manager_id, not_before=not_before) if manager_id is not None else
                  outbox.queue(session=session, dedup_key=f"nudge-manager:ig-team:{day}", replies=[reply], now=now,
                               to_ig_team=True, not_before=not_before))
        if not queued:
            continue
        told += 1
        for escalation in escalations:
            for item in escalation.due.items():
                state = planned.states.get((escalation.staff_id, item))
                if state is not None:
                    state.manager_told_at = now
    for state in planned.states.values():
        session.add(state)
    return told


def _reachable_manager(session: Session, manager_id: int | None) -> int | None:
    manager = directory.get(session=session, staff_id=manager_id) if manager_id is not None else None
    return manager_id if manager is not None and manager.active else None


def nudge_reply(due: Due, *, profile: Profile, calendar: WorkingCalendar) -> Reply:
    """One person's nudge: their training, their late records by ID, and buttons to say done or ask for tomorrow."""
    parts: list[str] = []
    choices: list[Choice] = []
    if due.training is not None:
        parts.append(training_line(due, profile=profile))
        choices.append(Choice(wording.DONE_TRAINING, f"{ACTION}:done:{TRAINING}", ChoiceStyle.PRIMARY))
    if due.records:
        count = len(due.records)
        lines = [wording.RECORDS_LATE.format(count=_records(count), hours=profile.records.write_up_hours)]
        lines += [wording.RECORD_LINE.format(record_id=late.record_id, contacted=_when(late.contacted_at, calendar))
                  for late in due.records[:SHOWN_RECORDS]]
        if count > SHOWN_RECORDS:
            lines.append(wording.MORE_RECORDS.format(count=count - SHOWN_RECORDS))
        parts.append("\n".join(lines))
        if count <= RECORD_BUTTONS:
            choices += [Choice(wording.DONE_RECORD.format(record_id=late.record_id),
                               f"{ACTION}:done:{record_item(late.record_id)}") for late in due.records]
        else:
            choices.append(Choice(wording.DONE_ALL_RECORDS, f"{ACTION}:done:all-records"))
    choices.append(Choice(wording.REMIND_TOMORROW, f"{ACTION}:tomorrow"))
    parts.append(wording.NUDGE_FOOTER)
    return Reply(title=wording.NUDGE_TITLE, text="\n\n".join(parts), choices=tuple(choices))


def training_line(due: Due, *, profile: Profile) -> str:
    status = due.training
    assert status is not None
    link = profile.training.link
    values = {"course": status.course, "where": wording.TRAINING_WHERE.format(link=link) if link else "",
              "valid_until": _day(status.valid_until)}
    if status.state is TrainingState.NEVER:
        return wording.TRAINING_NEVER.format(**values)
    if status.state is TrainingState.OVERDUE:
        return wording.TRAINING_OVERDUE.format(**values)
    return wording.TRAINING_DUE_SOON.format(**values)


def manager_reply(session: Session, escalations: list[Escalation], *, profile: Profile, to_manager: bool) -> Reply:
    intro = wording.MANAGER_INTRO if to_manager else wording.IG_TEAM_INTRO
    lines = [intro.format(at_most=profile.nudges.at_most)]
    for escalation in escalations:
        person = directory.get(session=session, staff_id=escalation.staff_id)
        name = person.name if person is not None else f"staff {escalation.staff_id}"
        lines.append(wording.MANAGER_LINE.format(name=name, what=what_is_due(escalation.due)))
    return Reply(title=wording.MANAGER_TITLE, text="\n".join(lines))


def what_is_due(due: Due) -> str:
    parts = []
    if due.training is not None:
        state = {TrainingState.NEVER: "never completed", TrainingState.DUE_SOON: f"due by {_day(due.training.valid_until)}",
                 TrainingState.OVERDUE: f"overdue since {_day(due.training.valid_until)}"}.get(due.training.state, "")
        parts.append(wording.WHAT_TRAINING.format(course=due.training.course, state=state))
    if due.records:
        ids = ", ".join(late.record_id for late in due.records[:SHOWN_RECORDS])
        more = f" and {len(due.records) - SHOWN_RECORDS} more" if len(due.records) > SHOWN_RECORDS else ""
        parts.append(wording.WHAT_RECORDS.format(count=_records(len(due.records)), ids=ids + more))
    return "; ".join(parts)


def _records(count: int) -> str:
    return "1 record" if count == 1 else f"{count} records"


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _when(at: dt.datetime, calendar: WorkingCalendar) -> str:
    local = calendar.local(at)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"
