"""Decision trees: "Can I share this?", "Can I use this device or app for work?",
"Is this an incident?" and "How long do we keep this record?".

The trees are YAML files in ``data/``; ``model`` holds their types and the stateless
walk, ``loading`` reads them, ``check`` proves them sound and ``render`` fills in the
organisation's names.
"""

from workflows.trees.check import Problem, check_shipped_trees, check_tree, check_tree_files
from workflows.trees.loading import load_all, load_tree, parse_tree
from workflows.trees.model import (
    AnsweredQuestion,
    DecisionTree,
    InvalidAnswer,
    Option,
    Outcome,
    Question,
    TreeError,
    Verdict,
    back,
    start_over,
)
from workflows.trees.render import render_text, render_tree

__all__ = [
    "AnsweredQuestion",
    "DecisionTree",
    "InvalidAnswer",
    "Option",
    "Outcome",
    "Problem",
    "Question",
    "TreeError",
    "Verdict",
    "back",
    "check_shipped_trees",
    "check_tree",
    "check_tree_files",
    "load_all",
    "load_tree",
    "parse_tree",
    "render_text",
    "render_tree",
    "start_over",
]
