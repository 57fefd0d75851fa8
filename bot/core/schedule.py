"""The schedule that features register their jobs into, and that `igbot serve` runs.

Two kinds of job:
- interval jobs ("every 10 seconds"), run by every replica; each must be safe to run
  anywhere at any time (the outbox's claims and dedup keys make the ones we have so);
- calendar jobs ("Mondays 09:00" in the organisation's time zone, a cron expression read by
  croniter), run once per slot across all replicas through a claimed row, and only on
  working days unless the job says otherwise. A slot missed while no replica was running is
  caught up if it is less than `catch_up` old.

Each job opens its own session and is its own central handler: a failure is logged with its
traceback, its work rolled back, and the schedule goes on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from croniter import croniter
from sqlalchemy import Engine
from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.errors import log_unexpected
from bot.core.working_time import WorkingCalendar
from storage import schedule as claims
from storage.engine import session_scope

log = logging.getLogger(__name__)

Job = Callable[[dt.datetime], Awaitable[object]]

RETRY_FAILED_SLOT = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IntervalJob:
    name: str
    interval: dt.timedelta
    run: Job


@dataclass(frozen=True)
class CalendarJob:
    name: str
    cron: str
    run: Job
    working_days_only: bool = True


class Schedule:
    def __init__(self, *, engine: Engine, calendar: WorkingCalendar, lease: dt.timedelta = dt.timedelta(minutes=30),
                 catch_up: dt.timedelta = dt.timedelta(hours=12)) -> None:
        self.engine = engine
        self.calendar = calendar
        self.lease = lease
        self.catch_up = catch_up
        self.jobs: dict[str, IntervalJob | CalendarJob] = {}
        self._due: dict[str, dt.datetime] = {}
        self._not_before: dict[str, dt.datetime] = {}

    def every(self, name: str, interval: dt.timedelta, run: Job) -> None:
        """Run `run` every `interval` on every replica, the first time at once."""
        self._add(IntervalJob(name, interval, run))

    def at(self, name: str, cron: str, run: Job, *, working_days_only: bool = True) -> None:
        """Run `run` once per slot of `cron` ("0 9 * * mon"), read in the organisation's time zone."""
        if not croniter.is_valid(cron):
            raise ValueError(f"{cron!r} is not a cron expression such as '0 9 * * mon'")
        self._add(CalendarJob(name, cron, run, working_days_only))

    def _add(self, job: IntervalJob | CalendarJob) -> None:
        if job.name in self.jobs:
            raise ValueError(f"a job named {job.name!r} is already scheduled")
        self.jobs[job.name] = job

    def next_slot(self, job: CalendarJob, after: dt.datetime) -> dt.datetime:
        """The first slot of `job` strictly after `after`, in UTC."""
        following: dt.datetime = croniter(job.cron, after.astimezone(self.calendar.zone)).get_next(dt.datetime)
        return following.astimezone(dt.UTC)

    async def run_due(self, now: dt.datetime) -> list[str]:
        """Run every job that is due at `now`; the names of those that ran and succeeded."""
        succeeded = []
        for job in list(self.jobs.values()):
            due = self._due.setdefault(job.name, self._first_due(job, now))
            if now < due or now < self._not_before.get(job.name, due):
                continue
            if isinstance(job, IntervalJob):
                self._due[job.name] = now + job.interval
                ok = await run_job(job.name, job.run, now)
            else:
                ok = await self._run_slot(job, due, now)
            if ok:
                succeeded.append(job.name)
        return succeeded

    def _first_due(self, job: IntervalJob | CalendarJob, now: dt.datetime) -> dt.datetime:
        return now if isinstance(job, IntervalJob) else self.next_slot(job, now - self.catch_up)

    async def _run_slot(self, job: CalendarJob, slot: dt.datetime, now: dt.datetime) -> bool:
        """Run one slot if this replica claims it first; a failed run gives the slot back to be tried again."""
        latest = slot
        while (following := self.next_slot(job, latest)) <= now:
            latest = following  # slots missed in between are not run one after another: only the latest
        self._due[job.name] = self.next_slot(job, latest)
        if job.working_days_only and not self.calendar.is_working_day(self.calendar.local(latest).date()):
            log.info("skipped job=%s slot=%s closed day", job.name, latest.isoformat())
            return False
        if not await asyncio.to_thread(self._claim, job.name, latest, now):
            return False
        ok = await run_job(job.name, job.run, now)
        await asyncio.to_thread(self._settle, job.name, latest, now, ok)
        if not ok:  # the same slot again, after a pause
            self._due[job.name] = latest
            self._not_before[job.name] = now + RETRY_FAILED_SLOT
        return ok

    def _claim(self, name: str, slot: dt.datetime, now: dt.datetime) -> bool:
        with session_scope(self.engine) as session:
            return claims.claim(session=session, job=name, slot=slot, now=now, lease=self.lease)

    def _settle(self, name: str, slot: dt.datetime, now: dt.datetime, ok: bool) -> None:
        with session_scope(self.engine) as session:
            if ok:
                claims.finish(session=session, job=name, slot=slot, now=now)
            else:
                claims.release(session=session, job=name, slot=slot)

    async def run_forever(self, clock: Clock, *, tick: dt.timedelta = dt.timedelta(seconds=1),
                          stop: asyncio.Event | None = None) -> None:
        """Look for due jobs every `tick` until cancelled, or until `stop` is set and the jobs running have finished
        (a delivery stopped between sending a message and recording it would send that message again)."""
        while stop is None or not stop.is_set():
            await self.run_due(clock.now())
            if stop is None:
                await asyncio.sleep(tick.total_seconds())
                continue
            try:
                await asyncio.wait_for(stop.wait(), tick.total_seconds())
            except TimeoutError:
                pass


def in_session(engine: Engine, work: Callable[[Session, dt.datetime], object]) -> Job:
    """A job that does `work` in a worker thread, in a session of its own that commits when it returns."""
    def in_thread(now: dt.datetime) -> object:
        with session_scope(engine) as session:
            return work(session, now)

    async def job(now: dt.datetime) -> object:
        return await asyncio.to_thread(in_thread, now)

    return job


async def run_job(name: str, job: Job, now: dt.datetime) -> bool:
    """Run one job once; its failure is logged (its session has rolled back) and does not stop the others."""
    try:
        await job(now)
    except Exception as error:  # each job is its own central handler: it must not take the schedule down
        log_unexpected(error, context=f"job={name}")
        return False
    return True
