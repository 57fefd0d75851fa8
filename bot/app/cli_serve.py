"""`igbot serve`: the one web server (Slack, Teams, /healthz), optionally with Slack over Socket Mode."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import gc
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from bot.admin.setup import with_local_defaults
from bot.core.assistant import Assistant
from bot.app.assembly import build_assistant
from bot.core.errors import ConfigurationError
from bot.core.reach import ig_team_unreachable
from bot.app.server import build_web_app, channel_messengers
from bot.core.settings import Settings, configure_logging, load_settings

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="run the web server for Slack and Teams")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    serve.add_argument("--socket-mode", action="store_true",
                       help="receive Slack over Socket Mode (needs SLACK_APP_TOKEN), for servers without a public URL")
    serve.add_argument("--no-worker", action="store_true",
                       help="serve web requests only; run the outbox delivery and scheduled jobs with `igbot worker`")
    serve.set_defaults(handler=_serve)
    worker = subparsers.add_parser("worker", help="run the outbox delivery and scheduled jobs, without a web server")
    worker.set_defaults(handler=_worker)


def _port(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0 to 65535)")
    return int(value)


def _serve(arguments: argparse.Namespace) -> int:
    settings = with_local_defaults(load_settings(), port=arguments.port)
    configure_logging(settings)
    if arguments.socket_mode:
        check_socket_mode(settings)
    listener = open_listener(arguments.host, arguments.port)
    favour_the_event_loop()
    with asyncio.Runner(loop_factory=_fastest_event_loop()) as runner:
        runner.run(serve(build_assistant(settings), listener=listener, socket_mode=arguments.socket_mode,
                         worker=not arguments.no_worker, when_ready=tune_garbage_collection))
    return 0


def _worker(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings)
    with asyncio.Runner(loop_factory=_fastest_event_loop()) as runner:
        runner.run(work(build_assistant(settings)))
    return 0


def _fastest_event_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (everywhere but Windows): the same asyncio, with less CPU per request."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def check_socket_mode(settings: Settings) -> None:
    if not settings.slack_app_token:
        raise ConfigurationError("--socket-mode needs SLACK_APP_TOKEN, an app-level token starting with xapp-.")
    if not settings.slack_bot_token:
        raise ConfigurationError("--socket-mode needs SLACK_BOT_TOKEN, the bot token starting with xoxb-.")


def favour_the_event_loop() -> None:
    """Hand the GIL back to the event loop within 1 ms (Python's default is 5 ms).

    Database work on PostgreSQL (and on SQLite when it is busy) runs in worker threads; with
    the default interval a busy thread can hold the loop off for several milliseconds at each
    I/O step, which showed in Slack's acknowledgement latency under load.
    """
    sys.setswitchinterval(0.001)


def tune_garbage_collection() -> None:
    """Collect garbage the way a long-running server needs, once start-up is done.

    What start-up built (the knowledge index, the profile, the libraries) lives as long as the
    process, yet Python's full collections would walk all of it (over a hundred thousand
    objects) again and again under load. It is left out of collections from now on. The
    youngest generation is collected every 10,000 new objects instead of 700: a request's
    objects are mostly gone by then, so far fewer are scanned again in older generations.
    Together these saved about 15% of the CPU per Slack answer (benchmarks/README.md).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])


def open_listener(host: str, port: int) -> socket.socket:
    """The listening socket, opened before anything else so a taken port is one clear sentence."""
    try:
        return socket.create_server((host, port), backlog=1024)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ConfigurationError(f"Port {port} on {host} is already in use: choose another with --port.") from None
        raise ConfigurationError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None


async def serve(assistant: Assistant, *, listener: socket.socket, socket_mode: bool = False, worker: bool = True,
                stop: asyncio.Event | None = None, when_ready: Callable[[], None] | None = None) -> None:
    """Serve until SIGINT/SIGTERM (or `stop` is set), then close connections cleanly.

    `when_ready` is called once everything is listening. Without `worker`, the outbox and the
    scheduled jobs are left to `igbot worker` processes, so web and worker replicas scale apart.
    """
    stop = stop or _stop_on_signals()
    app = build_web_app(assistant)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, listener).start()
        async with (_intake(assistant, stop), _socket_mode(app, assistant, enabled=socket_mode),
                    _background_jobs(assistant, app, enabled=worker)):
            unreachable = await asyncio.to_thread(ig_team_unreachable, assistant.settings, assistant.engine)
            if unreachable:
                log.warning("ig team unreachable: %s", unreachable)
            if when_ready is not None:
                when_ready()
            host, port = listener.getsockname()[:2]
            log.info("igbot is listening url=%s slack=%s socket_mode=%s teams=%s worker=%s pid=%s",
                     f"http://{host}:{port}", assistant.settings.slack_enabled, socket_mode,
                     assistant.settings.teams_enabled, worker, os.getpid())
            await stop.wait()
    finally:
        await runner.cleanup()


async def work(assistant: Assistant, *, stop: asyncio.Event | None = None,
               when_ready: Callable[[], None] | None = None) -> None:
    """`igbot worker`: the channels set up to send (not to receive), and the schedule, until SIGINT/SIGTERM."""
    stop = stop or _stop_on_signals()
    app = build_web_app(assistant)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()  # opens the channels' connection pools; nothing listens
    try:
        async with _background_jobs(assistant, app, enabled=True):
            if when_ready is not None:
                when_ready()
            log.info("igbot worker is running slack=%s teams=%s pid=%s", assistant.settings.slack_enabled,
                     assistant.settings.teams_enabled, os.getpid())
            await stop.wait()
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def _background_jobs(assistant: Assistant, app: web.Application, *, enabled: bool) -> AsyncIterator[None]:
    """The schedule, with the outbox delivery worker, for as long as the server runs (when it runs them)."""
    from bot.app.background import start_background_jobs
    from bot.app.operations import BACKGROUND_JOBS

    if not enabled:
        yield
        return
    stop = asyncio.Event()
    jobs = start_background_jobs(assistant, channel_messengers(app), stop)
    app[BACKGROUND_JOBS].extend(jobs)  # for /readyz
    try:
        yield
    finally:
        stop.set()  # a job running (a delivery round) finishes what it started, within the grace period
        _, unfinished = await asyncio.wait(jobs, timeout=assistant.settings.shutdown_grace)
        for job in unfinished:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)


@contextlib.asynccontextmanager
async def _intake(assistant: Assistant, stop: asyncio.Event) -> AsyncIterator[None]:
    """Received events taken up (left over from before, or abandoned by another replica) while the server runs;
    at the end, nothing new accepted and the work in flight finished or handed back (bot.core.intake)."""
    recovery = asyncio.create_task(assistant.intake.run(stop), name="intake")
    try:
        yield
    finally:
        await assistant.intake.drain(assistant.settings.shutdown_grace)
        recovery.cancel()
        await asyncio.gather(recovery, return_exceptions=True)


@contextlib.asynccontextmanager
async def _socket_mode(app: web.Application, assistant: Assistant, *, enabled: bool) -> AsyncIterator[None]:
    if not enabled:
        yield
        return
    from bot.slack.socket_mode import connected

    async with connected(app, assistant):
        yield


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    return stop
