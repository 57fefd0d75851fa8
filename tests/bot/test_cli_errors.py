"""Every command, given a bad path, a malformed file, an impossible date or an unwritable folder, answers in
one sentence naming what is wrong, and exits non-zero: never a traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.core.settings import EXAMPLE_PROFILE
from test_chat_cli import IGBOT, REPO, _env, igbot


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    malformed = tmp_path / "malformed.yaml"
    malformed.write_text("organisation: [\n", encoding="utf-8")
    impossible = tmp_path / "impossible-date.yaml"
    impossible.write_text(EXAMPLE_PROFILE.read_text(encoding="utf-8").replace("2023-12-01", "2023-02-30"),
                          encoding="utf-8")
    wrong_type = tmp_path / "wrong-type.yaml"
    wrong_type.write_text(EXAMPLE_PROFILE.read_text(encoding="utf-8").replace("validity_months: 12",
                                                                              "validity_months: twelve"),
                          encoding="utf-8")
    people = tmp_path / "people.yaml"
    people.write_text("- {email: x@example.org}\n", encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    return {"malformed": malformed, "impossible": impossible, "wrong_type": wrong_type, "people": people,
            "a_file": a_file, "missing": tmp_path / "missing.yaml"}


CASES = [
    (["profile", "check", "{missing}"], {}, "cannot be read: No such file or directory"),
    (["profile", "check", "{malformed}"], {}, "is not valid YAML at line 2, column 1"),
    (["profile", "check", "{impossible}"], {}, "'2023-02-30' is not a real date"),
    (["profile", "check", "{wrong_type}"], {}, "training.validity_months"),
    (["chat"], {"IGBOT_PROFILE": "{impossible}"}, "is not a real date"),
    (["chat"], {"IGBOT_HOME": "{a_file}"}, "File exists"),
    (["chat", "--as", "nobody@example.org"], {}, "No one with the email nobody@example.org"),
    (["directory", "import", "{missing}"], {}, "cannot be read"),
    (["directory", "import", "{malformed}"], {}, "is not valid YAML at line 2"),
    (["directory", "import", "{people}"], {}, "person 1 needs at least an email and a name"),
    (["inbox"], {"DATABASE_URL": "mysql://nowhere/igbot"}, "DATABASE_URL must start with"),
    (["ask", "--file", "{missing}"], {}, "There is no file"),
    (["kb", "check"], {"IGBOT_PROFILE": "{malformed}"}, "is not valid YAML"),
    (["incident", "export", "--output", "{a_file}/register.csv"], {}, "Not a directory"),
    (["incident", "show", "IG-2026-9999"], {}, "There's no incident IG-2026-9999"),
    (["report", "dspt", "--out", "{a_file}", "--as-of", "2026-02-30", "--as", "x@example.org"], {},
     "is not a date such as 2026-06-30"),
    (["report", "dspt", "--out", "{a_file}", "--as", "nobody@example.org"], {},
     "no one with the email nobody@example.org"),
    (["teams", "package"], {}, "TEAMS_APP_ID must be set"),
    (["serve", "--port", "none"], {}, "is not a port number"),
    (["db", "upgrade"], {"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
]


@pytest.mark.parametrize(("arguments", "environment", "sentence"), CASES,
                         ids=[" ".join(case[0]) + (" " + ",".join(case[1]) if case[1] else "") for case in CASES])
def test_a_bad_input_is_refused_in_one_sentence(tmp_path: Path, files: dict[str, Path], arguments: list[str],
                                               environment: dict[str, str], sentence: str) -> None:
    filled = [argument.format(**files) for argument in arguments]
    result = igbot(tmp_path, *filled, **{name: value.format(**files) for name, value in environment.items()})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert sentence in result.stderr
    assert result.stderr.startswith(("igbot: ", "usage: ")), result.stderr


def test_output_cut_short_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("how long do we keep adult records?\n" * 400, encoding="utf-8")
    reader = subprocess.Popen(["head", "-n", "1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    writer = subprocess.run([*IGBOT, "ask", "--file", str(questions)], stdout=reader.stdin, stderr=subprocess.PIPE,
                            text=True, cwd=REPO, env=_env(tmp_path), timeout=120)
    assert reader.stdin is not None and reader.stdout is not None
    reader.stdin.close()
    first_line = reader.stdout.read()
    reader.wait(timeout=60)
    assert first_line.startswith("adult-records-retention")
    assert writer.stderr == "", "no 'Broken pipe' and no traceback"
    assert writer.returncode == 141
