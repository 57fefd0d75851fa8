"""Text both ways: Slack's markup into plain text for the core, igbot's common markup into safe Slack mrkdwn.

Everything igbot sends is escaped, so nothing a person typed can ping a channel, mention
someone or smuggle in a link when it is echoed back.
"""

from __future__ import annotations

import re

SECTION_LIMIT = 3000

_SPECIAL = re.compile(r"<([^<>]*)>")
_LINK = re.compile(r"^(?:https?|mailto|tel):", re.IGNORECASE)
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_BULLET = re.compile(r"^(\s*)- ", re.MULTILINE)
_WORD_JOINER = "\u2060"


def plain_text(text: str) -> str:
    """What a person typed in Slack, as plain text: mentions, channels and links become their readable forms."""
    return _unescape(_SPECIAL.sub(_readable, text)).strip()


def strip_leading_mention(text: str, user_id: str | None) -> str:
    """`<@UBOT> what is...` -> `what is...` for a mention of igbot."""
    if user_id:
        text = re.sub(rf"^\s*<@{re.escape(user_id)}(?:\|[^>]*)?>[\s,:]*", "", text)
    return text


def _readable(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith(("@U", "@W", "@B")):
        return "@" + (label or target[1:])
    if target.startswith("#C"):
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!date^"):
        return label
    if target.startswith("!"):
        return "@" + target[1:]
    if _LINK.match(target):
        address = target.removeprefix("mailto:")
        return f"{label} ({address})" if label and label != address and label != target else address
    return inner


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    """Slack's three control characters, and the plain-text broadcast words, made inert."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda match: "@" + _WORD_JOINER + match.group(1), escaped)


def mrkdwn(text: str) -> str:
    """igbot's common markup (`*bold*`, "- " bullets, blank lines, bare URLs) as escaped Slack mrkdwn."""
    return _BULLET.sub(r"\1• ", escape(text))


def link(url: str, label: str) -> str:
    """A Slack link whose label is escaped and whose address cannot break out of the link."""
    safe_url = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe_url}|{escape(label)}>"


def split(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph, then line, then word boundaries."""
    if len(text) <= limit:
        return [text] if text.strip() else []
    pieces: list[str] = []
    for separator in ("\n\n", "\n", " "):
        if separator in text:
            break
    else:
        return _hard_cut(text, limit)
    current = ""
    for part in text.split(separator):
        candidate = current + separator + part if current else part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if len(part) <= limit:
            current = part
        else:
            smaller = split(part, limit)
            pieces += smaller[:-1]
            current = smaller[-1] if smaller else ""
    if current.strip():
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def _hard_cut(text: str, limit: int) -> list[str]:
    """A single unbroken word longer than the limit: cut it, never inside an `&amp;`-style entity."""
    pieces = []
    while len(text) > limit:
        cut = limit
        ampersand = text.rfind("&", cut - 5, cut)
        if ampersand != -1 and ";" not in text[ampersand:cut]:
            cut = ampersand
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + ([text] if text else [])


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
