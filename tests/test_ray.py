"""The Ray engine on a two-node cluster on this machine (`ray start --head` and a second
`ray start --address`, one CPU each): the corpus it builds equals the local process pool's; a
worker killed mid-unit is replaced, the unit runs again, nothing is lost or stored twice;
`annotate --cluster` runs on the same engine. Needs the extra readingroom[ray] (`make test`
installs it)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ARCADIA, EMAIL_PLAIN
from test_page_ranges import ingest_into, scanned_pdf, snapshot

pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parent.parent
RAY = str(Path(sys.executable).with_name("ray"))
QUERIES = ("who signed the agreement for ICE", "records responsive to your request", "quorum of the board")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    """The address of a two-node Ray cluster (1 CPU each) on this machine; stopped afterwards."""
    port = free_port()
    # on loopback only, without Ray's token authentication (a real cluster shares RAY_AUTH_TOKEN)
    before = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
               OMP_THREAD_LIMIT="1", RAY_USAGE_STATS_ENABLED="0")
    common = ["--num-cpus=1", "--object-store-memory=150000000", "--node-ip-address=127.0.0.1", "--disable-usage-stats"]
    try:
        head = subprocess.run([RAY, "start", "--head", f"--port={port}", "--include-dashboard=false", *common],
                              env=env, capture_output=True, text=True, timeout=300)
        assert head.returncode == 0, head.stderr[-2000:]
        node = subprocess.run([RAY, "start", f"--address=127.0.0.1:{port}", *common],
                              env=env, capture_output=True, text=True, timeout=300)
        assert node.returncode == 0, node.stderr[-2000:]
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([RAY, "stop", "--force"], capture_output=True, timeout=300)
        if before is None:
            os.environ.pop("RAY_AUTH_MODE", None)
        else:
            os.environ["RAY_AUTH_MODE"] = before


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """An agreement with form fields, an email, and a three-page scan (split into one-page units)."""
    folder = tmp_path_factory.mktemp("ray-in")
    for path in (ARCADIA, EMAIL_PLAIN):
        shutil.copy(path, folder / path.name)
    scanned_pdf(folder / "scan.pdf", [0, 1, 0])
    return folder


@pytest.fixture(scope="module")
def local(inputs, tmp_path_factory) -> Path:
    """The same inputs ingested by the local process pool, as one unit per file."""
    db = tmp_path_factory.mktemp("local") / "local.db"
    summary = ingest_into(db, [inputs], workers=2)
    assert summary.documents == 3 and not summary.errors
    return db


def full_snapshot(db: Path) -> dict:
    out = snapshot(db)
    conn = sqlite3.connect(db)
    out["entities"] = sorted(map(repr, conn.execute("SELECT type, name, attributes FROM entities")))
    conn.close()
    return out


def top_hits(db: Path) -> list:
    from corpus.store import Corpus
    from search.engine import search
    with Corpus(db) as corpus:
        return [[(h.doc_id, h.page, h.snippet) for h in search(corpus, q, mode="semantic", limit=3)] for q in QUERIES]


def test_a_two_node_cluster_builds_the_corpus_the_process_pool_builds(cluster, inputs, local, tmp_path):
    import ray
    db = tmp_path / "ray.db"
    done = subprocess.run([sys.executable, "-m", "readingroom", "--corpus", str(db), "ingest", str(inputs),
                           "--cluster", cluster, "--unit-pages", "1", "--format", "json"],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["documents"] == 3 and not summary["errors"] and summary["embedded"] == summary["chunks"] > 0
    ray.init(address=cluster, log_to_driver=False)
    try:
        assert len([n for n in ray.nodes() if n["Alive"]]) == 2        # an actor (one CPU) on each node
    finally:
        ray.shutdown()
    assert full_snapshot(db) == full_snapshot(local)
    assert top_hits(db) == top_hits(local)


def test_a_ray_worker_killed_mid_unit_is_replaced_and_nothing_is_lost_or_doubled(cluster, tmp_path):
    from readingroom.ray_engine import RayPool
    scan = scanned_pdf(tmp_path / "scan.pdf", [0, 1, 0, 1])
    ingest_into(tmp_path / "clean.db", [scan], workers=1, unit_pages=1)
    pool = RayPool(cluster)
    killed = []

    def kill_one_busy_actor():
        deadline = time.monotonic() + 600
        while not killed and time.monotonic() < deadline:
            for unit, pid, seconds in pool.running_units():
                if type(unit).__name__ == "PagesUnit" and seconds > 0.3:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one_busy_actor, daemon=True)
    killer.start()
    done = ingest_into(tmp_path / "killed.db", [scan], unit_pages=1, executor=pool)
    killer.join(5)
    assert killed and done.retried >= 1 and not done.errors
    assert snapshot(tmp_path / "killed.db") == snapshot(tmp_path / "clean.db")


def test_annotate_on_the_cluster_gives_what_annotate_here_gives(cluster, local, tmp_path):
    from conftest import copy_corpus
    from corpus.store import Corpus
    from readingroom.annotating import reannotate
    db = copy_corpus(local, tmp_path, "again")
    with Corpus(db) as corpus:
        summary = reannotate(corpus, cluster=cluster)
    assert summary.documents == 3 and not summary.errors and summary.rechunked == 0
    assert full_snapshot(db) == full_snapshot(local)
