"""The `igbot` command."""

from __future__ import annotations

import argparse
import contextlib
import os
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.core.errors import ConfigurationError, error_reference
from bot.core import logs
from bot.core.neutralise import protect_standard_streams

# Modules that add their own sub-commands through `register(subparsers)`.
COMMAND_MODULES: tuple[str, ...] = (
    "bot.app.cli_core",
    "bot.app.cli_serve",
    "bot.admin.cli",
    "bot.teams.cli",
    "knowledge.cli",
    "workflows.cli",
    "workflows.broadcasts.cli",
    "workflows.evidence.cli",
    "workflows.incidents.cli",
    "workflows.imports.cli",
    "workflows.nudges.cli",
    "workflows.retention.cli",
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
    protect_standard_streams()
    try:
        return handler(arguments)
    except ConfigurationError as error:
        print(f"igbot: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # whoever read the output stopped early (`| head`): nothing went wrong to tell of
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit fails quietly too
        return 141  # what a shell reports for a command ended by SIGPIPE
    except OSError as error:  # a path that is missing, not writable, or a folder where a file should be
        where = f"{error.filename}: " if error.filename else ""
        print(f"igbot: {where}{error.strerror or error}.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the one place a command's unexpected failure becomes a sentence, not a traceback
        reference = _keep_traceback(error)
        print(f"igbot: this command failed unexpectedly (reference {reference}); the details are in "
              f"{_log_path()} for whoever looks after igbot.", file=sys.stderr)
        return 1


def _log_path() -> Path:
    return Path(os.environ.get("IGBOT_HOME") or ".igbot") / "igbot.log"


def _keep_traceback(error: Exception) -> str:
    """Append the error to igbot's log file (never to the terminal), as its type and code locations; the
    reference ties the two together."""
    reference = error_reference()
    with contextlib.suppress(OSError):
        _log_path().parent.mkdir(parents=True, exist_ok=True)
        with _log_path().open("a", encoding="utf-8") as log:  # private like every log line: no message, no values
            log.write(logs.exception_line(error, event="command failed unexpectedly", reference=reference) + "\n")
    return reference


if __name__ == "__main__":
    raise SystemExit(main())
