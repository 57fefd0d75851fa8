"""Settings, read once from the environment into one typed object.

A missing or invalid value stops start-up with one sentence that names it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.core import logs
from bot.core.errors import ConfigurationError

EXAMPLE_PROFILE = Path(__file__).parent.parent / "profiles" / "example.yaml"

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    profile_path: Path
    slack_bot_token: str | None
    slack_signing_secret: str | None
    slack_app_token: str | None
    slack_api_url: str | None
    slack_team_id: str | None
    slack_ig_channel: str | None
    teams_app_id: str | None
    teams_app_password: str | None
    teams_tenant_id: str | None
    teams_allow_anonymous: bool
    log_level: str
    teams_openid_metadata_url: str | None = None
    teams_token_url: str | None = None
    teams_ig_channel: str | None = None
    metrics_public: bool = False
    public_url: str | None = None
    secret_key: str | None = None
    shutdown_grace: float = 20.0  # seconds the events in flight at SIGTERM may take before they are handed back

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url == default_database_url(self.home)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def teams_enabled(self) -> bool:
        return bool(self.teams_app_id) or self.teams_allow_anonymous


def default_database_url(home: Path) -> str:
    return f"sqlite:///{home / 'igbot.db'}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("IGBOT_HOME") or ".igbot").expanduser()
    database_url = env.get("DATABASE_URL") or default_database_url(home)
    if not database_url.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://", "postgres://")):
        raise ConfigurationError(
            "DATABASE_URL must start with sqlite:// or postgresql:// "
            f"(it starts with {database_url.split(':', 1)[0]!r})."
        )
    profile_path = Path(env.get("IGBOT_PROFILE") or EXAMPLE_PROFILE).expanduser()
    if not profile_path.is_file():
        raise ConfigurationError(f"IGBOT_PROFILE points to {profile_path}, which is not a file.")
    log_level = (env.get("LOG_LEVEL") or "INFO").upper()
    if log_level not in _LOG_LEVELS:
        raise ConfigurationError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)} (it is {log_level!r}).")
    _check_slack(env)
    return Settings(
        home=home,
        database_url=_normalise_postgres_url(database_url),
        profile_path=profile_path,
        slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
        slack_app_token=env.get("SLACK_APP_TOKEN") or None,
        slack_api_url=env.get("SLACK_API_URL") or None,
        slack_team_id=env.get("SLACK_TEAM_ID") or None,
        slack_ig_channel=env.get("SLACK_IG_CHANNEL") or None,
        teams_app_id=env.get("TEAMS_APP_ID") or None,
        teams_app_password=env.get("TEAMS_APP_PASSWORD") or None,
        teams_tenant_id=env.get("TEAMS_TENANT_ID") or None,
        teams_allow_anonymous=_flag(env, "TEAMS_ALLOW_ANONYMOUS"),
        log_level=log_level,
        teams_openid_metadata_url=env.get("TEAMS_OPENID_METADATA_URL") or None,
        teams_token_url=env.get("TEAMS_TOKEN_URL") or None,
        teams_ig_channel=env.get("TEAMS_IG_CHANNEL") or None,
        metrics_public=_flag(env, "METRICS_PUBLIC"),
        public_url=_public_url(env),
        secret_key=_secret_key(env),
        shutdown_grace=_seconds(env, "SHUTDOWN_GRACE_SECONDS", default=20.0),
    )


def _seconds(env: Mapping[str, str], name: str, *, default: float) -> float:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ConfigurationError(f"{name} must be a number of seconds from 0 to 3600 (it is {value!r}).")
    return seconds


def _check_slack(env: Mapping[str, str]) -> None:
    """Slack is on with all it needs or off: half a configuration stops start-up instead of silently doing nothing."""
    token, secret, app_token = (env.get(name) for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"))
    if token and not (secret or app_token):
        raise ConfigurationError(
            "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: set it from the Slack app's Basic Information "
            "page (or SLACK_APP_TOKEN for Socket Mode), or unset SLACK_BOT_TOKEN to leave Slack off."
        )
    if (secret or app_token) and not token:
        given = "SLACK_SIGNING_SECRET" if secret else "SLACK_APP_TOKEN"
        raise ConfigurationError(
            f"{given} is set but SLACK_BOT_TOKEN is not: set it to the app's Bot User OAuth Token (xoxb-...), "
            f"or unset {given} to leave Slack off."
        )


def configure_logging(settings: Settings, *, to_file: bool = False) -> None:
    """JSON lines to standard error, or (for the terminal chat) to igbot.log under IGBOT_HOME.

    Private by construction (bot.core.logs): IDs, numbers and durations, never what people wrote,
    and libraries held at WARNING whatever LOG_LEVEL says.
    """
    handler: logging.Handler
    if to_file:
        settings.home.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(settings.home / "igbot.log", encoding="utf-8")
    else:
        handler = logging.StreamHandler()
    logs.install(handler, level=settings.log_level)


MIN_SECRET_KEY_LENGTH = 32


def _public_url(env: Mapping[str, str]) -> str | None:
    """Where people reach igbot from their browsers, for the dashboard's sign-in links (no trailing slash)."""
    url = (env.get("IGBOT_PUBLIC_URL") or "").strip().rstrip("/")
    if not url:
        return None
    if not url.startswith(("https://", "http://")) or "?" in url or "#" in url:
        raise ConfigurationError(f"IGBOT_PUBLIC_URL must be an address starting with https:// (it is {url!r}).")
    return url


def _secret_key(env: Mapping[str, str]) -> str | None:
    """The key that signs the dashboard's sign-in links: long and random, the same on every replica."""
    key = env.get("IGBOT_SECRET_KEY") or ""
    if not key:
        return None
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(f"IGBOT_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long "
                                 "(make one with `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`).")
    return key


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false (it is {value!r}).")


def _normalise_postgres_url(url: str) -> str:
    """Use the psycopg 3 driver whichever spelling of a PostgreSQL URL was given."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
