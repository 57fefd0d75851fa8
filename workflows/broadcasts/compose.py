"""Writing a broadcast, whichever way it is started: the draft, its checks, its preview, and storing it.

The chat flow, the Slack modal, the Teams card and `igbot broadcast send` all build a `Draft`
and go through `check`: every problem is one sentence (a CommandError), and nothing is stored
until the draft passes. The identifier detector blocks personal data in the title and the body
and says what it found and where.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlmodel import Session

from bot.core.chat import Reply
from bot.core.errors import CommandError
from bot.core.profile import Profile
from knowledge.identifiers import IdentifierKind, find_identifiers
from storage import audit, broadcasts, directory, incidents
from storage.broadcasts import Broadcast
from storage.incidents import IncidentStatus
from storage.models import StaffMember
from workflows.broadcasts import audience, render, wording

TITLE_LIMIT = 200
BODY_LIMIT = 20_000
# Kinds that identify a person in a broadcast. Phone numbers and postcodes are left alone: a lesson may
# rightly give the office's; an email address is blocked unless it is the organisation's own.
_BLOCKED = (IdentifierKind.NHS_NUMBER, IdentifierKind.CHI_NUMBER, IdentifierKind.NATIONAL_INSURANCE_NUMBER,
            IdentifierKind.DATE_OF_BIRTH, IdentifierKind.EMAIL_ADDRESS)


@dataclass(frozen=True)
class Draft:
    title: str
    body: str
    audience: dict[str, Any]
    ack_required: bool = True
    ack_by: dt.date | None = None
    send_at: dt.datetime | None = None  # None: now
    incident_reference: str | None = None

    def to_state(self) -> dict[str, Any]:
        state = asdict(self)
        state["ack_by"] = self.ack_by.isoformat() if self.ack_by else None
        state["send_at"] = self.send_at.isoformat() if self.send_at else None
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Draft:
        return cls(title=state["title"], body=state["body"], audience=state["audience"],
                   ack_required=bool(state.get("ack_required", True)),
                   ack_by=dt.date.fromisoformat(state["ack_by"]) if state.get("ack_by") else None,
                   send_at=dt.datetime.fromisoformat(state["send_at"]) if state.get("send_at") else None,
                   incident_reference=state.get("incident_reference"))


def parse_ack_by(text: str, *, today: dt.date) -> tuple[bool, dt.date | None]:
    """(acknowledgement required, by when) from "2026-12-04", "04/12/2026" or "none"."""
    written = text.strip().lower()
    if written in ("none", "no", "not needed", "n/a", "-"):
        return False, None
    if written in ("", "yes", "no date"):
        return True, None
    day = _date(written)
    if day is None:
        raise CommandError("The acknowledgement date should be a date such as 2026-12-04, or none.")
    if day < today:
        raise CommandError("The acknowledgement date has already passed: choose a later one.")
    return True, day


def parse_send_at(text: str, *, profile: Profile, now: dt.datetime) -> dt.datetime | None:
    """None for "now"; otherwise the moment, read in the organisation's time zone unless an offset is given."""
    written = text.strip()
    if written.lower() in ("", "now", "straight away", "immediately"):
        return None
    try:
        at = dt.datetime.fromisoformat(written.replace("/", "-") if re.match(r"^\d{4}/", written) else written)
    except ValueError:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})", written)
        if match is None:
            raise CommandError("The send time should be now, or a date and time such as 2026-11-24 09:30.") from None
        day, month, year, hour, minute = (int(part) for part in match.groups())
        try:
            at = dt.datetime(year, month, day, hour, minute)
        except ValueError:
            raise CommandError("The send time should be now, or a date and time such as 2026-11-24 09:30.") from None
    at = (at if at.tzinfo else at.replace(tzinfo=profile.working_hours.zone)).astimezone(dt.UTC)
    if at < now - dt.timedelta(minutes=1):
        raise CommandError("That send time has already passed: say now, or a later time.")
    return at if at > now else None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def check(draft: Draft, *, session: Session, profile: Profile, today: dt.date) -> Draft:
    """The draft, tidied, when it can be sent; otherwise a CommandError naming the first problem."""
    title, body = draft.title.strip(), draft.body.strip()
    if not title:
        raise CommandError("A broadcast needs a title.")
    if len(title) > TITLE_LIMIT or "\n" in title:
        raise CommandError(f"The title should be one line of at most {TITLE_LIMIT} characters.")
    if not body:
        raise CommandError("A broadcast needs something to say: its body is empty.")
    if len(body) > BODY_LIMIT:
        raise CommandError(f"The body is too long for a chat message: keep it under {BODY_LIMIT:,} characters.")
    found = personal_data(title=title, body=body, profile=profile, session=session, today=today)
    if found:
        raise CommandError(wording.BLOCKED.format(found=found))
    reference = _incident(session, draft.incident_reference)
    return replace(draft, title=title, body=body, incident_reference=reference)


def personal_data(*, title: str, body: str, profile: Profile, session: Session, today: dt.date) -> str:
    """What personal data the title and body hold and where ("an NHS number in the body"); "" when none."""
    own_domain = profile.organisation.data_protection_email.rpartition("@")[2].lower()
    found: list[str] = []
    for where, text in (("title", title), ("body", body)):
        kinds: list[str] = []
        for finding in find_identifiers(text, today=today):
            if finding.kind not in _BLOCKED:
                continue
            if finding.kind is IdentifierKind.EMAIL_ADDRESS and _is_staff_email(finding.text, own_domain, session):
                continue
            label = _label(finding.kind)
            if label not in kinds:
                kinds.append(label)
        found += [wording.BLOCKED_WHERE.format(kind=kind, where=where) for kind in kinds]
    return _joined(found)


def _is_staff_email(email: str, own_domain: str, session: Session) -> bool:
    address = email.strip().lower()
    return address.rpartition("@")[2] == own_domain or directory.get_by_email(session=session, email=address) is not None


def _label(kind: IdentifierKind) -> str:
    if kind is IdentifierKind.EMAIL_ADDRESS:
        return "an email address that isn't one of ours"
    if kind is IdentifierKind.DATE_OF_BIRTH:
        return "a date of birth"
    return f"an {kind.value}" if kind.value[0] in "AEIOUN" else f"a {kind.value}"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""


def _incident(session: Session, reference: str | None) -> str | None:
    if not reference or not reference.strip():
        return None
    normalised = incidents.normalise_reference(reference.strip())
    incident = incidents.get_by_reference(session=session, reference=normalised) if normalised else None
    if incident is None:
        raise CommandError(f"There is no incident {reference.strip()[:40]!r} in the register.")
    if incident.status != IncidentStatus.CLOSED.value:
        raise CommandError(f"Incident {incident.reference} isn't closed yet: share its lessons once it is.")
    return incident.reference


def people(count: int) -> str:
    return "1 person" if count == 1 else f"{count:,} people"


def preview(draft: Draft, *, session: Session, profile: Profile, now: dt.datetime) -> tuple[list[Reply], int]:
    """The message exactly as recipients will see it, and the audience size with who can't be reached."""
    today = now.astimezone(profile.working_hours.zone).date()
    resolved = audience.resolve(session=session, audience=draft.audience, today=today)
    if resolved.unmatched:
        raise CommandError(f"Nobody in the directory matches {resolved.unmatched[0]!r} in that audience.")
    if not resolved.recipients:
        raise CommandError("Nobody in the directory is in that audience today.")
    message = render.message(broadcast_id=None, title=draft.title, body=draft.body, ack_required=draft.ack_required,
                             ack_by=draft.ack_by, incident_reference=draft.incident_reference, profile=profile)
    return [message], len(resolved.recipients)


def create(draft: Draft, *, session: Session, sender: StaffMember, now: dt.datetime) -> Broadcast:
    """Store a checked draft as a scheduled broadcast (the schedule sends it), and audit it."""
    assert sender.id is not None
    broadcast = broadcasts.create(session=session, title=draft.title, body=draft.body, audience=draft.audience,
                                  send_at=draft.send_at or now, created_by=sender.id, now=now,
                                  ack_required=draft.ack_required, ack_by=draft.ack_by,
                                  incident_reference=draft.incident_reference)
    audit.record(session=session, action="broadcast created", actor_id=sender.id, now=now,
                 subject=f"broadcast:{broadcast.id}", details={"audience": broadcast.audience.get("kind"),
                                                              "send_at": broadcast.send_at.isoformat()})
    return broadcast


def edit(broadcast_id: int, changes: dict[str, Any], *, session: Session, profile: Profile, editor: StaffMember,
         now: dt.datetime) -> Broadcast:
    """Change a scheduled broadcast; the result is checked like a new draft, and nothing changes if it fails."""
    stored = broadcasts.get(session=session, broadcast_id=broadcast_id)
    if stored is None:
        raise CommandError(wording.NO_SUCH_BROADCAST.format(broadcast_id=broadcast_id))
    draft = Draft(title=changes.get("title", stored.title), body=changes.get("body", stored.body),
                  audience=changes.get("audience", stored.audience),
                  ack_required=changes.get("ack_required", stored.ack_required),
                  ack_by=changes.get("ack_by", stored.ack_by), send_at=changes.get("send_at", stored.send_at),
                  incident_reference=changes.get("incident_reference", stored.incident_reference))
    today = now.astimezone(profile.working_hours.zone).date()
    checked = check(draft, session=session, profile=profile, today=today)
    values = {name: getattr(checked, name) for name in changes}
    if "send_at" in values and values["send_at"] is None:
        values["send_at"] = now
    edited = broadcasts.edit(session=session, broadcast_id=broadcast_id, **values)
    if edited is None:
        raise CommandError(wording.TOO_LATE.format(broadcast_id=broadcast_id))
    audit.record(session=session, action="broadcast edited", actor_id=editor.id, now=now,
                 subject=f"broadcast:{broadcast_id}", details={"changed": sorted(changes)})
    return edited


def cancel(broadcast_id: int, *, session: Session, by: StaffMember, now: dt.datetime) -> None:
    if broadcasts.get(session=session, broadcast_id=broadcast_id) is None:
        raise CommandError(wording.NO_SUCH_BROADCAST.format(broadcast_id=broadcast_id))
    if not broadcasts.cancel(session=session, broadcast_id=broadcast_id):
        raise CommandError(wording.TOO_LATE.format(broadcast_id=broadcast_id))
    audit.record(session=session, action="broadcast cancelled", actor_id=by.id, now=now,
                 subject=f"broadcast:{broadcast_id}")
