"""The content checker catches each kind of problem a curator could introduce."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from knowledge.check import Problem, Severity, check_knowledge, errors

TODAY = date(2026, 11, 22)
POLICIES = ["DQ402", "DQ199"]
PLACEHOLDERS = ["dpo_name", "dp_email"]
SOURCES = "ico-breach:\n  title: Personal data breaches\n  url: https://ico.org.uk/\n"


def entry(
    entry_id: str,
    *,
    questions: str | None = None,
    answer: str = "Ask {dpo_name} at {dp_email}.",
    sources: str = "[{ref: DQ402, section: Keeping data secure}]",
    related: str = "[]",
    review_by: str = "2027-11-30",
) -> str:
    questions = questions or f'["How do I do {entry_id}?", "how to do {entry_id}"]'
    return (
        f"- id: {entry_id}\n  title: Title of {entry_id}\n  questions: {questions}\n"
        f"  answer: {answer!r}\n  sources: {sources}\n  related: {related}\n"
        f"  owner: ig-officer\n  review_by: {review_by}\n"
    )


def _entries(tmp_path: Path, *files: str) -> Path:
    entries_dir = tmp_path / "entries"
    entries_dir.mkdir()
    for number, content in enumerate(files):
        (entries_dir / f"file{number}.yaml").write_text(content, encoding="utf-8")
    return entries_dir


def _sources(tmp_path: Path, sources: str = SOURCES) -> Path:
    sources_path = tmp_path / "sources.yaml"
    sources_path.write_text(sources, encoding="utf-8")
    return sources_path


def check(tmp_path: Path, *files: str, sources: str = SOURCES) -> list[Problem]:
    return check_knowledge(
        entries_dir=_entries(tmp_path, *files),
        sources_path=_sources(tmp_path, sources),
        policy_numbers=POLICIES,
        placeholder_names=PLACEHOLDERS,
        today=TODAY,
    )


def described(problems: list[Problem]) -> list[tuple[str, str | None, str]]:
    return [(problem.severity.value, problem.entry_id, problem.message) for problem in problems]


def test_sound_content_has_no_problems(tmp_path: Path) -> None:
    content = entry("a", related="[b]") + entry("b", sources="[{ref: ico-breach}]")

    assert check(tmp_path, content) == []


def test_a_duplicate_id_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, entry("a"), entry("a", questions='["Another question?", "and another"]'))

    assert described(problems) == [("error", "a", "id used 2 times (also in file0.yaml, file1.yaml)")]


def test_a_question_written_twice_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, entry("a", questions='["Who is the DPO?", "who is the dpo", "the DPO"]'),
                     entry("b", questions='["the dpo", "DPO email"]'))

    assert described(problems) == [("error", "a", "question 'who is the dpo' is twice in this entry"),
                                   ("error", "b", "question 'the dpo' is also in a")]


def test_an_entry_without_sources_is_an_error(tmp_path: Path) -> None:
    [problem] = check(tmp_path, entry("a", sources="[]"))

    assert (problem.severity, problem.entry_id) == (Severity.ERROR, "a")
    assert "no sources" in problem.message


def test_a_source_that_is_neither_a_policy_nor_listed_is_an_error(tmp_path: Path) -> None:
    [problem] = check(tmp_path, entry("a", sources="[{ref: DQ999}]"))

    assert problem.severity == Severity.ERROR
    assert "source 'DQ999' is neither a policy number" in problem.message


def test_a_related_link_to_nothing_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, entry("a", related="[gone]"))

    assert described(problems) == [("error", "a", "related entry 'gone' does not exist")]


def test_an_unknown_placeholder_is_an_error(tmp_path: Path) -> None:
    [problem] = check(tmp_path, entry("a", answer="Ask {dpo_nme}."))

    assert problem.severity == Severity.ERROR
    assert problem.message.startswith("unknown placeholder {dpo_nme}")


def test_fewer_than_two_questions_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, entry("a", questions='["Only one way to ask?"]'))

    assert described(problems) == [("error", "a", "1 question(s); write at least 2 phrasings")]


def test_a_long_answer_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, entry("a", answer=" ".join(["word"] * 130)))

    assert described(problems) == [("warning", "a", "answer is 130 words; keep it to about 120")]


def test_a_passed_review_date_is_an_error_and_a_close_one_a_warning(tmp_path: Path) -> None:
    problems = check(
        tmp_path,
        entry("stale", review_by="2026-11-21") + entry("soon", review_by="2026-12-10"),
    )

    assert described(problems) == [
        ("error", "stale", "review date 2026-11-21 has passed"),
        ("warning", "soon", "review date 2026-12-10 is within 30 days"),
    ]


def test_a_malformed_file_is_reported_and_the_others_still_checked(tmp_path: Path) -> None:
    problems = check(tmp_path, "- {id: x, title: T\n", entry("a", related="[gone]"))

    assert [(problem.where, problem.severity) for problem in problems] == [
        ("file0.yaml", Severity.ERROR),
        ("file1.yaml", Severity.ERROR),
    ]
    assert "not valid YAML" in problems[0].message


def test_a_malformed_sources_file_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, entry("a"), sources="- just a list\n")

    assert errors(problems) == problems
    assert "sources.yaml" in str(problems[0])


def test_problems_read_as_one_line_each(tmp_path: Path) -> None:
    [problem] = check(tmp_path, entry("a", related="[gone]"))

    assert str(problem) == "error: file0.yaml: a: related entry 'gone' does not exist"


def test_an_off_topic_example_that_is_also_an_entry_phrasing_is_an_error(tmp_path: Path) -> None:
    off_topic = tmp_path / "off-topic.yaml"
    off_topic.write_text('kinds:\n  - kind: pay\n    examples: ["When is payday?", "how to do a?"]\n',
                         encoding="utf-8")
    problems = check_knowledge(entries_dir=_entries(tmp_path, entry("a")), sources_path=_sources(tmp_path),
                               policy_numbers=POLICIES, placeholder_names=PLACEHOLDERS, today=TODAY,
                               off_topic_path=off_topic)
    assert described(problems) == [
        ("error", "a", "the example 'how to do a?' is also a phrasing of the entry; remove it from one")]


def test_an_off_topic_file_without_examples_is_an_error(tmp_path: Path) -> None:
    off_topic = tmp_path / "off-topic.yaml"
    off_topic.write_text("kinds:\n  - kind: pay\n", encoding="utf-8")
    problems = check_knowledge(entries_dir=_entries(tmp_path, entry("a")), sources_path=_sources(tmp_path),
                               policy_numbers=POLICIES, placeholder_names=PLACEHOLDERS, today=TODAY,
                               off_topic_path=off_topic)
    assert described(problems) == [("error", None, "kind 1 needs 'examples:', a list of messages")]
