"""Training in the last 12 months against the profile's target, by team (DSPT 3.2.1).

Someone counts as trained when, by the nudges' own rule (workflows/nudges/rules.py), their latest
completion of the course on or before the as-of date is still valid on it: current or due soon.
A completion after the as-of date does not count, so a pack for a past date says what was true then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from sqlmodel import Session, col, func, select

from bot.core.profile import Profile
from storage.employment import Employment
from storage.models import StaffMember
from storage.training import TrainingRecord
from workflows.digests.compose import TRAINED
from workflows.evidence.model import SHOWN, Figure, Period, Section, Table, percent, yes_no
from workflows.evidence.people import IN_POST, STREAM_BATCH, in_post
from workflows.nudges.rules import training_status

NO_TEAM = "(no team)"


def training_by_team(*, session: Session, profile: Profile, period: Period) -> Section:
    course = profile.training
    staff, trained = _count_by_team(session, profile, period)
    target = course.target_percent
    everyone, done = sum(staff.values()), sum(trained.values())
    below = [team for team in staff if 100 * trained[team] < target * staff[team]]
    trained_means = (f"staff in post whose latest completion of {course.name} on or before the as-of date is within "
                     f"its {course.validity_months}-month validity on that date")
    when = period.on_the_day()
    figures = [
        Figure("Staff in post", f"{everyone:,}", IN_POST, when),
        Figure("Trained", f"{done:,} ({percent(done, everyone)})", trained_means,
               f"completions from {Period.ending(period.ends_on, period.zone, course.validity_months).describe()}"),
        Figure("Target", f"{target}%", "the organisation profile's training target (training.target_percent)", when),
        Figure("Target met", yes_no(everyone > 0 and 100 * done >= target * everyone),
               "whether the share of staff trained reaches the target", when),
        Figure("Teams below the target", f"{len(below):,} of {len(staff):,}",
               "teams whose share of staff trained is below the target", when),
    ]
    return Section(
        key="training", title=f"Training in the last {course.validity_months} months, by team", evidence=("3.2.1",),
        summary=(f"{course.name} on {course.platform}: each team's staff in post and how many were trained, "
                 f"against the target of {target}%. Teams are as the directory names them now."),
        figures=figures,
        table=Table(caption=f"Staff trained by team {when}, against the target of {target}%",
                    columns=("team", "staff_in_post", "trained", "percent_trained", "target_percent", "target_met"),
                    headings=("Team", "Staff in post", "Trained", "Trained (%)", "Target (%)", "Target met"),
                    rows=_rows(staff, trained, target)),
        notes=[f"The printed table lists the {SHOWN} teams furthest behind the target; training.csv lists every team."]
        if len(staff) > SHOWN else [],
    )


def _count_by_team(session: Session, profile: Profile, period: Period) -> tuple[Counter[str], Counter[str]]:
    """Staff in post and staff trained, by team, streamed from one query over the whole organisation."""
    latest = (select(TrainingRecord.staff_id, func.max(TrainingRecord.completed_on).label("completed_on"))
              .where(TrainingRecord.course == profile.training.name, col(TrainingRecord.completed_on) <= period.ends_on)
              .group_by(col(TrainingRecord.staff_id)).subquery())
    statement = (select(StaffMember.team, latest.c.completed_on)
                 .outerjoin(Employment, col(Employment.staff_id) == col(StaffMember.id))
                 .outerjoin(latest, latest.c.staff_id == col(StaffMember.id))
                 .where(in_post(period)).execution_options(yield_per=STREAM_BATCH))
    staff: Counter[str] = Counter()
    trained: Counter[str] = Counter()
    for team, completed_on in session.exec(statement):
        name = team or NO_TEAM
        staff[name] += 1
        if training_status(completed_on, profile=profile, today=period.ends_on).state in TRAINED:
            trained[name] += 1
    return staff, trained


def _rows(staff: Counter[str], trained: Counter[str], target: int) -> Iterator[tuple[object, ...]]:
    """Every team, furthest behind the target first, then by name."""
    for team in sorted(staff, key=lambda name: (trained[name] / staff[name], name)):
        share = 100 * trained[team] / staff[team]
        yield (team, staff[team], trained[team], f"{share:.1f}", target, yes_no(100 * trained[team] >= target * staff[team]))
