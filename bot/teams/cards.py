"""Replies as Adaptive Cards, and card submissions back into channel-neutral form.

The common markup of `Reply.text` (`*bold*`, "- " bullets, blank lines between paragraphs,
bare URLs) becomes Teams markdown; everything else is escaped, so text a person typed that
is echoed back can never turn into a link, a heading or a mention.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from bot.core.chat import MAX_ACTION, Choice, ChoiceStyle, FieldKind, Form, FormField, Reply

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
DATE_SUFFIX = ".date"
TIME_SUFFIX = ".time"

_MARKUP = re.compile(r"\*(?P<bold>[^*\n]+)\*|(?P<url>https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'])")
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+|~!&])")
_STYLES = {ChoiceStyle.PRIMARY: "positive", ChoiceStyle.DANGER: "destructive"}
_Element = dict[str, Any]


def attachment(reply: Reply) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": card(reply)}


def card(reply: Reply) -> dict[str, Any]:
    body: list[_Element] = []
    if reply.title:
        body.append({"type": "TextBlock", "text": escape(reply.title), "weight": "Bolder", "size": "Medium",
                     "wrap": True})
    body += text_blocks(reply.text)
    body += [{"type": "TextBlock", "text": escape(note), "color": "Warning", "wrap": True} for note in reply.notes]
    body += [_source(citation.ref, citation.url) for citation in reply.citations]
    actions = [_choice_action(choice) for choice in reply.choices]
    if reply.form is not None:
        body += _form_body(reply.form)
        actions = _form_actions(reply.form) + actions
    content: dict[str, Any] = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": CARD_VERSION,
                               "body": body, "msteams": {"width": "Full"}}
    if actions:
        content["actions"] = actions
    return content


def text_blocks(text: str) -> list[_Element]:
    """One TextBlock per paragraph line, bullet runs kept together as one markdown list."""
    blocks: list[_Element] = []
    for number, paragraph in enumerate(p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()):
        bullets: list[str] = []
        first = True
        for line in paragraph.splitlines():
            if line.startswith("- "):
                bullets.append("- " + markdown(line[2:]))
                continue
            if bullets:
                blocks.append(_block("\n".join(bullets), number, first))
                bullets, first = [], False
            if line.strip():
                blocks.append(_block(markdown(line), number, first))
                first = False
        if bullets:
            blocks.append(_block("\n".join(bullets), number, first))
    return blocks


def _block(text: str, paragraph: int, first_in_paragraph: bool) -> _Element:
    block: _Element = {"type": "TextBlock", "text": text, "wrap": True}
    if paragraph and first_in_paragraph:
        block["spacing"] = "Medium"
    elif not first_in_paragraph:
        block["spacing"] = "None"
    return block


def markdown(line: str) -> str:
    """Common markup to Teams markdown: bold and bare links kept, everything else literal."""
    out: list[str] = []
    position = 0
    for match in _MARKUP.finditer(line):
        out.append(escape(line[position:match.start()]))
        if match.group("bold") is not None:
            out.append(f"**{escape(match.group('bold'))}**")
        else:
            url = match.group("url")
            out.append(f"[{escape(url)}]({_href(url)})")
        position = match.end()
    out.append(escape(line[position:]))
    return "".join(out)


def escape(text: str) -> str:
    """Make text literal in Teams markdown: no links, emphasis, headings or HTML can come out of it."""
    return _SPECIAL.sub(r"\\\1", text.replace("\r", ""))


def _href(url: str) -> str:
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def _source(ref: str, url: str | None) -> _Element:
    label = f"[{escape(ref)}]({_href(url)})" if url and url.startswith(("https://", "http://")) else escape(ref)
    return {"type": "TextBlock", "text": f"Source: {label}", "size": "Small", "isSubtle": True, "wrap": True,
            "spacing": "Small"}


def _choice_action(choice: Choice) -> _Element:
    action: _Element = {"type": "Action.Submit", "title": choice.label, "data": {"action": choice.action},
                        "associatedInputs": "none"}
    if choice.style in _STYLES:
        action["style"] = _STYLES[choice.style]
    return action


def _form_body(form: Form) -> list[_Element]:
    body: list[_Element] = [{"type": "TextBlock", "text": escape(form.title), "weight": "Bolder", "wrap": True,
                             "spacing": "Medium"}]
    for form_field in form.fields:
        body += _inputs(form_field)
    return body


def _form_actions(form: Form) -> list[_Element]:
    return [
        {"type": "Action.Submit", "title": form.submit_label, "style": "positive", "data": {"action": form.form_id}},
        {"type": "Action.Submit", "title": "Cancel", "data": {"action": "cancel:"}, "associatedInputs": "none"},
    ]


def _inputs(form_field: FormField) -> list[_Element]:
    common: _Element = {"id": form_field.name, "label": form_field.label, "isRequired": form_field.required}
    if form_field.required:
        common["errorMessage"] = f"Please fill in: {form_field.label}"
    if form_field.kind == FieldKind.DATETIME:
        return _date_and_time(form_field, common)
    inputs: list[_Element]
    if form_field.kind == FieldKind.SELECT:
        options = [{"title": option.label, "value": option.action} for option in form_field.options]
        inputs = [{"type": "Input.ChoiceSet", **common, "choices": options, "style": "compact"}]
    elif form_field.kind == FieldKind.NUMBER:
        inputs = [{"type": "Input.Number", **common, "min": 0}]
    else:
        multiline = form_field.kind == FieldKind.LONG_TEXT
        inputs = [{"type": "Input.Text", **common, "isMultiline": multiline, "maxLength": 3000 if multiline else 500}]
    if form_field.hint:
        inputs.append({"type": "TextBlock", "text": escape(form_field.hint), "size": "Small", "isSubtle": True,
                       "wrap": True, "spacing": "None"})
    return inputs


def _date_and_time(form_field: FormField, common: _Element) -> list[_Element]:
    """Teams has no date-time input: a date and a time side by side, joined again on submission."""
    date: _Element = {"type": "Input.Date", **common, "id": form_field.name + DATE_SUFFIX}
    clock: _Element = {"type": "Input.Time", **common, "id": form_field.name + TIME_SUFFIX, "label": "Time"}
    columns = [{"type": "Column", "width": "stretch", "items": [date]},
               {"type": "Column", "width": "stretch", "items": [clock]}]
    elements: list[_Element] = [{"type": "ColumnSet", "columns": columns}]
    if form_field.hint:
        elements.append({"type": "TextBlock", "text": escape(form_field.hint), "size": "Small", "isSubtle": True,
                         "wrap": True, "spacing": "None"})
    return elements


def submission(value: object) -> tuple[str, dict[str, str] | None] | None:
    """A card's Action.Submit data as (action, form fields), or None when it is not one of ours."""
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if not isinstance(action, str) or not action or len(action) > MAX_ACTION:
        return None
    fields = {str(name): _text(item) for name, item in value.items()
              if name not in ("action", "msteams") and isinstance(item, (str, int, float, bool))}
    return action, _join_dates(fields) or None


def _text(item: str | float | bool) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item).strip()


def _join_dates(fields: dict[str, str]) -> dict[str, str]:
    """`when.date` 2026-03-14 and `when.time` 09:30 become `when` "14/03/2026 09:30", as a person would type it."""
    joined = {name: item for name, item in fields.items() if not name.endswith((DATE_SUFFIX, TIME_SUFFIX))}
    for name in {name[: -len(DATE_SUFFIX)] for name in fields if name.endswith(DATE_SUFFIX)}:
        date, clock = fields.get(name + DATE_SUFFIX, ""), fields.get(name + TIME_SUFFIX, "")
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
        day = f"{match.group(3)}/{match.group(2)}/{match.group(1)}" if match else date
        joined[name] = f"{day} {clock}".strip()
    return joined
