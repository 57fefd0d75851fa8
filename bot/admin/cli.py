"""`igbot admin link EMAIL`: a sign-in link printed in the terminal, for the first sign-in on a new install."""

from __future__ import annotations

import argparse
from typing import Any

from bot.admin import links
from bot.admin.access import may_use_dashboard
from bot.admin.setup import with_local_defaults
from bot.core.clock import Clock
from bot.core.database import open_database
from bot.core.errors import ConfigurationError
from bot.core.settings import load_settings
from storage import directory
from storage.engine import session_scope


def register(subparsers: Any) -> None:
    admin = subparsers.add_parser("admin", help="the IG dashboard")
    commands = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    link = commands.add_parser("link", help="print a one-time sign-in link to the dashboard for EMAIL")
    link.add_argument("email")
    link.add_argument("--port", type=int, default=3000,
                      help="the port of `igbot serve` on the embedded demo, when IGBOT_PUBLIC_URL is not set")
    link.set_defaults(handler=_link)


def _link(arguments: argparse.Namespace) -> int:
    settings = with_local_defaults(load_settings(), port=arguments.port)
    if not settings.secret_key or not settings.public_url:
        raise ConfigurationError("The dashboard needs IGBOT_SECRET_KEY and IGBOT_PUBLIC_URL to make sign-in links.")
    engine = open_database(settings)
    clock = Clock()
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=arguments.email)
        if member is None or member.id is None:
            raise ConfigurationError(f"No one in the staff directory has the email {arguments.email}.")
        if not may_use_dashboard(member):
            raise ConfigurationError(f"{arguments.email} holds no IG role and is not a manager: the dashboard is "
                                     "for the IG team and line managers only.")
        token = links.issue(session=session, secret_key=settings.secret_key, staff_id=member.id, now=clock.now())
    print(links.url_for(settings.public_url, token))
    print("It works once, for the next 10 minutes.")
    return 0
