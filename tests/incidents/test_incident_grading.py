"""Suggested grades and outcomes, case by case against the grid in the example profile:
ICO at likelihood >= 3 and severity >= 2; DHSC too at >= 4 and >= 4; vulnerable groups at least 2."""

import pytest

from bot.core.profile import IncidentGrading, Profile
from workflows.incidents.grading import (
    Contained,
    DataKind,
    Grade,
    GradingFacts,
    Outcome,
    Vulnerable,
    outcome_for,
    suggest,
)
from workflows.incidents.kinds import kind_of

NOT = Outcome.NOT_REPORTABLE
ICO = Outcome.ICO
DHSC = Outcome.ICO_AND_DHSC

# likelihood, severity -> outcome on the grid itself
GRID_CASES = [
    (1, 5, NOT),   # not occurred: never reportable, however severe
    (2, 5, NOT),   # not likely
    (3, 1, NOT),   # likely, but no adverse effect
    (3, 2, ICO),   # the ICO threshold exactly
    (5, 3, ICO),
    (4, 3, ICO),   # DHSC needs severity 4 as well
    (3, 5, ICO),   # ... and likelihood 4
    (4, 4, DHSC),  # the DHSC threshold exactly
    (5, 5, DHSC),
]


@pytest.mark.parametrize(("likelihood", "severity", "expected"), GRID_CASES)
def test_the_outcome_follows_the_grid(profile: Profile, likelihood: int, severity: int, expected: Outcome) -> None:
    assert outcome_for(Grade(likelihood, severity), profile.incident_grading) is expected


# kind, contained, data, vulnerable, people -> suggested likelihood, severity, outcome
SUGGESTION_CASES = [
    ("misdirected_email", "yes", "personal", "none", 1, 2, 2, NOT),     # recipient confirmed deletion
    ("misdirected_email", "partly", "personal", "none", 1, 3, 2, ICO),
    ("misdirected_email", "no", "special", "none", 3, 4, 3, ICO),
    ("disclosure", "no", "special", "none", 150, 5, 4, DHSC),           # 100+ people: severity +1
    ("deliberate_leak", "unsure", "special", "children", 2000, 5, 5, DHSC),
    ("loss_or_theft", "yes", "none", "none", None, 2, 1, NOT),         # no personal data at all
    ("hacking", "unsure", "personal", "none", 0, 2, 1, NOT),           # nobody affected
    ("unlocked_device", "yes", "personal", "none", 1, 2, 2, NOT),
    ("malware", "no", "unsure", "none", None, 4, 2, ICO),              # "not sure" counts as personal data
    ("near_miss", "no", "special", "none", 40, 1, 3, NOT),             # not occurred
    ("near_miss", "yes", "personal", "children", 3, 1, 3, NOT),        # a near miss stays at likelihood 1
    ("physical_security", "yes", "none", "vulnerable_adults", 1, 2, 2, NOT),  # vulnerable minimum lifts severity
    ("unlocked_device", "yes", "personal", "children", 2, 2, 3, NOT),
    ("blagging", "partly", "personal", "vulnerable_adults", 5, 4, 3, ICO),
]


@pytest.mark.parametrize(
    ("kind", "contained", "data", "vulnerable", "people", "likelihood", "severity", "expected"), SUGGESTION_CASES
)
def test_the_suggested_grade_comes_from_the_answers(
    profile: Profile, kind: str, contained: str, data: str, vulnerable: str, people: int | None,
    likelihood: int, severity: int, expected: Outcome,
) -> None:
    facts = GradingFacts(kind=kind_of(kind), contained=Contained(contained), data_kind=DataKind(data),
                         vulnerable=Vulnerable(vulnerable), people_affected=people)
    grade = suggest(facts, profile.incident_grading)
    assert (grade.likelihood, grade.severity) == (likelihood, severity)
    assert outcome_for(grade, profile.incident_grading) is expected


def test_an_adjusted_grid_in_the_profile_changes_the_outcome(profile: Profile) -> None:
    stricter = IncidentGrading.model_validate(
        {**profile.incident_grading.model_dump(), "ico_threshold": {"likelihood": 2, "severity": 2},
         "vulnerable_minimum": 3}
    )
    assert outcome_for(Grade(2, 2), profile.incident_grading) is NOT
    assert outcome_for(Grade(2, 2), stricter) is ICO
    facts = GradingFacts(kind=kind_of("unlocked_device"), contained=Contained.YES, data_kind=DataKind.NONE,
                         vulnerable=Vulnerable.CHILDREN, people_affected=1)
    assert suggest(facts, stricter) == Grade(3, 3)
