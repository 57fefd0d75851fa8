"""Planning the day's nudges: who is told what, and why, at a given moment, without sending anything.

For each active member of staff who is neither away nor a leaver, the items that need them
(training due soon, overdue or never done; records late for write-up) are weighed against
what was sent before: the first nudge at once, then one every `nudges.every_working_days`
working days, at most `nudges.at_most`; after the last one has had its time, the manager is
told, once. An item the person said they had done waits for the next import; one they asked
to be reminded about tomorrow waits until then. Every person gets at most one nudge a day,
with everything that is due in it. Nothing is planned outside working time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage import directory, employment, nudges, records, training
from storage.nudges import TRAINING, NudgeState, record_item
from storage.training import TrainingStatus
from workflows.nudges.rules import NEEDS_A_NUDGE, LateRecord, earliest_late_contact, late_record, training_status


@dataclass(frozen=True)
class Due:
    """What needs one person now: their training (when it does) and their late records."""

    training: TrainingStatus | None = None
    records: tuple[LateRecord, ...] = ()

    def items(self) -> list[str]:
        return ([TRAINING] if self.training else []) + [record_item(late.record_id) for late in self.records]

    def only(self, items: set[str]) -> Due:
        return Due(self.training if TRAINING in items else None,
                   tuple(late for late in self.records if record_item(late.record_id) in items))


@dataclass(frozen=True)
class Nudge:
    """One person's message for the day, with why each item is in it."""

    staff_id: int
    due: Due
    reasons: dict[str, str]


@dataclass(frozen=True)
class Escalation:
    """A person nudged the most times allowed about these items: their manager is told (the IG team if none)."""

    staff_id: int
    manager_id: int | None
    due: Due
    nudges_sent: int


@dataclass
class NudgePlan:
    at: dt.datetime
    today: dt.date
    working_time: bool
    nudges: list[Nudge] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    held: Counter[str] = field(default_factory=Counter)  # items not sent now, by reason
    states: dict[tuple[int, str], NudgeState] = field(default_factory=dict)
    resolved: list[int] = field(default_factory=list)  # states of items nobody needs any more


def plan(*, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime) -> NudgePlan:
    today = calendar.local(now).date()
    result = NudgePlan(at=now, today=today, working_time=calendar.is_working_time(now))
    result.states = {(state.staff_id, state.item): state for state in nudges.get_all(session=session)}
    staff = directory.active_managers(session=session)
    away = employment.away_on(session=session, today=today)
    owed = _owed(session=session, profile=profile, calendar=calendar, now=now, staff=staff, away=away)
    needed = {(staff_id, item) for staff_id, due in owed.items() for item in due.items()}
    result.resolved = [state.id for key, state in result.states.items() if key not in needed and state.id is not None]
    if not result.working_time:
        result.held["outside working time"] += len(needed)
        return result
    for staff_id, due in owed.items():
        _weigh(result, profile, calendar, staff_id, staff.get(staff_id), due)
    return result


def _owed(*, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime,
          staff: dict[int, int | None], away: set[int]) -> dict[int, Due]:
    """Everything due for everyone who can be asked today, by staff id."""
    today = calendar.local(now).date()
    latest = training.latest_completions(session=session, course=profile.training.name)
    late = late_by_worker(session=session, profile=profile, calendar=calendar, now=now)
    owed = {}
    for staff_id in staff:
        if staff_id in away:
            continue
        status = training_status(latest.get(staff_id), profile=profile, today=today)
        due = Due(status if status.state in NEEDS_A_NUDGE else None, tuple(late.get(staff_id, ())))
        if due.training or due.records:
            owed[staff_id] = due
    return owed


def late_by_worker(*, session: Session, profile: Profile, calendar: WorkingCalendar,
                   now: dt.datetime) -> dict[int, list[LateRecord]]:
    """Every late record, by the worker who owes the write-up, oldest first."""
    late: dict[int, list[LateRecord]] = defaultdict(list)
    for record_id, worker_id, contacted_at in records.unwritten_by(
            session=session, by=earliest_late_contact(profile=profile, now=now)):
        found = late_record(record_id, contacted_at, None, profile=profile, calendar=calendar, now=now)
        if found is not None:
            late[worker_id].append(found)
    return late


def _weigh(result: NudgePlan, profile: Profile, calendar: WorkingCalendar, staff_id: int, manager_id: int | None,
           due: Due) -> None:
    """Sort one person's items into today's nudge, an escalation, or held (with the reason)."""
    rules = profile.nudges
    send: dict[str, str] = {}
    escalate: set[str] = set()
    most_sent = 0
    for item in due.items():
        state = result.states.get((staff_id, item))
        verdict = _verdict(state, rules.every_working_days, rules.at_most, calendar, result.at, result.today)
        if verdict == "escalate":
            escalate.add(item)
            most_sent = max(most_sent, state.nudges_sent if state else 0)
        elif verdict.startswith("send:"):
            send[item] = verdict.removeprefix("send:")
        else:
            result.held[verdict] += 1
    if send:
        result.nudges.append(Nudge(staff_id, due.only(set(send)), send))
    if escalate:
        result.escalations.append(Escalation(staff_id, manager_id, due.only(escalate), most_sent))


def _verdict(state: NudgeState | None, every: int, at_most: int, calendar: WorkingCalendar, now: dt.datetime,
             today: dt.date) -> str:
    """"send:<why>", "escalate", or the reason the item waits."""
    if state is not None and state.said_done_at is not None:
        return "said done, waiting for the next import"
    if state is None or state.nudges_sent == 0:
        return "send:first reminder"
    last = calendar.local(state.last_sent_at).date() if state.last_sent_at else today
    if last >= today:
        return "already reminded today"
    if state.snoozed_until is not None and now < state.snoozed_until:
        return "asked to be reminded later"
    waited = calendar.working_days_between(last, today) >= every
    if state.nudges_sent >= at_most:
        if state.manager_told_at is not None:
            return "manager already told"
        return "escalate" if waited else "waiting before telling the manager"
    if state.snoozed_until is not None:
        return f"send:reminder {state.nudges_sent + 1} of {at_most}, asked for"
    if waited:
        return f"send:reminder {state.nudges_sent + 1} of {at_most}"
    return "waiting for the next reminder day"
