"""Buttons and modals in Slack: feedback stored, a form opened as a modal and its submission handled, echoes escaped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_harness import SAM, SlackWorkspace, buttons
from sqlmodel import select

from bot.core.assistant import Assistant
from bot.core.chat import Choice, FieldKind, Form, FormField, Reply
from bot.core.conversation import Step, Turn, start_action
from storage.curation import CurationItem
from storage.engine import session_scope
from storage.models import MessageLog

BOOKING_FORM = Form(
    form_id="room-booking:form",
    title="Book the quiet room for a confidential conversation",
    fields=(
        FormField("room", "Which room?", FieldKind.SELECT, options=(Choice("Blue room", "blue"), Choice("Annex", "annex"))),
        FormField("when", "When?", FieldKind.DATETIME),
        FormField("people", "How many people?", FieldKind.NUMBER),
        FormField("note", "Anything else?", FieldKind.LONG_TEXT, required=False, hint="No personal details, please."),
    ),
    submit_label="Book",
)


class RoomBooking:
    """A small real workflow with a form: a modal where the channel has one, one question otherwise."""

    name = "room-booking"
    triggers = ("book a room",)
    help_line = "*Book a room*: a test form"

    def start(self, turn: Turn) -> Step:
        if turn.message.supports_forms:
            return Step([Reply(text="Please fill in the form.", form=BOOKING_FORM)], {"asked": "form"})
        return Step([Reply(text="Which room?")], {"asked": "room"})

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        form = turn.message.form or {}
        return Step([Reply(text=f"Booked {form.get('room')} for {form.get('people')} at {form.get('when')}.\n\n"
                                f"You said: {form.get('note')}")])


async def test_a_feedback_click_is_stored_and_the_buttons_are_replaced(
    slack: SlackWorkspace, assistant: Assistant
) -> None:
    await slack.dm(SAM, "how do I report a data breach")
    [answer] = await slack.api.wait_for("chat.postMessage")
    entry_id = buttons(answer)["Helpful"].split(":")[2]
    await slack.click(SAM, answer, "Helpful")
    [updated] = await slack.api.wait_for("chat.update")
    [_, thanks] = await slack.api.wait_for("chat.postMessage", count=2)
    assert "You chose *Helpful*" in updated.text and not buttons(updated)
    assert thanks.params["channel"] == answer.params["channel"]
    with session_scope(assistant.engine) as session:
        feedback = session.exec(select(CurationItem).where(CurationItem.signal == "helpful")).all()
        assert [(item.entry_id, item.staff_id is not None) for item in feedback] == [(entry_id, True)]
        actions = session.exec(select(MessageLog).where(MessageLog.kind == "action", MessageLog.channel == "slack"))
        assert len(actions.all()) == 1


async def test_a_form_opens_as_a_modal_and_its_submission_is_answered(
    slack: SlackWorkspace, assistant: Assistant
) -> None:
    assistant.conversation.add_workflow(RoomBooking())
    await slack.dm(SAM, "help")
    [menu] = await slack.api.wait_for("chat.postMessage")
    await slack.click(SAM, menu, "Book a room")
    [opened] = await slack.api.wait_for("views.open")
    view = opened.params["view"]
    assert view["type"] == "modal" and len(view["title"]["text"]) <= 24
    assert [block["block_id"] for block in view["blocks"]] == ["room", "when", "people", "note"]
    assert [block["element"]["type"] for block in view["blocks"]] == [
        "static_select", "datetimepicker", "number_input", "plain_text_input"]
    assert view["blocks"][3]["optional"] is True

    when = int(dt.datetime(2026, 11, 23, 14, 30, tzinfo=dt.UTC).timestamp())
    status, _ = await slack.submit(SAM, opened, {
        "room": {"type": "static_select", "selected_option": {"value": "blue"}},
        "when": {"type": "datetimepicker", "selected_date_time": when},
        "people": {"type": "number_input", "value": "3"},
        "note": {"type": "plain_text_input", "value": "<!channel> see <https://evil.example|the rota> & <@U0BOSS>"},
    })
    assert status == 200
    [_, booked] = await slack.api.wait_for("chat.postMessage", count=2)
    assert booked.params["channel"] == menu.params["channel"], "the answer comes back where the button was pressed"
    assert "Booked blue for 3 at 2026-11-23T14:30:00+00:00." in booked.text
    said = booked.params["blocks"][-1]["text"]["text"].split("\n\n")[-1]
    assert said == "You said: &lt;!channel&gt; see &lt;https://evil.example|the rota&gt; &amp; &lt;@U0BOSS&gt;", \
        "shown as typed, but Slack neither pings the channel nor makes a link or a mention of it"


async def test_without_a_trigger_the_same_flow_asks_step_by_step(slack: SlackWorkspace, assistant: Assistant) -> None:
    assistant.conversation.add_workflow(RoomBooking())
    await slack.dm(SAM, "book a room")
    [question] = await slack.api.wait_for("chat.postMessage")
    assert "Which room?" in question.text
    assert not slack.api.of("views.open")


async def test_a_flow_that_is_not_installed_is_explained(slack: SlackWorkspace) -> None:
    await slack.dm(SAM, "help")
    [menu] = await slack.api.wait_for("chat.postMessage")
    stale = {**menu.params, "blocks": [{"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "Old flow"}, "value": start_action("retired-flow")}]}]}
    await slack.click(SAM, type(menu)(method=menu.method, params=stale, at=menu.at), "Old flow")
    [_, answer] = await slack.api.wait_for("chat.postMessage", count=2)
    assert "isn't available" in answer.text


async def test_what_a_person_typed_is_never_echoed_as_a_ping_or_a_link(slack: SlackWorkspace, assistant: Assistant) -> None:
    assistant.conversation.add_workflow(Echo())
    await slack.dm(SAM, "echo")
    await slack.api.wait_for("chat.postMessage")
    await slack.dm(SAM, "<!here> and <!channel|channel>, <@U0BOSS> and <https://evil.example|your payslip>")
    [_, echo] = await slack.api.wait_for("chat.postMessage", count=2)
    said = echo.params["blocks"][0]["text"]["text"]
    assert said == ("You said: @\u2060here and @\u2060channel, @U0BOSS and your payslip (https://evil.example)")
    assert "<" not in echo.params["text"]


class Echo:
    name = "echo"
    triggers = ("echo",)
    help_line = "*Echo*: a test flow"

    def start(self, turn: Turn) -> Step:
        return Step([Reply(text="Say something.")], {"listening": True})

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return Step([Reply(text="You said: " + turn.text)])
