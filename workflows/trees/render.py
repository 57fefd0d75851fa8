"""Filling the organisation's names into tree text (values from `Profile.placeholders()`).

Tree text may name people and addresses from the organisation profile with a placeholder
in single braces, such as ``{caldicott_name}``. Only the names the profile in use gives
exist; ``check.py`` reports any other, and any ``{Name}`` at all is read as a placeholder so
that a mistyped one is caught rather than shown to staff.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from workflows.trees.model import DecisionTree

PLACEHOLDER_PATTERN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MissingProfileValue(KeyError):
    """Text names a placeholder for which no value was given."""


def placeholders_in(text: str) -> set[str]:
    """The placeholder names written in ``text``."""
    return set(PLACEHOLDER_PATTERN.findall(text))


def render_text(text: str, profile_values: Mapping[str, str]) -> str:
    """``text`` with every ``{name}`` replaced by ``profile_values[name]``."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in profile_values:
            raise MissingProfileValue(f"no value for placeholder {{{name}}}")
        return profile_values[name]

    return PLACEHOLDER_PATTERN.sub(value, text)


def render_tree(tree: DecisionTree, profile_values: Mapping[str, str]) -> DecisionTree:
    """The tree as staff should see it: every question, option and outcome with the names filled in.

    Done once, when the trees are installed, so that what a person is shown, what they may type
    back and what a copy of the decision says all read the same.
    """

    def fill(text: str) -> str:
        return render_text(text, profile_values)

    questions = {
        key: replace(question, text=fill(question.text),
                     help=fill(question.help) if question.help is not None else None,
                     options=tuple(replace(option, label=fill(option.label)) for option in question.options))
        for key, question in tree.questions.items()
    }
    outcomes = {
        key: replace(outcome, headline=fill(outcome.headline), reasons=tuple(fill(reason) for reason in outcome.reasons),
                     conditions=tuple(fill(condition) for condition in outcome.conditions))
        for key, outcome in tree.outcomes.items()
    }
    return replace(tree, title=fill(tree.title), description=fill(tree.description), questions=questions,
                   outcomes=outcomes)
