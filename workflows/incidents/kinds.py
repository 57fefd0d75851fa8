"""The kinds of incident staff can report, with their starting likelihood and immediate advice (kinds.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.core.errors import ConfigurationError

KINDS_FILE = Path(__file__).parent / "kinds.yaml"
NEAR_MISS = "near_miss"


@dataclass(frozen=True)
class IncidentKind:
    code: str
    label: str
    likelihood: int
    advice: tuple[str, ...]

    @property
    def is_near_miss(self) -> bool:
        return self.code == NEAR_MISS


@cache
def all_kinds() -> tuple[IncidentKind, ...]:
    raw = yaml.safe_load(KINDS_FILE.read_text(encoding="utf-8"))
    kinds = []
    for number, item in enumerate(raw, start=1):
        try:
            kind = IncidentKind(code=item["code"], label=item["label"], likelihood=int(item["likelihood"]),
                                advice=tuple(item["advice"]))
        except (KeyError, TypeError, ValueError):
            raise ConfigurationError(f"{KINDS_FILE}: kind {number} needs a code, label, likelihood and advice.") from None
        if not 1 <= kind.likelihood <= 5:
            raise ConfigurationError(f"{KINDS_FILE}: the likelihood of {kind.code} must be from 1 to 5.")
        kinds.append(kind)
    return tuple(kinds)


def kind_of(code: str) -> IncidentKind:
    """The kind with this code; a code no longer in the file reads as "Something else"."""
    for kind in all_kinds():
        if kind.code == code:
            return kind
    return next(kind for kind in all_kinds() if kind.code == "other")
