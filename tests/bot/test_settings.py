from pathlib import Path

import pytest

from bot.core.errors import ConfigurationError
from bot.core.settings import EXAMPLE_PROFILE, load_settings


def test_defaults_use_an_embedded_database_under_igbot_home(tmp_path: Path) -> None:
    settings = load_settings({"IGBOT_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'igbot.db'}"
    assert settings.uses_embedded_database
    assert settings.profile_path == EXAMPLE_PROFILE
    assert not settings.slack_enabled and not settings.teams_enabled


def test_postgres_urls_use_the_psycopg_driver() -> None:
    settings = load_settings({"DATABASE_URL": "postgres://igbot@db.example.org/igbot"})
    assert settings.database_url == "postgresql+psycopg://igbot@db.example.org/igbot"
    assert not settings.uses_embedded_database


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"IGBOT_PROFILE": "/nowhere/profile.yaml"}, "IGBOT_PROFILE"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"TEAMS_ALLOW_ANONYMOUS": "perhaps"}, "TEAMS_ALLOW_ANONYMOUS"),
    ],
)
def test_a_bad_value_stops_start_up_with_a_sentence_naming_it(environment: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        load_settings(environment)


def test_debug_logging_never_opens_the_libraries_that_log_message_bodies(tmp_path: Path) -> None:
    import logging

    from bot.core.settings import configure_logging

    configure_logging(load_settings({"LOG_LEVEL": "DEBUG", "IGBOT_HOME": str(tmp_path)}), to_file=True)
    assert logging.getLogger("bot.core.conversation").isEnabledFor(logging.DEBUG)
    for library in ("slack_bolt.App", "slack_sdk.web.async_base_client", "microsoft_agents.hosting"):
        assert not logging.getLogger(library).isEnabledFor(logging.DEBUG), library
