"""The curl examples of docs/api.md: find them, run them with real curl, render their answers.

The convention in docs/api.md: every example is a ```sh block holding one curl command, written
exactly as a user types it against `graphsvc serve` on http://127.0.0.1:8000 with `$TOKEN` and
`$ADMIN_TOKEN` in the environment, followed by an ```http block with what curl prints: the status
line and headers (without `date` and `server`), a blank line and the body, JSON pretty-printed
and long bodies cut at a line `…`.

tests/api/test_docs_examples.py runs every example against a real server and compares the status,
the headers and the shape of the body with the documented answer. After a change of the API,
rewrite the answers from a real server with:

    python tests/docs_examples.py            # rewrites docs/api.md in place
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
API_MD = ROOT / "docs" / "api.md"
DOC_BASE = "http://127.0.0.1:8000"
TOKEN, ADMIN_TOKEN = "docs-example-token", "docs-example-admin-token"
HIDDEN_HEADERS = ("date", "server")
CUT = "…"
JSON_LINES, TEXT_LINES = 40, 6

_FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass
class Example:
    """One documented example: where it is, its command and its documented answer."""

    title: str
    line: int  # 1-based line of the command in the document
    command: str
    answer: str  # the ```http block's text
    answer_span: tuple[int, int]  # lines [start, end) of the ```http block's text (0-based)


@dataclass
class Answer:
    """What curl printed, split up."""

    status: int
    status_line: str
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str | None:
        """The first value of the header `name` (any case)."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def blocks(text: str) -> list[tuple[str, int, int]]:
    """Every fenced block as (language, first text line, end line), 0-based, end exclusive."""
    lines = text.split("\n")
    found, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m:
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            found.append((m.group(1), i + 1, j))
            i = j + 1
        else:
            i += 1
    return found


def examples(text: str) -> list[Example]:
    """The documented curl examples, each with the ```http answer that must follow it."""
    lines = text.split("\n")
    found: list[Example] = []
    bs = blocks(text)
    for n, (lang, start, end) in enumerate(bs):
        body = "\n".join(lines[start:end]).strip()
        if lang != "sh" or not body.startswith("curl "):
            continue
        title = next((ln.lstrip("# ") for ln in reversed(lines[:start]) if ln.startswith("#")),
                     "")
        nxt = bs[n + 1] if n + 1 < len(bs) else None
        between = "\n".join(lines[end + 1:nxt[1] - 1]).strip() if nxt else "?"
        if nxt is None or nxt[0] != "http" or between:
            raise ValueError(f"docs/api.md:{start}: a ```sh curl example must be followed "
                             "directly by an ```http block with its answer")
        answer = "\n".join(lines[nxt[1]:nxt[2]])
        found.append(Example(title, start, body, answer, (nxt[1], nxt[2])))
    return found


def stray_curls(text: str) -> list[int]:
    """Lines of curl commands outside the convention (in a block that is not ```sh)."""
    lines = text.split("\n")
    return [i + 1 for lang, start, end in blocks(text) if lang != "sh"
            for i in range(start, end) if re.match(r"^\$?\s*curl\s", lines[i])]


def parse(out: str) -> Answer:
    """Split curl's output (-i or -D -) into status, headers and body."""
    out = out.replace("\r\n", "\n")
    head, _, body = out.partition("\n\n")
    status_line, *rest = head.split("\n")
    headers = [(k.strip(), v.strip()) for k, _, v in (h.partition(":") for h in rest if h)]
    return Answer(int(status_line.split()[1]), status_line.strip(), headers, body)


def run(command: str, base: str, cwd: Path) -> Answer:
    """Run the documented command as written (in bash, with $TOKEN and $ADMIN_TOKEN set),
    against the server at `base` instead of port 8000."""
    env = {**os.environ, "TOKEN": TOKEN, "ADMIN_TOKEN": ADMIN_TOKEN}
    proc = subprocess.run(["bash", "-c", command.replace(DOC_BASE, base)], cwd=cwd, env=env,
                          capture_output=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {command}\n{proc.stderr.decode()}")
    return parse(proc.stdout.decode("utf-8", errors="replace").replace(base, DOC_BASE))


def render(answer: Answer) -> str:
    """The ```http block text for a real answer."""
    lines = [answer.status_line]
    lines += [f"{k}: {v}" for k, v in answer.headers if k.lower() not in HIDDEN_HEADERS]
    if answer.body:
        lines.append("")
        try:
            body = json.dumps(json.loads(answer.body), ensure_ascii=False, indent=2).split("\n")
            limit = JSON_LINES
        except ValueError:
            body, limit = answer.body.rstrip("\n").split("\n"), TEXT_LINES
        lines += body[:limit] + ([CUT] if len(body) > limit else [])
    return "\n".join(lines)


def documented(answer_text: str) -> tuple[Answer, bool]:
    """The documented answer, and whether its body was cut."""
    cut = any(ln.strip() == CUT for ln in answer_text.split("\n"))
    text = "\n".join(ln for ln in answer_text.split("\n") if ln.strip() != CUT)
    return parse(text), cut


def top_level(text: str) -> tuple[str, list[str]]:
    """The top-level JSON type ('object', 'array', 'other') and, for an object, its keys in
    order, read from the text even when it is cut short."""
    s = text.lstrip()
    kind = {"{": "object", "[": "array"}.get(s[:1], "other")
    keys: list[str] = []
    depth, i = 0, 0
    while i < len(s) and kind == "object":
        c = s[i]
        if c == '"':
            j = i + 1
            while s[j] != '"':
                j += 2 if s[j] == "\\" else 1
            if depth == 1 and s[j + 1:].lstrip().startswith(":"):
                keys.append(json.loads(s[i:j + 1]))
            i = j + 1
            continue
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
        i += 1
    return kind, keys


def start_server() -> tuple[str, Any]:
    """A real `graphsvc serve` of the bundled seed with both tokens, ready."""
    sys.path.insert(0, str(Path(__file__).parent))
    from serving import start_serve, wait_ready

    # `--seed seed` from the repository root: file names in answers read `seed/facts.csv`
    base, proc = start_serve(Path("seed"), "--token", TOKEN, "--admin-token", ADMIN_TOKEN)
    wait_ready(base, proc)
    return base, proc


def rewrite(path: Path = API_MD) -> int:
    """Run every example of `path` against a real server and write the real answers in."""
    text = path.read_text(encoding="utf-8")
    base, proc = start_server()
    try:
        lines = text.split("\n")
        with tempfile.TemporaryDirectory() as tmp:
            for ex in reversed(examples(text)):
                start, end = ex.answer_span
                lines[start:end] = render(run(ex.command, base, Path(tmp))).split("\n")
    finally:
        proc.kill()
        proc.wait(10)
    path.write_text("\n".join(lines), encoding="utf-8")
    return len(examples(text))


if __name__ == "__main__":
    print(f"rewrote {rewrite()} example answers in {API_MD}")
