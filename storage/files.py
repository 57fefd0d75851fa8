"""Reading the YAML files an operator gives igbot, with every mistake named in one sentence with its line.

PyYAML builds dates itself, so an impossible one ("2023-02-30") would escape as a bare ValueError
with no place; here it becomes a YAML error at the line where it stands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from storage.errors import ConfigurationError


class _Loader(yaml.SafeLoader):
    pass


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise ConstructorError(None, None, f"{node.value!r} is not a real date ({error})", node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_yaml(path: Path, *, what: str) -> Any:
    """The file's data; `what` names it for people ("The staff directory")."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(f"{what} {path} cannot be read: {error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{what} {path} is not UTF-8 text.") from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506  # a SafeLoader, with dates checked
    except yaml.YAMLError as error:
        raise ConfigurationError(f"{what} {path} is not valid YAML{_where(error)}: {_problem(error)}.") from None


def _where(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return "" if mark is None else f" at line {mark.line + 1}, column {mark.column + 1}"


def _problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return str(problem).rstrip(".")
