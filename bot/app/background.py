"""The schedule `igbot serve` runs: the features' own jobs, plus delivering the outbox through the mounted channels."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from bot.core.assistant import Assistant
from bot.core.messenger import Messenger
from storage.engine import checkpoint
from workflows.delivery import deliver_all_due
from workflows.throttle import Throttle

DELIVERY_INTERVAL = dt.timedelta(seconds=10)
# Turns done on the event loop leave SQLite's checkpoints to this job (storage.engine.create_no_wait_engine).
# Every second: a write-ahead log left to grow for longer makes each commit slower.
CHECKPOINT_INTERVAL = dt.timedelta(seconds=1)


def add_server_jobs(assistant: Assistant, messengers: Sequence[Messenger]) -> None:
    """The jobs only a server has: it alone knows the channels that reach people."""
    engine, schedule = assistant.engine, assistant.conversation.schedule
    throttle = Throttle()  # the platforms' rate limits hold across runs, so one throttle for the server's life

    async def deliver(now: dt.datetime) -> object:
        return await deliver_all_due(engine=engine, messengers=messengers, now=assistant.clock.now, throttle=throttle,
                                     budget=DELIVERY_INTERVAL)

    async def checkpoint_database(now: dt.datetime) -> object:
        return await asyncio.to_thread(checkpoint, engine)

    if assistant.conversation.no_wait_engine is not None:
        schedule.every("checkpoint-database", CHECKPOINT_INTERVAL, checkpoint_database)
    schedule.every("deliver-outbox", DELIVERY_INTERVAL, deliver)


def start_background_jobs(assistant: Assistant, messengers: Sequence[Messenger],
                          stop: asyncio.Event | None = None) -> list[asyncio.Task[None]]:
    """Run the schedule on the running loop; set `stop` to end it once the jobs running finish, or cancel the tasks."""
    add_server_jobs(assistant, messengers)
    return [asyncio.create_task(assistant.conversation.schedule.run_forever(assistant.clock, stop=stop),
                                name="schedule")]
