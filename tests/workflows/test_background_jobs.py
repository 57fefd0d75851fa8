"""The scheduled jobs `igbot serve` runs besides delivery: kept questions leave on time, unasked."""

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from bot.app import Assistant
from bot.conversation import Conversation
from bot.profile import Profile
from bot.settings import load_settings
from storage import curation, directory
from storage.curation import CurationItem, Signal
from storage.engine import session_scope
from workflows import delivery

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def _keep(engine: Engine, question: str, at: dt.datetime) -> None:
    with session_scope(engine) as session:
        asker = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert asker is not None
        item = curation.create(session=session, signal=Signal.DECLINED, question=question, staff_id=asker.id)
        item.at = at
        session.add(item)


async def test_the_daily_job_deletes_kept_questions_past_their_retention(
    engine: Engine, profile: Profile, conversation: Conversation, tmp_path: Path
) -> None:
    days = profile.retention.declined_questions_days
    _keep(engine, "past its retention", NOW - dt.timedelta(days=days, minutes=1))
    _keep(engine, "still within it", NOW - dt.timedelta(days=days) + dt.timedelta(minutes=1))
    assistant = Assistant(settings=load_settings({"IGBOT_HOME": str(tmp_path)}), profile=profile, engine=engine,
                          conversation=conversation)
    interval, purge = delivery.background_jobs(assistant, [])["purge-curation"]
    assert interval == dt.timedelta(days=1)
    assert await delivery.run_job("purge-curation", purge, NOW) is True
    with session_scope(engine) as session:
        kept = [item.question for item in session.exec(select(CurationItem))]
    assert kept == ["still within it"]
