"""The Teams app icons, drawn when the package is built: a white shield with a tick.

Teams wants a 192x192 full-colour icon and a 32x32 outline icon that is white on
transparent. They are written as PNG with nothing but zlib and struct.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

ACCENT = (0, 94, 184)  # NHS blue
WHITE = (255, 255, 255)
Pixel = tuple[int, int, int, int]


def png(width: int, height: int, pixel: Callable[[float, float], Pixel]) -> bytes:
    """An RGBA PNG; `pixel` gets each pixel's centre in 0..1 coordinates."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel((x + 0.5) / width, (y + 0.5) / height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + \
        _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def in_shield(x: float, y: float, *, margin: float = 0.0) -> bool:
    """A heater shield filling the middle of the square, shrunk by `margin`."""
    top, bottom = 0.16 + margin, 0.88 - margin * 1.4
    half_width = 0.32 - margin
    if not top <= y <= bottom:
        return False
    shoulder = top + (bottom - top) * 0.45
    if y <= shoulder:
        width = half_width
    else:
        width = half_width * (1 - ((y - shoulder) / (bottom - shoulder)) ** 1.6)
    return abs(x - 0.5) <= width


def _near_tick(x: float, y: float, thickness: float) -> bool:
    return _near_segment(x, y, (0.37, 0.50), (0.47, 0.61), thickness) or \
        _near_segment(x, y, (0.47, 0.61), (0.65, 0.38), thickness)


def _near_segment(x: float, y: float, start: tuple[float, float], end: tuple[float, float], thickness: float) -> bool:
    (ax, ay), (bx, by) = start, end
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= thickness ** 2


def color_icon() -> bytes:
    def pixel(x: float, y: float) -> Pixel:
        if in_shield(x, y) and not _near_tick(x, y, 0.045):
            return (*WHITE, 255)
        return (*ACCENT, 255)

    return png(192, 192, pixel)


def outline_icon() -> bytes:
    def pixel(x: float, y: float) -> Pixel:
        edge = in_shield(x, y) and not in_shield(x, y, margin=0.09)
        return (*WHITE, 255) if edge or _near_tick(x, y, 0.06) else (*WHITE, 0)

    return png(32, 32, pixel)
