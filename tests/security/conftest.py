"""Fixtures for the security tests: igbot's logging as `igbot serve` sets it up, written to a file the test reads."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.core import logs
from bot.core.settings import configure_logging, load_settings

ConfigureLogs = Callable[[str], Path]


@pytest.fixture
def igbot_logs(tmp_path: Path) -> Iterator[ConfigureLogs]:
    """Configure logging as igbot does at `LOG_LEVEL`, into a file; everything is put back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in logs.LIBRARY_LOGGERS}
    home = tmp_path / "log-home"

    def configure(level: str) -> Path:
        configure_logging(load_settings({"IGBOT_HOME": str(home), "LOG_LEVEL": level}), to_file=True)
        return home / "igbot.log"

    yield configure
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)
