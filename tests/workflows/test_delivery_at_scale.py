"""The outbox at the speed of a whole organisation: rate limits per platform and per conversation, concurrency,
Retry-After, dead letters; two workers never sending one message twice; a worker killed mid-delivery losing nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

from bot.core import outbox as replies_outbox
from bot.core.chat import Reply
from storage import directory, outbox
from storage.engine import session_scope
from storage.models import StaffMember
from workflows import delivery
from workflows.throttle import LIMITS, Throttle

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@dataclass
class FakeTime:
    """A monotonic clock that moves only when the throttle sleeps: no test waits for real."""

    at: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.at

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += seconds


@dataclass
class CountingPlatform:
    """Reaches everyone; remembers when (on the fake clock) each person was sent what, and how many sends overlapped."""

    time: FakeTime
    channel: str = "slack"
    sent: list[tuple[float, int | None, str]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    rate_limit_once: bool = False

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        if self.rate_limit_once:
            self.rate_limit_once = False
            raise RateLimited()
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0)  # let the others start: the network would
        self.sent.append((self.time.at, staff.id, replies[0].text))
        self.in_flight -= 1
        return True

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        return False


class RateLimited(Exception):
    retry_after = 30


def queue_for_everyone(engine: Engine, per_person: int = 1) -> int:
    with session_scope(engine) as session:
        people = directory.get_all(session=session)
        for number in range(per_person):
            for member in people:
                replies_outbox.queue(session=session, dedup_key=f"m:{member.id}:{number}", staff_id=member.id,
                                     replies=[Reply(text=f"m:{member.id}:{number}")], now=NOW)
        return len(people) * per_person


async def test_messages_go_out_concurrently_one_at_a_time_per_conversation_within_the_limits(engine: Engine) -> None:
    total = queue_for_everyone(engine, per_person=3)
    time = FakeTime()
    platform = CountingPlatform(time)
    throttle = Throttle(clock=time.clock, sleep=time.sleep)
    run = await delivery.deliver_due(engine=engine, messengers=[platform], now=NOW, throttle=throttle)
    assert run.sent == total == len(platform.sent)
    assert 1 < platform.most_in_flight <= delivery.CONCURRENCY
    slack = LIMITS["slack"]
    by_person: dict[int | None, list[float]] = {}
    for at, staff_id, _ in platform.sent:
        by_person.setdefault(staff_id, []).append(at)
    for times in by_person.values():
        assert times == sorted(times)
        assert times[-1] - times[0] >= (len(times) - slack.conversation.burst) / slack.conversation.per_second
    seconds = platform.sent[-1][0] - platform.sent[0][0]
    assert total <= slack.app.burst + seconds * slack.app.per_second + 1, "never faster than the app-wide limit"


async def test_retry_after_is_honoured_for_the_message_and_pauses_the_platform(engine: Engine) -> None:
    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert sam is not None
        replies_outbox.queue(session=session, dedup_key="one", staff_id=sam.id, replies=[Reply(text="x")], now=NOW)
    time = FakeTime()
    platform = CountingPlatform(time, rate_limit_once=True)
    throttle = Throttle(clock=time.clock, sleep=time.sleep)
    assert (await delivery.deliver_due(engine=engine, messengers=[platform], now=NOW, throttle=throttle)).retrying == 1
    with session_scope(engine) as session:
        message = outbox.get_by_key(session=session, dedup_key="one")
        assert message is not None and message.next_attempt_at == NOW + dt.timedelta(seconds=30)
    later = NOW + dt.timedelta(seconds=30)
    assert (await delivery.deliver_due(engine=engine, messengers=[platform], now=later, throttle=throttle)).sent == 1
    assert sum(time.slept) >= 30, "the platform was left alone for as long as it asked"


async def test_a_message_that_keeps_failing_becomes_a_dead_letter_counted_for_the_ig_officer(engine: Engine) -> None:
    with session_scope(engine) as session:
        sam = directory.get_by_email(session=session, email="sam.okafor@example.org")
        assert sam is not None
        replies_outbox.queue(session=session, dedup_key="dead", staff_id=sam.id, replies=[Reply(text="x")], now=NOW)
    now = NOW
    for _ in range(delivery.MAX_ATTEMPTS):
        await delivery.deliver_due(engine=engine, messengers=[], now=now)
        now += delivery.LONGEST_RETRY
    with session_scope(engine) as session:
        assert outbox.count_failed_since(session=session, since=NOW - dt.timedelta(days=7)) == 1


async def test_two_workers_never_send_the_same_message_twice(engine: Engine) -> None:
    total = queue_for_everyone(engine, per_person=4)
    time = FakeTime()
    first, second = CountingPlatform(time), CountingPlatform(time)
    runs = await asyncio.gather(
        delivery.deliver_due(engine=engine, messengers=[first], now=NOW, limit=50,
                             throttle=Throttle(clock=time.clock, sleep=time.sleep)),
        delivery.deliver_due(engine=engine, messengers=[second], now=NOW, limit=50,
                             throttle=Throttle(clock=time.clock, sleep=time.sleep)))
    texts = [text for _, _, text in first.sent + second.sent]
    assert len(texts) == len(set(texts)) == sum(run.sent for run in runs)
    rest = await delivery.deliver_all_due(engine=engine, messengers=[first], now=lambda: NOW,
                                          throttle=Throttle(clock=time.clock, sleep=time.sleep),
                                          budget=dt.timedelta(minutes=1), limit=50)
    texts += [text for _, _, text in first.sent[-rest.sent:]]
    assert sorted(texts) == sorted(set(texts)) and len(texts) == total


_WORKER = textwrap.dedent("""
    import asyncio, datetime as dt, sys
    from storage.engine import create_database_engine
    from workflows import delivery

    class Hanging:
        channel = "slack"
        def __init__(self):
            self.count = 0
        async def send(self, *, staff, replies):
            self.count += 1
            if self.count > 20:
                await asyncio.Event().wait()  # in flight when the worker is killed
            print(replies[0].text, flush=True)
            return True
        async def send_to_ig_team(self, *, replies):
            return False

    engine = create_database_engine(sys.argv[1])
    now = dt.datetime.fromisoformat(sys.argv[2])
    asyncio.run(delivery.deliver_due(engine=engine, messengers=[Hanging()], now=now))
""")


async def test_a_worker_killed_mid_delivery_loses_nothing_and_repeats_only_what_was_in_flight(
        engine: Engine, tmp_path: Path) -> None:
    total = queue_for_everyone(engine, per_person=2)
    url = engine.url.render_as_string(hide_password=False)
    worker = subprocess.Popen([sys.executable, "-c", _WORKER, url, NOW.isoformat()], stdout=subprocess.PIPE,
                              text=True, cwd=Path(__file__).parents[2], env={**os.environ})
    assert worker.stdout is not None
    before_kill = [worker.stdout.readline().strip() for _ in range(20)]
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    _until_its_transactions_have_ended(engine)
    time = FakeTime()
    platform = CountingPlatform(time)
    await delivery.deliver_all_due(engine=engine, messengers=[platform], now=lambda: NOW + delivery.LEASE,
                                   throttle=Throttle(clock=time.clock, sleep=time.sleep),
                                   budget=dt.timedelta(minutes=1))
    after = [text for _, _, text in platform.sent]
    assert set(before_kill) | set(after) == {f"m:{staff}:{n}" for staff, n in _keys(engine)} and len(_keys(engine)) == total
    repeated = set(before_kill) & set(after)
    assert len(repeated) <= delivery.CONCURRENCY, "only messages in flight at the kill are sent again"
    with session_scope(engine) as session:
        assert {message.status for message in outbox.get_all(session=session)} == {"sent"}


def _until_its_transactions_have_ended(engine: Engine) -> None:
    """PostgreSQL rolls back a killed client's transaction only when it notices the closed connection; until then
    the rows it was writing stay locked and are rightly skipped. An exclusive lock on the table waits for exactly that."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("LOCK TABLE outbox_message IN ACCESS EXCLUSIVE MODE"))


def _keys(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [tuple(message.dedup_key.split(":")[1:]) for message in outbox.get_all(session=session)]  # type: ignore[misc]
