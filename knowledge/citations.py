"""Turning a source reference in content ({ref, section}) into a citation a person can follow.

A `ref` is a policy number from the organisation profile (its title and link come from
there) or a key of the external sources catalogue `knowledge/sources.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.core.chat import Citation
from bot.core.errors import ConfigurationError
from bot.core.profile import Profile
from knowledge.entries import SOURCES_PATH, KnowledgeError, SourceDocument, load_sources


@dataclass(frozen=True)
class SourceCatalogue:
    profile: Profile
    external: Mapping[str, SourceDocument]

    @classmethod
    def load(cls, profile: Profile, path: Path = SOURCES_PATH) -> SourceCatalogue:
        try:
            return cls(profile=profile, external=load_sources(path))
        except KnowledgeError as error:
            raise ConfigurationError(str(error)) from None

    def known_refs(self) -> set[str]:
        return {policy.number for policy in self.profile.policies} | set(self.external)

    def cite(self, ref: str, section: str | None = None) -> Citation:
        """The citation for a reference; an unknown one is shown as written rather than dropped."""
        policy = self.profile.policy(ref)
        if policy is not None:
            label = f"{policy.number} — {section}" if section else f"{policy.number} {policy.title}"
            return Citation(title=policy.title, ref=label, url=policy.link)
        source = self.external.get(ref)
        if source is not None:
            label = f"{source.title} — {section}" if section else source.title
            return Citation(title=source.title, ref=label, url=source.url)
        return Citation(title=ref, ref=f"{ref} — {section}" if section else ref)
