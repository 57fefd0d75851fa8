"""Logs that are private by construction: one JSON object a line, made of names, IDs, numbers and durations.

What people write never reaches a log line, whatever a caller passes or a library does:

- igbot's own records keep their template (a literal in the code, the `event`) and their
  arguments only as fields: numbers as they are, a short ID-like string as it is, anything
  else (free text, an email, a long number, a name) as a hash that correlates lines without
  saying what it was;
- other libraries' records keep only their logger name and level: their messages are often
  built before logging (with request bodies, SQL parameters, activity text) so none of it is
  written, and their loggers are held at WARNING at any `LOG_LEVEL`;
- an exception is written as its type and the code locations of its traceback, never its
  message (a database error's message holds the statement's values).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any

# igbot's own packages: only their records are trusted to have a literal template.
OWN_PACKAGES = ("bot", "knowledge", "workflows", "storage", "igbot")
# Libraries that would write request bodies, SQL and its parameters, or activities at INFO or DEBUG.
LIBRARY_LOGGERS = ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "slack_bolt", "slack_sdk", "microsoft_agents",
                   "msal", "aiohttp", "aiohttp.access", "aiohttp.client", "aiohttp.server", "aiohttp.web",
                   "alembic", "asyncio", "urllib3", "httpx", "hpack")
LIBRARY_LEVEL = logging.WARNING

# A string shown as it is: short, no spaces, no "@", and no run of digits long enough to be an
# NHS, CHI or phone number. Slack and Teams IDs, references such as IG-2026-0042, workflow and
# job names, error codes and type names all pass.
_SAFE = re.compile(r"[A-Za-z0-9_.:/\-+=]{1,80}")
_LONG_DIGITS = re.compile(r"\d[\d.\-/]{6,}\d")
# Slack message timestamps ("1700000001.000100") and incident references ("IG-2026-0042"): not about anyone.
# A server's own address ("http://127.0.0.1:3000"), without path or query, is not about anyone either.
_KNOWN_IDS = re.compile(r"\d{10}\.\d{6}|[A-Z]{2,6}-\d{4}-\d{4,6}|https?://[A-Za-z0-9.\-\[\]]+(:\d{1,5})?")
_FIELD = re.compile(r"(\w+)=(%[-#0-9.]*[sdrifgx])")
_PLACEHOLDER = re.compile(r"%[-#0-9.]*[sdrifgx]")


def safe_value(value: object) -> object:
    """A value as a log field: itself when it cannot hold personal data, else a hash of it."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dt.datetime | dt.date | dt.timedelta):
        return str(value)
    text = str(value)
    if _SAFE.fullmatch(text) and (_KNOWN_IDS.fullmatch(text) or not _LONG_DIGITS.search(text)):
        return text
    return "h:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:12]


def _fields(template: str, args: Iterable[object]) -> tuple[str, dict[str, object]]:
    """The event (the template with its placeholders taken out) and its arguments, named by the template."""
    values = list(args)
    names: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        key = next((found.group(1) for found in _FIELD.finditer(template) if found.end() == match.end()), None)
        names.append(key or f"arg{position}")
        position += 1
    event = _PLACEHOLDER.sub("", _FIELD.sub(r"\1", template)).strip(" :=")
    event = re.sub(r"\s+", " ", event)
    fields: dict[str, object] = {}
    for name, value in zip(names, values, strict=False):
        fields[name] = safe_value(value)
    return event, fields


def _exception(info: Any) -> dict[str, object]:
    kind, error, trace = info
    frames = [f"{frame.filename.rsplit('/', 2)[-1] if frame.filename else '?'}:{frame.lineno} {frame.name}"
              for frame in traceback.extract_tb(trace)] if trace is not None else []
    return {"error": getattr(kind, "__name__", "Exception"), "trace": frames[-12:],
            "caused_by": type(error.__cause__ or error.__context__).__name__
            if error is not None and (error.__cause__ or error.__context__) else None}


def exception_line(error: BaseException, *, event: str, reference: str) -> str:
    """One JSON log line for an error caught outside logging: its type and code locations, never its message."""
    record = logging.LogRecord("igbot", logging.ERROR, "", 0, event + " reference=%s", (reference,),
                               (type(error), error, error.__traceback__))
    return PrivateJsonFormatter().format(record)


def own(name: str) -> bool:
    return name.split(".", 1)[0] in OWN_PACKAGES


class PrivateJsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, event, and the record's fields (see the module's docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if own(record.name) and isinstance(record.msg, str):
            args = record.args if isinstance(record.args, tuple) else (record.args,) if record.args else ()
            event, fields = _fields(record.msg, args)
            entry["event"] = event
            entry.update({key: value for key, value in fields.items() if key not in entry})
        else:
            entry["event"] = "library"
        if record.exc_info and record.exc_info[0] is not None:
            entry.update(_exception(record.exc_info))
        return json.dumps(entry, ensure_ascii=True, default=str)


class LibraryCap(logging.Filter):
    """Below WARNING only igbot's own records are written, even from a library logger given its own level."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= LIBRARY_LEVEL or own(record.name)


def cap_library_loggers() -> None:
    """Hold the libraries that write payloads at WARNING, whatever the root level is."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(LIBRARY_LEVEL)
    logging.captureWarnings(True)


def install(handler: logging.Handler, *, level: str) -> None:
    handler.setFormatter(PrivateJsonFormatter())
    handler.addFilter(LibraryCap())
    logging.basicConfig(level=getattr(logging, level), handlers=[handler], force=True)
    cap_library_loggers()
