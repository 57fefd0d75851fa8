"""`igbot teams package`: a zip an administrator can upload to Teams as it is."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.app.cli import main

APP_ID = "0f5b8c1e-6a7d-4c2b-9e3f-1a2b3c4d5e6f"


def _png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGBA pixels of a PNG written without filters."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    position, compressed = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        if kind == b"IDAT":
            compressed += data[position + 8:position + 8 + length]
        position += 12 + length
    raw = zlib.decompress(compressed)
    stride = 1 + width * 4
    pixels = [raw[row * stride + 1 + column * 4:row * stride + 5 + column * 4]
              for row in range(height) for column in range(width)]
    return width, height, pixels


def test_the_package_holds_a_manifest_for_our_bot_and_both_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    output = tmp_path / "out" / "igbot-teams.zip"

    assert main(["teams", "package", "--output", str(output)]) == 0

    assert "Upload it in Teams" in capsys.readouterr().out
    with zipfile.ZipFile(output) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color, outline = package.read("color.png"), package.read("outline.png")
    assert manifest["manifestVersion"] == "1.17" and manifest["id"] == APP_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID and bot["scopes"] == ["personal", "team", "groupChat"]
    assert [command["title"] for command in bot["commandLists"][0]["commands"]] == ["help", "report", "share",
                                                                                     "training"]
    assert manifest["developer"]["privacyUrl"].startswith("https://")
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert _png(color)[:2] == (192, 192)
    width, height, pixels = _png(outline)
    assert (width, height) == (32, 32)
    assert {pixel[:3] for pixel in pixels if pixel[3]} == {b"\xff\xff\xff"}, "the outline icon is white on transparent"
    assert any(pixel[3] == 0 for pixel in pixels) and any(pixel[3] == 255 for pixel in pixels)


def test_without_an_app_id_there_is_one_sentence_and_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    output = tmp_path / "igbot-teams.zip"

    assert main(["teams", "package", "--output", str(output)]) == 2

    assert capsys.readouterr().err.strip() == (
        "igbot: TEAMS_APP_ID must be set to the bot's Microsoft app id to build the Teams app package.")
    assert not output.exists()


def test_an_app_id_that_is_not_a_guid_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", "igbot")
    assert main(["teams", "package", "--output", str(tmp_path / "x.zip")]) == 2
    assert "must be a GUID" in capsys.readouterr().err
