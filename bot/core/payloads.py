"""Checks every channel makes on a platform's JSON before reading it: not too deep, no broken text, the right types.

A signed request can still hold what no platform sends: JSON nested thousands deep, a lone
surrogate from a `\\ud800` escape (which no database or encoder accepts), or a field of the
wrong type. Each is refused (depth, types) or repaired (text) here, so that a channel answers
a 4xx, or answers the person, instead of failing half-way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Union

# Slack's and Teams' payloads nest a dozen levels at most (a modal's state, a card's data).
MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")

# A field's expected type: a Python type, a nested shape, or a one-item list of the shape of each element.
Shape = Union[type, tuple[type, ...], Mapping[str, "Shape"], list["Shape"]]


class MalformedPayload(ValueError):
    """The body is not a payload igbot can read; the message says what is wrong, without the body's content."""


def loads(raw: bytes | str) -> Any:
    """JSON, with bytes that are not UTF-8 replaced, depth bounded and lone surrogates repaired."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        value = json.loads(text)
    except RecursionError:
        raise MalformedPayload(f"the JSON is nested more than {MAX_DEPTH} deep") from None
    except json.JSONDecodeError:
        raise MalformedPayload("the body is not JSON") from None
    return checked(value)


def checked(value: Any) -> Any:
    """A parsed payload, refused when it nests too deep, with its text repaired."""
    if depth(value) > MAX_DEPTH:
        raise MalformedPayload(f"the JSON is nested more than {MAX_DEPTH} deep")
    return repaired(value)


def repaired(value: Any) -> Any:
    """The same value, every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {repaired(key): repaired(item) for key, item in value.items()}
    if isinstance(value, list):
        return [repaired(item) for item in value]
    return value


def depth(value: Any) -> int:
    """How deep a parsed value nests, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        if isinstance(node, dict):
            stack.extend((item, level + 1) for item in node.values())
        elif isinstance(node, list):
            stack.extend((item, level + 1) for item in node)
    return deepest


def shape_problem(value: Any, shape: Shape, path: str = "body") -> str | None:
    """The first field whose type is not what `shape` says ("user.id must be a string"); absent fields are fine."""
    if isinstance(shape, Mapping):
        if not isinstance(value, dict):
            return f"{path} must be an object"
        for key, inner in shape.items():
            if key in value and value[key] is not None:
                problem = shape_problem(value[key], inner, f"{path}.{key}" if path != "body" else key)
                if problem:
                    return problem
        return None
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{path} must be a list"
        for index, item in enumerate(value):
            problem = shape_problem(item, shape[0], f"{path}[{index}]")
            if problem:
                return problem
        return None
    if not isinstance(value, shape) or (shape is int and isinstance(value, bool)):
        return f"{path} must be {_name(shape)}"
    return None


def _name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a number", float: "a number", bool: "true or false", dict: "an object",
             list: "a list"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(one, one.__name__) for one in kinds)
