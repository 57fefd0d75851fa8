"""Typed commands that declare who may use them and can hold a short conversation of their own."""

from typing import Any

from sqlalchemy import Engine

from bot.core.chat import Reply
from bot.core.conversation import Conversation, Step, Turn
from storage import conversations, directory
from storage.engine import session_scope
from storage.models import IG_ROLES

IG_OFFICER, STAFF = "harriet.osei@example.org", "sam.okafor@example.org"


class RetireEntry:
    """"retire entry <id>" asks for a reason, then confirms: a small real two-step command for the IG team."""

    def matches(self, text: str) -> bool:
        return text.lower().startswith("retire entry ")

    def __call__(self, turn: Turn) -> Step:
        entry = turn.text.split(maxsplit=2)[2]
        return Step([Reply(text=f"Why retire {entry}?")], {"entry": entry})

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return Step([Reply(text=f"Retired {state['entry']}: {turn.text}")], None)


def _install(conversation: Conversation) -> None:
    conversation.add_command("retire-entry", RetireEntry(), roles=IG_ROLES, who="the IG team",
                             help_line="*Retire an entry*: `retire entry <id>` takes an answer out of use")


def _saved_workflow(engine: Engine, email: str) -> str | None:
    with session_scope(engine) as session:
        person = directory.get_by_email(session=session, email=email)
        assert person is not None and person.id is not None
        state = conversations.get(connection=session.connection(), staff_id=person.id)
        return state.workflow if state is not None else None


def test_a_role_gated_command_holds_its_own_conversation(conversation: Conversation, chat_as, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    _install(conversation)
    harriet = chat_as(IG_OFFICER)
    assert harriet.text("retire entry public-wifi") == "Why retire public-wifi?"
    assert _saved_workflow(engine, IG_OFFICER) == "retire-entry", "kept under the command's own name"
    assert harriet.text("superseded by the remote working entry") == (
        "Retired public-wifi: superseded by the remote working entry")
    assert _saved_workflow(engine, IG_OFFICER) is None


def test_someone_without_the_role_is_refused_in_one_polite_sentence(conversation: Conversation, chat_as,  # type: ignore[no-untyped-def]
                                                                    engine: Engine) -> None:
    _install(conversation)
    refusal = chat_as(STAFF).text("retire entry public-wifi")
    assert refusal == "Only the IG team can do that. If you think you should be able to, ask the IG officer to give you the role."
    assert _saved_workflow(engine, STAFF) is None
    assert "Only the IG team" in chat_as(None).text("retire entry public-wifi")


def test_help_lists_only_the_commands_a_person_may_use(conversation: Conversation, chat_as) -> None:  # type: ignore[no-untyped-def]
    _install(conversation)
    [for_the_ig_officer] = chat_as(IG_OFFICER).say("help")
    [for_staff] = chat_as(STAFF).say("help")
    assert "Retire an entry" in for_the_ig_officer.text and "Incident register" in for_the_ig_officer.text
    assert "Retire an entry" not in for_staff.text and "Incident register" not in for_staff.text
    assert "Your reports" in for_staff.text, "the commands anyone may use are listed to everyone"
