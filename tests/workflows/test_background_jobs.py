"""The scheduled jobs features register: kept questions leave on time, unasked."""

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import select

from bot.core.conversation import Conversation
from bot.core.profile import Profile
from storage import curation, directory
from storage.curation import CurationItem, Signal
from storage.engine import session_scope

# 03:00 on Monday 23 November 2026, half an hour after the nightly purge's slot.
NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def _keep(engine: Engine, question: str, at: dt.datetime) -> None:
    with session_scope(engine) as session:
        asker = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert asker is not None
        curation.create(session=session, now=at, signal=Signal.DECLINED, question=question, staff_id=asker.id)


async def test_the_nightly_job_deletes_kept_questions_past_their_retention(
    engine: Engine, profile: Profile, conversation: Conversation
) -> None:
    days = profile.retention.declined_questions_days
    _keep(engine, "past its retention", NOW - dt.timedelta(days=days, minutes=1))
    _keep(engine, "still within it", NOW - dt.timedelta(days=days) + dt.timedelta(minutes=1))
    assert "purge-curation" in await conversation.schedule.run_due(NOW)
    with session_scope(engine) as session:
        kept = [item.question for item in session.exec(select(CurationItem))]
    assert kept == ["still within it"]
    assert "purge-curation" not in await conversation.schedule.run_due(NOW + dt.timedelta(hours=1)), "once a night"
