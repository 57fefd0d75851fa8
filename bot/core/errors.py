"""The errors a person is meant to see, and the one place that turns any other error into an apology."""

from __future__ import annotations

import logging
import secrets

from storage.errors import ConfigurationError

log = logging.getLogger(__name__)


class CommandError(Exception):
    """Something the person asked for cannot be done; the message is shown to them as it is."""


def error_reference() -> str:
    """A short reference a person can quote to the IG team, and that appears in the log beside the traceback."""
    return "ERR-" + secrets.token_hex(4).upper()


def log_unexpected(error: BaseException, *, context: str) -> str:
    reference = error_reference()
    log.error("unexpected error reference=%s context=%s", reference, context, exc_info=error)
    return reference


__all__ = ["CommandError", "ConfigurationError", "error_reference", "log_unexpected"]
