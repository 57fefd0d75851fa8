"""A small organisation whose evidence is counted by hand: the demo directory (30 staff in four teams), with
training, leavers and incidents chosen so each figure of the pack as of Monday 23 November 2026 is known.

In post on 23 November 2026 (27): everyone but Ned Ashworth (left 31 October, deactivated), Zara McIntyre
(left 20 November, still active: her access was not removed) and Callum Tennant (left 1 June 2025).
Felix Hartmann leaves on 15 December 2026, after the as-of date, so he is still in post.

  team                        in post  trained
  Harbour Recovery                  8        7   Sam Okafor's completion is 13 months old
  Northgate Young People            7        6   Lily Pemberton never trained
  Riverside Housing Support         6        6   (Ned and Callum left)
  Central Office                    6        6   (Zara left; Felix is still in post)
  the organisation                 27       25   92.6%, below the target of 95%

Incidents reported in the period: IG-2026-0001 (2 March, notified to the ICO within 72 hours, closed with
lessons learnt), IG-2026-0002 (10 September, not reportable, with a reason), IG-2026-0003 (20 November, no
decision yet). One reported in October 2025 falls before the period.

Broadcasts: April's lesson learnt asked 29 people to acknowledge it by 8 April; 20 did by then, 5 more on 1 May,
4 never. Ned, one of the 4, has left since, so on 23 November it counts 28 people asked and 25 acknowledged.
October's policy update asked for no acknowledgement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.core.profile import Profile
from nudge_world import set_employment, train_everyone
from storage import broadcasts, directory
from storage.engine import session_scope
from storage.models import StaffMember
from workflows.incidents import register, report

AS_OF = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
HARRIET = "harriet.osei@example.org"
SAM = "sam.okafor@example.org"
LESSONS = '<script>alert("x")</script> Check the recipient & the address book'
BROADCAST_TITLE = "<i>Lesson</i>: check the address before you send"
REASON = '=HYPERLINK("http://evil.example","click")'


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _answers(at: dt.datetime, kind: str = "misdirected_email") -> dict[str, Any]:
    def text(value: str) -> dict[str, Any]:
        return {"text": value, "removed": []}

    return {"kind": kind, "happened_at": at.isoformat(), "discovered_at": at.isoformat(), "data_kind": "special",
            "vulnerable": "none", "people_affected": 3, "contained": "partly",
            "containment": text("Asked them to delete it"), "told": text("My manager"),
            "description": text("A referral went to the wrong practice")}


def _report(engine: Engine, profile: Profile, at: dt.datetime) -> str:
    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email=SAM)
        assert sam is not None
        return report.store(session=session, reporter=sam, answers=_answers(at), channel="slack", profile=profile,
                            now=at).reference


def _incidents(engine: Engine, profile: Profile) -> None:
    _report(engine, profile, _at("2025-10-01T09:00"))  # before the period
    first = _report(engine, profile, _at("2026-03-02T09:00"))
    second = _report(engine, profile, _at("2026-09-10T09:00"))
    _report(engine, profile, _at("2026-11-20T09:00"))
    with session_scope(engine) as session:
        harriet = directory.get_by_email(session=session, email=HARRIET)
        assert harriet is not None
        one = register.find(session=session, reference=first)
        register.confirm_grade(session=session, actor=harriet, incident=one, profile=profile,
                               now=_at("2026-03-02T11:00"))
        register.mark_notified(session=session, actor=harriet, incident=one, now=_at("2026-03-03T15:00"),
                               ico_reference="ICO-1234")
        register.close(session=session, actor=harriet, incident=one, lessons=LESSONS, now=_at("2026-04-01T12:00"))
        two = register.find(session=session, reference=second)
        register.confirm_grade(session=session, actor=harriet, incident=two, profile=profile,
                               now=_at("2026-09-10T11:00"))
        register.mark_not_reportable(session=session, actor=harriet, incident=two, reason=REASON,
                                     now=_at("2026-09-11T10:00"))


def _broadcasts(engine: Engine) -> None:
    """April's lesson asks everyone (29: Callum had left) to acknowledge by 8 April: 20 do by then, 5 more on
    1 May, 4 never (Ned among them, who has left since). October's policy update asks nothing of its 3."""
    with session_scope(engine) as session:
        harriet = directory.get_by_email(session=session, email=HARRIET)
        assert harriet is not None and harriet.id is not None
        people = [member for member in session.exec(select(StaffMember).order_by(col(StaffMember.email)))
                  if member.email != "callum.tennant@example.org"]
        never = {"ned.ashworth@example.org", "lily.pemberton@example.org", "jude.carrow@example.org",
                 "bryn.llewellyn@example.org"}
        lesson = broadcasts.create(session=session, title=BROADCAST_TITLE, body="Check the address.",
                                   audience={"kind": "everyone"}, send_at=_at("2026-04-01T10:00"),
                                   created_by=harriet.id, now=_at("2026-03-31T10:00"), ack_by=dt.date(2026, 4, 8),
                                   incident_reference="IG-2026-0001")
        update = broadcasts.create(session=session, title="DQ404 updated", body="Read the new policy.",
                                   audience={"kind": "teams", "values": ["Central Office"]},
                                   send_at=_at("2026-10-01T10:00"), created_by=harriet.id,
                                   now=_at("2026-09-30T10:00"), ack_required=False)
        for broadcast, members in ((lesson, people), (update, people[:3])):
            assert broadcast.id is not None
            broadcasts.add_recipients(session=session, broadcast_id=broadcast.id, now=broadcast.send_at, recipients=[
                broadcasts.Recipient(staff_id=member.id or 0, team=member.team, channel="slack") for member in members])
            broadcasts.mark_sent(session=session, broadcast_id=broadcast.id, now=broadcast.send_at)
        assert lesson.id is not None
        acknowledging = [member for member in people if member.email not in never]
        for number, member in enumerate(acknowledging):
            on = _at("2026-04-03T12:00") if number < 20 else _at("2026-05-01T12:00")
            broadcasts.acknowledge(session=session, broadcast_id=lesson.id, staff_id=member.id or 0, on="slack", now=on)


def _leavers(engine: Engine) -> None:
    set_employment(engine, "ned.ashworth@example.org", left_on=dt.date(2026, 10, 31))
    set_employment(engine, "zara.mcintyre@example.org", left_on=dt.date(2026, 11, 20))
    set_employment(engine, "callum.tennant@example.org", left_on=dt.date(2025, 6, 1))
    set_employment(engine, "felix.hartmann@example.org", left_on=dt.date(2026, 12, 15))
    with session_scope(engine) as session:
        for email in ("ned.ashworth@example.org", "callum.tennant@example.org"):
            member = directory.get_by_email(session=session, email=email)
            assert member is not None
            member.active = False
            session.add(member)
        ned = directory.get_by_email(session=session, email="ned.ashworth@example.org")
        assert ned is not None
        ned.name = "@Ned Ashworth"  # a name a spreadsheet would take for a formula
        session.add(ned)


def build(engine: Engine, profile: Profile) -> None:
    train_everyone(engine, profile, on=dt.date(2026, 6, 1),
                   but={SAM: dt.date(2025, 10, 23), "lily.pemberton@example.org": None})
    _broadcasts(engine)
    _leavers(engine)
    _incidents(engine, profile)
