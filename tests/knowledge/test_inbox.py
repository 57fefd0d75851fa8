"""The IG team's inbox: a question passed on by staff is answered in the officer's own words and reaches the asker."""

import datetime as dt

from sqlalchemy import Engine

from bot.core.chat import Reply
from bot.core.clock import SettableClock
from bot.core.conversation import Conversation
from storage import curation
from storage.engine import session_scope
from storage.models import StaffMember
from workflows import delivery

SAM, HARRIET = "sam.okafor@example.org", "harriet.osei@example.org"


class Recorder:
    """A platform that reaches everyone and records what it sends."""

    channel = "slack"

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Reply]]] = []

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        self.sent.append((staff.email, replies))
        return True

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        self.sent.append(("#ig-team", replies))
        return True


def _pass_on(chat_as, question: str) -> str:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    [declined] = sam.say(question)
    [saved] = sam.say(action=declined.choices[-1].action)
    assert "Saved for the IG team as Q-" in saved.text and "inbox" in saved.text
    return saved.text.split("as ")[1].split(":")[0]


async def test_a_passed_on_question_is_answered_by_the_ig_officer_and_reaches_the_asker(  # type: ignore[no-untyped-def]
    conversation: Conversation, chat_as, engine: Engine, clock: SettableClock
) -> None:
    reference = _pass_on(chat_as, "how do I book annual leave for next month?")
    harriet = chat_as(HARRIET)
    [inbox] = harriet.say("inbox")
    assert f"*{reference}* Question, waiting for an answer" in inbox.text
    assert "Recovery Worker, Harbour Recovery" in inbox.text and "Sam Okafor" not in inbox.text
    answer_button = next(choice for choice in inbox.choices if choice.label == f"Answer {reference}")
    assert "What is your answer" in harriet.text(action=answer_button.action)
    sent = harriet.text("Annual leave is booked with your line manager through the HR system, not with the IG team.")
    assert sent == f"Sent to the person who asked {reference}. It has left your inbox."
    assert "Nothing is waiting for the IG team." in harriet.text("inbox")

    platform = Recorder()
    await delivery.deliver_due(engine=engine, messengers=[platform], now=clock.now() + dt.timedelta(seconds=1))
    [(to, [answer])] = [(to, replies) for to, replies in platform.sent if to == SAM]
    assert answer.title == "An answer from the IG team"
    assert "annual leave for next month" in answer.text and "through the HR system" in answer.text
    assert any("written by the IG team" in note for note in answer.notes)


def test_a_question_the_knowledge_base_now_covers_leaves_the_gaps(conversation: Conversation, chat_as,  # type: ignore[no-untyped-def]
                                                                   engine: Engine) -> None:
    question = "how do I claim my mileage expenses?"
    reference = _pass_on(chat_as, question)
    harriet = chat_as(HARRIET)
    assert "There is no entry `no-such-entry`" in harriet.text(f"covered {reference} by no-such-entry")
    assert "is now covered by" in harriet.text(f"covered {reference} by getting-ig-help")
    with session_scope(engine) as session:
        assert question not in [gap.question for gap in curation.get_gaps(session=session)], "declined and referred both close"
    assert "is no longer waiting: it was covered" in harriet.text(f"answer {reference} too late")


def test_only_the_ig_team_sees_the_inbox_or_answers(conversation: Conversation, chat_as) -> None:  # type: ignore[no-untyped-def]
    reference = _pass_on(chat_as, "how do I book annual leave for next month?")
    sam = chat_as(SAM)
    assert sam.text("inbox").startswith("Only the IG team can do that.")
    assert sam.text(f"answer {reference} book it yourself").startswith("Only the IG team can do that.")


def test_a_new_report_and_a_failed_message_wait_in_the_inbox(conversation: Conversation, chat_as,  # type: ignore[no-untyped-def]
                                                             engine: Engine, clock: SettableClock) -> None:
    from bot.core import outbox
    from storage import directory
    from storage import outbox as stored

    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email=SAM)
        assert sam is not None
        outbox.queue(session=session, now=clock.now(), dedup_key="lost", staff_id=sam.id, replies=[Reply(text="hi")])
        [message] = stored.get_all(session=session)
        stored.mark_retry(session=session, message_id=message.id or 0, now=clock.now(), error="no channel",
                          delivered_to=[], retry_at=None)
    text = chat_as(HARRIET).text("inbox")
    assert "Not delivered" in text and "Recovery Worker, Harbour Recovery" in text and "no channel" in text
