"""Work done once for every Slack request, before any handler: the cross-cutting rules in one place.

Each piece is fast enough to run before Slack's acknowledgement: a comparison, a look at the
payload, one indexed insert. The directory lookup itself waits until after the acknowledgement
(the `Caller` does it when a handler first asks).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import Engine

from bot.slack.identity import SlackIdentity
from storage import slack_events
from storage.engine import session_scope
from storage.types import utcnow

log = logging.getLogger(__name__)

CALLER = "igbot_caller"
EVENT_CLAIM = "igbot_event_claim"
CLAIM_SECONDS = 1.0
KEEP_EVENT_IDS = dt.timedelta(days=1)
PRUNE_EVERY_SECONDS = 3600.0
_PERSON_MESSAGE_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})

Next = Callable[[], Awaitable[BoltResponse]]


def _ok() -> BoltResponse:
    return BoltResponse(status=200, body="")


class OnlyOurWorkspace(AsyncMiddleware):
    """Requests from any workspace other than `SLACK_TEAM_ID` are refused."""

    def __init__(self, team_id: str | None) -> None:
        self.team_id = team_id

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        if self.team_id and req.context.team_id != self.team_id:
            log.warning("refused a request from team=%s", req.context.team_id)
            return BoltResponse(status=403, body='{"error":"this app serves another workspace"}',
                                headers={"content-type": "application/json"})
        await next()
        return resp


class IgnoreNonPersonMessages(AsyncMiddleware):
    """Messages from bots (igbot included), edits, deletions and joins are acknowledged and dropped."""

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        event = _event(req.body)
        if event.get("type") == "message" and (event.get("bot_id") or event.get("subtype") not in _PERSON_MESSAGE_SUBTYPES):
            return _ok()
        await next()
        return resp


@dataclass
class EventLedger:
    """Event ids already taken on, kept in the database so several replicas agree."""

    engine: Engine
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="slack-events")
    )
    _next_prune: float = 0.0

    async def first_time(self, event_id: str) -> bool:
        """Its own small thread pool, so a busy conversation pool never delays an acknowledgement."""
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.executor, self._claim, event_id), CLAIM_SECONDS)
        except TimeoutError:
            log.warning("event claim timed out, processing event=%s", event_id)
            return True

    def _claim(self, event_id: str) -> bool:
        with session_scope(self.engine) as session:
            first = slack_events.claim(session=session, event_id=event_id)
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
            with session_scope(self.engine) as session:
                slack_events.forget_before(session=session, cutoff=utcnow() - KEEP_EVENT_IDS)
        return first

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class ProcessEventsOnce(AsyncMiddleware):
    """An event Slack delivers again (a retry, or to another replica) is processed once.

    The claim on the event id starts here but is only awaited by the listener, after the
    acknowledgement: a slow database can never make Slack wait (see `first_delivery`).
    """

    def __init__(self, ledger: EventLedger) -> None:
        self.ledger = ledger

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id:
            retry = req.headers.get("x-slack-retry-num", ["0"])[0]
            req.context[EVENT_CLAIM] = EventClaim(event_id, retry, asyncio.ensure_future(self.ledger.first_time(event_id)))
        await next()
        return resp


@dataclass(frozen=True)
class EventClaim:
    event_id: str
    retry: str
    first: asyncio.Future[bool]


async def first_delivery(context: dict[str, Any]) -> bool:
    """False when this event was already taken on (by this process or another replica)."""
    claim = context.get(EVENT_CLAIM)
    if not isinstance(claim, EventClaim) or await claim.first:
        return True
    log.info("skipped event=%s already processed retry=%s", claim.event_id, claim.retry)
    return False


@dataclass
class Caller:
    """The person behind a request. Their directory entry is looked up once, when a handler first asks."""

    slack_user_id: str
    identity: SlackIdentity
    _lookup: asyncio.Task[int | None] | None = None

    async def staff_id(self) -> int | None:
        if self._lookup is None:
            self._lookup = asyncio.ensure_future(self.identity.staff_id(self.slack_user_id))
        return await self._lookup


class IdentifyCaller(AsyncMiddleware):
    def __init__(self, identity: SlackIdentity) -> None:
        self.identity = identity

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        user_id = req.context.user_id
        if user_id:
            req.context[CALLER] = Caller(slack_user_id=user_id, identity=self.identity)
        await next()
        return resp


def caller_of(context: dict[str, Any]) -> Caller | None:
    caller = context.get(CALLER)
    return caller if isinstance(caller, Caller) else None


def _event(body: dict[str, Any]) -> dict[str, Any]:
    event = body.get("event") if body.get("type") == "event_callback" else None
    return event if isinstance(event, dict) else {}
