"""Training status: recorded completions, when they run out, and what a person is told when they ask."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from bot.core.profile import Profile
from storage import directory, training
from storage.engine import session_scope
from storage.training import TrainingState, add_months, seed_demo_completions
from bot.core.clock import SettableClock

TODAY = dt.date(2026, 11, 22)
RECORDED_AT = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def staff_id(engine: Engine, email: str) -> int:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=email)
        assert member is not None and member.id is not None
        return member.id


def record(engine: Engine, profile: Profile, email: str, completed_on: dt.date) -> None:
    with session_scope(engine) as session:
        training.record_completion(session=session, staff_id=staff_id(engine, email), course=profile.training.name,
                                   completed_on=completed_on, today=TODAY, now=RECORDED_AT)


def status_of(engine: Engine, profile: Profile, email: str) -> training.TrainingStatus:
    with session_scope(engine) as session:
        return training.status(session=session, staff_id=staff_id(engine, email), course=profile.training.name,
                               validity_months=profile.training.validity_months, today=TODAY)


@pytest.mark.parametrize(("completed_on", "state", "valid_until"), [
    (dt.date(2026, 3, 1), TrainingState.CURRENT, dt.date(2027, 3, 1)),
    (dt.date(2025, 12, 10), TrainingState.DUE_SOON, dt.date(2026, 12, 10)),
    (dt.date(2025, 11, 22), TrainingState.OVERDUE, dt.date(2026, 11, 22)),
    (dt.date(2024, 6, 30), TrainingState.OVERDUE, dt.date(2025, 6, 30)),
])
def test_training_is_valid_for_the_profiles_months_from_the_latest_completion(
    engine: Engine, profile: Profile, completed_on: dt.date, state: TrainingState, valid_until: dt.date
) -> None:
    record(engine, profile, "sam.okafor@example.org", dt.date(2020, 1, 1))
    record(engine, profile, "sam.okafor@example.org", completed_on)
    status = status_of(engine, profile, "sam.okafor@example.org")
    assert (status.state, status.completed_on, status.valid_until) == (state, completed_on, valid_until)
    assert status.overdue_since == (valid_until if state is TrainingState.OVERDUE else None)


def test_someone_never_trained_has_no_dates(engine: Engine, profile: Profile) -> None:
    status = status_of(engine, profile, "jude.carrow@example.org")
    assert status.state is TrainingState.NEVER and status.valid_until is None and status.needs_action


def test_a_completion_in_the_future_or_for_no_one_is_refused_and_nothing_is_stored(
    engine: Engine, profile: Profile
) -> None:
    with pytest.raises(ValueError, match="future"):
        record(engine, profile, "sam.okafor@example.org", TODAY + dt.timedelta(days=1))
    with pytest.raises(ValueError, match="no member of staff"), session_scope(engine) as session:
        training.record_completion(session=session, staff_id=99999, course="x", completed_on=TODAY, today=TODAY,
                                   now=RECORDED_AT)
    assert status_of(engine, profile, "sam.okafor@example.org").state is TrainingState.NEVER


def test_months_are_added_as_calendar_months() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 2, 29 - 1), 12) == dt.date(2028, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 11, 22), -12) == dt.date(2025, 11, 22)


def test_the_demo_directory_gets_the_same_invented_dates_every_time(engine: Engine, profile: Profile) -> None:
    with session_scope(engine) as session:
        added = seed_demo_completions(session=session, course=profile.training.name,
                                      validity_months=profile.training.validity_months, today=TODAY, now=RECORDED_AT)
        assert seed_demo_completions(session=session, course=profile.training.name,
                                      validity_months=profile.training.validity_months, today=TODAY, now=RECORDED_AT) == 0, "seeded once only"
        people = directory.get_all(session=session)
        states = {member.email: training.status(session=session, staff_id=member.id or 0, course=profile.training.name,
                                                validity_months=profile.training.validity_months,
                                                today=TODAY).state for member in people}
    assert added == len(people) - 3
    assert sum(state is TrainingState.NEVER for state in states.values()) == 3
    assert sum(state is TrainingState.OVERDUE for state in states.values()) == 5
    assert states["sam.okafor@example.org"] is TrainingState.CURRENT


def test_asking_about_training_answers_in_plain_words(clock: SettableClock, chat_as, engine: Engine,  # type: ignore[no-untyped-def]
                                                     profile: Profile) -> None:
    clock.set(RECORDED_AT)
    record(engine, profile, "sam.okafor@example.org", dt.date(2025, 9, 1))
    overdue = chat_as("sam.okafor@example.org").text("my training")
    assert overdue.startswith("Your *Keeping Information Safe* training has been overdue since 1 September 2026")
    assert "last completed it on 1 September 2025" in overdue
    never = chat_as("jude.carrow@example.org").text("training")
    assert "no record of you completing" in never and "data.protection@" in never
    record(engine, profile, "aisha.qureshi@example.org", dt.date(2025, 12, 1))
    assert "which is in 9 days" in chat_as("aisha.qureshi@example.org").text("Is my training up to date?")


def test_someone_not_in_the_directory_is_told_whom_to_ask(chat_as) -> None:  # type: ignore[no-untyped-def]
    assert "can't find you" in chat_as(None).text("my training")


@pytest.mark.parametrize("question", [
    "when is my IG training due", "have I done my data protection training?", "is my training overdue",
    "when does my Keeping Information Safe training run out?", "did i complete the IG training",
])
def test_questions_about_ones_own_training_get_ones_own_status(chat_as, question: str) -> None:  # type: ignore[no-untyped-def]
    assert "no record of you completing" in chat_as("jude.carrow@example.org").text(question)


def test_a_general_question_about_training_still_gets_the_policy_answer(chat_as) -> None:  # type: ignore[no-untyped-def]
    assert "no record of you completing" not in chat_as("jude.carrow@example.org").text(
        "what does the data security training cover?")
