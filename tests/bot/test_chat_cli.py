"""`igbot chat` and friends as a person meets them in a shell: real processes and real files, and the
interactive terminal session."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import wording
from bot.terminal.console import ConsoleChat, run
from bot.core.conversation import Conversation
from workflows.trees import Outcome, Question, load_all

IGBOT = [sys.executable, "-m", "bot.app.cli"]
REPO = Path(__file__).parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("IGBOT_", "DATABASE_URL"))}
    return {**env, "IGBOT_HOME": str(tmp_path / "home"), **extra}


def igbot(tmp_path: Path, *arguments: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*IGBOT, *arguments], input=stdin, capture_output=True, text=True, cwd=REPO,
                          env=_env(tmp_path, **extra), timeout=120)


def test_piped_chat_answers_one_message_a_line(tmp_path: Path) -> None:
    result = igbot(tmp_path, "chat", stdin="help\ncancel\n")
    assert result.returncode == 0, result.stderr
    assert "Hello Sam Okafor" in result.stdout
    assert "nothing in progress to cancel" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_chat_as_someone_else(tmp_path: Path) -> None:
    result = igbot(tmp_path, "chat", "--as", "harriet.osei@example.org", stdin="help\n")
    assert "Hello Harriet Osei" in result.stdout


def _read_until(process: subprocess.Popen[str], marker: str) -> str:
    assert process.stdout is not None
    seen = ""
    for line in process.stdout:
        seen += line
        if marker in line:
            return seen
    raise AssertionError(f"{marker!r} never appeared; output was:\n{seen}")


def _after_first_options(answers: int) -> Question | Outcome:
    """Where "Can I share this?" stands after choosing the first option `answers` times."""
    tree = load_all()["can-i-share"]
    chosen: list[str] = []
    for _ in range(answers):
        question = tree.step(chosen)
        assert isinstance(question, Question)
        chosen.append(question.options[0].id)
    return tree.step(chosen)


def test_a_killed_chat_resumes_where_the_conversation_was(tmp_path: Path) -> None:
    second, third = _after_first_options(1), _after_first_options(2)
    assert isinstance(second, Question)
    process = subprocess.Popen([*IGBOT, "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               cwd=REPO, env=_env(tmp_path))
    assert process.stdin is not None
    process.stdin.write("share\n1\n")
    process.stdin.flush()
    _read_until(process, second.text)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    resumed = igbot(tmp_path, "chat", stdin="1\n")
    assert resumed.returncode == 0, resumed.stderr
    expected = third.text if isinstance(third, Question) else "recorded this decision"
    assert expected in resumed.stdout


@pytest.mark.parametrize(
    ("arguments", "environment", "says"),
    [
        (["chat", "--as", "nobody@example.org"], {}, "No one with the email nobody@example.org"),
        (["chat"], {"DATABASE_URL": "postgresql://igbot@127.0.0.1:1/none"}, "cannot be reached"),
        (["chat"], {"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must start with"),
        (["chat"], {"IGBOT_PROFILE": "/nowhere.yaml"}, "IGBOT_PROFILE points to /nowhere.yaml"),
    ],
)
def test_bad_input_is_a_sentence_not_a_traceback(tmp_path: Path, arguments: list[str],
                                                  environment: dict[str, str], says: str) -> None:
    result = igbot(tmp_path, *arguments, **environment)
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_profile_names_each_mistake(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text((REPO / "bot/profiles/example.yaml").read_text()
                       .replace("target_percent: 95", "target_percent: lots")
                       .replace("time_zone: Europe/London", "time_zone: Narnia/Cair_Paravel"))
    for arguments in (["profile", "check", str(profile)], ["chat"]):
        result = igbot(tmp_path, *arguments, IGBOT_PROFILE=str(profile))
        assert result.returncode == 2
        assert "training.target_percent" in result.stderr and "working_hours.time_zone" in result.stderr
        assert "Traceback" not in result.stderr


def test_profile_check_warns_about_the_overdue_policy(tmp_path: Path) -> None:
    result = igbot(tmp_path, "profile", "check")
    assert result.returncode == 0
    assert "DQ402" in result.stdout and "overdue" in result.stdout


def test_the_interactive_chat_greets_says_how_to_leave_then_answers(  # type: ignore[no-untyped-def]  # chat_as: a factory
        conversation: Conversation, chat_as) -> None:
    output = io.StringIO()
    chat = ConsoleChat(conversation=conversation, staff_id=chat_as("sam.okafor@example.org").staff_id, output=output)
    run(chat, io.StringIO("who is our data protection officer\n"), interactive=True)
    before_prompt, after_prompt = output.getvalue().split("you> ", 1)
    assert before_prompt.startswith("igbot\nHello Sam Okafor.")
    assert before_prompt.rstrip().endswith(wording.CONSOLE_LEAVING)
    assert after_prompt.startswith("The Data Protection Officer (DPO)")
    assert after_prompt.endswith("you> ")  # the prompt again, until the input ends


@pytest.mark.parametrize("leaving", ["quit", "exit", "/quit", " Exit "])
def test_typing_quit_leaves_the_chat_without_asking_it_as_a_question(  # type: ignore[no-untyped-def]  # chat_as: a factory
        conversation: Conversation, chat_as, leaving: str) -> None:
    output = io.StringIO()
    chat = ConsoleChat(conversation=conversation, staff_id=chat_as("sam.okafor@example.org").staff_id, output=output)
    run(chat, io.StringIO(f"{leaving}\nwho is our data protection officer\n"), interactive=True)
    after_prompt = output.getvalue().split("you> ", 1)[1]
    assert after_prompt == ""  # nothing answered, not even the question after it


def test_importing_the_real_directory_into_a_new_database_brings_no_demo_staff(tmp_path: Path) -> None:
    staff = tmp_path / "staff.yaml"
    staff.write_text("- {email: ada.quill@example.org, name: Ada Quill, team: Harbour Recovery}\n"
                     "- {email: ben.hartley@example.org, name: Ben Hartley, team: Harbour Recovery}\n", encoding="utf-8")
    imported = igbot(tmp_path, "directory", "import", str(staff))
    assert imported.returncode == 0 and "Added 2 people" in imported.stdout
    assert "Hello Ada Quill" in igbot(tmp_path, "chat", "--as", "ada.quill@example.org", stdin="help\n").stdout
    demo = igbot(tmp_path, "chat", stdin="help\n")
    assert demo.returncode != 0 and "No one with the email sam.okafor@example.org" in demo.stderr
