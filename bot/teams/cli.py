"""`igbot teams package`: the Teams app package an administrator uploads to Teams."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.core.profile import load_profile
from bot.core.settings import load_settings


def register(subparsers: Any) -> None:
    teams = subparsers.add_parser("teams", help="Microsoft Teams")
    actions = teams.add_subparsers(dest="teams_command", metavar="ACTION", required=True)
    package = actions.add_parser("package", help="build the Teams app package (manifest and icons) to upload")
    package.add_argument("--output", type=Path, default=Path("igbot-teams.zip"), metavar="ZIP",
                         help="where to write it (default: igbot-teams.zip)")
    package.set_defaults(handler=_package)


def _package(arguments: argparse.Namespace) -> int:
    from bot.teams.package import write_package

    settings = load_settings()
    written = write_package(settings=settings, profile=load_profile(settings.profile_path), output=arguments.output)
    print(f"Wrote {written}. Upload it in Teams (Apps > Manage your apps > Upload an app), "
          "or in the Teams admin centre for everyone.")
    return 0
