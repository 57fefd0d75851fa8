"""Every IG action is refused to anyone without an IG role, typed, pressed or from the terminal, and changes nothing.

The commands and buttons are read from the conversation as assembled, so a new role-gated command
or a new kind of button cannot be added without this file saying how it is tried.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import col

from bot.core import wording
from bot.core.conversation import Conversation
from bot.core.profile import Profile
from storage import curation, directory
from storage.curation import CurationItem, Signal
from storage.engine import session_scope
from storage.incidents import Incident
from storage.models import AuditEvent, ConversationState, StaffMember
from storage.outbox import OutboxMessage
from workflows.broadcasts import wording as broadcast_wording
from workflows.incidents import report
from workflows.incidents.commands import IG_TASKS

REPO = Path(__file__).parents[2]
REFUSED = wording.NOT_ALLOWED.format(roles=wording.IG_TEAM)
MANAGERS_REFUSED = wording.NOT_ALLOWED.format(roles=broadcast_wording.STATUS_WHO)
DESCRIPTION = "Referral for a client sent to the wrong practice"
QUESTION = "can I keep case notes on my own laptop overnight"

# How each role-gated command is typed ({ref} an incident, {q} a question waiting for the IG team).
GATED = {
    "incident-register": ["incidents", "triage {ref}", "confirm {ref}", "regrade {ref}", "notified {ref} ICO-0001",
                          "not reportable {ref} contained at once", "close {ref} check the address"],
    "referrals": ["answer Q-{q} Use the encrypted laptop", "covered Q-{q} by mobile-working", "dismiss Q-{q}"],
    "inbox": ["inbox"],
    "broadcast-compose": ["broadcast", "new broadcast"],
    "broadcast-manage": ["broadcast list", "broadcast show 1", "broadcast edit 1 title: Changed", "broadcast cancel 1"],
}
# Commands for the IG team and managers (a manager sees only their own reporting line: tested in its own file).
GATED_FOR_MANAGERS = {"broadcast-status": ["broadcast status 1", "broadcast report 1"]}
# Commands anyone may use: each acts only on the person's own things (tested in their own files).
OPEN_TO_EVERYONE = {"my-training", "incident-follow-up"}
# Buttons, by prefix: those that carry an IG task, and those that act only on the presser's own items.
IG_BUTTONS = {"incident": sorted(IG_TASKS - {"list"}), "broadcast": ["remind"]}
OWN_ITEMS_BUTTONS = {"kb", "decision", "incident-report", "nudge"}  # and broadcast:ack, :read and :show
WRONG_ROLES = ["sam.okafor@example.org", "rachel.dunmore@example.org", "lucia.ferreira@example.org", None]


def test_every_command_and_button_is_known_here(conversation: Conversation) -> None:
    gated = {name for name, command in conversation.commands.items() if command.roles}
    assert gated == set(GATED) | set(GATED_FOR_MANAGERS), "a role-gated command was added: say above how it is typed"
    assert set(conversation.commands) - gated == OPEN_TO_EVERYONE, "a command open to everyone was added: should it be?"
    assert set(conversation.actions) == set(IG_BUTTONS) | OWN_ITEMS_BUTTONS, "a kind of button was added: say above"
    for name, examples in (GATED | GATED_FOR_MANAGERS).items():
        for example in examples:
            assert conversation.commands[name].matches(example.format(ref="IG-2026-0001", q=1)), example


def _member(engine: Engine, email: str) -> StaffMember:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=email)
        assert member is not None
        return member


@pytest.fixture
def waiting(engine: Engine, profile: Profile, conversation: Conversation) -> dict[str, Any]:
    """An incident Tomasz reported and a question he passed to the IG team, both waiting."""
    now = conversation.clock.now()
    text = {"text": DESCRIPTION, "removed": []}
    answers = {"kind": "misdirected_email", "happened_at": now.isoformat(), "discovered_at": now.isoformat(),
               "data_kind": "special", "vulnerable": "none", "people_affected": 1, "contained": "partly",
               "containment": text, "told": text, "description": text}
    with session_scope(engine) as session:
        tomasz = directory.get_by_email(session=session, email="tomasz.wierzba@example.org")
        assert tomasz is not None
        reference = report.store(session=session, reporter=tomasz, answers=answers, channel="slack", profile=profile,
                                 now=now).reference
        item = curation.create(session=session, signal=Signal.REFERRED, now=now, question=QUESTION,
                               staff_id=tomasz.id)
        return {"ref": reference, "q": item.id}


def _everything(engine: Engine) -> dict[str, Any]:
    """What an IG action would change: the register, the questions, the audit log, the outbox, saved places."""
    with session_scope(engine) as session:
        def count(column: Any) -> int:
            return int(session.execute(select(func.count(column))).scalar_one())

        return {
            "incidents": sorted((i.reference, i.status, i.likelihood, i.closed_at) for i in
                                session.execute(select(Incident)).scalars()),
            "questions": sorted((i.id, i.resolution) for i in session.execute(select(CurationItem)).scalars()),
            "audit": count(col(AuditEvent.id)),
            "outbox": count(col(OutboxMessage.id)),
            "saved": count(col(ConversationState.id)),
        }


def _shown(replies: list[Any]) -> str:
    return "\n".join(f"{reply.title or ''}\n{reply.text}\n{' '.join(reply.notes)}" for reply in replies)


@pytest.mark.parametrize("email", WRONG_ROLES)
def test_every_ig_command_typed_or_pressed_is_refused_to_the_wrong_role(
    email: str | None, chat_as, engine: Engine, waiting: dict[str, Any]  # type: ignore[no-untyped-def]
) -> None:
    before = _everything(engine)
    person = chat_as(email)
    tried = [example.format(**waiting) for examples in GATED.values() for example in examples]
    for typed in tried:
        for shown in (_shown(person.say(typed)), _shown(person.say(action=f"say:{typed}"))):
            assert REFUSED in shown or (email is None and "not in" in shown.lower()), (typed, shown)
            assert DESCRIPTION not in shown and QUESTION not in shown, typed
    for prefix, tasks in IG_BUTTONS.items():
        for task in tasks:
            shown = _shown(person.say(action=f"{prefix}:{task}:{waiting['ref']}"))
            assert DESCRIPTION not in shown, (task, shown)
            assert "belongs to something" not in shown, f"{prefix}:{task} must be refused, not shrugged off"
    assert _everything(engine) == before, "a refused action changed something"


@pytest.mark.parametrize("email", ["sam.okafor@example.org", "lucia.ferreira@example.org", None])
def test_commands_for_managers_and_the_ig_team_are_refused_to_everyone_else(
    email: str | None, chat_as, engine: Engine, waiting: dict[str, Any]  # type: ignore[no-untyped-def]
) -> None:
    before = _everything(engine)
    person = chat_as(email)
    for typed in (example for examples in GATED_FOR_MANAGERS.values() for example in examples):
        shown = _shown(person.say(typed))
        assert MANAGERS_REFUSED in shown or (email is None and "not in" in shown.lower()), (typed, shown)
    assert _everything(engine) == before


def test_the_reporter_cannot_triage_grade_or_close_their_own_report(chat_as, engine: Engine,  # type: ignore[no-untyped-def]
                                                                     waiting: dict[str, Any]) -> None:
    before = _everything(engine)
    tomasz = chat_as("tomasz.wierzba@example.org")
    assert DESCRIPTION in tomasz.text(f"show {waiting['ref']}"), "they may see what they reported"
    for task in IG_BUTTONS["incident"]:
        assert REFUSED in tomasz.text(action=f"incident:{task}:{waiting['ref']}"), task
    assert "add" in tomasz.text(f"add to {waiting['ref']}").lower()  # a guided update of their own begins...
    assert REFUSED in tomasz.text("incidents"), "...and cannot be used to reach the register"
    assert REFUSED in tomasz.text(f"close {waiting['ref']} nothing to learn")
    tomasz.say("cancel")
    after = _everything(engine)
    assert after == before


def test_someone_else_cannot_see_or_add_to_a_report_or_pass_on_a_question(chat_as, engine: Engine,  # type: ignore[no-untyped-def]
                                                                          waiting: dict[str, Any]) -> None:
    before = _everything(engine)
    sam = chat_as("sam.okafor@example.org")
    for said in (sam.text(f"show {waiting['ref']}"), sam.text(action=f"incident:show:{waiting['ref']}"),
                 sam.text(f"add to {waiting['ref']} more detail")):
        assert DESCRIPTION not in said and waiting["ref"] in said
    assert QUESTION not in sam.text(action=f"kb:refer-declined:{waiting['q']}")
    assert _everything(engine) == before


def test_the_ig_team_may_do_what_the_others_may_not(chat_as, waiting: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    harriet = chat_as("harriet.osei@example.org")
    assert waiting["ref"] in harriet.text("incidents")
    assert DESCRIPTION in harriet.text(f"triage {waiting['ref']}")
    assert QUESTION in harriet.text("inbox")


def test_igbot_chat_as_someone_without_a_role_refuses_every_ig_command(tmp_path: Path) -> None:
    typed = [example.format(ref="IG-2026-0001", q=1) for examples in GATED.values() for example in examples]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("IGBOT_", "DATABASE_URL"))}
    env["IGBOT_HOME"] = str(tmp_path / "home")
    result = subprocess.run([sys.executable, "-m", "bot.app.cli", "chat", "--as", "sam.okafor@example.org"],
                            input="\n".join(typed) + "\n", capture_output=True, text=True, cwd=REPO, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert " ".join(result.stdout.split()).count(" ".join(REFUSED.replace("*", "").split())) == len(typed)
