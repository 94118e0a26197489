"""Seed files broken at random (hypothesis): a load either fails cleanly (InvalidSeed, every
problem at a file of the seed and, for rows, a line; the CLI exits 1 with JSON) or gives the
same data (the same node, edge and fact counts); never a traceback, never exit 3. A file
must end with a line break, so a cut anywhere but at a line end is caught.

The tiny made-up seed is the subject. Breaks: truncate a file, insert a byte that matters to
CSV or YAML (quote, NUL, comma, line break, CR, a byte that is not UTF-8...), delete a line,
save the file in another encoding. Deleting a line, or a cut that falls exactly at a line end,
is an ordinary edit the loader cannot tell from a wanted one: those may load with less data,
never more. `#` is not inserted (it makes a row a comment, on purpose).
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphsvc
from graphsvc.cli.main import main

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"
FILES = sorted(p.name for p in TINY.iterdir() if p.suffix in (".csv", ".yaml"))
BYTES = [b'"', b"\x00", b",", b"\n", b"\r", b"\xff", b"\xe4\xb8", b"x", b" ", b"'", b"\t",
         b";", b'""', b"\x1b", b": ", b"- ", b"[", b"{"]
FILE_LEVEL = ("is missing", "is a ", "is not a plain", "cannot be read")


def _counts(net: graphsvc.Network) -> tuple[int, int, int]:
    return (net.graph.number_of_nodes(), net.graph.number_of_edges(),
            sum(len(fs) for fs in net.facts.values()))


BASE = _counts(graphsvc.load(TINY, snapshot=False))

breaks = st.one_of(
    st.tuples(st.just("truncate"), st.sampled_from(FILES), st.floats(0, 1)),
    st.tuples(st.just("insert"), st.sampled_from(FILES), st.floats(0, 1), st.sampled_from(BYTES)),
    st.tuples(st.just("delete-line"), st.sampled_from(FILES), st.floats(0, 1)),
    st.tuples(st.just("encoding"), st.sampled_from(FILES),
              st.sampled_from(["gbk", "gb18030", "utf-16", "big5"])),
)


def _apply(seed: Path, brk: tuple) -> bool:  # type: ignore[type-arg]
    """Break a file; True when the break may legitimately lose rows (an edit, not damage)."""
    kind, name = brk[0], brk[1]
    path = seed / name
    data = path.read_bytes()
    if kind == "truncate":
        cut = int(brk[2] * len(data))
        path.write_bytes(data[:cut])
        return cut == 0 or data[cut - 1 : cut] == b"\n"  # the file looks complete
    if kind == "insert":
        at = int(brk[2] * len(data))
        path.write_bytes(data[:at] + brk[3] + data[at:])
        return False
    if kind == "delete-line":
        lines = data.split(b"\n")
        del lines[int(brk[2] * (len(lines) - 1))]
        path.write_bytes(b"\n".join(lines))
        return True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # already broken by an earlier step
        return False
    try:
        path.write_bytes(text.encode(brk[2]))
    except UnicodeEncodeError:
        path.write_bytes(text.encode(brk[2], errors="replace"))
    return False


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(breaks, min_size=1, max_size=2))
def test_random_breaks_fail_cleanly_or_keep_the_data(brks: list[tuple]) -> None:  # type: ignore[type-arg]
    top = Path(tempfile.mkdtemp(prefix="graphsvc-fuzz-"))
    try:
        seed = top / "seed"
        shutil.copytree(TINY, seed)
        may_lose = False
        for brk in brks:
            may_lose |= _apply(seed, brk)
        try:
            net = graphsvc.load(seed, snapshot=False)
        except graphsvc.InvalidSeed as exc:
            assert exc.problems
            for p in exc.problems:
                assert p.file.startswith(f"{seed}/"), p
                assert p.line > 0 or p.message.startswith(FILE_LEVEL), p
                assert p.message and p.hint, p
            valid = False
        else:
            counts = _counts(net)
            if may_lose:
                assert all(c <= b for c, b in zip(counts, BASE, strict=True)), (counts, brks)
            else:
                assert counts == BASE, (counts, brks)
            valid = True
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["validate", "--seed", str(seed), "--json"])
        assert code == (0 if valid else 1), err.getvalue()
        assert json.loads(out.getvalue())["valid"] is valid
    finally:
        shutil.rmtree(top)
