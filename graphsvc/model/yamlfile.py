"""YAML seed files (`rules.yaml`, `schema.yaml`) read strictly, with file:line in every problem."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from graphsvc.errors import Problem


def yaml_reason(exc: yaml.YAMLError) -> str:
    """A one-line reason for a YAML syntax error."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    return f"{problem} at column {mark.column + 1}" if mark is not None else str(problem)


def yaml_problem(exc: yaml.YAMLError, text: str, shown: str) -> Problem:
    """A YAML error at its line."""
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return Problem(shown, line, f"holds a control character (U+{ord(char):04X})",
                       "remove it: control characters are invisible in most editors")
    mark = getattr(exc, "problem_mark", None)
    return Problem(shown, mark.line + 1 if mark else 1, f"not valid YAML: {yaml_reason(exc)}",
                   "fix the YAML syntax")


def parse_yaml(
    raw: bytes, shown: str, empty_hint: str
) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """The data and node tree of a YAML document, or the problems that stop it being read:
    not UTF-8, not valid YAML, or empty (nothing but blanks and comments)."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, None, [Problem(shown, line, "is not UTF-8 text",
                                    "save it as UTF-8 (in a text editor: Save As → UTF-8)")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) if node is not None else None
    except yaml.YAMLError as exc:
        return None, None, [yaml_problem(exc, text, shown)]
    if node is None:
        return None, None, [Problem(shown, 1, "is empty (only blanks or comments)", empty_hint)]
    if not text.endswith("\n"):
        return None, None, [Problem(
            shown, text.count("\n") + 1,
            "has no line end at its end: the file may be cut off (saved half-way?)",
            "if the file is complete, end its last line with a line break; otherwise restore "
            "it from a full copy")]
    return data, node, []


def node_line(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """The line (1-based) of the YAML node at a pydantic error location, or of the nearest
    enclosing node that exists."""
    if node is None:
        return 0
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child = value
                    break
        elif (isinstance(node, yaml.SequenceNode) and isinstance(part, int)
              and 0 <= part < len(node.value)):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def validation_problems(
    exc: ValidationError, node: yaml.Node | None, shown: str, hint: str
) -> list[Problem]:
    """Pydantic's errors about a YAML document, each at its line, in plain words."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"])
        where = ".".join(str(p) for p in loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'"
            where = ".".join(str(p) for p in loc[:-1])
            fix = "remove it or correct its spelling; " + hint
        elif kind == "missing":
            message = f"'{loc[-1]}' is missing"
            where = ".".join(str(p) for p in loc[:-1])
            fix = hint
        else:
            value = err.get("input")
            shown_value = ""
            if kind != "value_error" and isinstance(value, str | int | float | bool):
                shown_value = f" (got {value!r})"
            elif kind != "value_error" and isinstance(value, list | dict):
                shown_value = f" (got a {'list' if isinstance(value, list) else 'mapping'})"
            message = err["msg"].removeprefix("Value error, ") + shown_value
            fix = hint
        text = f"{where}: {message}" if where else message
        out.append(Problem(shown, node_line(node, loc), text, fix))
    return out
