"""Suggested grades and outcomes, on the grid of the NHS "Guide to the Notification of Data
Security and Protection Incidents" kept in the organisation profile.

How the suggestion is derived from the reporter's answers (the IG officer confirms or
changes it, with a reason):

Likelihood that people will suffer an adverse effect (1 not occurred .. 5 occurred)
  * starts from the kind of incident (kinds.yaml): e.g. a deliberate leak 5, a disclosure to
    the wrong people 4, a misdirected email or a lost device 3, a hacking attempt 2;
  * then moves by whether the information is back under the organisation's control:
    recovered or confirmed deleted -1, not at all +1, partly or not known 0;
  * and stays within 2..5 for anything that happened. A near miss is 1 (not occurred).

Severity of that effect (1 no adverse effect .. 5 catastrophic)
  * no personal data: 1 (not a personal data breach);
  * personal data 2, special category data (health, ethnicity, sexuality, religion,
    criminal records...) 3; "not sure" counts as personal data;
  * +1 when 100 or more people are affected, +2 when 1,000 or more; none affected is 1;
  * +1 when children or vulnerable adults are involved;
  * at most 5.

Incidents involving children or vulnerable adults are graded at least the profile's
`vulnerable_minimum` on both scales, except that a near miss stays at likelihood 1:
nothing happened to anyone.

Outcome: reportable to the ICO when both grades reach `ico_threshold`; also to DHSC when
both reach `dhsc_threshold`; otherwise not reportable (but still recorded, Art. 33(5)).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.profile import IncidentGrading
from workflows.incidents.kinds import IncidentKind


class DataKind(StrEnum):
    NONE = "none"
    PERSONAL = "personal"
    SPECIAL = "special"
    UNSURE = "unsure"


class Vulnerable(StrEnum):
    NONE = "none"
    CHILDREN = "children"
    VULNERABLE_ADULTS = "vulnerable_adults"
    UNSURE = "unsure"


class Contained(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    UNSURE = "unsure"


class Outcome(StrEnum):
    NOT_REPORTABLE = "not_reportable"
    ICO = "ico"
    ICO_AND_DHSC = "ico_and_dhsc"

    @property
    def is_reportable(self) -> bool:
        return self is not Outcome.NOT_REPORTABLE


@dataclass(frozen=True)
class Grade:
    likelihood: int
    severity: int


@dataclass(frozen=True)
class GradingFacts:
    """The answers that the suggested grade depends on."""

    kind: IncidentKind
    contained: Contained
    data_kind: DataKind
    vulnerable: Vulnerable
    people_affected: int | None


def involves_vulnerable(value: str) -> bool:
    """Children or vulnerable adults are involved: one test for the suggested grade, the floor under a
    regrade and the IG team's notice, so the three never disagree. "Not sure" does not count."""
    return value in (Vulnerable.CHILDREN, Vulnerable.VULNERABLE_ADULTS)


_CONTAINMENT_SHIFT = {Contained.YES: -1, Contained.PARTLY: 0, Contained.NO: 1, Contained.UNSURE: 0}
_DATA_SEVERITY = {DataKind.NONE: 1, DataKind.PERSONAL: 2, DataKind.SPECIAL: 3, DataKind.UNSURE: 2}


def suggest(facts: GradingFacts, grading: IncidentGrading) -> Grade:
    grade = Grade(likelihood=_likelihood(facts), severity=_severity(facts))
    if involves_vulnerable(facts.vulnerable):
        grade = with_vulnerable_minimum(grade, grading, near_miss=facts.kind.is_near_miss)
    return grade


def _likelihood(facts: GradingFacts) -> int:
    if facts.kind.is_near_miss:
        return 1
    return _clamp(facts.kind.likelihood + _CONTAINMENT_SHIFT[facts.contained], low=2)


def _severity(facts: GradingFacts) -> int:
    if facts.data_kind is DataKind.NONE or facts.people_affected == 0:
        return 1
    severity = _DATA_SEVERITY[facts.data_kind]
    people = facts.people_affected or 0
    severity += 2 if people >= 1000 else 1 if people >= 100 else 0
    if involves_vulnerable(facts.vulnerable):
        severity += 1
    return _clamp(severity, low=1)


def with_vulnerable_minimum(grade: Grade, grading: IncidentGrading, *, near_miss: bool = False) -> Grade:
    floor = grading.vulnerable_minimum
    likelihood = grade.likelihood if near_miss and grade.likelihood == 1 else max(grade.likelihood, floor)
    return Grade(likelihood=likelihood, severity=max(grade.severity, floor))


def outcome_for(grade: Grade, grading: IncidentGrading) -> Outcome:
    if _reaches(grade, grading.dhsc_threshold.likelihood, grading.dhsc_threshold.severity):
        return Outcome.ICO_AND_DHSC
    if _reaches(grade, grading.ico_threshold.likelihood, grading.ico_threshold.severity):
        return Outcome.ICO
    return Outcome.NOT_REPORTABLE


def _reaches(grade: Grade, likelihood: int, severity: int) -> bool:
    return grade.likelihood >= likelihood and grade.severity >= severity


def _clamp(value: int, *, low: int) -> int:
    return max(low, min(5, value))


def describe(grade: Grade, grading: IncidentGrading) -> str:
    """'likelihood 3 (Likely) x severity 2 (Minor)'."""
    return (
        f"likelihood {grade.likelihood} ({grading.likelihood[grade.likelihood]}) x "
        f"severity {grade.severity} ({grading.severity[grade.severity]})"
    )
