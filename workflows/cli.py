"""`igbot tree check`: prove the decision trees whole before anyone relies on them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.core.profile import load_profile
from bot.core.settings import load_settings
from knowledge.citations import SourceCatalogue
from workflows.trees import check_tree_files
from workflows.trees.loading import tree_files


def register(subparsers: Any) -> None:
    tree = subparsers.add_parser("tree", help="the decision trees")
    actions = tree.add_subparsers(dest="tree_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="check every tree: paths end in outcomes, no cycles, known citations")
    check.add_argument("paths", nargs="*", type=Path, help="tree files (default: the shipped trees)")
    check.set_defaults(handler=_check)


def _check(arguments: argparse.Namespace) -> int:
    profile = load_profile(load_settings().profile_path)
    paths = arguments.paths or tree_files()
    missing = [path for path in paths if not path.is_file()]
    if missing:
        print(f"igbot: no such tree file: {missing[0]}")
        return 2
    problems = check_tree_files(
        paths, citation_refs=SourceCatalogue.load(profile).known_refs(), placeholders=set(profile.placeholders())
    )
    for problem in problems:
        print(f"error: {problem}")
    if problems:
        print(f"{len(problems)} problem(s) in the decision trees.")
        return 1
    print(f"All {len(paths)} decision trees are sound.")
    return 0
