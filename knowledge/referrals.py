"""Questions staff passed to the IG team: in their inbox until answered, covered by an entry or dismissed.

"answer Q-12 <answer>" sends the asker the IG team's answer through the outbox; "covered Q-12 by
<entry id>" says the knowledge base now answers it, which closes the gap wherever the same
question was declined; "dismiss Q-12" closes it without either. Without the text, igbot asks for it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlmodel import Session

from bot.core import outbox, wording
from bot.core.chat import Choice, Reply
from bot.core.conversation import Conversation, Step, Turn
from bot.core.errors import CommandError
from bot.core.inbox import InboxItem, raised_by
from bot.core.profile import Profile
from knowledge.identifiers import redact
from knowledge.retrieval import KnowledgeIndex
from storage import audit, curation, directory
from storage.curation import CurationItem, Resolution, Signal
from storage.models import IG_ROLES

NAME = "referrals"
_COMMAND = re.compile(r"^(?P<verb>answer|covered|dismiss)\s+q-?(?P<id>\d+)\b(?:\s*(?:by\s+|:\s*)?(?P<text>.+))?$",
                      re.IGNORECASE | re.DOTALL)
_SUMMARY_LENGTH = 200


class ReferralCommands:
    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index

    def matches(self, text: str) -> bool:
        return _COMMAND.match(text.strip()) is not None

    def __call__(self, turn: Turn) -> Step:
        found = _COMMAND.match(turn.text)
        assert found is not None, "called only when it matches"
        verb, item_id, text = found["verb"].lower(), int(found["id"]), (found["text"] or "").strip()
        _open_referral(turn.session, item_id)
        if text or verb == "dismiss":
            return Step([self._finish(turn, verb, item_id, text)])
        ask = wording.ASK_ANSWER if verb == "answer" else wording.ASK_ENTRY
        return Step([Reply(text=ask.format(reference=f"Q-{item_id}"), expects_text=True)],
                    {"verb": verb, "id": item_id})

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        if not turn.text:
            return Step([Reply(text=wording.ASK_ANSWER.format(reference=f"Q-{state['id']}"))], state)
        return Step([self._finish(turn, state["verb"], state["id"], turn.text)])

    def _finish(self, turn: Turn, verb: str, item_id: int, text: str) -> Reply:
        person = turn.require_person()
        assert person.id is not None
        item = _open_referral(turn.session, item_id)
        reference = f"Q-{item_id}"
        if verb == "answer":
            _send_answer(turn, item, redact(text, today=turn.today))
            resolution, entry_id, done = Resolution.ANSWERED, None, wording.ANSWER_SENT.format(reference=reference)
        elif verb == "covered":
            entry = self.index.get(text.strip().strip("`"))
            if entry is None:
                raise CommandError(wording.NO_SUCH_ENTRY.format(entry=text.strip()))
            resolution, entry_id = Resolution.COVERED, entry.id
            done = wording.QUESTION_COVERED.format(reference=reference, title=entry.title)
        else:
            resolution, entry_id, done = Resolution.DISMISSED, None, wording.QUESTION_DISMISSED.format(reference=reference)
        curation.resolve(session=turn.session, item=item, resolution=resolution, by=person.id, now=turn.now,
                         covered_by=entry_id)
        audit.record(session=turn.session, now=turn.now, action=f"question.{resolution.value}", actor_id=person.id,
                     subject=reference, details={"entry": entry_id} if entry_id else {})
        return Reply(text=done)


def _open_referral(session: Session, item_id: int) -> CurationItem:
    item = curation.get(session=session, item_id=item_id)
    if item is None or item.signal != Signal.REFERRED.value:
        raise CommandError(wording.NO_SUCH_QUESTION.format(reference=f"Q-{item_id}"))
    if item.resolution != Resolution.OPEN.value:
        raise CommandError(wording.QUESTION_CLOSED.format(reference=f"Q-{item_id}", resolution=item.resolution))
    return item


def _send_answer(turn: Turn, item: CurationItem, answer: str) -> None:
    """The answer goes to the asker through the outbox, marked as the IG team's own words."""
    if item.staff_id is None:
        raise CommandError(wording.ASKER_UNREACHABLE.format(reference=f"Q-{item.id}"))
    reply = Reply(title=wording.ANSWER_TITLE, text=wording.ANSWER_TEXT.format(question=item.question, answer=answer),
                  notes=(wording.ANSWER_NOTE,))
    outbox.queue(session=turn.session, now=turn.now, dedup_key=f"question-answered:{item.id}", staff_id=item.staff_id,
                 replies=[reply])


def inbox_items(session: Session, profile: Profile, now: dt.datetime) -> list[InboxItem]:
    """Each open question, with who asked it by role and team, and a button to answer it."""
    items = []
    for item in curation.get_open_referrals(session=session):
        asker = directory.get(session=session, staff_id=item.staff_id) if item.staff_id else None
        summary = item.question if len(item.question) <= _SUMMARY_LENGTH else item.question[:_SUMMARY_LENGTH] + "…"
        reference = f"Q-{item.id}"
        items.append(InboxItem(kind="Question", reference=reference, raised_by=raised_by(asker), at=item.at,
                               state=wording.QUESTION_WAITING, summary=f"\u201c{summary}\u201d",
                               choices=(Choice(f"Answer {reference}", f"say:answer {reference}"),)))
    return items


def install(conversation: Conversation, index: KnowledgeIndex) -> None:
    conversation.add_command(NAME, ReferralCommands(index), roles=IG_ROLES, who=wording.IG_TEAM)
    conversation.add_inbox(inbox_items)
