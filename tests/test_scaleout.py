"""Two replicas behind a real nginx, a reload rolled across them: no request fails.

Runs `python -m benchmarks.scaleout --quick` (docs/scale.md, "Beyond one process") against
Debian's nginx. Skips only when nginx is not installed (`apt-get install -y nginx-light`;
.ci/run installs it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _nginx() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.mark.skipif(_nginx() is None, reason="nginx is not installed (apt-get install nginx-light)")
def test_rolling_reload_behind_nginx_loses_no_request() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scaleout", "--quick", "--json", "--timeout", "120"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    s = json.loads(out.stdout)
    assert s["failed"] == 0 and s["answers"] > 0
    assert s["old_version"] != s["new_version"]
    assert all(r["from_snapshot"] for r in s["replicas"].values())
    first, *middle, last = s["phases"]
    # before the roll every answer is old and both replicas serve; after it every answer is new
    assert set(first["versions"]) == {"old"} and len(first["replicas"]) == 2
    assert set(last["versions"]) == {"new"} and len(last["replicas"]) == 2
    # while replica 1 is down it reloads: the others' answers are all old
    assert middle[0]["down"] == "replica 1"
    assert middle[0]["answers"] > middle[0]["answers_from_down"]
    # from the switch, replica 1 serves the new data while replica 2 reloads
    assert middle[1]["down"] == "replica 2" and middle[1]["versions"].get("new", 0) > 0
    assert s["marker_served"]
