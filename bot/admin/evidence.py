"""The DSPT evidence pack, from the dashboard: the same pack as `igbot report dspt`, as one zip download.

workflows/evidence writes the pack (and records it in the audit log, with who asked) into a
temporary folder; it is zipped in memory, sent as an attachment, and the folder removed at once.
Only the IG roles may export it.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from pathlib import Path

from aiohttp import web

from bot.admin.webapp import DASHBOARD, Dashboard, forbidden, viewer
from workflows.evidence import write_pack


def build_zip(dashboard: Dashboard, staff_id: int) -> tuple[str, bytes]:
    """The pack as of today, zipped: its file name and its bytes."""
    now = dashboard.clock.now()
    as_of = dashboard.today(now)
    with tempfile.TemporaryDirectory(prefix="igbot-dspt-") as folder:
        written = write_pack(engine=dashboard.engine, profile=dashboard.profile, out=Path(folder), as_of=as_of,
                             now=now, actor_id=staff_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(written.rglob("*")):
                if path.is_file():
                    archive.write(path, arcname=f"{written.name}/{path.relative_to(written)}")
    return f"dspt-evidence-{as_of.isoformat()}.zip", buffer.getvalue()


async def export(request: web.Request) -> web.Response:
    who, dashboard = viewer(request), request.app[DASHBOARD]
    if not who.sees_everything:
        raise forbidden(dashboard.profile)
    name, body = await asyncio.to_thread(build_zip, dashboard, who.staff_id)
    return web.Response(body=body, content_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/evidence-pack", export)
