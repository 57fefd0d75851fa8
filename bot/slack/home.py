"""The App Home tab: buttons to start the main flows, then the person's "what's waiting for me" summary."""

from __future__ import annotations

from bot.core import wording
from bot.core.chat import Choice, ChoiceStyle, Reply
from bot.core.conversation import Conversation, start_action
from bot.slack import markup
from bot.slack.blocks import Block, button
from workflows import training as training_workflow
from workflows.incidents import questions as incident_questions

INCIDENT_REPORT = incident_questions.WORKFLOW
SHARING_CHECK = "can-i-share"  # the decision tree's id
TRAINING = training_workflow.NAME

HOME_BUTTONS = (
    Choice(label="Report an incident", action=start_action(INCIDENT_REPORT), style=ChoiceStyle.DANGER),
    Choice(label="Can I share this?", action=start_action(SHARING_CHECK), style=ChoiceStyle.PRIMARY),
    Choice(label="My training", action=start_action(TRAINING)),
    Choice(label="Help", action="help:"),
)


def view(summary: Reply | None, *, conversation: Conversation) -> Block:
    """The tab for a person with their summary, or for someone igbot cannot find in the directory."""
    if summary is None:
        intro = wording.NOT_IN_DIRECTORY.format(**conversation.profile.placeholders())
        return {"type": "home", "blocks": [_header(), _section(intro), _buttons((HOME_BUTTONS[-1],))]}
    greeting, _, rest = summary.text.partition("\n\n")
    blocks: list[Block] = [
        _header(),
        _section(f"{greeting} " + wording.SLACK_HOME_INTRO),
        _buttons(HOME_BUTTONS),
        {"type": "divider"},
        _section(rest),
    ]
    if summary.choices:
        blocks.append(_buttons(summary.choices))
    return {"type": "home", "blocks": blocks}


def _header() -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": "igbot"}}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": markup.truncate(markup.mrkdwn(text), 3000)}}


def _buttons(choices: tuple[Choice, ...]) -> Block:
    return {"type": "actions", "elements": [button(choice, index) for index, choice in enumerate(choices)]}
