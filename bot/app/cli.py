"""The `igbot` command."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from bot.core.errors import ConfigurationError

# Modules that add their own sub-commands through `register(subparsers)`.
COMMAND_MODULES: tuple[str, ...] = (
    "bot.app.cli_core",
    "bot.app.cli_serve",
    "bot.teams.cli",
    "knowledge.cli",
    "workflows.cli",
    "workflows.incidents.cli",
    "workflows.imports.cli",
    "workflows.nudges.cli",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="igbot", description="Information Governance help for health and care staff.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    handler: Handler = arguments.handler
    try:
        return handler(arguments)
    except ConfigurationError as error:
        print(f"igbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
