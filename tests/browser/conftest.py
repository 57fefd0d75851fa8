"""Browser tests: Debian's Chromium, headless, driven by Playwright; axe-core from npm checks each page.

Outside CI they are skipped, with the reason, when Chromium or axe-core is missing; in CI (CI=true)
a missing piece is a failure. Nothing is downloaded: Playwright is pointed at /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
CHROMIUM = Path(os.environ.get("IGBOT_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = HERE / "artefacts"


def _missing() -> str | None:
    if not CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is None:
        return f"Chromium is not at {CHROMIUM}: install Debian's package with `apt-get install chromium`"
    if not AXE.is_file():
        return f"axe-core is not installed: run `npm ci --prefix {HERE.relative_to(Path.cwd()) if HERE.is_relative_to(Path.cwd()) else HERE}`"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed: run `uv sync`"
    return None


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The browser tests are about the pages, not the database: SQLite only (the aiohttp tests cover both)."""
    return f"sqlite:///{tmp_path / 'igbot.db'}"


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    ARTEFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def artefacts() -> Path:
    """Where the screenshots go (kept by CI as test artefacts; ignored by git)."""
    ARTEFACTS.mkdir(exist_ok=True)
    return ARTEFACTS


@pytest.fixture
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")
