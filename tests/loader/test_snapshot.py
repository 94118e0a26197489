"""Snapshots: reused for the same data version, ignored when stale, corrupt or not signed with
the user's key; never read from a seed directory, so a seed folder cannot run code."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import graphsvc
from graphsvc.loader import snapshot as snap
from graphsvc.loader.snapshot import CACHE_DIR, cache_root, snapshot_dir, snapshot_path

ROOT = Path(__file__).resolve().parents[2]


def _same(a: graphsvc.Network, b: graphsvc.Network) -> None:
    assert dict(a.graph.nodes(data=True)) == dict(b.graph.nodes(data=True))
    assert sorted(a.graph.edges(keys=True, data=True), key=str) == sorted(
        b.graph.edges(keys=True, data=True), key=str
    )
    assert a.data_version == b.data_version
    assert a.statuses(2022) == b.statuses(2022)
    assert a.resolve("已村") == b.resolve("已村")


def test_snapshot_is_written_and_reused(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    first = graphsvc.load(seed, snapshot=True)
    assert not first.report.from_snapshot
    path = snapshot_path(seed, first.data_version)
    assert path.exists() and path.parent == snapshot_dir(seed)
    assert path.is_relative_to(cache_root()) and not path.is_relative_to(seed)
    assert not (seed / CACHE_DIR).exists()
    second = graphsvc.load(seed)
    assert second.report.from_snapshot
    assert "from a snapshot" in second.report.text()
    assert nx.is_frozen(second.graph)
    _same(first, second)
    # the edge count comes from the snapshot's signed summary, counted when it was written
    assert "edge_count" in vars(second)
    assert second.edge_count == first.edge_count == second.graph.number_of_edges()


def test_small_seeds_write_no_snapshot_by_default(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    net = graphsvc.load(seed)
    assert not snapshot_path(seed, net.data_version).exists()


def test_edit_makes_snapshot_stale(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    old = graphsvc.load(seed, snapshot=True)
    facts = seed / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace("2500000", "900000"), "utf-8")
    new = graphsvc.load(seed, snapshot=True)
    assert not new.report.from_snapshot
    assert new.data_version != old.data_version
    assert new.status("990101101201", 2022).evidence[0].rule == "honoured"
    assert not snapshot_path(seed, old.data_version).exists()  # the stale one is cleaned up
    assert graphsvc.load(seed).report.from_snapshot


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:-10] + bytes(10),  # corrupt payload
        lambda b: b"GRAPHSVC-SNAPSHOT 0000000000000000 abc\n" + b.split(b"\n", 1)[1],
        lambda b: b"not a snapshot",
    ],
    ids=["truncated", "corrupt", "wrong-version", "garbage"],
)
def test_damaged_snapshot_is_ignored(tiny_copy, caplog, damage) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    good = graphsvc.load(seed, snapshot=True)
    path = snapshot_path(seed, good.data_version)
    path.write_bytes(damage(path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="graphsvc.loader.snapshot"):
        again = graphsvc.load(seed)
    assert not again.report.from_snapshot
    assert "ignoring snapshot" in caplog.text
    _same(good, again)


def test_snapshot_can_be_switched_off(tiny_copy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    graphsvc.load(seed, snapshot=True)
    assert not graphsvc.load(seed, snapshot=False).report.from_snapshot
    monkeypatch.setenv("GRAPHSVC_SNAPSHOT", "0")
    assert not graphsvc.load(seed).report.from_snapshot


def test_invalid_seed_never_uses_a_snapshot(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    graphsvc.load(seed, snapshot=True)
    with (seed / "relations.csv").open("a", encoding="utf-8") as fh:
        fh.write("nobody,member_of,org.west-joint,member,,,T2,\n")
    with pytest.raises(graphsvc.InvalidSeed):
        graphsvc.load(seed)


# -- a seed folder is data, never code ---------------------------------------------------------
class Payload:
    """A crafted pickle: unpickling it opens (creates) the marker file, i.e. runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.marker), "w"))


def _evil(marker: Path) -> bytes:
    return pickle.dumps(Payload(marker))


def _old_header(version: str, payload: bytes, magic: bytes = b"GRAPHSVC-SNAPSHOT") -> bytes:
    """The pre-0.2 header: a plain SHA-256 of the payload, which anyone can compute."""
    digest = hashlib.sha256(payload).hexdigest().encode()
    return b"%s %s %s\n" % (magic, version.encode(), digest)


def _plant_everywhere(seed: Path, version: str, marker: Path) -> list[Path]:
    """The crafted pickle, with a valid unkeyed SHA-256, everywhere a snapshot was or is looked
    for: beside the seed (the old place, old and new names) and in the user cache."""
    payload = _evil(marker)
    code = graphsvc.__version__
    planted = []
    beside = seed / CACHE_DIR
    beside.mkdir()
    for name in (f"network-{version}-v{code}-f1.pickle", snapshot_path(seed, version).name):
        (beside / name).write_bytes(_old_header(version, payload) + payload)
        planted.append(beside / name)
    ours = snapshot_path(seed, version)
    ours.parent.mkdir(parents=True, exist_ok=True)
    ours.write_bytes(_old_header(version, payload, snap.MAGIC) + payload)
    planted.append(ours)
    return planted


def test_planted_pickle_runs_nothing_library(tiny_copy, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    version = graphsvc.load(seed, snapshot=False).data_version
    snap.snapshot_key(create=True)  # the user has a key: the forged file is checked against it
    marker = tmp_path / "PWNED"
    pickle.loads(_evil(marker))  # the payload does run when unpickled ...
    assert marker.exists()
    marker.unlink()
    _plant_everywhere(seed, version, marker)
    with caplog.at_level(logging.WARNING, logger="graphsvc.loader.snapshot"):
        net = graphsvc.load(seed)  # ... but a load never unpickles it
    assert not marker.exists()
    assert not net.report.from_snapshot
    assert net.graph.number_of_nodes() == 19
    assert "ignoring snapshot" in caplog.text and "signature does not match" in caplog.text
    assert f"ignoring {seed / CACHE_DIR}" in caplog.text


def test_planted_pickle_runs_nothing_cli(tiny_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    version = graphsvc.load(seed, snapshot=False).data_version
    marker = tmp_path / "PWNED"
    _plant_everywhere(seed, version, marker)
    env = {k: v for k, v in os.environ.items() if k != "GRAPHSVC_SNAPSHOT"}
    for args in (["validate", "--seed", str(seed)], ["info", "--seed", str(seed), "--json"]):
        proc = subprocess.run([sys.executable, "-m", "graphsvc", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert not marker.exists()
    assert proc.stdout.count('"from_snapshot": false') == 1


def test_snapshot_signed_with_another_key_is_ignored(tiny_copy, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    good = graphsvc.load(seed, snapshot=True)
    path = snapshot_path(seed, good.data_version)
    marker = tmp_path / "PWNED"
    payload = _evil(marker)
    other = hmac.new(b"k" * 32, digestmod=hashlib.sha256)
    other.update(snap.MAGIC + b" " + good.data_version.encode() + b" "
                 + graphsvc.__version__.encode() + b"\n" + payload)
    path.write_bytes(b"%s %s %s\n" % (snap.MAGIC, good.data_version.encode(),
                                      other.hexdigest().encode()) + payload)
    with caplog.at_level(logging.WARNING, logger="graphsvc.loader.snapshot"):
        again = graphsvc.load(seed)
    assert not marker.exists() and not again.report.from_snapshot
    assert "signature does not match" in caplog.text
    _same(good, again)


def test_a_new_key_invalidates_old_snapshots(tiny_copy, caplog) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    good = graphsvc.load(seed, snapshot=True)
    key = cache_root() / snap.KEY_FILE
    old = key.read_bytes()
    key.unlink()
    try:
        assert snap.snapshot_key(create=True) != old  # a fresh random key
        assert not graphsvc.load(seed).report.from_snapshot
    finally:
        key.write_bytes(old)
    assert graphsvc.load(seed).report.from_snapshot
    _same(good, graphsvc.load(seed))


def test_key_file_is_private(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    graphsvc.load(tiny_copy(), snapshot=True)
    key = cache_root() / snap.KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600
    assert cache_root().stat().st_mode & 0o777 == 0o700
    assert len(key.read_bytes()) == snap.KEY_BYTES


@pytest.mark.parametrize(
    "spoil",
    [
        lambda key: key.chmod(0o644),  # readable by others
        lambda key: key.chmod(0o660),  # readable by the group
        lambda key: os.chown(key, os.getuid() + 4242, -1) if os.getuid() == 0 else key.chmod(0o604),
    ],
    ids=["world-readable", "group-readable", "other-owner"],
)
def test_untrusted_key_file_is_refused(tiny_copy, caplog, spoil) -> None:  # type: ignore[no-untyped-def]
    seed: Path = tiny_copy()
    good = graphsvc.load(seed, snapshot=True)
    key = cache_root() / snap.KEY_FILE
    saved = key.read_bytes()
    spoil(key)
    try:
        with caplog.at_level(logging.WARNING, logger="graphsvc.loader.snapshot"):
            again = graphsvc.load(seed, snapshot=True)
        assert not again.report.from_snapshot
        assert f"{key}" in caplog.text and "could not write snapshot" in caplog.text
        _same(good, again)
    finally:
        key.unlink()
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, saved)
        os.close(fd)


def test_half_written_snapshot_is_never_used(tiny_copy, caplog) -> None:  # type: ignore[no-untyped-def]
    """A write killed half-way leaves a temp file (never read) or, if it were renamed, a
    truncated file whose signature fails."""
    seed: Path = tiny_copy()
    good = graphsvc.load(seed, snapshot=True)
    path = snapshot_path(seed, good.data_version)
    blob = path.read_bytes()
    path.unlink()
    (path.parent / ".tmp-abc123").write_bytes(blob[: len(blob) // 3])
    assert not graphsvc.load(seed).report.from_snapshot
    path.write_bytes(blob[: len(blob) - 1])
    with caplog.at_level(logging.WARNING, logger="graphsvc.loader.snapshot"):
        assert not graphsvc.load(seed).report.from_snapshot
    assert "signature does not match" in caplog.text


def test_writer_killed_mid_write_leaves_nothing_used(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    """A real SIGKILL while a (large) snapshot is being written: no snapshot file appears, the
    next load builds from the seed files, and the next write clears the orphaned temp file."""
    import signal
    import time

    seed: Path = tiny_copy()
    version = graphsvc.load(seed, snapshot=False).data_version
    folder = snapshot_dir(seed)
    folder.mkdir(parents=True, exist_ok=True)
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, os; from pathlib import Path; from graphsvc.loader.snapshot import write_snapshot;"
         "write_snapshot(Path(sys.argv[1]), sys.argv[2], {'data_version': sys.argv[2], "
         "'blob': [os.urandom(1 << 20) for _ in range(150)]})", str(seed), version],
        cwd=ROOT)
    deadline = time.monotonic() + 60
    try:
        while not list(folder.glob(".tmp-*")):  # the temp file exists: the write has begun
            assert writer.poll() is None, "the writer finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.001)
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.wait(30)
    assert writer.returncode == -signal.SIGKILL
    orphans = list(folder.glob(".tmp-*"))
    assert orphans and not snapshot_path(seed, version).exists()
    net = graphsvc.load(seed, snapshot=True)  # builds from the seed files, then writes
    assert not net.report.from_snapshot
    assert not any(p.exists() for p in orphans)  # the dead writer's temp file is gone
    assert graphsvc.load(seed).report.from_snapshot


def test_a_snapshot_is_shared_with_a_copy_of_its_seed(tiny_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The supervisor of several workers links the seed's snapshot to the workers' copy: it
    is signed over its data version and content, not its place, so the copy loads warm."""
    import shutil

    seed = tiny_copy()
    net = graphsvc.load(seed, snapshot=True)
    copy = tmp_path / "copy"
    shutil.copytree(seed, copy)
    shared = snap.share_snapshot(seed, copy, net.data_version)
    assert shared == snapshot_path(copy, net.data_version)
    again = graphsvc.load(copy)
    assert again.report.from_snapshot
    _same(net, again)
    assert snap.share_snapshot(seed, copy, "0" * 16) is None  # no snapshot of that version


def test_a_snapshot_starts_with_a_summary_read_alone(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    """`peek_snapshot` reads what a snapshot says about its network (counts, whether a warm-up
    follows) without its network, and only from a current, signed snapshot."""
    from graphsvc.api.warm import warm
    from graphsvc.network import peek_snapshot, save_snapshot, sizes

    seed = tiny_copy()
    assert peek_snapshot(seed) is None  # none written yet
    net = graphsvc.load(seed, snapshot=True, serving=True)
    found = peek_snapshot(seed)
    assert found is not None
    assert found["data_version"] == net.data_version and found["sizes"] == sizes(net)
    assert found["network"] == repr(net) and found["extra"] is False
    warm(net)
    assert save_snapshot(net) is not None
    assert peek_snapshot(seed)["extra"] is True  # type: ignore[index]
    assert graphsvc.load(seed, serving=True).cache.has_index("search index")
    path = snapshot_path(seed, net.data_version)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # a flipped bit in the network: the summary is not trusted either
    path.write_bytes(bytes(data))
    assert peek_snapshot(seed) is None
    (seed / "facts.csv").write_text((seed / "facts.csv").read_text(encoding="utf-8") + "\n",
                                    encoding="utf-8")
    assert peek_snapshot(seed) is None  # another data version: no current snapshot


def test_seed_files_are_the_files_seed_version_reads(tiny_copy) -> None:  # type: ignore[no-untyped-def]
    from graphsvc.loader.seedio import seed_files, seed_version

    seed = tiny_copy(remove=("aliases.csv",))
    (seed / "schema.yaml").symlink_to(seed / "nowhere.yaml")  # a link to nothing still counts
    assert seed_files(seed) == seed_version(seed)[1]
    assert "aliases.csv" not in seed_files(seed) and "schema.yaml" in seed_files(seed)
