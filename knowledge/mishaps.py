"""Messages that describe something going wrong get the incident advice, in any words.

The search ranks entries by what a message is about; a message that tells of a mishap
("I posted Mr B's letter to his old flat", "my bag with the day's notes was stolen") needs
what to do now and the report button, whichever entry the search would rank first and
whether or not it says "incident". The kinds of mishap are data (mishaps.yaml): wordings
that describe one, and the incident entry that answers each. Only the start of a message is
read for them (`READ_CHARACTERS`): a mishap is told there, and the wordings' patterns take time
that grows faster than the text, so a message of many thousands of characters must not hold up
the bot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.entries import Entry, KnowledgeError, read_yaml
from knowledge.retrieval import Answer

MISHAPS_PATH = Path(__file__).resolve().parent / "mishaps.yaml"
INCIDENT_TAG = "incidents"
READ_CHARACTERS = 800  # about 150 words; the slowest patterns take tens of milliseconds on this much
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


@dataclass(frozen=True)
class MishapKind:
    """One kind of thing going wrong: the wordings that describe it and the entry that answers it."""

    entry_id: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Mishaps:
    """The kinds of mishap, in the order they are tried, and the wordings that make a message an
    ordinary question though it uses a mishap's words (how to avoid one; a person gone missing)."""

    kinds: tuple[MishapKind, ...]
    ordinary: tuple[re.Pattern[str], ...]

    def entry_id_for(self, message: str) -> str | None:
        """The incident entry for the mishap `message` describes, or None when it describes none."""
        text = " ".join(message.lower().replace("\u2019", "'").split())[:READ_CHARACTERS]
        if any(pattern.search(text) for pattern in self.ordinary):
            return None
        # What went wrong and what it happened to are told in one sentence: "we lost the
        # retender ... the closed records" is two things, not lost records.
        sentences = _SENTENCE_END.split(text)
        for kind in self.kinds:
            if any(pattern.search(sentence) for pattern in kind.patterns for sentence in sentences):
                return kind.entry_id
        return None

    def check(self, entries: Mapping[str, Entry]) -> list[str]:
        """Problems with the data: a kind whose entry is missing or is not an incident entry."""
        problems = []
        for kind in self.kinds:
            entry = entries.get(kind.entry_id)
            if entry is None:
                problems.append(f"mishaps.yaml: no entry '{kind.entry_id}'")
            elif INCIDENT_TAG not in entry.tags:
                problems.append(f"mishaps.yaml: entry '{kind.entry_id}' is not tagged '{INCIDENT_TAG}'")
        return problems


def load_mishaps(path: Path | str = MISHAPS_PATH) -> Mishaps:
    """The mishap kinds in `path`; a bad pattern is a `KnowledgeError` naming it."""
    path = Path(path)
    data: Any = read_yaml(path) or {}
    kinds = []
    for number, item in enumerate(data.get("kinds") or [], start=1):
        if not isinstance(item, Mapping) or not isinstance(item.get("entry"), str):
            raise KnowledgeError(f"{path}: kind {number} needs an 'entry' and 'patterns'")
        kinds.append(MishapKind(entry_id=item["entry"],
                                patterns=_compiled(item.get("patterns") or [], where=f"{path}: kind {number}")))
    return Mishaps(kinds=tuple(kinds),
                   ordinary=_compiled(data.get("ordinary") or [], where=f"{path}: ordinary"))


def _compiled(patterns: Sequence[object], *, where: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(str(pattern), re.IGNORECASE))
        except re.error as error:
            raise KnowledgeError(f"{where}: pattern {pattern!r} is not a valid regular expression: {error}") from None
    return tuple(compiled)


def with_incident_advice(message: str, answer: Answer, *, mishaps: Mishaps,
                         entries: Mapping[str, Entry]) -> Answer:
    """`answer`, or the incident entry's answer when `message` tells of something going wrong.

    An incident entry the search found stands: it was ranked on the whole message and already
    carries the advice and the report button. Otherwise (another entry, or a decline) the
    mishap's incident entry answers, and the search's own best entry is kept among the related
    ones so the person can still reach it.
    """
    if answer.answered and answer.entry is not None and INCIDENT_TAG in answer.entry.tags:
        return answer
    entry_id = mishaps.entry_id_for(message)
    entry = entries.get(entry_id) if entry_id else None
    if entry is None or (answer.answered and answer.entry is entry):
        return answer
    related = [other for other in ([answer.entry] if answer.entry else []) + list(answer.related)
               if other.id != entry.id]
    return Answer(answered=True, entry=entry, score=max(answer.score, 1.0), related=related[:2])


def describes_mishap(message: str, *, mishaps: Mishaps) -> bool:
    """Whether `message` tells of something going wrong."""
    return mishaps.entry_id_for(message) is not None
