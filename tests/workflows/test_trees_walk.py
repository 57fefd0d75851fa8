"""Walking a tree is replaying the answers chosen so far: a wrong answer is refused with
words the person can act on, and back and start over are just shorter answer lists."""

from __future__ import annotations

import json

import pytest

from workflows.trees import DecisionTree, InvalidAnswer, Outcome, Question, back, load_all, start_over


@pytest.fixture(scope="module")
def can_i_share() -> DecisionTree:
    return load_all()["can-i-share"]


def test_a_new_walk_starts_with_the_purpose(can_i_share: DecisionTree) -> None:
    first = can_i_share.step(start_over())

    assert isinstance(first, Question)
    assert first.text == "What do you want to share the information for?"


def test_answers_lead_from_question_to_question_to_an_outcome(can_i_share: DecisionTree) -> None:
    assert isinstance(second := can_i_share.step(["police", "alive"]), Question)
    assert second.id == "police-request"
    assert isinstance(outcome := can_i_share.step(["police", "alive", "informal"]), Outcome)
    assert outcome.headline.startswith("Don't share on the spot")


def test_an_option_not_offered_is_refused_with_the_choices(can_i_share: DecisionTree) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        can_i_share.step(["police", "alive", "tell-them-everything"])

    assert refused.value.answer == "tell-them-everything"
    assert refused.value.user_message.startswith("That isn't one of the choices. Please choose one of: ")
    assert "They have a court order or warrant" in refused.value.user_message


def test_an_option_from_another_question_is_refused(can_i_share: DecisionTree) -> None:
    with pytest.raises(InvalidAnswer):
        can_i_share.step(["police", "alive", "court-order", "secure"])


def test_answering_after_the_outcome_is_refused(can_i_share: DecisionTree) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        can_i_share.step(["media", "media"])

    assert "already reached an answer" in refused.value.user_message


def test_answer_checks_the_choice_and_adds_it(can_i_share: DecisionTree) -> None:
    answers = can_i_share.answer(start_over(), "family")
    answers = can_i_share.answer(answers, "died")

    assert answers == ("family", "died")
    with pytest.raises(InvalidAnswer):
        can_i_share.answer(answers, "anything")


def test_back_returns_to_the_previous_question(can_i_share: DecisionTree) -> None:
    answers = ("family", "alive", "under-18")

    previous = can_i_share.step(back(answers))

    assert back(answers) == ("family", "alive")
    assert isinstance(previous, Question) and previous.id == "family-age"


def test_back_from_an_outcome_asks_the_last_question_again(can_i_share: DecisionTree) -> None:
    reached = can_i_share.step(back(["media"]))

    assert isinstance(reached, Question) and reached.id == "purpose"


def test_back_at_the_start_stays_at_the_start() -> None:
    assert back([]) == ()


def test_start_over_forgets_every_answer(can_i_share: DecisionTree) -> None:
    assert start_over() == ()
    assert can_i_share.step(start_over()) == can_i_share.step([])


def test_the_trail_records_what_was_asked_and_answered(can_i_share: DecisionTree) -> None:
    trail = can_i_share.trail(["family", "died"])

    assert [(step.question.text, step.option.label) for step in trail] == [
        ("What do you want to share the information for?", "A family member, friend or carer is asking"),
        ("Is the person the information is about still alive?", "No, they have died"),
    ]


def test_a_walk_stored_as_json_resumes_where_it_left_off(can_i_share: DecisionTree) -> None:
    stored = json.dumps({"tree": can_i_share.id, "version": can_i_share.version, "answers": ["safeguarding"]})

    state = json.loads(stored)
    reached = load_all()[state["tree"]].step(state["answers"])

    assert state["version"] == can_i_share.version
    assert isinstance(reached, Question) and reached.id == "sg-immediate-danger"
