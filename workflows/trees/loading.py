"""Reading decision trees from YAML files.

Malformed input fails with a ``TreeError`` naming the file and the field, for example
``can-i-share.yaml: outcomes.media-no.verdict: 'maybe' is not a verdict``. Whether the
questions and outcomes fit together (no cycles, no dead ends) is checked in ``check.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from knowledge.entries import Source
from workflows.trees.model import DecisionTree, Option, Outcome, Question, TreeError, Verdict

DATA_DIR = Path(__file__).parent / "data"

_TREE_FIELDS = frozenset({"id", "title", "version", "description", "start", "questions", "outcomes"})
_QUESTION_FIELDS = frozenset({"text", "help", "options"})
_OPTION_FIELDS = frozenset({"id", "label", "next", "outcome"})
_OUTCOME_FIELDS = frozenset({"verdict", "headline", "reasons", "conditions", "citations", "next_flow"})
_CITATION_FIELDS = frozenset({"ref", "section"})


class _TreeYamlLoader(yaml.SafeLoader):
    """YAML 1.2 booleans (only true/false), so ``verdict: no`` and ``id: yes`` stay
    text; and a key written twice in one mapping is an error, not a silent overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} appears twice in the same mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_BOOL_TAG = "tag:yaml.org,2002:bool"
_TreeYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_TreeYamlLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class _Fields:
    """Typed access to one YAML mapping, naming the file and field in every error."""

    def __init__(self, data: object, *, source: str, where: str, allowed: frozenset[str]) -> None:
        self.source = source
        self.where = where
        if not isinstance(data, Mapping):
            raise TreeError(source, where or "(top level)", f"expected a mapping, got {_kind(data)}")
        unknown = sorted(str(key) for key in data if key not in allowed)
        if unknown:
            name = unknown[0] if unknown[0].strip() else repr(unknown[0])  # a blank key is still named
            raise TreeError(source, self._path(name), "unknown field")
        self.data: Mapping[str, object] = data

    def _path(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def error(self, name: str, problem: str) -> TreeError:
        return TreeError(self.source, self._path(name), problem)

    def text(self, name: str) -> str:
        value = self.optional_text(name)
        if value is None:
            raise self.error(name, "missing")
        return value

    def optional_text(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, f"expected non-empty text, got {_kind(value)}")
        return value.strip()

    def integer(self, name: str) -> int:
        value = self.data.get(name)
        if value is None:
            raise self.error(name, "missing")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"expected a whole number, got {_kind(value)}")
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        texts: list[str] = []
        for index, item in enumerate(self.items(name)):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{name}[{index}]", f"expected non-empty text, got {_kind(item)}")
            texts.append(item.strip())
        return tuple(texts)

    def items(self, name: str) -> list[object]:
        value = self.data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(name, f"expected a list, got {_kind(value)}")
        return value

    def mapping(self, name: str) -> Mapping[str, object]:
        value = self.data.get(name)
        if value is None:
            raise self.error(name, "missing")
        if not isinstance(value, Mapping):
            raise self.error(name, f"expected a mapping, got {_kind(value)}")
        for key in value:
            if not isinstance(key, str):
                raise self.error(name, f"ids must be text, got {_kind(key)} {key!r}")
        return value


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def load_tree(path: Path) -> DecisionTree:
    """Read one tree file. Raises ``TreeError`` naming the file and field."""
    source = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TreeYamlLoader)  # a SafeLoader
    except OSError as error:
        raise TreeError(source, "(file)", f"cannot be read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise TreeError(source, "(file)", f"is not UTF-8 text (byte {error.start + 1} cannot be read): "
                                          "save it as UTF-8") from error
    except yaml.YAMLError as error:
        raise TreeError(source, "(yaml)", _describe_yaml_error(error)) from error
    return parse_tree(data, source=source)


def _describe_yaml_error(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}: {problem}" if mark is not None else problem


def parse_tree(data: object, *, source: str) -> DecisionTree:
    """Build a tree from already-parsed YAML. ``source`` names it in errors."""
    fields = _Fields(data, source=source, where="", allowed=_TREE_FIELDS)
    questions = fields.mapping("questions")
    outcomes = fields.mapping("outcomes")
    return DecisionTree(
        id=fields.text("id"),
        title=fields.text("title"),
        version=fields.integer("version"),
        description=fields.text("description"),
        start=fields.text("start"),
        questions={qid: _question(qid, body, source) for qid, body in questions.items()},
        outcomes={oid: _outcome(oid, body, source) for oid, body in outcomes.items()},
    )


def _question(question_id: str, data: object, source: str) -> Question:
    where = f"questions.{question_id}"
    fields = _Fields(data, source=source, where=where, allowed=_QUESTION_FIELDS)
    return Question(
        id=question_id,
        text=fields.text("text"),
        help=fields.optional_text("help"),
        options=tuple(
            _option(item, source, f"{where}.options[{index}]") for index, item in enumerate(fields.items("options"))
        ),
    )


def _option(data: object, source: str, where: str) -> Option:
    fields = _Fields(data, source=source, where=where, allowed=_OPTION_FIELDS)
    return Option(
        id=fields.text("id"),
        label=fields.text("label"),
        next=fields.optional_text("next"),
        outcome=fields.optional_text("outcome"),
    )


def _outcome(outcome_id: str, data: object, source: str) -> Outcome:
    where = f"outcomes.{outcome_id}"
    fields = _Fields(data, source=source, where=where, allowed=_OUTCOME_FIELDS)
    return Outcome(
        id=outcome_id,
        verdict=_verdict(fields),
        headline=fields.text("headline"),
        reasons=fields.texts("reasons"),
        conditions=fields.texts("conditions"),
        citations=tuple(
            _citation(item, source, f"{where}.citations[{index}]")
            for index, item in enumerate(fields.items("citations"))
        ),
        next_flow=fields.optional_text("next_flow"),
    )


def _verdict(fields: _Fields) -> Verdict:
    value = fields.text("verdict")
    try:
        return Verdict(value)
    except ValueError:
        known = ", ".join(verdict.value for verdict in Verdict)
        raise fields.error("verdict", f"{value!r} is not a verdict (one of: {known})") from None


def _citation(data: object, source: str, where: str) -> Source:
    fields = _Fields(data, source=source, where=where, allowed=_CITATION_FIELDS)
    section = fields.data.get("section")
    if isinstance(section, int) and not isinstance(section, bool):
        section = str(section)  # "section: 6" means the sixth one; keep it as text
    if section is not None and not isinstance(section, str):
        raise fields.error("section", f"expected text, got {_kind(section)}")
    return Source(ref=fields.text("ref"), section=section)


def tree_files(directory: Path = DATA_DIR) -> list[Path]:
    """The tree files in ``directory``, in name order."""
    return sorted(directory.glob("*.yaml"))


def load_all(directory: Path = DATA_DIR) -> dict[str, DecisionTree]:
    """Every tree shipped in ``directory``, by id. Raises ``TreeError`` on the first
    malformed file or on two files with the same tree id."""
    trees: dict[str, DecisionTree] = {}
    for path in tree_files(directory):
        tree = load_tree(path)
        if tree.id in trees:
            raise TreeError(path.name, "id", f"{tree.id!r} is already the id of another tree")
        trees[tree.id] = tree
    return trees
