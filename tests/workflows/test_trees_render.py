"""Tree text names the organisation's people through placeholders filled from the profile."""

from __future__ import annotations

import pytest

from bot.core.profile import load_profile
from bot.core.settings import EXAMPLE_PROFILE

from workflows.trees import load_all, render_text, render_tree
from workflows.trees.render import MissingProfileValue

@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    return load_profile(EXAMPLE_PROFILE).placeholders()


def test_the_example_profile_gives_the_organisations_names(values: dict[str, str]) -> None:
    assert values["caldicott_name"] == "Marcus Penhale"
    assert values["dp_email"] == "data.protection@wearewithyou.org.uk"


def test_an_outcome_is_shown_with_the_organisations_names(values: dict[str, str]) -> None:
    shown = render_tree(load_all()["can-i-share"], values).outcomes["deceased-ask-cg"]

    assert shown.headline == (
        "Ask the Caldicott Guardian (Marcus Penhale) or the IG team at data.protection@wearewithyou.org.uk "
        "before you share anything."
    )
    assert all("{" not in text for text in (*shown.reasons, *shown.conditions))


def test_a_question_is_shown_with_the_organisations_names(values: dict[str, str]) -> None:
    shown = render_tree(load_all()["device-or-app"], values).questions["what"]

    assert shown.options[0].label == "A laptop, phone or tablet We Are With You gave me"


def test_no_placeholder_is_left_anywhere_in_a_shipped_tree(values: dict[str, str]) -> None:
    for tree in load_all().values():
        shown = render_tree(tree, values)
        texts = [shown.title, shown.description]
        for question in shown.questions.values():
            texts += [question.text, question.help or "", *(option.label for option in question.options)]
        for outcome in shown.outcomes.values():
            texts += [outcome.headline, *outcome.reasons, *outcome.conditions]
        assert not [text for text in texts if "{" in text], tree.id


def test_text_without_placeholders_is_unchanged() -> None:
    assert render_text("Lock your screen.", {}) == "Lock your screen."


def test_a_placeholder_without_a_value_is_an_error_not_shown_to_staff() -> None:
    with pytest.raises(MissingProfileValue):
        render_text("Email {dp_email}.", {})
