"""Staying inside each platform's rate limits while delivering the outbox concurrently.

Token buckets, one per platform (the app-wide limit) and one per conversation. Slack posts
about one message a second to a conversation, with short bursts, and limits the whole app;
Teams allows a bot about seven messages a second in one conversation but only 60 in 30 seconds,
and about 50 requests a second across the app. A platform that answers "slow down" with a
Retry-After pauses that platform's bucket for as long as it asked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.core.chat import Reply
from bot.core.messenger import Messenger
from storage.models import StaffMember

# Conversation buckets idle this long are full again and can be forgotten.
_FORGET_AFTER_SECONDS = 60.0
_MOST_CONVERSATIONS = 10_000
_EPSILON = 1e-6
_SHORTEST_WAIT_SECONDS = 0.001


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


@dataclass(frozen=True)
class PlatformLimits:
    app: Rate
    conversation: Rate


LIMITS: dict[str, PlatformLimits] = {
    "slack": PlatformLimits(app=Rate(per_second=25, burst=25), conversation=Rate(per_second=1, burst=3)),
    "teams": PlatformLimits(app=Rate(per_second=50, burst=50), conversation=Rate(per_second=2, burst=7)),
}
DEFAULT_LIMITS = PlatformLimits(app=Rate(per_second=25, burst=25), conversation=Rate(per_second=1, burst=3))


class Bucket:
    def __init__(self, rate: Rate, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.clock = clock
        self.tokens = float(rate.burst)
        self.updated = clock()
        self.paused_until = 0.0

    def _refill(self) -> float:
        now = self.clock()
        self.tokens = min(float(self.rate.burst), self.tokens + (now - self.updated) * self.rate.per_second)
        self.updated = now
        return now

    def wait_for(self, count: int) -> float:
        """Seconds until `count` tokens can be taken (0: take them now)."""
        now = self._refill()
        if now < self.paused_until:
            return self.paused_until - now
        wanted = min(float(count), float(self.rate.burst))
        if self.tokens >= wanted - _EPSILON:  # a rounding error's worth short is enough
            return 0.0
        return max((wanted - self.tokens) / self.rate.per_second, _SHORTEST_WAIT_SECONDS)

    def take(self, count: int) -> None:
        self.tokens -= min(float(count), float(self.rate.burst))

    def give_back(self, count: int) -> None:
        self.tokens = min(float(self.rate.burst), self.tokens + min(float(count), float(self.rate.burst)))

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def idle(self) -> bool:
        return self.clock() - self.updated > _FORGET_AFTER_SECONDS


@dataclass
class Throttle:
    """The buckets of every platform and conversation; keep one for the life of the worker."""

    limits: dict[str, PlatformLimits] = field(default_factory=lambda: dict(LIMITS))
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
    _apps: dict[str, Bucket] = field(default_factory=dict)
    _conversations: dict[tuple[str, str], Bucket] = field(default_factory=dict)

    def wrap(self, messengers: Sequence[Messenger]) -> list[Messenger]:
        return [Limited(messenger, self) for messenger in messengers]

    def app(self, platform: str) -> Bucket:
        if platform not in self._apps:
            self._apps[platform] = Bucket(self.limits.get(platform, DEFAULT_LIMITS).app, self.clock)
        return self._apps[platform]

    def conversation(self, platform: str, key: str) -> Bucket:
        if (platform, key) not in self._conversations:
            if len(self._conversations) >= _MOST_CONVERSATIONS:
                self._forget_idle()
            rate = self.limits.get(platform, DEFAULT_LIMITS).conversation
            self._conversations[(platform, key)] = Bucket(rate, self.clock)
        return self._conversations[(platform, key)]

    def _forget_idle(self) -> None:
        for key in [key for key, bucket in self._conversations.items() if bucket.idle()]:
            del self._conversations[key]

    async def acquire(self, platform: str, conversation: str, count: int) -> None:
        """Wait until both the platform and the conversation may take `count` more messages, then take them."""
        buckets = (self.app(platform), self.conversation(platform, conversation))
        while (wait := max(bucket.wait_for(count) for bucket in buckets)) > 0:
            await self.sleep(wait)
        for bucket in buckets:
            bucket.take(count)

    def release(self, platform: str, conversation: str, count: int) -> None:
        """Nothing was sent after all (the person is not on this platform): the tokens go back."""
        self.app(platform).give_back(count)
        self.conversation(platform, conversation).give_back(count)


@dataclass
class Limited:
    """A Messenger that waits its turn in the throttle, and pauses its platform when told to slow down."""

    inner: Messenger
    throttle: Throttle
    channel: str = ""

    def __post_init__(self) -> None:
        self.channel = self.inner.channel

    async def send(self, *, staff: StaffMember, replies: list[Reply]) -> bool:
        return await self._limited(f"staff:{staff.id}", len(replies),
                                   lambda: self.inner.send(staff=staff, replies=replies))

    async def send_to_ig_team(self, *, replies: list[Reply]) -> bool:
        return await self._limited("ig-team", len(replies), lambda: self.inner.send_to_ig_team(replies=replies))

    async def _limited(self, conversation: str, count: int, send: Callable[[], Awaitable[bool]]) -> bool:
        await self.throttle.acquire(self.channel, conversation, count)
        try:
            reached = await send()
        except Exception as error:  # noted and passed on: the delivery worker records the failure
            wait = retry_after_of(error)
            if wait is not None:
                self.throttle.app(self.channel).pause(wait)
            raise
        if not reached:
            self.throttle.release(self.channel, conversation, count)
        return reached


def retry_after_of(error: BaseException) -> float | None:
    """The seconds a platform asked us to wait (HTTP 429 Retry-After), if the error carries them."""
    value = getattr(error, "retry_after", None)
    if value is None:  # the Slack SDK's error keeps its response; aiohttp's (Teams) keeps the headers itself
        headers = getattr(error, "headers", None) or getattr(getattr(error, "response", None), "headers", None)
        if isinstance(headers, dict) or hasattr(headers, "get"):
            value = headers.get("Retry-After") or headers.get("retry-after")  # type: ignore[union-attr]  # checked above
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
