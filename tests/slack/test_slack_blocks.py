"""Block Kit rendering within Slack's limits, and text made safe both ways."""

from __future__ import annotations

import pytest

from bot.core.chat import Choice, ChoiceStyle, Citation, FieldKind, Form, FormField, Reply
from bot.slack import blocks, markup


def test_a_long_answer_is_split_at_paragraphs_into_sections_slack_accepts() -> None:
    paragraphs = [f"Paragraph {number}: " + "keep records safe. " * 40 for number in range(30)]
    [message, *more] = blocks.messages(Reply(title="Records", text="\n\n".join(paragraphs)))
    sections = [block["text"]["text"] for message in [message, *more] for block in message.blocks
                if block["type"] == "section"]
    assert all(len(section) <= 3000 for section in sections)
    assert all(section.startswith("Paragraph ") for section in sections), "cuts fall between paragraphs"
    assert "\n\n".join(sections) == "\n\n".join(paragraphs)


def test_a_reply_with_more_than_fifty_blocks_becomes_several_messages() -> None:
    text = "\n\n".join("x" * 2900 for _ in range(120))
    sent = blocks.messages(Reply(text=text))
    assert len(sent) == 3 and all(len(message.blocks) <= 50 for message in sent)
    assert sent[1].text == "(continued)"


def test_one_enormous_line_is_cut_without_breaking_an_escaped_character() -> None:
    pieces = markup.split(markup.mrkdwn("&" * 5000))
    assert all(len(piece) <= 3000 and piece.endswith("&amp;") for piece in pieces)
    assert "".join(pieces) == "&amp;" * 5000


def test_an_answer_shows_its_title_text_sources_notes_and_buttons() -> None:
    reply = Reply(
        title="Emailing personal data",
        text="Use *secure email*.\n\n- Check the address\n- Send the minimum",
        citations=(Citation(title="Data Security and Protection Policy", ref="DQ402 s.7", url="https://example.org/p?a=1&b=2"),),
        choices=(Choice("Helpful", "kb:helpful:email"), Choice("Report an incident", "start:incident-report",
                                                                ChoiceStyle.DANGER)),
        notes=("Don't paste personal details.",),
    )
    [message] = blocks.messages(reply)
    header, section, note, source, actions = message.blocks
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Emailing personal data", "emoji": True}}
    assert section["text"]["text"] == "Use *secure email*.\n\n• Check the address\n• Send the minimum"
    assert note["elements"][0]["text"] == "Don't paste personal details."
    assert source["elements"][0]["text"] == (
        "Source: <https://example.org/p?a=1&amp;b=2|DQ402 s.7 Data Security and Protection Policy>")
    assert [(button["value"], button.get("style")) for button in actions["elements"]] == [
        ("kb:helpful:email", None), ("start:incident-report", "danger")]
    assert len({button["action_id"] for button in actions["elements"]}) == 2, "action ids are unique in a message"


def test_labels_and_titles_are_cut_to_slacks_limits() -> None:
    reply = Reply(title="T" * 200, text="t", choices=(Choice("L" * 100, "x:y"),))
    [message] = blocks.messages(reply)
    assert len(message.blocks[0]["text"]["text"]) == 150
    assert len(message.blocks[-1]["elements"][0]["text"]["text"]) == 75
    view = blocks.modal(Form(form_id="f:form", title="A very long form title indeed", submit_label="Send it now please",
                             fields=(FormField("a", "A", FieldKind.TEXT),)), metadata={})
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24


@pytest.mark.parametrize(("typed", "sent"), [
    ("<!channel> look", "&lt;!channel&gt; look"),
    ("@here and @everyone", "@\u2060here and @\u2060everyone"),
    ("<@U123> <https://evil.example|click>", "&lt;@U123&gt; &lt;https://evil.example|click&gt;"),
    ("fish & chips > 3", "fish &amp; chips &gt; 3"),
])
def test_text_is_escaped_before_it_is_sent(typed: str, sent: str) -> None:
    assert markup.escape(typed) == sent


@pytest.mark.parametrize(("received", "plain"), [
    ("<@U123ABC> can I share?", "@U123ABC can I share?"),
    ("ask <@U1|jo> in <#C1|ig-team>", "ask @jo in #ig-team"),
    ("<!channel> hello", "@channel hello"),
    ("see <https://example.org/a|the policy>", "see the policy (https://example.org/a)"),
    ("mail <mailto:ig@example.org|ig@example.org>", "mail ig@example.org"),
    ("1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2"),
])
def test_slack_text_becomes_plain_text_for_the_conversation(received: str, plain: str) -> None:
    assert markup.plain_text(received) == plain


def test_a_mention_of_igbot_is_removed_from_the_question() -> None:
    assert markup.strip_leading_mention("<@UBOT> can I share this?", "UBOT") == "can I share this?"
    assert markup.strip_leading_mention("<@UOTHER> hi", "UBOT") == "<@UOTHER> hi"


def test_submitted_values_come_back_by_field_name() -> None:
    view = {"state": {"values": {
        "kind": {"value": {"type": "static_select", "selected_option": {"value": "lost-device"}}},
        "when": {"value": {"type": "datetimepicker", "selected_date_time": 1795000000}},
        "count": {"value": {"type": "number_input", "value": "12"}},
        "what": {"value": {"type": "plain_text_input", "value": None}},
    }}}
    assert blocks.submitted_values(view) == {
        "kind": "lost-device", "when": "2026-11-18T11:06:40+00:00", "count": "12", "what": ""}
