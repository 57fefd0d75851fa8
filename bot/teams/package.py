"""The Teams app package: manifest.json and the two icons in one zip, ready to upload to Teams."""

from __future__ import annotations

import io
import json
import re
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

from bot.core.errors import ConfigurationError
from bot.core.profile import Profile
from bot.core.settings import Settings
from bot.teams import icons

MANIFEST_VERSION = "1.17"
MANIFEST_SCHEMA = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
SCOPES = ["personal", "team", "groupChat"]
COMMANDS = (
    ("help", "What igbot can do for you"),
    ("report", "Report an information governance incident or near miss"),
    ("share", "Check whether you can share some information"),
    ("training", "See when your data security training is due"),
)
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def manifest(*, app_id: str, profile: Profile, version: str) -> dict[str, Any]:
    organisation = profile.organisation
    website = organisation.website
    if not website or not website.startswith("https://"):
        raise ConfigurationError("The Teams app package needs the organisation's https website: "
                                 "set organisation.website in the profile.")
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {"name": organisation.name[:32], "websiteUrl": website, "privacyUrl": website,
                      "termsOfUseUrl": website},
        "name": {"short": "igbot", "full": f"igbot: {organisation.name} Information Governance help"[:100]},
        "description": {
            "short": "Information Governance help: answers, incident reports, sharing checks.",
            "full": (f"igbot is {organisation.name}'s Information Governance assistant. Ask it about keeping "
                     "information safe and get answers with their sources; report an incident or near miss "
                     "with the 72-hour clock in view; check whether you can share information; see when your "
                     "training is due. It never needs personal details: use IDs or initials."),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#005EB8",
        "bots": [{
            "botId": app_id,
            "scopes": SCOPES,
            "isNotificationOnly": False,
            "supportsFiles": False,
            "commandLists": [{"scopes": SCOPES,
                              "commands": [{"title": title, "description": text} for title, text in COMMANDS]}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def build_package(*, settings: Settings, profile: Profile) -> bytes:
    app_id = settings.teams_app_id
    if not app_id:
        raise ConfigurationError("TEAMS_APP_ID must be set to the bot's Microsoft app id to build the Teams app package.")
    if not _GUID.match(app_id):
        raise ConfigurationError(f"TEAMS_APP_ID must be a GUID such as 0f5b8c1e-6a7d-4c2b-9e3f-1a2b3c4d5e6f "
                                 f"(it is {app_id!r}).")
    content = json.dumps(manifest(app_id=app_id, profile=profile, version=_version()), indent=2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", content)
        archive.writestr("color.png", icons.color_icon())
        archive.writestr("outline.png", icons.outline_icon())
    return buffer.getvalue()


def write_package(*, settings: Settings, profile: Profile, output: Path) -> Path:
    """Build first, then write in one go, so a failed build never leaves half a zip behind."""
    if output.is_dir():
        raise ConfigurationError(f"{output} is a folder: give the path of the zip file to write.")
    package = build_package(settings=settings, profile=profile)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(package)
    partial.replace(output)
    return output


def _version() -> str:
    try:
        found = metadata.version("igbot")
    except metadata.PackageNotFoundError:
        return "1.0.0"
    return found if re.fullmatch(r"\d+\.\d+\.\d+", found) else "1.0.0"
