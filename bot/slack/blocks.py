"""igbot's replies as Block Kit: messages within Slack's limits, forms as modals, and submitted values back."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from bot.core.chat import MAX_ACTION, Choice, ChoiceStyle, Citation, FieldKind, Form, FormField, Reply
from bot.slack import markup

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTONS = 25
MAX_MODAL_BLOCKS = 100
MAX_OPTIONS = 100
FALLBACK_LIMIT = 3000
CHOICE_ACTION = "igbot:choice"
FORM_CALLBACK = "igbot:form"
VALUE = "value"


@dataclass(frozen=True)
class SlackMessage:
    """One `chat.postMessage`: notification text and blocks."""

    text: str
    blocks: list[Block]


def messages(reply: Reply) -> list[SlackMessage]:
    """A reply as one message, or several when it has more blocks than Slack allows in one."""
    blocks = reply_blocks(reply)
    fallback = markup.truncate(markup.escape(_fallback(reply)), FALLBACK_LIMIT)
    return [SlackMessage(text=fallback if start == 0 else "(continued)", blocks=blocks[start:start + MAX_BLOCKS])
            for start in range(0, len(blocks), MAX_BLOCKS)]


def reply_blocks(reply: Reply) -> list[Block]:
    blocks: list[Block] = []
    if reply.title:
        blocks.append({"type": "header", "text": _plain(markup.truncate(reply.title, 150))})
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": piece}}
               for piece in markup.split(markup.mrkdwn(reply.text))]
    blocks += _context([markup.mrkdwn(markup.truncate(note, 2000)) for note in reply.notes])
    blocks += _context([source_line(citation) for citation in reply.citations])
    for start in range(0, len(reply.choices), MAX_BUTTONS):
        chunk = reply.choices[start:start + MAX_BUTTONS]
        blocks.append({"type": "actions", "elements": [button(choice, start + index) for index, choice in enumerate(chunk)]})
    return blocks


def source_line(citation: Citation) -> str:
    label = f"{citation.ref} {citation.title}".strip() if citation.title != citation.ref else citation.ref
    shown = markup.link(citation.url, label) if citation.url else markup.escape(label)
    return f"Source: {shown}"


def button(choice: Choice, index: int) -> Block:
    element: Block = {
        "type": "button",
        "action_id": f"{CHOICE_ACTION}:{index}",
        "text": _plain(markup.truncate(choice.label, 75)),
        "value": choice.action[:MAX_ACTION],
    }
    if choice.style is not ChoiceStyle.DEFAULT:
        element["style"] = choice.style.value
    return element


def _context(texts: list[str]) -> list[Block]:
    return [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": text} for text in texts[start:start + MAX_CONTEXT_ELEMENTS]]}
        for start in range(0, len(texts), MAX_CONTEXT_ELEMENTS)
    ]


def _fallback(reply: Reply) -> str:
    return f"{reply.title}: {reply.text}" if reply.title else reply.text


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def without_buttons(blocks: list[Block], chosen: str) -> list[Block]:
    """A clicked message: its buttons replaced by what was chosen, so an old button cannot be pressed twice."""
    kept = [block for block in blocks if block.get("type") != "actions"]
    note = {"type": "mrkdwn", "text": chosen}
    return kept + [{"type": "context", "elements": [note]}]


# Forms -------------------------------------------------------------------------------------------


def modal(form: Form, *, metadata: dict[str, Any]) -> Block:
    """A form as a modal; `metadata` (where to answer, which form) comes back with the submission."""
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _plain(markup.truncate(form.title, 24)),
        "submit": _plain(markup.truncate(form.submit_label, 24)),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({**metadata, "form": form.form_id}, separators=(",", ":")),
        "blocks": [_input(field) for field in form.fields[:MAX_MODAL_BLOCKS]],
    }


def _input(field: FormField) -> Block:
    block: Block = {
        "type": "input",
        "block_id": field.name,
        "optional": not field.required,
        "label": _plain(markup.truncate(field.label, 2000)),
        "element": _element(field),
    }
    if field.hint:
        block["hint"] = _plain(markup.truncate(field.hint, 2000))
    return block


def _element(field: FormField) -> Block:
    if field.kind is FieldKind.SELECT:
        options = [{"text": _plain(markup.truncate(option.label, 75)), "value": option.action[:150]}
                   for option in field.options[:MAX_OPTIONS]]
        return {"type": "static_select", "action_id": VALUE, "options": options}
    if field.kind is FieldKind.DATETIME:
        return {"type": "datetimepicker", "action_id": VALUE}
    if field.kind is FieldKind.NUMBER:
        return {"type": "number_input", "action_id": VALUE, "is_decimal_allowed": False}
    return {"type": "plain_text_input", "action_id": VALUE, "multiline": field.kind is FieldKind.LONG_TEXT,
            "max_length": 3000}


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """The values of a submitted modal, by field name; dates and times as ISO 8601 in UTC."""
    values: dict[str, str] = {}
    for name, actions in view.get("state", {}).get("values", {}).items():
        value = actions.get(VALUE, {})
        values[name] = _value(value)
    return values


def _value(value: dict[str, Any]) -> str:
    kind = value.get("type")
    if kind == "static_select":
        return str((value.get("selected_option") or {}).get("value", ""))
    if kind == "datetimepicker":
        stamp = value.get("selected_date_time")
        return dt.datetime.fromtimestamp(int(stamp), dt.UTC).isoformat() if stamp else ""
    return str(value.get("value") or "")


def form_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """What `modal` put in the view, or an empty mapping when it is not ours or not readable."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}
