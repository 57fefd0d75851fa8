"""Knowledge gaps: what staff asked that the knowledge base declined, did not help with, or could not choose between
two entries for (a close call), for the IG officer to curate.

Questions are shown as they were stored (identifiers already redacted), grouped when they read
alike, so ten wordings of one question are one line to close; a close call names its two entries,
which need telling apart. Closing uses storage/curation.py, as the chat's "covered Q-12 by <entry>"
and "dismiss Q-12" do, and is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from rapidfuzz import fuzz, process
from sqlmodel import Session, col, select

from bot.admin.webapp import DASHBOARD, Dashboard, bad_input, forbidden, form, render, viewer
from bot.admin import wording
from storage import audit, curation
from storage.curation import GAP_SIGNALS, CurationItem, Resolution
from storage.types import row_id

ALIKE = 85  # rapidfuzz token-set similarity (0-100) at which two questions are one gap
MOST_READ = 2000
SIGNAL_WORDS = {"declined": "not answered", "not_helpful": "marked not helpful",
                "close_call": "answered with two entries"}


@dataclass
class GapGroup:
    question: str
    ids: list[int] = field(default_factory=list)
    wordings: set[str] = field(default_factory=set)
    signals: set[str] = field(default_factory=set)
    pairs: set[tuple[str, str]] = field(default_factory=set)  # the two entries of each close call, by id
    last_seen: dt.datetime | None = None

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Asked:
    """One open question, as stored (identifiers already removed)."""

    id: int
    question: str
    signal: str
    at: dt.datetime
    pair: tuple[str, str] | None = None  # a close call's two entries


def group(items: list[Asked]) -> list[GapGroup]:
    """Questions that read alike in one group, the most asked first."""
    groups: list[GapGroup] = []
    keys: list[str] = []
    for item in items:
        text = " ".join(item.question.lower().split())
        found = process.extractOne(text, keys, scorer=fuzz.token_set_ratio, score_cutoff=ALIKE) if keys else None
        if found is None:
            groups.append(GapGroup(question=item.question))
            keys.append(text)
            chosen = groups[-1]
        else:
            chosen = groups[found[2]]
        chosen.ids.append(item.id)
        chosen.wordings.add(item.question)
        chosen.signals.add(SIGNAL_WORDS.get(item.signal, item.signal))
        if item.pair is not None:
            chosen.pairs.add(item.pair)
        chosen.last_seen = max(chosen.last_seen or item.at, item.at)
    return sorted(groups, key=lambda gap: (-gap.count, -(gap.last_seen or dt.datetime.min).timestamp()))


def _open_items(session: Session) -> list[Asked]:
    statement = (select(CurationItem)
                 .where(col(CurationItem.signal).in_(GAP_SIGNALS), CurationItem.resolution == Resolution.OPEN.value)
                 .order_by(col(CurationItem.at).desc()).limit(MOST_READ))
    return [Asked(item.id, item.question, item.signal, item.at,
                  (item.entry_id, item.runner_up) if item.entry_id and item.runner_up else None)
            for item in session.exec(statement) if item.id is not None]


def gaps_data(session: Session, dashboard: Dashboard, staff_id: int, now: dt.datetime) -> dict[str, Any]:
    groups = group(_open_items(session))
    audit.record(session=session, now=now, action="dashboard.viewed", actor_id=staff_id, subject="knowledge gaps",
                 details={"groups": len(groups)})
    return {"groups": groups}


async def gaps_page(request: web.Request) -> web.Response:
    who, dashboard = viewer(request), request.app[DASHBOARD]
    if not who.sees_everything:
        raise forbidden(dashboard.profile)
    data = await dashboard.run(lambda session, now: gaps_data(session, dashboard, who.staff_id, now))
    entries = sorted(dashboard.index.entries, key=lambda entry: entry.title.lower())
    return render(request, "gaps.html", {**data, "title": "Knowledge gaps", "page": "gaps", "entries": entries,
                                         "titles": {entry.id: entry.title for entry in entries},
                                         "zone": dashboard.calendar.zone,
                                         "done": wording.DONE.get(request.query.get("done", ""), "")})


def close(session: Session, dashboard: Dashboard, staff_id: int, fields: Mapping[str, str], now: dt.datetime) -> str:
    """Close every question of one group as covered by an entry, or dismissed."""
    action = fields.get("action", "")
    if action not in ("covered", "dismiss"):
        raise bad_input("Pick covered by an entry, or dismiss.")
    entry_id = None
    if action == "covered":
        entry = dashboard.index.get(fields.get("entry", "").strip())
        if entry is None:
            raise bad_input("Pick the knowledge base entry that now answers it.")
        entry_id = entry.id
    ids = [row_id(part.strip()) for part in fields.get("ids", "").split(",") if part.strip()]
    if not ids or None in ids:
        raise bad_input("That group of questions was not found: reload the page.")
    resolution = Resolution.COVERED if entry_id else Resolution.DISMISSED
    for item_id in sorted({item for item in ids if item is not None}):
        item = curation.get(session=session, item_id=item_id)
        if item is None or item.signal not in GAP_SIGNALS:
            raise bad_input("That group of questions was not found: reload the page.")
        if item.resolution != Resolution.OPEN.value:
            continue  # closed meanwhile, here or in chat
        curation.resolve(session=session, item=item, resolution=resolution, by=staff_id, now=now, covered_by=entry_id)
        audit.record(session=session, now=now, action=f"question.{resolution.value}", actor_id=staff_id,
                     subject=f"Q-{item_id}", details={"entry": entry_id} if entry_id else {})
    return "covered" if entry_id else "dismissed"


async def close_gap(request: web.Request) -> web.Response:
    who, dashboard, fields = viewer(request), request.app[DASHBOARD], form(request)
    if not who.sees_everything:
        raise forbidden(dashboard.profile)
    done = await dashboard.run(lambda session, now: close(session, dashboard, who.staff_id, fields, now))
    raise web.HTTPSeeOther(f"/admin/gaps?done={done}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/gaps", gaps_page)
    app.router.add_post("/gaps", close_gap)
