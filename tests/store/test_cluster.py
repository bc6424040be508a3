"""Ingest on a Dask cluster: a real `dask scheduler` and two `dask worker` processes on loopback, one killed
mid-run, and the database equals a single-process ingest of the same files (exports byte for byte)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.errors import ClusterUnavailable
from gongkai.store.cluster import _chunks, parse_address
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.ingest_worker import Job
from tests.store.corpus import write_reports

REPO = Path(__file__).resolve().parents[2]


def test_cluster_addresses():
    assert parse_address("local") == ("local", None)
    assert parse_address("local:3") == ("local", 3)
    assert parse_address("local[2]") == ("local", 2)
    assert parse_address("tcp://10.0.0.5:8786") == ("remote", None)
    for bad in ("local:0", "local:x", "nowhere"):
        with pytest.raises(ClusterUnavailable):
            parse_address(bad)


def test_chunks_keep_order_and_put_a_large_file_alone(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (2 << 20))
    jobs = [Job(f"s{i}", data=b"y") for i in range(5)] + [Job("big", path=str(big))] + [Job("t", data=b"z")]
    chunks = list(_chunks(jobs, 2))
    assert [[j.label for j in c] for c in chunks] == [["s0", "s1"], ["s2", "s3"], ["s4"], ["big"], ["t"]]


def test_ship_needs_a_cluster(tmp_path):
    res = CliRunner().invoke(main, ["ingest", str(tmp_path), "--ship", "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2 and "--cluster" in res.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _export(url: str, out: Path) -> dict[str, bytes]:
    """Cells (long and wide table) and findings, as the files `gongkai export` writes; in the tables the
    parse_id column is blanked: it is the database's row number, which follows the order reports arrived in
    (so it differs between -j 1 and -j 2 as well); reports are named by report_key."""
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, extra in (("cells.csv", []), ("findings.json", ["--findings"]), ("wide.csv", ["--wide"])):
        res = CliRunner().invoke(main, ["export", *extra, "--db", url, "-o", str(out / name)])
        assert res.exit_code == 0, res.output
        files[name] = (out / name).read_bytes()
        if name.endswith(".csv"):
            files[name] = _without_parse_id(files[name])
    return files


def _without_parse_id(data: bytes) -> bytes:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    col = rows[0].index("parse_id")
    assert all(row[col].isdigit() for row in rows[1:])
    buf = io.StringIO()
    csv.writer(buf).writerows([row[:col] + row[col + 1 :] for row in rows])
    return buf.getvalue().encode("utf-8")


def _same(got: dict[str, bytes], expected: dict[str, bytes]) -> None:
    """Equal exports; otherwise the first differing line of each file is in the message."""
    for name in expected:
        if got[name] != expected[name]:
            pairs = zip(got[name].decode().splitlines(), expected[name].decode().splitlines())
            first = next(((a, b) for a, b in pairs if a != b), None)
            raise AssertionError(f"{name} differs: {first}")


def _single_process(folder: Path, url: str, tmp: Path) -> dict[str, bytes]:
    s = open_store(url)
    try:
        summary = ingest(s, [folder], jobs=1)
    finally:
        s.dispose()
    assert summary.stored == summary.files
    return _export(url, tmp)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """`dask scheduler` and two `dask worker` processes (each with its nanny) on loopback ports chosen free."""
    pytest.importorskip("distributed")
    tmp = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + str(REPO)}
    procs = [
        subprocess.Popen(
            [
                *dask,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                "127.0.0.1:0",
                "--no-show",
            ],
            env=env,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    for i in range(2):
        procs.append(
            subprocess.Popen(
                [
                    *dask,
                    "worker",
                    address,
                    "--nthreads",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                    "--local-directory",
                    str(tmp / f"w{i}"),
                ],
                env=env,
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_cluster_ingest_with_a_worker_killed_mid_run_equals_a_single_process_ingest(
    dask_cluster, kind, request, tmp_path
):
    from distributed import Client

    from gongkai.store.cluster import ingest_on_cluster

    if kind == "sqlite":
        store_url, url_single = (f"sqlite:///{tmp_path / name}" for name in ("cluster.db", "single.db"))
    else:
        server = request.getfixturevalue("postgres_server")
        store_url, url_single = (server.new_database(name) for name in ("h8_cluster", "h8_single"))
    folder = tmp_path / "reports"
    write_reports(folder, 48, seed=15)
    expected = _single_process(folder, url_single, tmp_path / "single")

    with Client(dask_cluster, timeout=60) as probe:
        probe.wait_for_workers(2, timeout=120)
    killed: list[tuple[str, int, int]] = []  # (worker, its pid, files done when it was killed)
    state: dict = {}

    def connected(client) -> None:
        state["client"] = client

    def hook(_label: str, done: int, total: int) -> None:
        if killed or done < 1:
            return
        client = state["client"]
        busy = [w for w, keys in client.processing().items() if keys]
        if not busy:
            return
        pids = client.run(os.getpid, workers=busy[:1])
        worker, pid = next(iter(pids.items()))
        os.kill(pid, signal.SIGKILL)
        killed.append((worker, pid, done))

    s = open_store(store_url)
    try:
        summary = ingest_on_cluster(s, [folder], dask_cluster, chunk=3, progress=hook, on_connect=connected)
    finally:
        s.dispose()
    assert killed and killed[0][2] < 48, "no worker was killed while chunks were in flight"
    assert summary.files == 48 and summary.stored == 48 and not summary.failed and not summary.missing
    _same(_export(store_url, tmp_path / "cluster"), expected)
    # a second run over the same files changes nothing
    s = open_store(store_url)
    try:
        again = ingest_on_cluster(s, [folder], dask_cluster, chunk=3)
    finally:
        s.dispose()
    assert again.unchanged == 48 and again.stored == 0
    _same(_export(store_url, tmp_path / "again"), expected)


def test_cli_local_cluster_shipping_bytes_equals_a_single_process_ingest(tmp_path):
    pytest.importorskip("distributed")
    folder = tmp_path / "reports"
    write_reports(folder, 12, seed=16)
    expected = _single_process(folder, f"sqlite:///{tmp_path / 'single.db'}", tmp_path / "single")
    url = f"sqlite:///{tmp_path / 'cluster.db'}"
    res = CliRunner().invoke(
        main, ["ingest", str(folder), "--db", url, "--cluster", "local:2", "--ship", "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert "新入库 12" in res.output
    _same(_export(url, tmp_path / "cluster"), expected)


def test_any_arrival_order_stores_the_same(tmp_path):
    """What a cluster (or -j N) relies on: outcomes arriving in another order give the same exports. (Roll-up
    members were once chosen by row id, i.e. by arrival order.)"""
    import random

    from gongkai.readers.limits import DEFAULT_LIMITS
    from gongkai.store.ingest_worker import ingest_task

    folder = tmp_path / "reports"
    write_reports(folder, 48, seed=15)
    expected = _single_process(folder, f"sqlite:///{tmp_path / 'single.db'}", tmp_path / "single")

    def shuffled(jobs):
        outcomes = [ingest_task(job, DEFAULT_LIMITS) for job in jobs]
        random.Random(7).shuffle(outcomes)
        return outcomes

    url = f"sqlite:///{tmp_path / 'shuffled.db'}"
    s = open_store(url)
    try:
        ingest(s, [folder], runner=shuffled)
    finally:
        s.dispose()
    _same(_export(url, tmp_path / "shuffled"), expected)
