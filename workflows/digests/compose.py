"""The weekly digests, worked out once for the whole organisation and rendered as channel-neutral replies.

To each manager: their team's completion against the target, who is overdue and since when, late
records by worker (IDs only), and anyone igbot cannot reach on Slack or Teams. To the IG officer:
the organisation's completion against the target, its trend over the last 12 weeks, the teams
furthest behind, the unreachable, and the messages igbot gave up delivering.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.core.chat import Reply
from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage import employment, outbox, reachability, training
from storage.models import StaffMember
from storage.training import TrainingState, TrainingStatus, add_months
from workflows.digests import wording
from workflows.nudges.plan import late_by_worker
from workflows.nudges.rules import LateRecord, training_status

TREND_WEEKS = 12
TEAMS_SHOWN = 5
MOST_NAMES = 25
TRAINED = frozenset({TrainingState.CURRENT, TrainingState.DUE_SOON})


@dataclass(frozen=True)
class Person:
    staff_id: int
    name: str
    team: str
    manager_id: int | None
    training: TrainingStatus
    late: tuple[LateRecord, ...]
    reachable: bool

    @property
    def trained(self) -> bool:
        return self.training.state in TRAINED


@dataclass
class Organisation:
    """Everyone active, with where they stand, read in a few queries."""

    today: dt.date
    people: list[Person]
    reports: dict[int, list[Person]] = field(default_factory=dict)

    @classmethod
    def read(cls, *, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime) -> Organisation:
        today = calendar.local(now).date()
        latest = training.latest_completions(session=session, course=profile.training.name)
        late = late_by_worker(session=session, profile=profile, calendar=calendar, now=now)
        unreachable = reachability.unreachable(session=session)
        left = employment.away_on(session=session, today=today) - employment.on_leave(session=session, today=today)
        rows = session.exec(select(StaffMember.id, StaffMember.name, StaffMember.team, StaffMember.manager_id)
                            .where(StaffMember.active)).all()
        people = [Person(staff_id, name, team, manager_id,
                         training_status(latest.get(staff_id), profile=profile, today=today),
                         tuple(late.get(staff_id, ())), staff_id not in unreachable)
                  for staff_id, name, team, manager_id in rows if staff_id is not None and staff_id not in left]
        reports: dict[int, list[Person]] = defaultdict(list)
        for person in people:
            if person.manager_id is not None:
                reports[person.manager_id].append(person)
        return cls(today=today, people=people, reports=dict(reports))


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 100


def manager_digest(team: list[Person], *, profile: Profile, today: dt.date) -> Reply:
    trained = sum(person.trained for person in team)
    target = profile.training.target_percent
    share = percent(trained, len(team))
    lines = [wording.TEAM_COMPLETION.format(trained=trained, total=len(team), percent=share, target=target,
                                            verdict=wording.MET if share >= target else wording.BELOW)]
    overdue = sorted((p for p in team if not p.trained), key=lambda p: p.training.valid_until or dt.date.min)
    if overdue:
        lines.append(wording.OVERDUE_HEADING)
        lines += _capped([wording.PERSON_LINE.format(name=p.name, what=_training_words(p.training)) for p in overdue])
    late = [p for p in team if p.late]
    if late:
        lines.append(wording.LATE_HEADING.format(hours=profile.records.write_up_hours))
        lines += _capped([wording.PERSON_LINE.format(name=p.name, what=_records_words(p.late)) for p in late])
    unreachable = [p.name for p in team if not p.reachable]
    if unreachable:
        lines.append(wording.UNREACHABLE_HEADING)
        lines += _capped([f"- {name}" for name in unreachable])
    if not overdue and not late:
        lines.append(wording.ALL_CLEAR)
    return Reply(title=wording.MANAGER_TITLE.format(day=_day(today)), text="\n".join(lines))


def ig_digest(organisation: Organisation, *, session: Session, profile: Profile, now: dt.datetime) -> Reply:
    people = organisation.people
    target = profile.training.target_percent
    share = percent(sum(p.trained for p in people), len(people))
    lines = [wording.ORG_COMPLETION.format(trained=sum(p.trained for p in people), total=len(people), percent=share,
                                           target=target, verdict=wording.MET if share >= target else wording.BELOW)]
    lines.append(wording.TREND.format(weeks=TREND_WEEKS, trend=" → ".join(
        f"{value}%" for value in trend(session=session, profile=profile, organisation=organisation))))
    teams: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        teams[person.team or wording.NO_TEAM].append(person)
    behind = sorted(teams.items(), key=lambda item: (percent(sum(p.trained for p in item[1]), len(item[1])), item[0]))
    lines.append(wording.TEAMS_HEADING)
    lines += [wording.TEAM_LINE.format(team=name, percent=percent(sum(p.trained for p in members), len(members)),
                                       trained=sum(p.trained for p in members), total=len(members))
              for name, members in behind[:TEAMS_SHOWN]]
    late = sum(len(p.late) for p in people)
    unreachable = sum(not p.reachable for p in people)
    dead = outbox.count_failed_since(session=session, since=now - dt.timedelta(days=7))
    lines.append(wording.ORG_FOOTER.format(late=late, unreachable=unreachable, dead=dead))
    return Reply(title=wording.IG_TITLE.format(day=_day(organisation.today)), text="\n".join(lines))


def trend(*, session: Session, profile: Profile, organisation: Organisation) -> list[int]:
    """Completion at the end of each of the last 12 weeks, oldest first, among today's staff."""
    everyone = {person.staff_id for person in organisation.people}
    values = []
    for weeks_ago in range(TREND_WEEKS - 1, -1, -1):
        day = organisation.today - dt.timedelta(weeks=weeks_ago)
        trained = training.trained_between(session=session, course=profile.training.name,
                                           after=add_months(day, -profile.training.validity_months), until=day)
        values.append(percent(len(trained & everyone), len(everyone)))
    return values


def _training_words(status: TrainingStatus) -> str:
    if status.state is TrainingState.NEVER:
        return wording.NEVER
    return wording.OVERDUE_SINCE.format(day=_day(status.valid_until))


def _records_words(late: tuple[LateRecord, ...]) -> str:
    ids = ", ".join(record.record_id for record in late[:5]) + (f" and {len(late) - 5} more" if len(late) > 5 else "")
    return wording.RECORDS.format(count=len(late), plural="" if len(late) == 1 else "s", ids=ids)


def _capped(lines: list[str]) -> list[str]:
    return lines[:MOST_NAMES] + ([wording.AND_MORE.format(count=len(lines) - MOST_NAMES)]
                                 if len(lines) > MOST_NAMES else [])


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""
