"""A broadcast as people receive it: its Markdown body in igbot's common markup, and the "I've read this" button.

The common markup (`*bold*`, "- " bullets, blank lines, bare URLs) is what every channel renders
natively and escapes: Block Kit mrkdwn in Slack, Adaptive Card TextBlocks in Teams, plain text in the
terminal. So the Markdown an IG officer writes is turned into it here, once, and nothing they wrote
can become a mention, a ping or a hidden link on any platform.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from bot.core.chat import Choice, ChoiceStyle, Reply
from bot.core.profile import Profile
from storage.broadcasts import Broadcast
from workflows.broadcasts import wording

ACTION = "broadcast"
PREVIEW_ACTION = f"{ACTION}:preview"

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")
_BULLET = re.compile(r"^(\s*)[*+]\s+", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_CODE = re.compile(r"`+([^`\n]+)`+")
_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.MULTILINE)


def common_markup(markdown: str) -> str:
    """Markdown as igbot's common markup: headings and strong text bold, lists as "- ", links as "label (URL)"."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = _RULE.sub("", text)
    text = _CODE.sub(r"\1", text)
    text = _LINK.sub(_link, text)
    text = _HEADING.sub(lambda match: f"*{match.group(1).strip('*_ ')}*", text)
    text = _BULLET.sub(r"\1- ", text)
    text = _STRONG.sub(r"*\2*", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _QUOTE.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text)


def _link(match: re.Match[str]) -> str:
    label, url = match.group(1).strip(), match.group(2)
    return url if not label or label == url else f"{label} ({url})"


def message(*, broadcast_id: int | None, title: str, body: str, ack_required: bool, ack_by: dt.date | None,
            incident_reference: str | None, profile: Profile) -> Reply:
    """What each recipient sees; with no id (a preview) the button only says that it is the preview."""
    parts = [common_markup(body)]
    if incident_reference:
        parts.append(wording.INCIDENT_LINE.format(reference=incident_reference))
    choices: tuple[Choice, ...] = ()
    if ack_required:
        parts.append(wording.ACK_BY.format(day=day(ack_by)) if ack_by else wording.ACK_ASKED)
        action = f"{ACTION}:ack:{broadcast_id}" if broadcast_id is not None else PREVIEW_ACTION
        choices = (Choice(wording.READ_BUTTON, action, ChoiceStyle.PRIMARY),)
    return Reply(title=title, text="\n\n".join(part for part in parts if part),
                 notes=(wording.FROM_LINE.format(organisation=profile.organisation.name),), choices=choices)


def of(broadcast: Broadcast, profile: Profile) -> Reply:
    return message(broadcast_id=broadcast.id, title=broadcast.title, body=broadcast.body,
                   ack_required=broadcast.ack_required, ack_by=broadcast.ack_by,
                   incident_reference=broadcast.incident_reference, profile=profile)


def read(broadcast: Broadcast, profile: Profile, *, on: dt.date) -> Reply:
    """The message as it looks once the person has said they read it: the button gone, and when they said so."""
    original = of(broadcast, profile)
    return replace(original, choices=(), notes=(wording.READ_ON.format(day=day(on)), *original.notes),
                   redraws_pressed=True)


def reminder(broadcast: Broadcast, profile: Profile) -> Reply:
    """The same message again, introduced as a reminder."""
    original = of(broadcast, profile)
    return Reply(title=wording.REMINDER_TITLE.format(title=broadcast.title),
                 text=wording.REMINDER_INTRO + "\n\n" + original.text, notes=original.notes, choices=original.choices)


def day(value: dt.date | None) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}" if value else ""


def moment(value: dt.datetime, profile: Profile) -> str:
    local = value.astimezone(profile.working_hours.zone)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"
