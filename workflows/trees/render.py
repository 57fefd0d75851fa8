"""Filling the organisation's names into tree text.

Tree text may name people and addresses from the organisation profile with a placeholder
in single braces, such as ``{caldicott_name}``. Only the names in ``PLACEHOLDERS`` exist;
``check.py`` reports any other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from workflows.trees.model import Outcome, Question

PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "org_name",
        "dp_email",
        "dpo_name",
        "caldicott_name",
        "deputy_caldicott_name",
        "siro_name",
        "ig_officer_name",
    }
)

PLACEHOLDER_PATTERN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# Where each placeholder comes from in the profile, and what to say if it is not filled in.
_PROFILE_SOURCES: Mapping[str, tuple[tuple[str, ...], str]] = {
    "org_name": (("organisation", "name"), "our organisation"),
    "dp_email": (("organisation", "data_protection_email"), "the data protection team"),
    "dpo_name": (("roles", "dpo", "name"), "the Data Protection Officer"),
    "caldicott_name": (("roles", "caldicott_guardian", "name"), "the Caldicott Guardian"),
    "deputy_caldicott_name": (("roles", "deputy_caldicott_guardian", "name"), "the Deputy Caldicott Guardian"),
    "siro_name": (("roles", "siro", "name"), "the Senior Information Risk Owner"),
    "ig_officer_name": (("roles", "ig_officer", "name"), "the IG Officer"),
}


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


def render_question(question: Question, profile_values: Mapping[str, str]) -> Question:
    """The question as the person should see it."""

    def fill(text: str) -> str:
        return render_text(text, profile_values)

    return replace(
        question,
        text=fill(question.text),
        help=fill(question.help) if question.help is not None else None,
        options=tuple(replace(option, label=fill(option.label)) for option in question.options),
    )


def render_outcome(outcome: Outcome, profile_values: Mapping[str, str]) -> Outcome:
    """The outcome as the person should see it."""

    def fill(text: str) -> str:
        return render_text(text, profile_values)

    return replace(
        outcome,
        headline=fill(outcome.headline),
        reasons=tuple(fill(reason) for reason in outcome.reasons),
        conditions=tuple(fill(condition) for condition in outcome.conditions),
    )


def placeholder_values(profile: Mapping[str, object]) -> dict[str, str]:
    """Values for every placeholder, read from a parsed organisation profile (the
    layout of ``bot/profiles/example.yaml``). A value missing from the profile falls
    back to a plain description such as "the Caldicott Guardian"."""
    return {name: _lookup(profile, path) or fallback for name, (path, fallback) in _PROFILE_SOURCES.items()}


def _lookup(data: object, path: tuple[str, ...]) -> str | None:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data.strip() if isinstance(data, str) and data.strip() else None
