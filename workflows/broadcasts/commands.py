"""Broadcasts in chat: writing one (a guided flow, a Slack modal or a Teams card), managing the scheduled ones,
the status report, and the buttons ("I've read this", remind).

Typed, for the IG team: `broadcast` (write one), `broadcast list`, `broadcast edit ID title: ...`,
`broadcast cancel ID`, `broadcast show ID`; for the IG team and managers: `broadcast status ID`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.core import wording as bot_wording
from bot.core.chat import Channel, Choice, ChoiceStyle, FieldKind, Form, FormField, Reply
from bot.core.conversation import Step, Turn
from bot.core.errors import CommandError
from bot.core.waiting import WaitingItem
from storage import broadcasts
from storage.models import StaffMember
from workflows.broadcasts import audience, compose, render, report, send, wording
from workflows.broadcasts.compose import Draft, people

COMPOSE = "broadcast-compose"
MANAGE = "broadcast-manage"
STATUS = "broadcast-status"
FORM_ID = f"{COMPOSE}:form"
SEND_ACTION = f"{COMPOSE}:send"
DROP_ACTION = f"{COMPOSE}:drop"
_FLAGS = re.IGNORECASE | re.DOTALL
_START = re.compile(r"^(?:broadcast|broadcast new|new broadcast|broadcast send|send a broadcast)$", _FLAGS)
_LIST = re.compile(r"^(?:broadcast list|broadcasts|list broadcasts)$", _FLAGS)
_CANCEL = re.compile(r"^(?:broadcast cancel|cancel broadcast)\s+(\d{1,9})$", _FLAGS)
_SHOW = re.compile(r"^(?:broadcast show|show broadcast)\s+(\d{1,9})$", _FLAGS)
_EDIT = re.compile(r"^(?:broadcast edit|edit broadcast)\s+(\d{1,9})(?:\s+(.*))?$", _FLAGS)
_FIELD = re.compile(r"^(title|body|audience|ack[ -]by|send[ -]at|at|incident)\s*[:=]?\s*(.*)$", _FLAGS)
_STATUS = re.compile(r"^(?:broadcast status|broadcast report|status of broadcast)\s+(\d{1,9})$", _FLAGS)
_STEPS = ("title", "body", "audience", "ack_by", "send_at")
_QUESTIONS = {"title": wording.ASK_TITLE, "body": wording.ASK_BODY, "audience": wording.ASK_AUDIENCE,
              "ack_by": wording.ASK_ACK_BY, "send_at": wording.ASK_SEND_AT}

FORM = Form(form_id=FORM_ID, title=wording.FORM_TITLE, submit_label=wording.FORM_SUBMIT, fields=(
    FormField("title", wording.FIELD_TITLE),
    FormField("body", wording.FIELD_BODY, FieldKind.LONG_TEXT),
    FormField("audience", wording.FIELD_AUDIENCE, hint=wording.FIELD_AUDIENCE_HINT),
    FormField("ack_by", wording.FIELD_ACK_BY, required=False),
    FormField("send_at", wording.FIELD_SEND_AT, required=False),
    FormField("incident", wording.FIELD_INCIDENT, required=False),
))


def acknowledged_on(channel: Channel) -> str:
    return "terminal" if channel is Channel.CONSOLE else channel.value


class Compose:
    """Writing a broadcast: a form where the channel can show one, otherwise one question at a time; then the
    preview exactly as recipients will see it, the audience size, and Send or Cancel."""

    def matches(self, text: str) -> bool:
        return _START.match(text.strip()) is not None

    def __call__(self, turn: Turn) -> Step:
        if turn.message.supports_forms:
            return Step([Reply(text=wording.FORM_TITLE, form=FORM)], {"step": "form"})
        return Step([Reply(text=wording.ASK_TITLE, expects_text=True)], {"step": "title", "answers": {}})

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        sender = turn.require_person()
        if not sender.is_ig:  # the role was checked when it started; it may have been taken away since
            raise CommandError(bot_wording.NOT_ALLOWED.format(roles=bot_wording.IG_TEAM))
        action = turn.message.action or ""
        if action == FORM_ID and turn.message.form is not None:
            return self._from_form(turn, turn.message.form)
        step = state.get("step")
        if step == "confirm":
            return self._confirm(turn, sender, state, action)
        if step in _STEPS:
            return self._answer(turn, step, dict(state.get("answers", {})))
        return Step([Reply(text=wording.FORM_TITLE, form=FORM)], state) if turn.message.supports_forms else \
            Step([Reply(text=wording.ASK_TITLE, expects_text=True)], {"step": "title", "answers": {}})

    def _from_form(self, turn: Turn, form: dict[str, str]) -> Step:
        answers = {name: form.get(name, "") for name in (*_STEPS, "incident")}
        return self._preview(turn, answers)

    def _answer(self, turn: Turn, step: str, answers: dict[str, str]) -> Step:
        if not turn.text:
            return Step([Reply(text=_QUESTIONS[step], expects_text=True)], {"step": step, "answers": answers},
                        understood=False)
        answers[step] = turn.text
        _draft(turn, answers, partial=True)  # each answer is checked as it is given
        following = _STEPS.index(step) + 1
        if following < len(_STEPS):
            return Step([Reply(text=_QUESTIONS[_STEPS[following]], expects_text=True)],
                        {"step": _STEPS[following], "answers": answers})
        return self._preview(turn, answers)

    def _preview(self, turn: Turn, answers: dict[str, str]) -> Step:
        draft = _draft(turn, answers, partial=False)
        shown, count = compose.preview(draft, session=turn.session, profile=turn.profile, now=turn.now)
        resolved = audience.resolve(session=turn.session, audience=draft.audience, today=turn.today)
        unreachable = wording.UNREACHABLE_NOTE.format(count=people(resolved.unreachable)) if resolved.unreachable else ""
        when = "now" if draft.send_at is None else "on " + render.moment(draft.send_at, turn.profile)
        confirm = Reply(text=wording.CONFIRM.format(count=people(count), unreachable=unreachable, when=when),
                        choices=(Choice(wording.SEND if draft.send_at is None else wording.SCHEDULE, SEND_ACTION,
                                        ChoiceStyle.PRIMARY), Choice(wording.DISCARD, DROP_ACTION)))
        return Step([*shown, confirm], {"step": "confirm", "draft": draft.to_state()})

    def _confirm(self, turn: Turn, sender: StaffMember, state: dict[str, Any], action: str) -> Step:
        said = turn.text.lower()
        if action == DROP_ACTION or said in ("no", "discard", "don't send"):
            return Step([Reply(text=wording.DROPPED)])
        if action != SEND_ACTION and said not in ("send", "yes", "schedule", "send it"):
            return Step([Reply(text=wording.SEND_OR_DISCARD,
                               choices=(Choice(wording.SEND, SEND_ACTION, ChoiceStyle.PRIMARY),
                                        Choice(wording.DISCARD, DROP_ACTION)))], state, understood=False)
        draft = Draft.from_state(state["draft"])
        draft = compose.check(draft, session=turn.session, profile=turn.profile, today=turn.today)
        if draft.send_at is not None and draft.send_at <= turn.now:
            draft = replace(draft, send_at=None)
        broadcast = compose.create(draft, session=turn.session, sender=sender, now=turn.now)
        assert broadcast.id is not None
        resolved = audience.resolve(session=turn.session, audience=draft.audience, today=turn.today)
        count = people(len(resolved.recipients))
        if draft.send_at is None:
            return Step([Reply(text=wording.SENDING_NOW.format(broadcast_id=broadcast.id, count=count))])
        when = render.moment(broadcast.send_at, turn.profile)
        return Step([Reply(text=wording.SCHEDULED.format(broadcast_id=broadcast.id, when=when, count=count))])


def _draft(turn: Turn, answers: dict[str, str], *, partial: bool) -> Draft:
    """The answers so far as a draft; each given answer is parsed, so a mistake is named at once."""
    kept = {"title": answers.get("title", ""), "body": answers.get("body", "")}
    if not partial and not answers.get("audience", "").strip():
        raise CommandError(wording.NO_AUDIENCE)
    parsed_audience = audience.parse(answers["audience"]) if answers.get("audience") else {"kind": "everyone"}
    required, ack_by = compose.parse_ack_by(answers.get("ack_by", ""), today=turn.today)
    send_at = compose.parse_send_at(answers.get("send_at", ""), profile=turn.profile, now=turn.now)
    draft = Draft(title=kept["title"], body=kept["body"], audience=parsed_audience, ack_required=required,
                  ack_by=ack_by, send_at=send_at, incident_reference=answers.get("incident") or None)
    if partial:
        found = compose.personal_data(title=draft.title, body=draft.body, profile=turn.profile, session=turn.session,
                                      today=turn.today)
        if found:
            raise CommandError(wording.BLOCKED.format(found=found))
        return draft
    return compose.check(draft, session=turn.session, profile=turn.profile, today=turn.today)


class Manage:
    """`broadcast list`, `broadcast show ID`, `broadcast edit ID field: value`, `broadcast cancel ID` (IG team)."""

    def matches(self, text: str) -> bool:
        stripped = text.strip()
        return any(pattern.match(stripped) for pattern in (_LIST, _CANCEL, _SHOW, _EDIT))

    def __call__(self, turn: Turn) -> Step:
        person, text = turn.require_person(), turn.text
        if _LIST.match(text):
            return Step([_listing(turn)])
        if (found := _CANCEL.match(text)) is not None:
            compose.cancel(int(found.group(1)), session=turn.session, by=person, now=turn.now)
            return Step([Reply(text=wording.CANCELLED.format(broadcast_id=found.group(1)))])
        if (found := _SHOW.match(text)) is not None:
            return Step([render.of(_broadcast(turn, int(found.group(1))), turn.profile)])
        found = _EDIT.match(text)
        assert found is not None
        return Step([_edit(turn, person, int(found.group(1)), found.group(2) or "")])

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return self(turn)


def _broadcast(turn: Turn, broadcast_id: int) -> broadcasts.Broadcast:
    found = broadcasts.get(session=turn.session, broadcast_id=broadcast_id)
    if found is None:
        raise CommandError(wording.NO_SUCH_BROADCAST.format(broadcast_id=broadcast_id))
    return found


def _listing(turn: Turn) -> Reply:
    found = broadcasts.get_all(session=turn.session)[:30]
    if not found:
        return Reply(text=wording.LIST_EMPTY)
    return Reply(text="\n".join(wording.LIST_LINE.format(broadcast_id=b.id, title=b.title, status=b.status.value,
                                                         when=render.moment(b.send_at, turn.profile),
                                                         audience=audience.written(b.audience)) for b in found))


def _edit(turn: Turn, person: StaffMember, broadcast_id: int, change: str) -> Reply:
    _broadcast(turn, broadcast_id)
    field = _FIELD.match(change.strip())
    if field is None or not field.group(2).strip():
        return Reply(text=wording.EDIT_HOW.format(broadcast_id=broadcast_id))
    name, value = field.group(1).lower().replace("-", " "), field.group(2).strip()
    changes: dict[str, Any]
    if name in ("title", "body"):
        changes = {name: value}
    elif name == "audience":
        changes = {"audience": audience.parse(value)}
    elif name == "ack by":
        required, ack_by = compose.parse_ack_by(value, today=turn.today)
        changes = {"ack_required": required, "ack_by": ack_by}
    elif name == "incident":
        changes = {"incident_reference": value}
    else:
        changes = {"send_at": compose.parse_send_at(value, profile=turn.profile, now=turn.now)}
    compose.edit(broadcast_id, changes, session=turn.session, profile=turn.profile, editor=person, now=turn.now)
    return Reply(text=wording.EDITED.format(broadcast_id=broadcast_id, what=name))


class Status:
    """`broadcast status ID`: the IG team see everyone; a manager sees their own reporting line."""

    def matches(self, text: str) -> bool:
        return _STATUS.match(text.strip()) is not None

    def __call__(self, turn: Turn) -> Step:
        viewer = turn.require_person()
        found = _STATUS.match(turn.text)
        assert found is not None
        among = report.scope_for(session=turn.session, viewer=viewer)
        broadcast = _broadcast(turn, int(found.group(1)))
        return Step([report.status(broadcast, session=turn.session, profile=turn.profile, among=among)])

    def resume(self, turn: Turn, state: dict[str, Any]) -> Step:
        return self(turn)


class BroadcastButtons:
    """`broadcast:ack:ID` (I've read this, on the lesson), `broadcast:read:ID` (the same, from "what's waiting"),
    `broadcast:show:ID`, `broadcast:remind:ID` (IG), and the preview's."""

    def __call__(self, turn: Turn, value: str) -> list[Reply]:
        person = turn.require_person()
        assert person.id is not None
        verb, _, rest = value.partition(":")
        if verb == "preview":
            return [Reply(text=wording.PREVIEW_BUTTON)]
        if verb == "remind" and not person.is_ig:
            raise CommandError(bot_wording.NOT_ALLOWED.format(roles=bot_wording.IG_TEAM))
        if not rest.isdigit():
            return [Reply(text=wording.NOT_SENT_TO_YOU)]
        broadcast_id = int(rest)
        if verb == "remind":
            count = send.remind_now(session=turn.session, profile=turn.profile, broadcast_id=broadcast_id,
                                    now=turn.now)
            return [Reply(text=wording.REMINDED.format(count=people(count)))]
        recipient = broadcasts.get_recipient(session=turn.session, broadcast_id=broadcast_id, staff_id=person.id)
        broadcast = broadcasts.get(session=turn.session, broadcast_id=broadcast_id)
        if recipient is None or broadcast is None:
            return [Reply(text=wording.NOT_SENT_TO_YOU)]
        if verb == "show":
            return [render.of(broadcast, turn.profile)]
        if send.acknowledge(session=turn.session, broadcast_id=broadcast_id, staff_id=person.id,
                            on=acknowledged_on(turn.message.channel), now=turn.now):
            when, said = turn.now, wording.THANKS.format(title=broadcast.title)
        else:
            when = recipient.acknowledged_at or turn.now
            said = wording.ALREADY.format(title=broadcast.title, day=render.day(
                when.astimezone(turn.profile.working_hours.zone).date()))
        if verb == "read":  # pressed in "what's waiting", which stays as it is: only the lesson's own message is redrawn
            return [Reply(text=said)]
        return [render.read(broadcast, turn.profile, on=when.astimezone(turn.profile.working_hours.zone).date()),
                Reply(text=said)]


def waiting_broadcasts(turn: Turn) -> list[WaitingItem]:
    """The broadcasts this person has still to acknowledge, each with its buttons."""
    person = turn.person
    if person is None or person.id is None:
        return []
    items = []
    for broadcast in broadcasts.waiting_for(session=turn.session, staff_id=person.id):
        short = broadcast.title if len(broadcast.title) <= 40 else broadcast.title[:39] + "…"
        by = wording.WAITING_BY.format(day=render.day(broadcast.ack_by)) if broadcast.ack_by else ""
        items.append(WaitingItem(wording.WAITING_LINE.format(title=broadcast.title, by=by), choices=(
            Choice(wording.WAITING_READ.format(title=short), f"broadcast:read:{broadcast.id}", ChoiceStyle.PRIMARY),
            Choice(wording.WAITING_SHOW.format(title=short), f"broadcast:show:{broadcast.id}"))))
    return items
