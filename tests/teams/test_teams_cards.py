"""Replies as Adaptive Cards: what a person sees, and what a card sends back."""

from __future__ import annotations

from bot.core.chat import Choice, ChoiceStyle, Citation, FieldKind, Form, FormField, Reply
from bot.teams import cards


def test_common_markup_becomes_teams_markdown() -> None:
    blocks = cards.text_blocks("Report it *within 72 hours*.\n\n- tell your manager\n- email https://example.org/report")
    assert [block["text"] for block in blocks] == [
        "Report it **within 72 hours**.",
        "- tell your manager\n- email [https://example.org/report](https://example.org/report)",
    ]
    assert blocks[1]["spacing"] == "Medium", "a blank line starts a new paragraph"


def test_what_a_person_typed_cannot_become_a_link_a_heading_or_html() -> None:
    typed = "# Urgent [log in here](https://evil.example/login) <b>now</b> _please_ `rm`"
    shown = cards.markdown(typed)
    link = "[https://evil.example/login](https://evil.example/login)"
    assert shown == rf"\# Urgent \[log in here\]\({link}\) \<b\>now\</b\> \_please\_ \`rm\`"
    assert "[log in here](" not in shown, "the address is shown as itself, never behind other words"


def test_an_answer_card_has_its_title_sources_notes_and_buttons() -> None:
    reply = Reply(
        title="What is a personal data breach?",
        text="A breach of security leading to loss of personal data.",
        citations=(Citation(title="UK GDPR", ref="UK GDPR Article 4(12)", url="https://www.legislation.gov.uk/eur/2016/679/article/4"),
                   Citation(title="DQ402", ref="DQ402 section 5")),
        choices=(Choice("Report an incident", "start:incident-report", ChoiceStyle.PRIMARY),
                 Choice("Helpful", "kb:helpful:breach")),
        notes=("Please don't paste personal details.",),
    )
    card = cards.card(reply)
    assert card["version"] == "1.5" and card["type"] == "AdaptiveCard"
    texts = [block["text"] for block in card["body"]]
    assert texts[0] == "What is a personal data breach?" and card["body"][0]["weight"] == "Bolder"
    assert "Source: [UK GDPR Article 4\\(12\\)](https://www.legislation.gov.uk/eur/2016/679/article/4)" in texts
    assert "Source: DQ402 section 5" in texts
    source = next(block for block in card["body"] if block["text"].startswith("Source: DQ402"))
    assert source["size"] == "Small" and source["isSubtle"] is True
    assert [(action["title"], action["data"], action.get("style")) for action in card["actions"]] == [
        ("Report an incident", {"action": "start:incident-report"}, "positive"),
        ("Helpful", {"action": "kb:helpful:breach"}, None),
    ]


def test_a_form_becomes_inputs_with_a_submit_and_a_cancel() -> None:
    form = Form(form_id="incident-report:form", title="Report an incident", submit_label="Send report", fields=(
        FormField("kind", "What happened?", kind=FieldKind.SELECT,
                  options=(Choice("Email to the wrong person", "misdirected-email"), Choice("Lost device", "lost"))),
        FormField("happened", "When did it happen?", kind=FieldKind.DATETIME),
        FormField("people", "Roughly how many people?", kind=FieldKind.NUMBER),
        FormField("description", "What happened, briefly", kind=FieldKind.LONG_TEXT, required=False,
                  hint="Use initials, not names."),
    ))
    card = cards.card(Reply(text="Tell me what happened.", form=form))
    inputs = {element["id"]: element for element in _all(card["body"]) if element["type"].startswith("Input.")}
    assert inputs["kind"]["type"] == "Input.ChoiceSet"
    assert inputs["kind"]["choices"][0] == {"title": "Email to the wrong person", "value": "misdirected-email"}
    assert inputs["happened.date"]["type"] == "Input.Date" and inputs["happened.time"]["type"] == "Input.Time"
    assert inputs["people"]["type"] == "Input.Number" and inputs["people"]["isRequired"] is True
    assert inputs["description"]["isMultiline"] is True and inputs["description"]["isRequired"] is False
    assert [action["title"] for action in card["actions"]] == ["Send report", "Cancel"]
    assert card["actions"][0]["data"] == {"action": "incident-report:form"}


def test_a_submission_comes_back_as_an_action_and_form_fields() -> None:
    value = {"action": "incident-report:form", "kind": "lost", "people": 3, "happened.date": "2026-03-01",
             "happened.time": "14:30", "msteams": {"type": "messageBack"}}
    assert cards.submission(value) == ("incident-report:form",
                                       {"kind": "lost", "people": "3", "happened": "01/03/2026 14:30"})
    assert cards.submission({"action": "kb:helpful:breach"}) == ("kb:helpful:breach", None)
    assert cards.submission({"no": "action"}) is None
    assert cards.submission("a string") is None


def _all(body: list[dict]) -> list[dict]:  # type: ignore[type-arg]  # card JSON
    found = []
    for element in body:
        found.append(element)
        for column in element.get("columns", []):
            found += _all(column["items"])
    return found
