"""The overview's figures, counted in the database for a whole organisation or one manager's reporting line.

Training "trained" means what the nudges and digests mean by it (workflows/nudges/rules.py): the
latest completion of the profile's course is still valid (current or due soon). The count runs
in SQL, with the same rule turned into a date: a completion counts when it is later than the
last day whose validity would already have run out.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, or_
from sqlmodel import Session, col, select

from bot.core.profile import Profile
from bot.core.working_time import WorkingCalendar
from storage.curation import GAP_SIGNALS, CurationItem, Resolution
from storage.employment import Employment
from storage.models import StaffMember
from storage.records import ContactRecord
from storage.training import TrainingRecord, add_months
from workflows.nudges.plan import late_by_worker
from workflows.nudges.rules import earliest_late_contact

TREND_MONTHS = 12
NO_TEAM = "No team"
T = TypeVar("T")


@dataclass(frozen=True)
class TeamTraining:
    team: str
    staff: int
    trained: int

    @property
    def percent(self) -> int:
        return round(100 * self.trained / self.staff) if self.staff else 100


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    percent: int


@dataclass(frozen=True)
class TeamLate:
    team: str
    late: int


def last_lapsed_day(today: dt.date, validity_months: int) -> dt.date:
    """The latest completion date whose validity has run out by `today`; completions after it still count."""
    day = add_months(today, -validity_months) + dt.timedelta(days=4)
    while add_months(day, validity_months) > today:
        day -= dt.timedelta(days=1)
    return day


def _counted(today: dt.date, scope: Select[tuple[int]] | None) -> list[ColumnElement[bool]]:
    """Who counts: active staff who have not left (people on leave still count), within the scope."""
    conditions: list[ColumnElement[bool]] = [
        col(StaffMember.active).is_(True),
        or_(col(Employment.left_on).is_(None), col(Employment.left_on) > today)]
    if scope is not None:
        conditions.append(col(StaffMember.id).in_(scope))
    return conditions


def training_by_team(*, session: Session, profile: Profile, today: dt.date,
                     scope: Select[tuple[int]] | None) -> list[TeamTraining]:
    """Each team's staff and how many are trained, lowest completion first."""
    after = last_lapsed_day(today, profile.training.validity_months)
    trained = (select(TrainingRecord.staff_id).distinct()
               .where(TrainingRecord.course == profile.training.name, col(TrainingRecord.completed_on) > after,
                      col(TrainingRecord.completed_on) <= today).subquery())
    statement = (select(StaffMember.team, func.count(), func.count(trained.c.staff_id))
                 .select_from(StaffMember)
                 .outerjoin(Employment, col(Employment.staff_id) == col(StaffMember.id))
                 .outerjoin(trained, trained.c.staff_id == col(StaffMember.id))
                 .where(*_counted(today, scope)).group_by(col(StaffMember.team)))
    teams = [TeamTraining(team or NO_TEAM, staff, done) for team, staff, done in session.exec(statement)]
    return sorted(teams, key=lambda team: (team.percent, team.team))


def trend(*, session: Session, profile: Profile, today: dt.date,
          scope: Select[tuple[int]] | None) -> list[TrendPoint]:
    """Completion at the end of each of the last 12 months (today for this month), among today's staff, oldest first."""
    days = [_month_end(add_months(today, -ago), today) for ago in range(TREND_MONTHS - 1, -1, -1)]
    lapsed = [last_lapsed_day(day, profile.training.validity_months) for day in days]
    people = (select(StaffMember.id).select_from(StaffMember)
              .outerjoin(Employment, col(Employment.staff_id) == col(StaffMember.id))
              .where(*_counted(today, scope)).subquery())
    counts = [func.count(distinct(case((and_(col(TrainingRecord.completed_on) > after,
                                             col(TrainingRecord.completed_on) <= day), TrainingRecord.staff_id))))
              for day, after in zip(days, lapsed)]
    statement = (select(*counts).select_from(TrainingRecord).join(people, people.c.id == TrainingRecord.staff_id)
                 .where(TrainingRecord.course == profile.training.name, col(TrainingRecord.completed_on) > lapsed[0]))
    trained: tuple[int, ...] = tuple(session.execute(statement).one())
    staff = session.exec(select(func.count()).select_from(people)).one()
    return [TrendPoint(day, round(100 * count / staff) if staff else 100) for day, count in zip(days, trained)]


def _month_end(day: dt.date, today: dt.date) -> dt.date:
    following = add_months(day.replace(day=1), 1)
    return min(following - dt.timedelta(days=1), today)


def late_by_team(*, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime,
                 scope: Select[tuple[int]] | None) -> list[TeamLate]:
    """Records late for write-up, counted by the team of the worker who owes them, most first."""
    today = calendar.local(now).date()
    if profile.records.counted_in == "calendar_hours":  # the window is plain hours: the rule is a cut-off time
        statement = (select(StaffMember.team, func.count()).select_from(ContactRecord)
                     .join(StaffMember, col(StaffMember.id) == col(ContactRecord.worker_id))
                     .outerjoin(Employment, col(Employment.staff_id) == col(StaffMember.id))
                     .where(col(ContactRecord.written_up_at).is_(None),
                            col(ContactRecord.contacted_at) <= earliest_late_contact(profile=profile, now=now),
                            *_counted(today, scope))
                     .group_by(col(StaffMember.team)))
        counts = Counter({team or NO_TEAM: late for team, late in session.exec(statement)})
    else:  # working hours: the rules count each record's window through the calendar
        late = late_by_worker(session=session, profile=profile, calendar=calendar, now=now)
        workers = select(StaffMember.id, StaffMember.team).outerjoin(
            Employment, col(Employment.staff_id) == col(StaffMember.id)).where(
            col(StaffMember.id).in_(list(late)), *_counted(today, scope))
        counts = Counter()
        for staff_id, team in session.exec(workers):
            if staff_id is not None:
                counts[team or NO_TEAM] += len(late[staff_id])
    return [TeamLate(team, number) for team, number in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


@dataclass(frozen=True)
class StaffFigures:
    """Training by team, the 12-month trend and late records by team, as counted at one moment."""

    teams: list[TeamTraining]
    trend: list[TrendPoint]
    late: list[TeamLate]
    counted_at: dt.datetime


def staff_figures(*, session: Session, profile: Profile, calendar: WorkingCalendar, now: dt.datetime,
                  scope: Select[tuple[int]] | None) -> StaffFigures:
    today = calendar.local(now).date()
    return StaffFigures(teams=training_by_team(session=session, profile=profile, today=today, scope=scope),
                        trend=trend(session=session, profile=profile, today=today, scope=scope),
                        late=late_by_team(session=session, profile=profile, calendar=calendar, now=now, scope=scope),
                        counted_at=now)


class FigureCache:
    """Counted figures, each kept for a few minutes under its key (the scope it was counted for).

    Counting training, late records or a broadcast's acknowledgements across 100,000 staff takes the
    database a second or more, and these figures do not change from minute to minute, so pages show
    them as of when they were counted, and say when. Incidents and knowledge gaps are never cached.
    """

    def __init__(self, keep: dt.timedelta = dt.timedelta(minutes=5), most: int = 500) -> None:
        self.keep, self.most = keep, most
        self._kept: dict[str, tuple[dt.datetime, Any]] = {}
        self._lock = threading.Lock()

    def fetch(self, key: str, now: dt.datetime, count: Callable[[], T]) -> tuple[T, dt.datetime]:
        """The figures kept under `key` and when they were counted; counted now when there are none, or
        they are older than `keep` (or from the future: the clock was set back)."""
        with self._lock:
            found = self._kept.get(key)
        if found is not None and dt.timedelta(0) <= now - found[0] < self.keep:
            return found[1], found[0]
        value = count()
        with self._lock:
            if len(self._kept) >= self.most:
                self._kept.pop(min(self._kept, key=lambda name: self._kept[name][0]))
            self._kept[key] = (now, value)
        return value, now


def gaps_since(*, session: Session, since: dt.datetime) -> tuple[int, list[tuple[str, int]]]:
    """Open declined, unhelpful and close-call questions since `since`: how many, and the most asked (redacted as stored)."""
    statement = select(CurationItem.question).where(col(CurationItem.signal).in_(GAP_SIGNALS),
                                                   CurationItem.resolution == Resolution.OPEN.value,
                                                   col(CurationItem.at) >= since)
    questions = Counter(" ".join(question.split()) for question in session.exec(statement))
    return sum(questions.values()), questions.most_common(5)
