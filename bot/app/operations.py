"""What an operator's tools ask of a running igbot: is it ready (/readyz), and how is it doing (/metrics).

`/healthz` says only that the process answers. `/readyz` says whether it can do its work: the
database answers, its schema is current, and (when this process runs them) the background jobs
are running. `/metrics` is Prometheus text; it answers only clients on this machine unless
`METRICS_PUBLIC` is set, so a load balancer does not publish it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest
from sqlalchemy import Engine, func, select, text

from bot.core import metrics
from bot.core.assistant import Assistant
from storage import migrate
from storage.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BACKGROUND_JOBS = web.AppKey("background_jobs", list[asyncio.Task[None]])

OUTBOX_PENDING = Gauge("igbot_outbox_pending", "Outbox messages waiting to be delivered", registry=metrics.REGISTRY)
OUTBOX_OLDEST = Gauge("igbot_outbox_oldest_pending_seconds", "Age of the oldest undelivered outbox message",
                      registry=metrics.REGISTRY)
DEAD_LETTERS = Gauge("igbot_outbox_dead_letters", "Outbox messages that could not be delivered and were given up",
                     registry=metrics.REGISTRY)
SENT = Gauge("igbot_outbox_delivered", "Outbox messages delivered", registry=metrics.REGISTRY)


def readiness(engine: Engine) -> dict[str, str]:
    """Each check's state, "ok" or what is wrong (a sentence without data)."""
    checks: dict[str, str] = {}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001  # any failure to connect is "not ready", named by its type
        checks["database"] = f"unreachable ({type(error).__name__})"
        return checks
    missing = migrate.pending(engine)
    checks["migrations"] = "ok" if not missing else f"{len(missing)} not applied: run igbot db upgrade"
    return checks


def add_routes(app: web.Application, assistant: Assistant) -> None:
    async def readyz(request: web.Request) -> web.Response:
        checks = await asyncio.to_thread(readiness, assistant.engine)
        jobs = app[BACKGROUND_JOBS]
        if jobs:  # this process runs them (not `igbot serve --no-worker`)
            checks["background_jobs"] = "ok" if not any(job.done() for job in jobs) else "stopped"
        ready = all(state == "ok" for state in checks.values())
        return web.json_response({"status": "ready" if ready else "not ready", "checks": checks},
                                 status=200 if ready else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        if not assistant.settings.metrics_public and not _local(request.remote):
            return web.json_response({"error": "metrics are served to this machine only (see METRICS_PUBLIC)"},
                                     status=403)
        await asyncio.to_thread(_read_outbox, assistant.engine, assistant.clock.now())
        return web.Response(body=generate_latest(metrics.REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app[BACKGROUND_JOBS] = []
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)


def _local(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _read_outbox(engine: Engine, now: dt.datetime) -> None:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]  # sqlmodel's table attribute is untyped
    with engine.connect() as connection:
        counts: dict[str, int] = {str(status): int(count) for status, count in connection.execute(
            select(table.c.status, func.count()).group_by(table.c.status))}
        oldest = connection.execute(select(func.min(table.c.created_at))
                                    .where(table.c.status == OutboxStatus.PENDING.value)).scalar()
    OUTBOX_PENDING.set(counts.get(OutboxStatus.PENDING.value, 0))
    DEAD_LETTERS.set(counts.get(OutboxStatus.FAILED.value, 0))
    SENT.set(counts.get(OutboxStatus.SENT.value, 0))
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    OUTBOX_OLDEST.set(max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0)
