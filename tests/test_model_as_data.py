"""The model is data: outside `graphsvc/model/`, no code names a kind, relation, model or fact
type of the packaged schema, nor compares anything with such a name. The code asks the
`Schema` for roles instead (`schema.kind("village")`, `schema.relation("member")`), so a seed
that brings its own schema (renamed kinds, another language) works unchanged
(tests/test_own_schema.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from graphsvc.model.schema import default_schema

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "graphsvc"

ROLE_LOOKUPS = {"kind", "kinds_with", "relation"}
"""Schema methods that take a role, whose names are the packaged kinds' names too."""
WORDS = {"township", "district"}
"""Also words of the service's own vocabulary: the `township` column and field of every
entity, and the pairing advice's `scope=township|district`. Allowed as words, never compared."""
EXEMPT = {
    "graphsvc/tools/synth.py":
        "writes a SYNTHETIC seed without a schema.yaml, i.e. in the packaged schema's words",
}


def names() -> set[str]:
    """Every name the packaged schema declares for kinds, relations, models and fact types."""
    s = default_schema()
    found = set(s.kinds) | set(s.relations) | set(s.model_names) | set(s.facts)
    if s.joint.legend is not None:
        found.add(s.joint.legend.name)
    return found


def _strings(node: ast.expr) -> list[ast.Constant]:
    """The string constants of a comparison operand (a constant, or a tuple/list/set of them)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def offences(path: Path, declared: set[str], shown: str | None = None) -> list[str]:
    """`file:line: why` for every schema name spelled out in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    compared: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ROLE_LOOKUPS or name == "get":  # a role, or an attribute's key
                allowed.update(id(a) for a in node.args[:1])
            for kw in node.keywords:
                if kw.arg == "json_schema_extra":  # OpenAPI examples: answers of the seed
                    allowed.update(id(c) for c in ast.walk(kw.value))
        elif isinstance(node, ast.Subscript):  # an attribute's key: attrs["township"]
            allowed.add(id(node.slice))
        elif isinstance(node, ast.Dict):  # a field of an answer: {"township": ...}
            allowed.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.JoinedStr):  # words of a message
            allowed.update(id(v) for v in node.values)
        elif isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                compared.update(id(c) for c in _strings(operand))
    rel = shown or path.relative_to(ROOT).as_posix()
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if node.value not in declared or id(node) in allowed:
            continue
        if id(node) in compared:
            out.append(f"{rel}:{node.lineno}: compares with {node.value!r}: ask the schema "
                       "for the role instead")
        elif node.value not in WORDS:
            out.append(f"{rel}:{node.lineno}: names {node.value!r}: ask the schema for it")
    return out


def test_no_schema_names_outside_the_model_layer() -> None:
    declared = names()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("graphsvc/model/") or rel in EXEMPT:
            continue
        found += offences(path, declared)
    assert not found, "schema names in code outside graphsvc/model/:\n" + "\n".join(found)


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The scanner is not blind: each way of naming a kind in code is caught."""
    bad = tmp_path / "sample.py"
    bad.write_text(
        'def f(attrs, kind, rel, net):\n'
        '    if kind == "village":\n'                       # a comparison
        '        return 1\n'
        '    if rel in ("member_of", "partner_of"):\n'      # membership of a tuple
        '        return 2\n'
        '    if attrs["kind"] != "township":\n'             # a word, but compared
        '        return 3\n'
        '    colors = ["party_org"]\n'                      # a name, not compared
        '    return net.schema.kind("village"), attrs.get("township"), colors\n',
        encoding="utf-8")
    found = offences(bad, names(), "sample.py")
    lines = sorted(int(f.split(":")[1]) for f in found)
    assert lines == [2, 4, 4, 6, 8], found


def test_the_map_page_names_no_kind_either() -> None:
    """The map's sources (frontend/src) take kinds, colours, labels, models and relations from
    /v1/meta: no name of the packaged schema is spelled out there as a string or a key, save
    those that are also roles (`village`, `township`, ... what a kind is to the page)."""
    import re

    from graphsvc.model.schema import KindRole, RelationRole

    roles = set(KindRole.__args__) | set(RelationRole.__args__)  # type: ignore[attr-defined]
    banned = sorted(names() - roles - WORDS)
    alt = "|".join(banned)
    pattern = re.compile(rf"""(?:['"`]({alt})['"`]|^\s*({alt})\s*:)""")
    found = []
    for path in sorted((ROOT / "frontend" / "src").glob("*.js")):
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = pattern.search(line)
            if m:
                found.append(f"{path.relative_to(ROOT)}:{no}: {m[1] or m[2]!r}")
    assert not found, "schema names in the map's sources:\n" + "\n".join(found)
