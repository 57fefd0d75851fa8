"""Whether anything can reach the IG team, so that nobody is told the team "has been told" when it cannot be."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.core.settings import Settings
from storage import directory, teams_references
from storage.engine import session_scope

UNREACHABLE = (
    "Nothing can reach the IG team yet: no IG channel is set (SLACK_IG_CHANNEL or TEAMS_IG_CHANNEL) and nobody in "
    "an IG role has messaged igbot in Slack or Teams, so their notices wait in `igbot inbox` until one of those is true."
)


def ig_team_unreachable(settings: Settings, engine: Engine) -> str | None:
    """One sentence saying so when no channel and no IG role holder can be reached; None when someone can."""
    if (settings.slack_enabled or settings.slack_app_token) and settings.slack_ig_channel:
        return None
    if settings.teams_enabled and settings.teams_ig_channel:
        return None
    with session_scope(engine) as session:
        for person in directory.get_all(session=session):
            if not (person.active and person.is_ig and person.id is not None):
                continue
            if settings.slack_bot_token and person.slack_user_id:
                return None
            if settings.teams_enabled and teams_references.get_personal(session=session, staff_id=person.id):
                return None
    return UNREACHABLE
