"""Work done once for every Slack request, before any handler: the cross-cutting rules in one place.

Each piece is fast enough to run before Slack's acknowledgement: a comparison or a look at the
payload. The directory lookup itself waits until after the acknowledgement (the `Caller` does
it when a handler first asks).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.identity import SlackIdentity

log = logging.getLogger(__name__)

CALLER = "igbot_caller"
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
class Caller:
    """The person behind a request. Their directory entry is looked up once, when a handler first asks."""

    slack_user_id: str
    identity: SlackIdentity
    _looked_up: bool = False
    _staff_id: int | None = None

    async def staff_id(self) -> int | None:
        if not self._looked_up:
            self._staff_id = await self.identity.staff_id(self.slack_user_id)
            self._looked_up = True
        return self._staff_id


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
