"""The dashboard's settings on the embedded demo: a signing key kept beside the database, and a local address."""

from __future__ import annotations

import os
import secrets
from dataclasses import replace
from pathlib import Path

from bot.core.settings import Settings

KEY_FILE = "dashboard-secret-key"
LOCAL_URL = "http://127.0.0.1:{port}"


def with_local_defaults(settings: Settings, *, port: int = 3000) -> Settings:
    """On the embedded database only: a key made once and kept in IGBOT_HOME (readable by its owner alone),
    so `igbot admin link` and `igbot serve` agree, and the local address when none is set."""
    if not settings.uses_embedded_database:
        return settings
    key = settings.secret_key or _local_key(settings.home)
    return replace(settings, secret_key=key, public_url=settings.public_url or LOCAL_URL.format(port=port))


def _local_key(home: Path) -> str:
    path = home / KEY_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    return key
