"""Delivering the outbox.

The delivery worker claims due messages (several replicas can run it on PostgreSQL: claimed
rows are skipped by the others), sends each through the registered Messengers, and records
the outcome: sent, or tried again later with a growing pause (or after the platform's
Retry-After), or failed after `MAX_ATTEMPTS` (a dead letter, counted in the IG officer's
digest). Where a message already reached a person or a channel is remembered, so a retry
never sends it there twice. `igbot serve` runs it as a job of the schedule.

Messages go out concurrently, up to `CONCURRENCY` at once, one at a time to any one
conversation, and within each platform's rate limits (`workflows.throttle`): per app, and
per conversation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from bot.core import metrics
from bot.core import outbox as replies
from bot.core.chat import Reply
from bot.core.errors import log_unexpected
from bot.core.messenger import Messenger
from storage import directory, outbox
from storage.engine import session_scope
from storage.models import StaffMember
from workflows.throttle import Throttle, retry_after_of

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=5)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=1)
BATCH = 200
CONCURRENCY = 16
# Seconds before each further try at recording a delivery: a connection the database dropped is replaced at once,
# a database out of reach is waited for a little, all well within LEASE.
RECORD_PAUSES = (0.0, 1.0, 4.0, 15.0)


@dataclass(frozen=True)
class Parcel:
    """A claimed message with everything needed to send it, read before any network call."""

    message_id: int
    replies: list[Reply]
    attempts: int
    delivered_to: list[str]
    to_ig_team: bool
    person: StaffMember | None = None
    ig_team: list[StaffMember] = field(default_factory=list)


@dataclass(frozen=True)
class Attempt:
    delivered_to: list[str]
    error: str | None = None
    retry_after: float | None = None  # seconds the platform asked us to wait


@dataclass(frozen=True)
class DeliveryRun:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed

    def __add__(self, other: DeliveryRun) -> DeliveryRun:
        return DeliveryRun(self.sent + other.sent, self.retrying + other.retrying, self.failed + other.failed)


async def deliver_due(*, engine: Engine, messengers: Sequence[Messenger], now: dt.datetime,
                      limit: int = BATCH, throttle: Throttle | None = None) -> DeliveryRun:
    """Send every due message (up to `limit`) and record what happened to each."""
    parcels = await asyncio.to_thread(_claim, engine, now, limit)
    limited = (throttle or Throttle()).wrap(messengers)
    by_recipient: dict[str, list[Parcel]] = defaultdict(list)
    for parcel in parcels:  # one conversation's messages go one after another, in order
        by_recipient[_recipient(parcel)].append(parcel)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def deliver(queue: list[Parcel]) -> DeliveryRun:
        run = DeliveryRun()
        for parcel in queue:
            async with gate:
                run += await _deliver_one(engine, parcel, limited, now)
        return run

    runs = await asyncio.gather(*(deliver(queue) for queue in by_recipient.values()))
    return sum(runs, DeliveryRun())


def _recipient(parcel: Parcel) -> str:
    if parcel.to_ig_team:
        return "ig-team"
    return f"staff:{parcel.person.id}" if parcel.person is not None else f"message:{parcel.message_id}"


async def deliver_all_due(*, engine: Engine, messengers: Sequence[Messenger], now: Callable[[], dt.datetime],
                          throttle: Throttle, budget: dt.timedelta, limit: int = BATCH) -> DeliveryRun:
    """Batch after batch while full batches keep coming, for at most about `budget`: a morning's nudges in minutes."""
    started = now()
    total = DeliveryRun()
    while True:
        run = await deliver_due(engine=engine, messengers=messengers, now=now(), limit=limit, throttle=throttle)
        total += run
        if run.handled < limit or now() - started >= budget:
            return total


async def _deliver_one(engine: Engine, parcel: Parcel, messengers: Sequence[Messenger], now: dt.datetime) -> DeliveryRun:
    attempt = await _send(parcel, messengers)
    retry_at = None if attempt.error is None else _retry_at(parcel.attempts, now, attempt.retry_after)
    await _record_surely(engine, parcel, attempt, now, retry_at)
    if attempt.error is None:
        metrics.DELIVERIES.inc()
        return DeliveryRun(sent=1)
    metrics.DELIVERY_FAILURES.labels("dead_letter" if retry_at is None else "retry").inc()
    return DeliveryRun(failed=1) if retry_at is None else DeliveryRun(retrying=1)


def _claim(engine: Engine, now: dt.datetime, limit: int) -> list[Parcel]:
    with session_scope(engine) as session:
        claimed = outbox.claim_due(session=session, now=now, limit=limit, lease=LEASE)
        needs_team = any(message.to_ig_team for message in claimed)
        ig_team = [person for person in directory.get_all(session=session) if person.is_ig] if needs_team else []
        parcels = []
        for message in claimed:
            assert message.id is not None
            person = directory.get(session=session, staff_id=message.staff_id) if message.staff_id else None
            parcels.append(Parcel(
                message_id=message.id, replies=replies.replies_of(message), attempts=message.attempts,
                delivered_to=list(message.delivered_to), to_ig_team=message.to_ig_team, person=person,
                ig_team=ig_team if message.to_ig_team else [],
            ))
        return parcels


async def _send(parcel: Parcel, messengers: Sequence[Messenger]) -> Attempt:
    delivered = list(parcel.delivered_to)
    try:
        if parcel.to_ig_team:
            return await _send_to_ig_team(parcel, messengers, delivered)
        if parcel.person is None:  # a personal message never falls back to the IG team
            return Attempt(delivered, "this person is not in the directory")
        reached = await _send_to_person(parcel.person, parcel.replies, messengers, delivered)
        return Attempt(delivered, None if reached else "no channel reaches this person")
    except Exception as error:  # one bad message must not stop the batch; logged with its traceback, then retried
        wait = retry_after_of(error)
        if wait is None:
            log_unexpected(error, context=f"message_id={parcel.message_id}")
        else:
            log.info("rate limited message_id=%s retry_after=%s", parcel.message_id, wait)
        return Attempt(delivered, type(error).__name__, wait)


async def _send_to_ig_team(parcel: Parcel, messengers: Sequence[Messenger], delivered: list[str]) -> Attempt:
    """The IG team's channels; where no platform has one, a direct message to each IG role holder."""
    if await _post_to_ig_channels(parcel.replies, messengers, delivered):
        return Attempt(delivered)
    reached_anyone = False
    for member in parcel.ig_team:
        reached_anyone |= await _send_to_person(member, parcel.replies, messengers, delivered)
    return Attempt(delivered, None if reached_anyone else "nobody in the IG team can be reached")


async def _send_to_person(person: StaffMember, replies: list[Reply], messengers: Sequence[Messenger],
                          delivered: list[str]) -> bool:
    key = f"staff:{person.id}"
    if key in delivered:
        return True
    for messenger in messengers:
        if await messenger.send(staff=person, replies=replies):
            delivered.append(key)
            return True
    return False


async def _post_to_ig_channels(replies: list[Reply], messengers: Sequence[Messenger], delivered: list[str]) -> bool:
    """Post in the IG team's channel on every platform that has one; False when none does."""
    posted = False
    for messenger in messengers:
        key = f"ig-team:{messenger.channel}"
        if key in delivered or await messenger.send_to_ig_team(replies=replies):
            if key not in delivered:
                delivered.append(key)
            posted = True
    return posted


def _retry_at(attempts: int, now: dt.datetime, retry_after: float | None = None) -> dt.datetime | None:
    """A growing pause, or the platform's own Retry-After; None (give up: a dead letter) after the last attempt."""
    if attempts >= MAX_ATTEMPTS:
        return None
    if retry_after is not None:
        return now + dt.timedelta(seconds=retry_after)
    pause: dt.timedelta = min(FIRST_RETRY * (2 ** (attempts - 1)), LONGEST_RETRY)
    return now + pause


async def _record_surely(engine: Engine, parcel: Parcel, attempt: Attempt, now: dt.datetime,
                         retry_at: dt.datetime | None) -> None:
    """Record the outcome of a send that has happened: unrecorded, the lease would run out and the message go again.

    A failover or a restart drops the pool's connections mid-write; recording is idempotent, so it is
    simply done again on a fresh connection, after a pause if the database is still out of reach.
    """
    for tries, pause in enumerate(RECORD_PAUSES, start=1):
        await asyncio.sleep(pause)
        try:
            return await asyncio.to_thread(_record, engine, parcel, attempt, now, retry_at)
        except OperationalError as error:
            if tries == len(RECORD_PAUSES):
                raise
            log.warning("could not record a delivery, trying again message_id=%s reason=%s", parcel.message_id,
                        type(error.orig).__name__)


def _record(engine: Engine, parcel: Parcel, attempt: Attempt, now: dt.datetime, retry_at: dt.datetime | None) -> None:
    with session_scope(engine) as session:
        if attempt.error is None:
            outbox.mark_sent(session=session, message_id=parcel.message_id, now=now, delivered_to=attempt.delivered_to)
            log.info("delivered message_id=%s", parcel.message_id)
        else:
            outbox.mark_retry(session=session, message_id=parcel.message_id, now=now, error=attempt.error,
                              delivered_to=attempt.delivered_to, retry_at=retry_at)
