"""The seed policy (DQ402) as paragraphs under their section headings, for the baselines.

A baseline "hits" when its best paragraph lies in a DQ402 section that the expected entry
cites. The policy's headings and their nesting come from its own table of contents; the
entries cite sections in their own words ("Keeping data secure: Lock records away (physical
security)"), which are matched to headings with rapidfuzz.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, utils

from knowledge.entries import Entry

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT / ".." / "shared"
POLICY_PATH = SHARED / "seeds" / "data-security-and-protection-policy-DQ402.txt"
POLICY_NUMBER = "DQ402"

# (heading, parent heading) in the order of the policy's table of contents.
HEADINGS: tuple[tuple[str, str | None], ...] = (
    ("Overview", None),
    ("What is this policy?", "Overview"),
    ("When do we use this policy?", "Overview"),
    ("What's included in this policy?", "Overview"),
    ("What is data security and protection?", None),
    ("Records management – know where the data is", "What is data security and protection?"),
    ("Data protection – think about keeping data safe", "What is data security and protection?"),
    ("Data security – how we keep data safe", "What is data security and protection?"),
    ("Further reading: Data security and protection (links to other sites)",
     "What is data security and protection?"),
    ("Looking after records (record management)", None),
    ("Know what a record is", "Looking after records (record management)"),
    ("Look after records at all times", "Looking after records (record management)"),
    ("Keep records updated and complete", "Looking after records (record management)"),
    ("Resources: Looking after records", "Looking after records (record management)"),
    ("Keeping data secure", None),
    ("Lock records away: Physical security", "Keeping data secure"),
    ("Use safe software: Digital security", "Keeping data secure"),
    ("Have a secure attitude: Security thinking", "Keeping data secure"),
    ("Resources: Keeping data secure", "Keeping data secure"),
    ("IT Policies:", "Keeping data secure"),
    ("Know what you need to do", None),
    ("Resources: Know your duty", "Know what you need to do"),
    ("Follow the Law", None),
    ("Use the Data Protection Principles:", "Follow the Law"),
    ("Use data fairly, clearly and in line with the law", "Follow the Law"),
    ("Processing personal data for the right reasons", "Follow the Law"),
    ("Data about people who are working on our behalf", "Follow the Law"),
    ("Be responsible for our data", "Follow the Law"),
    ("Only use and share what we need to do our jobs", "Follow the Law"),
    ("Know what data we have and where it goes", "Follow the Law"),
    ("Resources: Follow the law", "Follow the Law"),
)
_PARENT = dict(HEADINGS)
_DEPTH = {heading: (0 if parent is None else 1) for heading, parent in HEADINGS}
_CITATION_MATCH = 85
# Lines that introduce a list inside a section, which entries sometimes cite as a section.
_INTRODUCTIONS = {
    "we keep records to": "Know what a record is",
    "we keep physical records and equipment safe by": "Lock records away: Physical security",
    "we keep data safe on the computer by": "Use safe software: Digital security",
    "we use our thinking to keep data safe by": "Have a secure attitude: Security thinking",
}


@dataclass(frozen=True)
class Paragraph:
    """One line of the policy's text and the headings it sits under (outermost first)."""

    text: str
    sections: tuple[str, ...]


class PolicyMissing(Exception):
    """The seed policy text is not where the baselines look for it."""


def load_paragraphs(path: Path = POLICY_PATH) -> list[Paragraph]:
    """The policy's paragraphs (one per non-empty line), headings and contents list left out."""
    if not path.is_file():
        raise PolicyMissing(
            f"The seed policy is not at {path.resolve()}; the baselines need it. "
            "Put the shared/ folder beside the repository (../shared/seeds/)."
        )
    paragraphs = []
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("Policy version history"):
            break
        text = _plain(line)
        if not text or line.startswith("["):
            continue
        heading = text if text in _PARENT else None
        if heading is not None:
            current = heading
            continue
        if current is not None and current != "What's included in this policy?":
            paragraphs.append(Paragraph(text=text, sections=_path(current)))
    return paragraphs


def cited_sections(entry: Entry) -> set[str]:
    """The DQ402 headings the entry cites (empty when it cites no DQ402 section)."""
    sections = set()
    for source in entry.sources:
        if source.ref == POLICY_NUMBER and source.section:
            heading = match_heading(source.section)
            if heading is not None:
                sections.add(heading)
    return sections


def match_heading(citation: str) -> str | None:
    """The heading a citation names: "Parent: child" picks the child under that parent."""
    parent_part, _, child_part = citation.partition(":")
    top_level = [heading for heading, parent in HEADINGS if parent is None]
    parent = _closest(parent_part, top_level)
    if parent is None:
        return _closest(citation, [heading for heading, _ in HEADINGS])
    if not child_part.strip():
        return parent
    child_part = _INTRODUCTIONS.get(utils.default_process(child_part), child_part)
    children = [heading for heading, above in HEADINGS if above == parent]
    return _closest(child_part, children) or parent


def _closest(text: str, headings: list[str]) -> str | None:
    wanted = utils.default_process(text)
    scored = [
        (fuzz.token_set_ratio(wanted, utils.default_process(heading)),
         fuzz.token_sort_ratio(wanted, utils.default_process(heading)), heading)
        for heading in headings
    ]
    if not scored:
        return None
    best_set, _, heading = max(scored)
    return heading if best_set >= _CITATION_MATCH else None


def lies_in(paragraph: Paragraph, sections: set[str]) -> bool:
    """Whether the paragraph is under one of the sections (or under a subsection of one)."""
    return any(section in sections for section in paragraph.sections)


def _plain(line: str) -> str:
    text = re.sub(r"<[^>]+>", " ", line).replace("→", " ").replace("●", " ").replace("•", " ")
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text).replace("\\(", "(").replace("\\)", ")")
    return re.sub(r"\s+", " ", text).strip()


def _path(heading: str) -> tuple[str, ...]:
    parent = _PARENT[heading]
    return (heading,) if parent is None else (parent, heading)
