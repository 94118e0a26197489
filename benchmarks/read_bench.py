"""Benchmark: the cost of reading seed tables strictly, and of signing snapshots.

SYNTHETIC DATA: the tables are generated in a temporary directory with made-up codes, names and
ids (never written to seed/). Run from the repository root:

    python benchmarks/read_bench.py --rows 400000 --runs 5

It times `seedio.iter_table` (the strict reader: quotes, cell counts, line ends, control
characters) over a divisions table (the register's fast path) and a relations table (pydantic
per row), and HMAC-SHA256 (what a snapshot is checked with) against a plain SHA-256 over the
same bytes. CPU time, the best of the runs (these 2-core machines are noisy).

To compare with another version of the reader, run the same command with that version first
on PYTHONPATH (e.g. a `git archive` of an older commit).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def best(f: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        f()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    from graphsvc.loader.seedio import iter_table
    from graphsvc.model.records import DivisionRow, Relation

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="graphsvc-read-bench-") as tmp:
        d, r = Path(tmp) / "divisions.csv", Path(tmp) / "relations.csv"
        with d.open("w", encoding="utf-8") as fh:
            fh.write("code,kind,subtype,name,register_name,parent,source\n")
            for i in range(args.rows):
                code = f"{990101101000 + i:012d}"
                fh.write(f"{code},village,村委会,某{i}村,某{i}村委会,990101101,S2\n")
        with r.open("w", encoding="utf-8") as fh:
            fh.write("from,relation,to,role,since,until,source,note\n")
            for i in range(args.rows):
                fh.write(f"syn.org{i},member_of,syn.org{i + 1},member,2021,,SYNTH,a note {i}\n")

        def read(path: Path, model: type) -> None:
            problems: list[object] = []
            n = sum(1 for _ in iter_table(path, model, str(path), problems))  # type: ignore[arg-type,misc]
            assert n == args.rows and not problems, problems[:3]

        print(f"strict read, divisions.csv, {args.rows:,} rows: "
              f"{best(lambda: read(d, DivisionRow), args.runs):.2f} s CPU")
        print(f"strict read, relations.csv, {args.rows:,} rows: "
              f"{best(lambda: read(r, Relation), args.runs):.2f} s CPU")
    blob = os.urandom(256 * 1024 * 1024)
    sha = best(lambda: hashlib.sha256(blob).hexdigest(), args.runs)
    mac = best(lambda: hmac.new(b"k" * 32, blob, hashlib.sha256).hexdigest(), args.runs)
    print(f"256 MiB snapshot: SHA-256 {sha:.2f} s, HMAC-SHA256 {mac:.2f} s CPU")


if __name__ == "__main__":
    main()
