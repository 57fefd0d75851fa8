"""A conversation that never loses your place: cancel sets a draft aside, it survives a restart and an
unrelated question, it is offered back, and nothing unfinished is thrown away without asking."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.app.assembly import build_conversation
from bot.core.chat import Channel, IncomingMessage
from bot.core.clock import SettableClock
from bot.core.conversation import start_action
from bot.core.profile import Profile
from storage import conversations, directory
from storage.engine import session_scope

SAM = "sam.okafor@example.org"


def _draft(engine: Engine) -> conversations.SavedState | None:
    with session_scope(engine) as session:
        person = directory.get_by_email(session=session, email=SAM)
        assert person is not None and person.id is not None
        return conversations.get(connection=session.connection(), staff_id=person.id)


def test_a_draft_survives_cancel_a_question_and_a_restart_and_is_offered_back(  # type: ignore[no-untyped-def]
    chat_as, engine: Engine, profile: Profile, clock: SettableClock
) -> None:
    sam = chat_as(SAM)
    sam.say("report an incident")
    assert "Question 2 of" in sam.text("2")  # a misdirected email
    assert "set *Report an incident* aside with your answers so far" in sam.text("cancel")
    saved = _draft(engine)
    assert saved is not None and saved.paused and saved.data["answers"]["kind"] == "misdirected_email"

    answer = sam.text("who is our data protection officer?")
    assert "Imogen Thwaite" in answer and "Question" not in answer, "answered, not taken as a report answer"
    assert _draft(engine) == saved, "an unrelated question leaves the draft alone"

    restarted = build_conversation(profile, engine, clock=clock)  # igbot restarted
    message = IncomingMessage(channel=Channel.CONSOLE, staff_id=sam.staff_id, text="hello")
    [greeting] = restarted.handle_now(message)
    assert "You have *Report an incident* in progress" in greeting.text
    carry_on = next(choice for choice in greeting.choices if choice.label == "Carry on")
    [*_, question] = restarted.handle_now(IncomingMessage(channel=Channel.CONSOLE, staff_id=sam.staff_id,
                                                          action=carry_on.action))
    assert "Question 2 of" in question.text, "back where Sam left off"


def test_discard_deletes_a_draft_only_after_asking(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    sam.say("report an incident")
    sam.say("2")
    [question] = sam.say("discard")
    assert "Delete your unfinished *Report an incident*" in question.text
    assert "Kept" in sam.text(action="keep:")
    assert _draft(engine) is not None
    assert sam.text(action="discard:confirm").startswith("Deleted.")
    assert _draft(engine) is None


def test_starting_something_else_asks_before_discarding_a_draft(chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    sam.say("report an incident")
    sam.say("2")
    [asked] = sam.say(action=start_action("can-i-share"))
    assert "You have an unfinished *Report an incident*" in asked.text
    assert [choice.label for choice in asked.choices] == ["Carry on with Report an incident",
                                                          "Delete it and start Can I share this?"]
    assert _draft(engine) is not None and _draft(engine).workflow == "incident-report"  # type: ignore[union-attr]
    sam.say(action=asked.choices[1].action)
    assert _draft(engine).workflow == "can-i-share"  # type: ignore[union-attr]


@pytest.mark.parametrize("stray", ["2", "7", "yes"])
def test_a_stray_choice_outside_any_choices_is_not_answered_as_a_question(chat_as, stray: str) -> None:  # type: ignore[no-untyped-def]
    [reply] = chat_as(SAM).say(stray)
    assert reply.text.startswith("There's nothing to choose from just now.")
    assert "principle" not in reply.text.lower()


def test_a_stray_number_with_a_draft_set_aside_points_back_to_it(chat_as) -> None:  # type: ignore[no-untyped-def]
    sam = chat_as(SAM)
    sam.say("report an incident")
    sam.say("cancel")
    [reply] = sam.say("2")
    assert "Your *Report an incident* is set aside: type *continue*" in reply.text
    assert "Question 1 of" in sam.say("continue")[-1].text
