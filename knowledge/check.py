"""Check the knowledge base content before it ships (`igbot kb check`).

Errors make content wrong or unusable (a link to nothing, a placeholder the bot cannot fill,
a review date passed); warnings ask a curator to look (a long answer, a review date close).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from pathlib import Path

from knowledge.entries import Entry, KnowledgeError, load_entry_file, load_sources, placeholders_in
from knowledge.off_topic import load_off_topic

MAX_ANSWER_WORDS = 120
MIN_QUESTIONS = 2
REVIEW_WARNING_DAYS = 30


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """Something wrong with the content: where it is and what to do about it."""

    severity: Severity
    where: str
    message: str
    entry_id: str | None = None

    def __str__(self) -> str:
        entry = f" {self.entry_id}:" if self.entry_id else ""
        return f"{self.severity.value}: {self.where}:{entry} {self.message}"


def check_knowledge(
    *,
    entries_dir: Path | str,
    sources_path: Path | str,
    policy_numbers: Collection[str],
    placeholder_names: Collection[str],
    today: date,
    mishaps_path: Path | str | None = None,
    off_topic_path: Path | str | None = None,
) -> list[Problem]:
    """Every problem in the entries and sources (and the mishap kinds and off-topic examples, when
    given), errors first, then in file order."""
    entries_dir, sources_path = Path(entries_dir), Path(sources_path)
    entries, problems = _read_entries(entries_dir)
    source_keys, source_problems = _read_source_keys(sources_path)
    problems += source_problems
    problems += _duplicate_ids(entries)
    problems += _repeated_questions(entries)
    known_ids = {entry.id for entry in entries}
    known_refs = set(policy_numbers) | source_keys
    for entry in entries:
        problems += _sources(entry, known_refs=known_refs, sources_path=sources_path)
        problems += _related(entry, known_ids=known_ids)
        problems += _placeholders(entry, allowed=set(placeholder_names))
        problems += _questions_and_answer(entry)
        problems += _review(entry, today=today)
    if mishaps_path is not None:
        problems += _mishaps(Path(mishaps_path), entries=entries)
    if off_topic_path is not None:
        problems += _off_topic(Path(off_topic_path), entries=entries)
    return sorted(problems, key=lambda problem: problem.severity != Severity.ERROR)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """Only the problems that must be fixed before the content ships."""
    return [problem for problem in problems if problem.severity == Severity.ERROR]


def _read_entries(directory: Path) -> tuple[list[Entry], list[Problem]]:
    if not directory.is_dir():
        return [], [_error(str(directory), "knowledge base directory not found")]
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        try:
            entries.extend(load_entry_file(path))
        except KnowledgeError as error:
            problems.append(_error(path.name, str(error).removeprefix(f"{path}: ")))
    if not entries and not problems:
        problems.append(_error(str(directory), "the knowledge base has no entries"))
    return entries, problems


def _read_source_keys(path: Path) -> tuple[set[str], list[Problem]]:
    try:
        return set(load_sources(path)), []
    except KnowledgeError as error:
        return set(), [_error(path.name, str(error).removeprefix(f"{path}: "))]


def _duplicate_ids(entries: Sequence[Entry]) -> list[Problem]:
    files_by_id: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        files_by_id[entry.id].append(entry.origin)
    return [
        _error(files[1], f"id used {len(files)} times (also in {', '.join(sorted(set(files)))})", entry_id)
        for entry_id, files in files_by_id.items()
        if len(files) > 1
    ]


def _repeated_questions(entries: Sequence[Entry]) -> list[Problem]:
    """A question written twice, in one entry or two (case and punctuation aside): in one it only
    weighs twice, in two it points the search both ways."""
    first_seen: dict[str, str] = {}
    problems = []
    for entry in entries:
        for question in entry.questions:
            words = _plain(question)
            if words not in first_seen:
                first_seen[words] = entry.id
                continue
            where = "twice in this entry" if first_seen[words] == entry.id else f"also in {first_seen[words]}"
            problems.append(_error(entry.origin, f"question '{question}' is {where}", entry.id))
    return problems


def _sources(entry: Entry, *, known_refs: set[str], sources_path: Path) -> list[Problem]:
    if not entry.sources:
        return [_error(entry.origin, "no sources: cite the policy or document the answer comes from", entry.id)]
    return [
        _error(
            entry.origin,
            f"source '{source.ref}' is neither a policy number in the profile nor a key of {sources_path.name}",
            entry.id,
        )
        for source in entry.sources
        if source.ref not in known_refs
    ]


def _related(entry: Entry, *, known_ids: set[str]) -> list[Problem]:
    problems = [
        _error(entry.origin, f"related entry '{related}' does not exist", entry.id)
        for related in entry.related
        if related not in known_ids
    ]
    if entry.id in entry.related:
        problems.append(_warning(entry.origin, "lists itself as related", entry.id))
    return problems


def _placeholders(entry: Entry, *, allowed: set[str]) -> list[Problem]:
    used = placeholders_in(entry.answer) | placeholders_in(entry.title)
    return [
        _error(entry.origin, f"unknown placeholder {{{name}}}; allowed: {', '.join(sorted(allowed))}", entry.id)
        for name in sorted(used - allowed)
    ]


def _questions_and_answer(entry: Entry) -> list[Problem]:
    problems = []
    if len(entry.questions) < MIN_QUESTIONS:
        problems.append(
            _error(entry.origin, f"{len(entry.questions)} question(s); write at least {MIN_QUESTIONS} phrasings", entry.id)
        )
    words = len(entry.answer.split())
    if words > MAX_ANSWER_WORDS:
        problems.append(
            _warning(entry.origin, f"answer is {words} words; keep it to about {MAX_ANSWER_WORDS}", entry.id)
        )
    return problems


def _review(entry: Entry, *, today: date) -> list[Problem]:
    if entry.review_by is None:
        return [_warning(entry.origin, "no review_by date", entry.id)]
    if entry.review_by < today:
        return [_error(entry.origin, f"review date {entry.review_by} has passed", entry.id)]
    if entry.review_by <= today + timedelta(days=REVIEW_WARNING_DAYS):
        return [_warning(entry.origin, f"review date {entry.review_by} is within {REVIEW_WARNING_DAYS} days", entry.id)]
    return []


def _mishaps(path: Path, *, entries: Sequence[Entry]) -> list[Problem]:
    from knowledge.mishaps import load_mishaps  # mishaps reads the index's Answer: only when checked

    try:
        mishaps = load_mishaps(path)
    except KnowledgeError as error:
        return [_error(path.name, str(error).removeprefix(f"{path}: "))]
    return [_error(path.name, problem.removeprefix(f"{path.name}: "))
            for problem in mishaps.check({entry.id: entry for entry in entries})]


def _off_topic(path: Path, *, entries: Sequence[Entry]) -> list[Problem]:
    """The examples must read, and none may be a phrasing of an entry: a message cannot be both."""
    try:
        examples = load_off_topic(path)
    except KnowledgeError as error:
        return [_error(path.name, str(error).removeprefix(f"{path}: "))]
    phrasings = {_plain(text): entry.id for entry in entries for text in (entry.title, *entry.questions)}
    return [_error(path.name, f"the example {example!r} is also a phrasing of the entry; remove it from one",
                   phrasings[_plain(example)])
            for example in examples if _plain(example) in phrasings]


def _plain(text: str) -> str:
    """The words of `text` alone, so that case and punctuation never make two wordings differ."""
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def _error(where: str, message: str, entry_id: str | None = None) -> Problem:
    return Problem(severity=Severity.ERROR, where=where, message=message, entry_id=entry_id)


def _warning(where: str, message: str, entry_id: str | None = None) -> Problem:
    return Problem(severity=Severity.WARNING, where=where, message=message, entry_id=entry_id)
