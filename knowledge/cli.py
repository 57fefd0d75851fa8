"""`igbot ask`, `igbot kb check` and `igbot kb gaps`: the IG officer's tools for the knowledge base."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.core.clock import Clock
from bot.core.errors import ConfigurationError
from bot.core.profile import load_profile
from bot.core.settings import load_settings
from knowledge.answers import KnowledgeAnswerer
from knowledge.check import check_knowledge, errors
from knowledge.entries import ENTRIES_DIRECTORY, SOURCES_PATH
from knowledge.mishaps import MISHAPS_PATH
from knowledge.off_topic import OFF_TOPIC_PATH
from knowledge.retrieval import Answer
from storage import curation
from storage.engine import session_scope


def register(subparsers: Any) -> None:
    ask = subparsers.add_parser("ask", help="answer a question (or a file of questions) from the knowledge base")
    ask.add_argument("question", nargs="?", help="the question, in quotes")
    ask.add_argument("--file", type=Path, help="a file with one question a line")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.set_defaults(handler=_ask)

    kb = subparsers.add_parser("kb", help="the knowledge base")
    actions = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate the content; exits non-zero on errors")
    check.add_argument("--as-of", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                       help="judge review dates as on this day (default: today where the organisation is)")
    check.set_defaults(handler=_check)
    gaps = actions.add_parser("gaps", help="declined, unhelpful and close-call questions, most frequent first")
    gaps.add_argument("--json", action="store_true")
    gaps.set_defaults(handler=_gaps)


def _ask(arguments: argparse.Namespace) -> int:
    if (arguments.question is None) == (arguments.file is None):
        raise ConfigurationError("Give either a question or --file QUESTIONS.txt, not both or neither.")
    if arguments.file is not None and not arguments.file.is_file():
        raise ConfigurationError(f"There is no file {arguments.file}.")
    profile = load_profile(load_settings().profile_path)
    answerer = KnowledgeAnswerer.load(profile)
    if arguments.file is not None:
        lines = arguments.file.read_text(encoding="utf-8").splitlines()
        questions = [line.strip() for line in lines if line.strip()]
    else:
        questions = [arguments.question]
    for question in questions:
        result = answerer.ask(question, today=Clock().today(profile.working_hours.zone))
        print(json.dumps(as_json(answerer, result)) if arguments.json else as_text(answerer, result))
    return 0


def as_json(answerer: KnowledgeAnswerer, result: Answer) -> dict[str, Any]:
    entry = result.entry if result.answered else None
    text, sources = answerer.rendered(entry) if entry else ("", ())
    return {
        "answered": entry is not None,
        "off_topic": result.off_topic,
        "close_call": result.close_call,
        "answer": text,
        "entry_id": entry.id if entry else None,
        "score": round(result.score, 4),
        "sources": [{"title": source.title, "ref": source.ref, "url": source.url} for source in sources],
        "related": [other.id for other in result.related],
    }


def as_text(answerer: KnowledgeAnswerer, result: Answer) -> str:
    shown = as_json(answerer, result)
    if not shown["answered"]:
        return f"(not answered{': not about IG' if shown['off_topic'] else ''}, score {shown['score']:.2f})"
    lines = [f"{shown['entry_id']} (score {shown['score']:.2f})", shown["answer"]]
    if shown["close_call"]:
        lines.insert(1, f"(a close call: the answer of {shown['related'][0]} is shown too)")
    lines += [f"Source: {source['ref']}" for source in shown["sources"]]
    return "\n".join(lines) + "\n"


def _check(arguments: argparse.Namespace) -> int:
    profile = load_profile(load_settings().profile_path)
    problems = check_knowledge(
        entries_dir=ENTRIES_DIRECTORY, sources_path=SOURCES_PATH,
        policy_numbers=[policy.number for policy in profile.policies],
        placeholder_names=set(profile.placeholders()),
        today=arguments.as_of or Clock().today(profile.working_hours.zone),
        mishaps_path=MISHAPS_PATH, off_topic_path=OFF_TOPIC_PATH,
    )
    for problem in problems:
        print(problem)
    failed = errors(problems)
    print(f"{len(failed)} error(s), {len(problems) - len(failed)} warning(s).")
    return 1 if failed else 0


def _gaps(arguments: argparse.Namespace) -> int:
    from bot.core.database import open_database

    with session_scope(open_database(load_settings())) as session:
        gaps = curation.get_gaps(session=session)
    if arguments.json:
        for gap in gaps:
            print(json.dumps({"question": gap.question, "signal": gap.signal, "count": gap.count,
                              "entry_id": gap.entry_id, "runner_up": gap.runner_up,
                              "last_seen": gap.last_seen.isoformat()}))
        return 0
    if not gaps:
        print("No declined, unhelpful or close-call questions yet.")
        return 0
    for gap in gaps:
        answers = " and ".join(entry for entry in (gap.entry_id, gap.runner_up) if entry)
        about = f" (answer{'s' if gap.runner_up else ''} {answers})" if answers else ""
        print(f"{gap.count:>4}  {gap.signal:<11} {gap.question}{about}")
    sys.stdout.flush()
    return 0
