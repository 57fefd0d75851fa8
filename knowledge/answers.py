"""Answering questions from the knowledge base: a cited answer, or an honest "I don't know".

Declined questions and feedback are kept with personal identifiers redacted, so the IG
officer can see where the knowledge base falls short (`igbot kb gaps`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from bot.core import metrics, wording
from bot.core.chat import Choice, ChoiceStyle, Citation, Reply
from bot.core.conversation import Conversation, Turn, start_action
from bot.core.errors import CommandError, ConfigurationError
from bot.core.profile import Profile
from knowledge.citations import SourceCatalogue
from knowledge.entries import Entry, KnowledgeError, load_entries
from knowledge.identifiers import Finding, find_identifiers, redact, redact_findings
from knowledge.mishaps import READ_CHARACTERS, Mishaps, load_mishaps, with_incident_advice
from knowledge.retrieval import Answer, KnowledgeIndex, render_answer
from bot.core import outbox
from knowledge import referrals
from storage import curation
from storage.curation import Signal
from storage.types import row_id

ACTION_PREFIX = "kb"
INCIDENT_TAG = "incidents"
_THANKS = re.compile(r"^(thanks|thank you|cheers|ta|thx|great,? thanks)\b[ !.]*$", re.IGNORECASE)
# First-person accounts of something that happened: "I sent...", "we've lost...", "my laptop was stolen".
_SOMETHING_HAPPENED = re.compile(
    r"\b(i|we|i've|we've|ive|my|our|someone|somebody)\b.*\b(sent|emailed|e-mailed|lost|left|dropped|clicked|"
    r"opened|posted|shared|forwarded|stolen|deleted|misplaced|leaked|gave|told|hacked|copied|uploaded|faxed|"
    r"overheard|heard|nicked|missing|went)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class KnowledgeAnswerer:
    profile: Profile
    index: KnowledgeIndex
    sources: SourceCatalogue
    mishaps: Mishaps = field(default_factory=load_mishaps)
    _by_entry: dict[str, tuple[str, tuple[Citation, ...]]] = field(default_factory=dict, init=False, repr=False,
                                                                   compare=False)

    @classmethod
    def load(cls, profile: Profile) -> KnowledgeAnswerer:
        """The shipped knowledge base; content that cannot be read stops start-up with one sentence."""
        try:
            index = KnowledgeIndex.build(load_entries())
        except KnowledgeError as error:
            raise ConfigurationError(f"The knowledge base cannot be loaded: {error}") from None
        return cls(profile=profile, index=index, sources=SourceCatalogue.load(profile))

    def ask(self, question: str, *, today: dt.date) -> Answer:
        """The answer to a question, identifiers removed first (they never help and are never kept): the
        index's, or the incident advice when the question tells of something going wrong."""
        return self._answer(_without_identifiers(question, find_identifiers(question, today=today)))

    def _answer(self, question: str) -> Answer:
        return with_incident_advice(question, self.index.ask(question), mishaps=self.mishaps,
                                    entries=self._entries)

    @cached_property
    def _entries(self) -> Mapping[str, Entry]:
        return MappingProxyType({entry.id: entry for entry in self.index.entries})

    def answer(self, turn: Turn) -> list[Reply]:
        question = turn.text
        if _THANKS.match(question):
            return [Reply(text=wording.YOU_ARE_WELCOME)]
        # One look for identifiers serves the warning, the question kept for curation and the search.
        findings = find_identifiers(question, today=turn.today)
        notes = (wording.PERSONAL_DATA_WARNING,) if findings else ()
        safe_question = redact_findings(question, findings)
        result = self._answer(_without_identifiers(question, findings))
        if result.off_topic:
            metrics.NOT_ABOUT_IG.inc()
            return [self._not_about_ig(safe_question, notes)]
        if not result.answered or result.entry is None:
            metrics.DECLINES.inc()
            return [self._decline(turn, safe_question, result, notes)]
        metrics.ANSWERS.inc()
        if result.close_call:  # the runner-up fits almost as well: both answers, rather than a guess
            metrics.CLOSE_CALLS.inc()
            both = (result.entry, *result.related)
            curation.create(session=turn.session, now=turn.now, signal=Signal.CLOSE_CALL, question=safe_question,
                            entry_id=result.entry.id, runner_up=result.related[0].id, score=result.score,
                            staff_id=turn.message.staff_id, asker=turn.message.platform_identity)
            return [Reply(text=wording.CLOSE_CALL, notes=notes),
                    *(self.entry_reply(entry, related=[], question=safe_question) for entry in both)]
        return [self.entry_reply(result.entry, related=result.related, question=safe_question, notes=notes)]

    @cached_property
    def _placeholders(self) -> Mapping[str, str]:
        """The profile's values for answers, worked out once: the profile never changes."""
        return MappingProxyType(self.profile.placeholders())

    def entry_reply(self, entry: Entry, *, related: list[Entry], question: str = "",
                    notes: tuple[str, ...] = ()) -> Reply:
        text, citations = self.rendered(entry)
        choices = [
            Choice("Helpful", f"{ACTION_PREFIX}:helpful:{entry.id}"),
            Choice("Not helpful", f"{ACTION_PREFIX}:unhelpful:{entry.id}:{question[:400]}"),
            Choice("Ask the IG team", f"{ACTION_PREFIX}:refer:{entry.id}:{question[:400]}"),
        ]
        if INCIDENT_TAG in entry.tags:
            report = Choice("Report an incident", start_action("incident-report"), ChoiceStyle.PRIMARY)
            choices.insert(0, report)
            if _SOMETHING_HAPPENED.search(question[:READ_CHARACTERS]) or self.mishaps.entry_id_for(question):
                text = f"{wording.INCIDENT_PREFACE}\n\n{text}"
        choices += [Choice(f"Related: {other.title}", f"{ACTION_PREFIX}:show:{other.id}") for other in related[:2]]
        return Reply(title=entry.title, text=text, citations=citations, choices=tuple(choices), notes=notes)

    def rendered(self, entry: Entry) -> tuple[str, tuple[Citation, ...]]:
        """An entry's answer with the profile's values filled in, and its citations: the same for every asker."""
        rendered = self._by_entry.get(entry.id)
        if rendered is None:
            citations = tuple(self.sources.cite(source.ref, source.section) for source in entry.sources)
            rendered = self._by_entry[entry.id] = (render_answer(entry, self._placeholders), citations)
        return rendered

    def _decline(self, turn: Turn, question: str, result: Answer, notes: tuple[str, ...]) -> Reply:
        item = curation.create(session=turn.session, now=turn.now, signal=Signal.DECLINED, question=question, score=result.score,
                               staff_id=turn.message.staff_id, asker=turn.message.platform_identity)
        suggestions = [Choice(entry.title, f"{ACTION_PREFIX}:show:{entry.id}") for entry in result.related[:2]]
        text = (wording.DECLINE_WITH_SUGGESTIONS if suggestions else wording.DECLINE).format(**self._placeholders)
        refer = Choice("Ask the IG team", f"{ACTION_PREFIX}:refer-declined:{item.id}", ChoiceStyle.PRIMARY)
        return Reply(text=text, choices=(*suggestions, refer), notes=notes)

    def _not_about_ig(self, question: str, notes: tuple[str, ...]) -> Reply:
        """A message plainly about something else: said so, and not kept as a knowledge gap; a button passes it
        to the IG team all the same, in case the search misjudged it."""
        refer = Choice("It is about IG: ask the IG team", f"{ACTION_PREFIX}:refer::{question[:400]}")
        return Reply(text=wording.NOT_ABOUT_IG, choices=(refer,), notes=notes)

    def on_action(self, turn: Turn, rest: str) -> list[Reply]:
        """Buttons on answers: feedback, passing a question to the IG team, showing a related entry."""
        verb, _, argument = rest.partition(":")
        entry_id, _, question = argument.partition(":")
        staff_id = turn.message.staff_id
        if verb == "show":
            return [self.entry_reply(self._entry(entry_id), related=[])]
        if verb == "helpful":
            curation.create(session=turn.session, now=turn.now, signal=Signal.HELPFUL, entry_id=entry_id, staff_id=staff_id)
            return [Reply(text=wording.FEEDBACK_THANKS)]
        if verb == "unhelpful":
            curation.create(session=turn.session, now=turn.now, signal=Signal.NOT_HELPFUL, question=redact(question, today=turn.today),
                            entry_id=entry_id, staff_id=staff_id)
            refer = Choice("Ask the IG team", f"{ACTION_PREFIX}:refer:{entry_id}:{question}")
            return [Reply(text=wording.FEEDBACK_SORRY, choices=(refer,))]
        if verb == "refer":
            return [self._refer(turn, redact(question, today=turn.today), entry_id=entry_id or None)]
        if verb == "refer-declined" and (item_id := row_id(entry_id)) is not None:
            declined = curation.get(session=turn.session, item_id=item_id)
            if declined is not None and curation.asked_by(declined, staff_id=staff_id,
                                                          asker=turn.message.platform_identity):  # only the asker passes it on
                return [self._refer(turn, declined.question, entry_id=None)]
        return [Reply(text=wording.STALE_BUTTON)]

    def _refer(self, turn: Turn, question: str, *, entry_id: str | None) -> Reply:
        """Keep the (redacted) question for curation and tell the IG team, through the outbox, who asked it."""
        staff_id = turn.person.id if turn.person else None
        item = curation.create(session=turn.session, now=turn.now, signal=Signal.REFERRED, question=question, entry_id=entry_id,
                               staff_id=staff_id, asker=turn.message.platform_identity)
        asker = f"{turn.person.name} ({turn.person.email})" if turn.person else "Someone not in the staff directory"
        about = f"\nThe answer they were given: {entry_id}" if entry_id else ""
        notice = Reply(title=f"Question Q-{item.id} for the IG team",
                       text=f"{asker} asked a question igbot could not settle:\n\n{question}{about}")
        outbox.queue(session=turn.session, now=turn.now, dedup_key=f"question-referred:{item.id}", replies=[notice],
                       to_ig_team=True)
        return Reply(text=wording.REFERRED.format(reference=item.id, **self._placeholders))

    def _entry(self, entry_id: str) -> Entry:
        entry = self.index.get(entry_id)
        if entry is None:
            raise CommandError("That answer is no longer in the knowledge base. Ask me again in your own words.")
        return entry


def _without_identifiers(text: str, findings: list[Finding]) -> str:
    kept, position = [], 0
    for finding in findings:
        kept.append(text[position:finding.start])
        position = finding.end
    kept.append(text[position:])
    return " ".join("".join(kept).split())


def install(conversation: Conversation) -> None:
    answerer = conversation.answerer
    if isinstance(answerer, KnowledgeAnswerer):
        conversation.add_action(ACTION_PREFIX, answerer.on_action)
        referrals.install(conversation, answerer.index)
