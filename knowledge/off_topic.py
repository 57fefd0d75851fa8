"""Examples of messages that are not Information Governance questions (off-topic.yaml).

A message much closer in meaning to one of these than to any phrasing of the entry the search
would answer with is declined, however many of its words the knowledge base shares: "the
photocopier puts lines on every copy" is about a photocopier, not a copy of someone's records.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from knowledge.entries import KnowledgeError, read_yaml

OFF_TOPIC_PATH = Path(__file__).resolve().parent / "off-topic.yaml"


def load_off_topic(path: Path | str = OFF_TOPIC_PATH) -> tuple[str, ...]:
    """Every example in `path`, kind after kind; a file that is not kinds with examples is a `KnowledgeError`."""
    path = Path(path)
    data: Any = read_yaml(path)
    kinds = data.get("kinds") if isinstance(data, Mapping) else None
    if not isinstance(kinds, list) or not kinds:
        raise KnowledgeError(f"{path}: expected 'kinds:', a list of kinds with their examples")
    examples: list[str] = []
    for number, kind in enumerate(kinds, start=1):
        listed = kind.get("examples") if isinstance(kind, Mapping) else None
        if not isinstance(listed, list) or not listed or not all(isinstance(e, str) and e.strip() for e in listed):
            raise KnowledgeError(f"{path}: kind {number} needs 'examples:', a list of messages")
        examples += [example.strip() for example in listed]
    return tuple(examples)
