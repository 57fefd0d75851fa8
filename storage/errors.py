"""The error for an operator's mistake, defined on the lowest floor so that every floor can raise it."""

from __future__ import annotations


class ConfigurationError(Exception):
    """A setting or a file the operator gave is wrong; the message names it in one sentence."""
