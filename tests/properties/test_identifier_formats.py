"""Identifiers typed every way people type them are found and redacted, inside any free text around them."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from identifier_formats import Written, sentences, survives

from knowledge.identifiers import find_identifiers, redact

TODAY = dt.date(2026, 11, 23)


@settings(max_examples=400, deadline=None)
@given(sentences())
def test_every_format_is_redacted_in_free_text(example: tuple[str, Written]) -> None:
    text, written = example
    redacted = redact(text, today=TODAY)
    assert not survives(written, redacted), f"{written.typed!r} survived in {redacted!r}"


@settings(max_examples=200, deadline=None)
@given(sentences())
def test_findings_point_at_the_text_as_written(example: tuple[str, Written]) -> None:
    text, _ = example
    for finding in find_identifiers(text, today=TODAY):
        assert text[finding.start:finding.end] == finding.text


def test_policy_numbers_durations_and_times_are_left_alone() -> None:
    for text in ("DQ402 says 72 hours", "at 14:30 on the ward", "DSPT 2025-26 standard 6.1.1", "IG-2026-0042"):
        assert redact(text, today=TODAY) == text
