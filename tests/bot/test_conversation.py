"""The conversation core as a person meets it: help, cancel, the apology, and people not in the directory."""

from typing import Any

from sqlalchemy import Engine

from bot.core.chat import Reply
from bot.core.conversation import Conversation, Step, Turn, start_action
from bot.core.errors import CommandError
from storage import conversations, directory
from storage.engine import session_scope


class Countdown:
    """A small real workflow: counts down from three, one message at a time."""

    name = "countdown"
    triggers = ("count down",)
    help_line = "*Count down*: a three-step test flow"

    def start(self, turn: Turn) -> Step:
        return Step([Reply(text="3")], {"left": 3})

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        if turn.text == "explode":
            directory.create(session=turn.session, email="half.written@example.org", name="Half Written")
            raise RuntimeError("boom")
        if turn.text == "refuse":
            raise CommandError("That isn't allowed here.")
        left = state["left"] - 1
        return Step([Reply(text=str(left))], {"left": left} if left else None)


def _with_countdown(conversation: Conversation) -> Conversation:
    conversation.add_workflow(Countdown())
    return conversation


def test_help_greets_the_person_and_lists_what_igbot_does(conversation: Conversation, chat_as) -> None:  # type: ignore[no-untyped-def]
    _with_countdown(conversation)
    [reply] = chat_as("sam.okafor@example.org").say("help")
    assert "Hello Sam Okafor" in reply.text
    assert "Count down" in reply.text
    assert start_action("countdown") in [choice.action for choice in reply.choices]


def test_a_workflow_continues_across_messages_and_can_be_cancelled(conversation: Conversation, chat_as) -> None:  # type: ignore[no-untyped-def]
    _with_countdown(conversation)
    sam = chat_as("sam.okafor@example.org")
    assert sam.text("count down") == "3"
    assert sam.text("next") == "2"
    assert "set *Count down* aside" in sam.text("cancel")
    assert "Nothing is waiting" not in sam.text("home")
    assert "Delete your unfinished *Count down*" in sam.text("discard")
    assert sam.text(action="discard:confirm").startswith("Deleted.")
    assert "nothing in progress" in sam.text("cancel")


def test_a_button_starts_a_workflow_and_a_finished_one_leaves_no_state(
    conversation: Conversation, chat_as, engine: Engine  # type: ignore[no-untyped-def]
) -> None:
    _with_countdown(conversation)
    sam = chat_as("sam.okafor@example.org")
    assert sam.text(action=start_action("countdown")) == "3"
    assert [sam.text("go"), sam.text("go"), sam.text("go")] == ["2", "1", "0"]
    with session_scope(engine) as session:
        assert conversations.get(connection=session.connection(), staff_id=sam.staff_id) is None


def test_an_unexpected_error_is_an_apology_with_a_reference_and_nothing_half_written(
    conversation: Conversation, chat_as, engine: Engine, caplog  # type: ignore[no-untyped-def]
) -> None:
    _with_countdown(conversation)
    sam = chat_as("sam.okafor@example.org")
    sam.say("count down")
    answer = sam.text("explode")
    assert answer.startswith("Sorry, something went wrong")
    reference = answer.split("reference ")[1].rstrip(".")
    assert reference in caplog.text and "Traceback" in caplog.text
    with session_scope(engine) as session:
        assert directory.get_by_email(session=session, email="half.written@example.org") is None
    assert sam.text("go") == "2", "the flow is still where it was"


def test_a_refusal_is_shown_as_written(conversation: Conversation, chat_as) -> None:  # type: ignore[no-untyped-def]
    _with_countdown(conversation)
    sam = chat_as("sam.okafor@example.org")
    sam.say("count down")
    assert sam.text("refuse") == "That isn't allowed here."


def test_someone_not_in_the_directory_is_told_whom_to_ask(conversation: Conversation, chat_as) -> None:  # type: ignore[no-untyped-def]
    _with_countdown(conversation)
    stranger = chat_as(None)
    answer = stranger.text(action=start_action("countdown"))
    assert "can't find you" in answer and "data.protection@" in answer


def test_an_old_button_is_explained(conversation: Conversation, chat_as) -> None:  # type: ignore[no-untyped-def]
    assert "isn't available" in chat_as("sam.okafor@example.org").text(action="start:no-such-flow")
