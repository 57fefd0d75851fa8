"""Knowledge base entries: the curated answers, read from YAML files in knowledge/entries/."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
ENTRIES_DIRECTORY = Path(__file__).resolve().parent / "entries"
SOURCES_PATH = Path(__file__).resolve().parent / "sources.yaml"

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_REQUIRED_FIELDS = ("id", "title", "answer")
_KNOWN_FIELDS = frozenset(
    {"id", "title", "questions", "answer", "sources", "tags", "related", "owner", "review_by"}
)


class KnowledgeError(Exception):
    """Content of the knowledge base that cannot be read; the message names file and field."""


@dataclass(frozen=True)
class Source:
    """Where an answer comes from: a policy number or a key of sources.yaml, and a section."""

    ref: str
    section: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    """A document listed in sources.yaml that entries may cite by its key."""

    key: str
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    """One curated answer with the phrasings staff might use to ask for it."""

    id: str
    title: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[Source, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    owner: str | None = None
    review_by: date | None = None
    origin: str = ""


def placeholders_in(text: str) -> set[str]:
    """The names of the {placeholders} in `text`, e.g. {"dpo_name"}."""
    return set(PLACEHOLDER.findall(text))


def load_entries(directory: Path | str = ENTRIES_DIRECTORY) -> list[Entry]:
    """Every entry in the *.yaml files of `directory`, in file-name order then file order."""
    directory = Path(directory)
    if not directory.is_dir():
        raise KnowledgeError(f"{directory}: knowledge base directory not found")
    entries: list[Entry] = []
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        entries.extend(load_entry_file(path))
    return entries


def load_entry_file(path: Path) -> list[Entry]:
    """The entries of one YAML file, which holds a list of mappings (or nothing)."""
    content = read_yaml(path)
    if content is None:
        return []
    if not isinstance(content, list):
        raise KnowledgeError(f"{path}: expected a list of entries, found {_kind(content)}")
    return [_entry(item, where=f"{path}: entry {number}", origin=path.name)
            for number, item in enumerate(content, start=1)]


def load_sources(path: Path | str = SOURCES_PATH) -> dict[str, SourceDocument]:
    """The documents of sources.yaml, by key."""
    path = Path(path)
    content = read_yaml(path)
    if content is None:
        return {}
    if not isinstance(content, Mapping):
        raise KnowledgeError(f"{path}: expected a mapping of key to {{title, url}}")
    documents = {}
    for key, value in content.items():
        where = f"{path}: source {key!r}"
        if not isinstance(value, Mapping):
            raise KnowledgeError(f"{where}: expected a mapping with 'title' and 'url'")
        documents[str(key)] = SourceDocument(
            key=str(key),
            title=_text(value, "title", where=where),
            url=_optional_text(value, "url", where=where),
        )
    return documents


def read_yaml(path: Path) -> Any:
    """A knowledge file's YAML; a missing file or bad YAML is a `KnowledgeError` naming the file."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError as error:
        raise KnowledgeError(f"{path}: file not found") from error
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path}: not valid YAML: {error}") from error


def _entry(item: Any, *, where: str, origin: str) -> Entry:
    if not isinstance(item, Mapping):
        raise KnowledgeError(f"{where}: expected a mapping, found {_kind(item)}")
    if isinstance(item.get("id"), str):
        where = f"{where} ({item['id']})"
    for field in _REQUIRED_FIELDS:
        if field not in item:
            raise KnowledgeError(f"{where}: field '{field}' is missing")
    unknown = sorted(str(key) for key in item if key not in _KNOWN_FIELDS)
    if unknown:
        raise KnowledgeError(f"{where}: unknown field '{unknown[0]}'")
    return Entry(
        id=_text(item, "id", where=where),
        title=_text(item, "title", where=where),
        questions=_texts(item, "questions", where=where),
        answer=_text(item, "answer", where=where).strip(),
        sources=_sources(item, where=where),
        tags=_texts(item, "tags", where=where),
        related=_texts(item, "related", where=where),
        owner=_optional_text(item, "owner", where=where),
        review_by=_optional_date(item, "review_by", where=where),
        origin=origin,
    )


def _text(item: Mapping[str, Any], field: str, *, where: str) -> str:
    value = item.get(field)
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: field '{field}' must be non-empty text")
    return value


def _optional_text(item: Mapping[str, Any], field: str, *, where: str) -> str | None:
    if item.get(field) is None:
        return None
    return _text(item, field, where=where)


def _texts(item: Mapping[str, Any], field: str, *, where: str) -> tuple[str, ...]:
    value = item.get(field)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(f"{where}: field '{field}' must be a list of non-empty texts")
    return tuple(value)


def _sources(item: Mapping[str, Any], *, where: str) -> tuple[Source, ...]:
    value = item.get("sources")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise KnowledgeError(f"{where}: field 'sources' must be a list of {{ref, section}}")
    sources = []
    for number, source in enumerate(value, start=1):
        source_where = f"{where}: field 'sources' item {number}"
        if not isinstance(source, Mapping):
            raise KnowledgeError(f"{source_where} must be a mapping with 'ref'")
        ref = source.get("ref")
        if isinstance(ref, (int, float)):
            ref = str(ref)
        sources.append(
            Source(
                ref=_text({"ref": ref}, "ref", where=source_where),
                section=_optional_text(source, "section", where=source_where),
            )
        )
    return tuple(sources)


def _optional_date(item: Mapping[str, Any], field: str, *, where: str) -> date | None:
    value = item.get(field)
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise KnowledgeError(f"{where}: field '{field}' must be a date like 2027-11-30")


def _kind(value: Any) -> str:
    return type(value).__name__
