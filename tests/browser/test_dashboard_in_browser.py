"""The dashboard in a real browser: sign in with a link, read the charts, export the DSPT evidence pack, work the
register, close a knowledge gap, remind those who have not acknowledged a broadcast.

Each page is checked with axe-core (no serious or critical violations of WCAG 2.2 A/AA) and saved as a
screenshot in tests/browser/artefacts/.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from admin_harness import SECRET_KEY, make_assistant
from broadcast_world import link_slack, sent_broadcast

from bot.admin import links
from bot.app.server import build_web_app
from bot.core.clock import SettableClock
from bot.core.profile import Profile
from moments import MONDAY_MORNING
from storage import curation, directory
from storage.curation import Signal
from storage.engine import session_scope
from storage.training import seed_demo_completions
from workflows.incidents import report



HARRIET = "harriet.osei@example.org"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
async def site(engine: Any, profile: Profile, clock: SettableClock) -> AsyncIterator[TestServer]:
    """The dashboard with something to show: training dates, two open incidents and a few knowledge gaps, one of them
    a close call."""
    with session_scope(engine) as session:
        seed_demo_completions(session=session, course=profile.training.name,
                              validity_months=profile.training.validity_months, today=MONDAY_MORNING.date(),
                              now=MONDAY_MORNING)
        sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert sam is not None
        for hours_ago, kind in ((62, "misdirected_email"), (30, "loss_or_theft")):
            at = MONDAY_MORNING - dt.timedelta(hours=hours_ago)
            report.store(session=session, reporter=sam, channel="slack", profile=profile, now=at, answers={
                "kind": kind, "happened_at": at.isoformat(), "discovered_at": at.isoformat(), "data_kind": "personal",
                "vulnerable": "none", "people_affected": 1, "contained": "partly",
                "containment": {"text": "Asked them to delete it", "removed": []},
                "told": {"text": "My manager", "removed": []},
                "description": {"text": "Referral sent to the wrong practice", "removed": []}})
        for question in ("can I park in the staff car park?", "where can I park in the staff car park",
                         "how do I shred paper records?"):
            curation.create(session=session, signal=Signal.DECLINED, question=question, now=MONDAY_MORNING)
        curation.create(session=session, signal=Signal.CLOSE_CALL, question="do I need a DPIA or a privacy notice?",
                        entry_id="dpia", runner_up="privacy-notices", now=MONDAY_MORNING)
    link_slack(engine, "tomasz.wierzba@example.org", "UTOM")
    sent_broadcast(engine, profile, MONDAY_MORNING, audience={"kind": "everyone", "values": []})
    server = TestServer(build_web_app(make_assistant(engine, profile, clock)))
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


def _link(engine: Any, clock: SettableClock) -> str:
    with session_scope(engine) as session:
        member = directory.get_by_email(session=session, email=HARRIET)
        assert member is not None and member.id is not None
        return links.issue(session=session, secret_key=SECRET_KEY, staff_id=member.id, now=clock.now())


class Pages:
    """Each page the test visits: a screenshot kept, and axe-core's verdict."""

    def __init__(self, page: Any, artefacts: Path, axe_source: str) -> None:
        self.page, self.artefacts, self.axe_source = page, artefacts, axe_source

    async def check_and_keep(self, name: str) -> None:
        await check_and_keep(self.page, name, self.artefacts, self.axe_source)


async def check_and_keep(page: Any, name: str, artefacts: Path, axe_source: str) -> None:
    """No serious or critical accessibility violation on the page, and a screenshot of it as an artefact."""
    await page.screenshot(path=str(artefacts / f"{name}.png"), full_page=True)
    await page.evaluate(axe_source)
    violations = await page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.help} [${v.nodes.map(n => n.target.join(' ')).join(', ')}]`)""",
        WCAG)
    assert violations == [], f"{name}: {violations}"


async def test_the_ig_officer_works_through_the_dashboard(browser: Any, site: TestServer, engine: Any,
                                                         clock: SettableClock, artefacts: Path,
                                                         axe_source: str) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    pages = Pages(page, artefacts, axe_source)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    await page.goto(str(site.make_url(f"/admin/sign-in/{_link(engine, clock)}")))
    await pages.check_and_keep("01-sign-in")
    await page.get_by_role("button", name="Sign in as Harriet Osei").click()
    await page.wait_for_url("**/admin/")
    assert await page.locator("h1").inner_text() == "Overview"
    assert await page.locator("svg.chart").count() == 2
    assert await page.locator("svg.chart rect.bar").count() == 4  # one bar a team
    assert await page.get_by_role("table", name="Completion at the end of each month").count() == 1
    assert "(under 12 hours)" in await page.locator("text=under 12 hours").first.inner_text()
    await pages.check_and_keep("02-overview")

    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to main content"

    async with page.expect_download() as started:
        await page.get_by_role("button", name="Download the DSPT evidence pack (zip)").click()
    download = await started.value
    assert download.suggested_filename == "dspt-evidence-2026-11-23.zip"
    await download.save_as(artefacts / download.suggested_filename)
    with zipfile.ZipFile(artefacts / download.suggested_filename) as pack:
        assert any(name.endswith("/index.html") for name in pack.namelist())

    await page.get_by_role("link", name="Incidents").first.click()
    await page.get_by_label("Kind").select_option("loss_or_theft")
    await page.get_by_role("button", name="Filter").click()
    await page.wait_for_url("**/admin/incidents?*kind=loss_or_theft*")
    assert await page.locator("tbody tr").count() == 1
    await pages.check_and_keep("03-register-filtered")
    await page.locator("tbody tr th a").first.click()
    await pages.check_and_keep("04-incident")
    await page.get_by_role("button", name="Confirm the suggested grade").click()
    await page.wait_for_url("**done=triaged")
    assert "Triaged with the suggested grade." in await page.get_by_role("status").inner_text()
    await page.get_by_label("Why it is not reportable").fill("The bag was found unopened")
    await page.get_by_role("button", name="Record as not reportable").click()
    await page.wait_for_url("**done=not_reportable")
    assert "not reportable" in await page.locator("h1").inner_text()
    await pages.check_and_keep("05-incident-decided")

    await page.get_by_role("link", name="Knowledge gaps").click()
    assert await page.locator("section.gap").count() == 3
    assert await page.locator("section.gap p.pair").count() == 1
    await pages.check_and_keep("06-knowledge-gaps")
    first_gap = page.locator("section.gap").first
    await first_gap.get_by_label("Covered by entry").select_option(index=0)
    await first_gap.get_by_role("button", name="Close as covered").click()
    await page.wait_for_url("**done=covered")
    assert await page.locator("section.gap").count() == 2
    await pages.check_and_keep("07-knowledge-gap-closed")

    await page.get_by_role("link", name="Broadcasts").click()
    await pages.check_and_keep("08-broadcasts")
    await page.get_by_role("link", name="Check the recipient before you press send").click()
    assert await page.get_by_role("table", name="Acknowledgement by team").count() == 1
    await page.get_by_role("button", name="Send a reminder now").click()
    await page.wait_for_url("**reminded=1")
    assert "A reminder is on its way to 1 person" in await page.get_by_role("status").inner_text()
    await pages.check_and_keep("09-broadcast-reminded")

    await page.set_viewport_size({"width": 390, "height": 844})

    await page.goto(str(site.make_url("/admin/")))
    await pages.check_and_keep("10-overview-phone")
    await page.emulate_media(media="print")
    await page.screenshot(path=str(artefacts / "11-overview-print.png"), full_page=True)
    assert not await page.locator("form.sign-out").is_visible()

    await page.emulate_media(media="screen")
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/signed-out?why=out")
    await pages.check_and_keep("12-signed-out")
    assert errors == []  # nothing refused by the Content-Security-Policy, no script errors
    await context.close()
