"""The DSPT evidence pack from the dashboard: the IG roles download it as one zip; nobody else can."""

from __future__ import annotations

import io
import zipfile

from admin_harness import HARRIET, RACHEL, Dashboard
from sqlmodel import select

from storage.engine import session_scope
from storage.models import AuditEvent


async def test_the_ig_officer_downloads_the_evidence_pack_as_one_zip(dashboard: Dashboard) -> None:
    harriet = await dashboard.signed_in(HARRIET)
    status, page = await harriet.get("/admin/")
    assert "Download the DSPT evidence pack" in page
    async with harriet.http.post(dashboard.server.make_url("/admin/evidence-pack"),
                                 data={"csrf": harriet.csrf()}) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "application/zip"
        assert response.headers["Content-Disposition"] == 'attachment; filename="dspt-evidence-2026-11-23.zip"'
        archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    names = archive.namelist()
    assert any(name.endswith("/index.html") for name in names) and any(name.endswith(".csv") for name in names)
    assert "3.2.1" in next(archive.read(name).decode() for name in names if name.endswith("/index.html"))
    with session_scope(dashboard.engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.dspt_pack")).one().actor_id is not None


async def test_only_the_ig_roles_may_export_it_and_only_from_the_page(dashboard: Dashboard) -> None:
    rachel = await dashboard.signed_in(RACHEL)
    status, page = await rachel.get("/admin/")
    assert "evidence pack" not in page
    assert (await rachel.post("/admin/evidence-pack", {})).status == 403
    harriet = await dashboard.signed_in(HARRIET)
    assert (await harriet.post("/admin/evidence-pack", {"csrf": "guessed"}, csrf=False)).status == 403
