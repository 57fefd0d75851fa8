"""Talking to igbot in Teams, end to end: activities POSTed to /api/messages, cards arriving at the fake connector."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from teams_fakes import APP_ID, OUTBOUND_TOKEN, FakeConnector, Igbot, TeamsUser

from bot.core.chat import FieldKind, Form, FormField, Reply
from bot.core.conversation import Conversation, Step, Turn, start_action
from storage import conversations, curation, directory, teams_references
from storage.curation import Signal
from storage.engine import session_scope


async def test_a_question_is_answered_as_a_card_with_its_source(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    question = sam.says(connector.url, "what is a personal data breach?")
    status, _ = await igbot.post(question)

    assert status == 200
    [answer] = await connector.wait_for(1)
    assert answer.conversation_id == sam.conversation_id and answer.reply_to == question["id"]
    assert answer.authorization == f"Bearer {OUTBOUND_TOKEN}"
    assert answer.card["version"] == "1.5"
    assert any("breach" in text.lower() for text in answer.texts)
    sources = [text for text in answer.texts if text.startswith("Source: [")]
    assert sources and "](https://" in sources[0]
    assert {"Helpful", "Not helpful"} <= set(answer.buttons)
    assert answer.buttons["Helpful"]["action"].startswith("kb:helpful:")
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=sam.email)
        assert member is not None and member.teams_user_id == sam.aad_object_id, "matched by email, id kept"
        stored = teams_references.get_personal(session=session, staff_id=member.id or 0)
        assert stored is not None and stored.conversation_id == sam.conversation_id


async def test_an_activity_delivered_twice_is_answered_once(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    question = sam.says(connector.url, "who is our data protection officer?")
    await igbot.post(question)
    await igbot.post(question)  # the same activity again, as after a timeout
    await igbot.post(sam.says(connector.url, "help"))
    first, second = await connector.wait_for(2)
    assert "Data Protection Officer" in first.text and "Hello Sam Okafor" in second.text
    assert len(connector.sent) == 2, "the repeated activity got no second answer"


async def test_not_helpful_after_a_long_question_is_stored(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    question = ("I accidentally emailed a spreadsheet with some of our clients' support plans to the wrong "
                "address this morning and I only noticed when the person replied to tell me, what should I do now?")
    await igbot.post(sam.says(connector.url, question))
    [answer] = await connector.wait_for(1)
    await igbot.post(sam.presses(connector.url, answer.buttons["Not helpful"]))
    [_, reply] = await connector.wait_for(2)
    assert "Sorry" in reply.text
    with session_scope(engine) as session:
        [gap] = curation.get_gaps(session=session)
    assert gap.signal == Signal.NOT_HELPFUL and gap.question.startswith("I accidentally emailed")


async def test_a_known_person_is_recognised_by_their_entra_id_without_asking_the_roster(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    await igbot.post(sam.says(connector.url, "hello"))
    await igbot.post(sam.says(connector.url, "hello"))

    first, second = await connector.wait_for(2)
    assert "Hello Sam Okafor" in first.text and "Hello Sam Okafor" in second.text
    assert connector.roster_requests == [sam.user_id], "the roster is asked once; then the Entra id is known"


async def test_someone_not_in_the_directory_gets_general_answers_and_is_told_whom_to_ask(
    igbot: Igbot, connector: FakeConnector
) -> None:
    stranger = TeamsUser(name="Vic Stranger", email="vic.stranger@elsewhere.example",
                         aad_object_id="9d9d9d9d-0000-4000-8000-000000000009")
    connector.roster[stranger.user_id] = stranger.roster_entry

    await igbot.post(stranger.says(connector.url, "what is a personal data breach?"))
    await igbot.post(stranger.presses(connector.url, {"action": start_action("can-i-share")}))

    answer, refusal = await connector.wait_for(2)
    assert any(text.startswith("Source: ") for text in answer.texts)
    assert "can't find you" in answer.text, "a general answer says whom to ask"
    assert "can't find you" in refusal.text


async def test_a_card_button_continues_a_decision_tree(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, engine: Engine
) -> None:
    await igbot.post(sam.says(connector.url, "can I share this"))
    [first_question] = await connector.wait_for(1)
    option, data = next((title, data) for title, data in first_question.buttons.items()
                        if data["action"].startswith("can-i-share:answer:"))
    assert "Back" not in first_question.buttons

    await igbot.post(sam.presses(connector.url, data))

    _, second = await connector.wait_for(2)
    assert "Back" in second.buttons, f"pressing {option!r} moved the check on to its next question"
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=sam.email)
        assert member is not None and member.id is not None
        state = conversations.get(connection=session.connection(), staff_id=member.id)
    assert state is not None and state.workflow == "can-i-share"
    assert state.data["answers"] == [data["action"].removeprefix("can-i-share:answer:")]


class RecordsRequest:
    """A small real workflow with a form: a card in Teams, submitted back into the flow."""

    name = "records-request"
    triggers = ("records request",)
    help_line = "*Records request*: ask for a copy of a record"

    def start(self, turn: Turn) -> Step:
        form = Form(form_id=f"{self.name}:form", title="Request a record", fields=(
            FormField("record", "Which record?"),
            FormField("needed_by", "Needed by", kind=FieldKind.DATETIME),
            FormField("copies", "How many copies?", kind=FieldKind.NUMBER, required=False),
        ))
        return Step([Reply(text="Fill this in, please.", form=form)], {"asked": True})

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        form = turn.message.form or {}
        return Step([Reply(text=f"Got it: {form.get('record')} by {form.get('needed_by')}.")], None)


async def test_a_form_card_is_submitted_back_into_its_flow(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser, conversation: Conversation
) -> None:
    conversation.add_workflow(RecordsRequest())

    await igbot.post(sam.says(connector.url, "records request"))
    [form_card] = await connector.wait_for(1)
    assert {"record", "needed_by.date", "needed_by.time", "copies"} <= set(form_card.inputs)
    assert form_card.buttons["Submit"] == {"action": "records-request:form"}

    submission = {"action": "records-request:form", "record": "care plan [draft]",
                  "needed_by.date": "2026-03-14", "needed_by.time": "09:30", "copies": "2"}
    await igbot.post(sam.presses(connector.url, submission))

    _, done = await connector.wait_for(2)
    assert done.text == r"Got it: care plan \[draft\] by 14/03/2026 09:30.", "what Sam typed is shown, not run as markdown"


async def test_a_mention_in_a_channel_is_answered_in_its_thread(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    channel = {"id": "19:ig-questions@thread.tacv2;messageid=1700000000001", "conversationType": "channel",
               "tenantId": sam.roster_entry["tenantId"], "isGroup": True}
    mention = {"type": "mention", "text": "<at>igbot</at>", "mentioned": {"id": "28:" + APP_ID, "name": "igbot"}}
    message = sam.says(connector.url, "<at>igbot</at> what is a personal data breach?", conversation=channel,
                       entities=[mention])
    connector.roster[sam.user_id] = sam.roster_entry

    await igbot.post(message)

    [answer] = await connector.wait_for(1)
    assert answer.conversation_id == channel["id"] and answer.reply_to == message["id"]
    assert any(text.startswith("Source: ") for text in answer.texts)


async def test_installing_the_app_is_greeted_with_what_igbot_can_do(
    igbot: Igbot, connector: FakeConnector, sam: TeamsUser
) -> None:
    installed = sam.activity(connector.url, type="conversationUpdate",
                             membersAdded=[{"id": "28:" + APP_ID}])
    await igbot.post(installed)

    [greeting] = await connector.wait_for(1)
    assert "Hello Sam Okafor" in greeting.text
    assert any(data["action"] == start_action("can-i-share") for data in greeting.buttons.values())

