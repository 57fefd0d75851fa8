"""Knowledge base files are read into entries; malformed content is refused with file and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.entries import (
    Entry,
    KnowledgeError,
    Source,
    load_entries,
    load_sources,
    placeholders_in,
)

CLEAR_DESK = """\
- id: clear-desk-locked-screens
  title: Clear desks and locked screens
  questions:
    - Do I have to lock my screen if I'm only away for a minute?
    - whats the clear desk rule
  answer: |
    Lock your screen whenever you step away. Ask {dpo_name} if unsure.
  sources:
    - ref: DQ402
      section: "Keeping data secure: Lock records away (physical security)"
  tags: [physical-security, screens]
  related: [paper-records-off-site]
  owner: ig-officer
  review_by: 2027-11-30
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_entry_is_read_with_all_its_fields(tmp_path: Path) -> None:
    write(tmp_path, "physical.yaml", CLEAR_DESK)

    [entry] = load_entries(tmp_path)

    assert entry == Entry(
        id="clear-desk-locked-screens",
        title="Clear desks and locked screens",
        questions=(
            "Do I have to lock my screen if I'm only away for a minute?",
            "whats the clear desk rule",
        ),
        answer="Lock your screen whenever you step away. Ask {dpo_name} if unsure.",
        sources=(Source(ref="DQ402", section="Keeping data secure: Lock records away (physical security)"),),
        tags=("physical-security", "screens"),
        related=("paper-records-off-site",),
        owner="ig-officer",
        review_by=date(2027, 11, 30),
        origin="physical.yaml",
    )


def test_entries_of_every_file_are_read_in_file_order(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", "- {id: second, title: Second, answer: Two}\n")
    write(tmp_path, "a.yaml", "- {id: first, title: First, answer: One}\n")
    write(tmp_path, "empty.yaml", "")

    assert [entry.id for entry in load_entries(tmp_path)] == ["first", "second"]


def test_optional_fields_default_to_empty(tmp_path: Path) -> None:
    write(tmp_path, "bare.yaml", "- {id: bare, title: Bare, answer: Just an answer}\n")

    [entry] = load_entries(tmp_path)

    assert (entry.questions, entry.sources, entry.tags, entry.related) == ((), (), (), ())
    assert entry.review_by is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id: not-a-list\n", "expected a list of entries"),
        ("- just text\n", "entry 1: expected a mapping"),
        ("- {title: No id, answer: A}\n", "field 'id' is missing"),
        ("- {id: x, answer: A}\n", "entry 1 (x): field 'title' is missing"),
        ("- {id: x, title: T, answer: ''}\n", "field 'answer' must be non-empty text"),
        ("- {id: x, title: T, answer: A, questions: one question}\n", "field 'questions' must be a list"),
        ("- {id: x, title: T, answer: A, tags: [ok, 3]}\n", "field 'tags' must be a list"),
        ("- {id: x, title: T, answer: A, sources: DQ402}\n", "field 'sources' must be a list"),
        ("- {id: x, title: T, answer: A, sources: [{section: S}]}\n", "'sources' item 1: field 'ref'"),
        ("- {id: x, title: T, answer: A, review_by: next year}\n", "field 'review_by' must be a date"),
        ("- {id: x, title: T, answer: A, question: [Q]}\n", "unknown field 'question'"),
        ("- {id: x, title: T\n", "not valid YAML"),
    ],
)
def test_malformed_content_is_refused_naming_file_and_field(
    tmp_path: Path, content: str, message: str
) -> None:
    write(tmp_path, "broken.yaml", content)

    with pytest.raises(KnowledgeError) as refused:
        load_entries(tmp_path)

    assert "broken.yaml" in str(refused.value)
    assert message in str(refused.value)


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="not found"):
        load_entries(tmp_path / "nowhere")


def test_sources_are_read_by_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources.yaml",
        "ico-breach:\n  title: Personal data breaches\n  url: https://ico.org.uk/\n",
    )

    [source] = load_sources(path).values()

    assert (source.key, source.title, source.url) == (
        "ico-breach",
        "Personal data breaches",
        "https://ico.org.uk/",
    )


def test_a_source_without_a_title_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", "ico-breach:\n  url: https://ico.org.uk/\n")

    with pytest.raises(KnowledgeError, match="source 'ico-breach': field 'title'"):
        load_sources(path)


def test_placeholders_are_named() -> None:
    assert placeholders_in("Ask {dpo_name} or email {dp_email}; not {Braces} or {}.") == {
        "dpo_name",
        "dp_email",
    }
