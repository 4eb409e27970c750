"""Crash anywhere, converge: each long command (ingest, annotate, index rebuild, remove) is killed
with SIGKILL at seeded random moments and run again; the corpus must then pass `check` and equal
the one a clean run makes. One moment per command here; `make faults` kills each at 20."""
from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ARCADIA, EMAIL_PLAIN, SAMPLE

READINGROOM = [sys.executable, "-m", "readingroom"]
SEED = 14
COMMANDS = {                       # what each is run as, after the corpus is prepared
    "ingest": lambda folder: ["ingest", str(folder), "--workers", "1"],
    "annotate": lambda folder: ["annotate", "--workers", "1"],
    "index rebuild": lambda folder: ["index", "rebuild", "--reembed"],
    "remove": lambda folder: ["remove", ARCADIA_ID],
}
ARCADIA_ID = None   # set once the inputs are known
STARTUP = 0.0       # a command's seconds before it starts work, measured with the world
USER_TABLES = ("tags", "notes", "entity_decisions", "page_words")   # the user's own, when present


def run(db: Path, args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(READINGROOM + ["--corpus", str(db), *args], capture_output=True, text=True, timeout=900, **kw)


def snapshot(db: Path) -> dict:
    """Everything a run makes, without the row ids a re-run may number differently."""
    conn = sqlite3.connect(db)
    q = lambda sql: sorted(map(repr, conn.execute(sql).fetchall()))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    out = {
        "documents": q("SELECT id, parent_id, path, file_name, doc_type, title, doc_date, page_count FROM documents"),
        "pages": q("SELECT document_id, page_number, text, method, signature_text FROM pages"),
        "passages": q("SELECT document_id, first_page, last_page, char_start, char_end, section, text FROM chunks"),
        "entities": q("SELECT type, name, attributes FROM entities"),
        "mentions": q("SELECT m.document_id, m.page_number, m.start, m.end, m.text, m.normalized, e.type, e.name,"
                      " c.char_start FROM mentions m JOIN entities e ON e.id = m.entity_id"
                      " LEFT JOIN chunks c ON c.id = m.chunk_id"),
        "agreements": q("SELECT * FROM agreements"),
        "signatories": q("SELECT document_id, role, name, title, organization, signed_date, page_number FROM signatories"),
        "clauses": q("SELECT document_id, key, heading, level, position, page_number, text FROM clauses"),
        "errors": q("SELECT path, stage FROM ingest_errors"),
    }
    for table in USER_TABLES:
        if table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in ("id", "created_at")]
            out[table] = q(f"SELECT {', '.join(columns)} FROM {table}")
    conn.close()
    import faiss
    out["vectors"] = faiss.read_index(str(db.with_suffix(".faiss"))).ntotal
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The inputs, a corpus ingested from them, and the clean result of each command with its duration."""
    global ARCADIA_ID
    import hashlib
    root = tmp_path_factory.mktemp("crash")
    folder = root / "in"
    folder.mkdir()
    for path in (ARCADIA, EMAIL_PLAIN, SAMPLE / "emails" / "Re__Draft_Agenda.msg.eml"):
        shutil.copy(path, folder / path.name)
    ARCADIA_ID = hashlib.sha256(ARCADIA.read_bytes()).hexdigest()
    base = root / "base" / "c.db"
    started = time.monotonic()
    assert run(base, COMMANDS["ingest"](folder)).returncode == 0
    clean = {"ingest": (snapshot(base), time.monotonic() - started)}
    started = time.monotonic()          # what every run spends before it does anything (imports)
    assert run(base, ["status"]).returncode == 0
    global STARTUP
    STARTUP = time.monotonic() - started
    for name in ("annotate", "index rebuild", "remove"):
        db = fresh(base, root / f"clean-{name.replace(' ', '-')}")
        started = time.monotonic()
        done = run(db, COMMANDS[name](folder))
        assert done.returncode == 0, done.stderr
        clean[name] = (snapshot(db), time.monotonic() - started)
    return folder, base, clean


def fresh(base: Path, where: Path) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    db = where / "c.db"
    for old in where.glob("c.*"):
        old.unlink()
    with sqlite3.connect(base) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    shutil.copy(base.with_suffix(".faiss"), db.with_suffix(".faiss"))
    return db


def kill_and_converge(world, name: str, moments: int, tmp_path: Path) -> list[float]:
    folder, base, clean = world
    expected, duration = clean[name]
    rng = random.Random(f"{SEED}-{name}")
    killed_at = []
    for n in range(moments):
        where = tmp_path / f"{n}"
        if name == "ingest":
            where.mkdir()
            db = where / "c.db"
        else:
            db = fresh(base, where)
        # a moment while the command works, not while Python imports (remove's work is a tenth of a second)
        delay = rng.uniform(min(0.8 * STARTUP, 0.5 * duration), duration)
        proc = subprocess.Popen(READINGROOM + ["--corpus", str(db), *COMMANDS[name](folder)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            killed_at.append(round(delay, 2))
        proc.wait()
        again = run(db, COMMANDS[name](folder))
        if name == "remove" and again.returncode == 2 and "no document" in again.stderr:
            pass             # the killed run had removed it whole
        else:
            assert again.returncode == 0, (name, delay, again.stderr)
        checked = run(db, ["check"])
        assert checked.returncode == 0, (name, delay, checked.stdout)
        assert snapshot(db) == expected, (name, delay)
    return killed_at


@pytest.mark.parametrize("name", list(COMMANDS))
def test_killed_once_and_run_again_equals_a_clean_run(world, name, tmp_path):
    kill_and_converge(world, name, 1, tmp_path)


@pytest.mark.faults
@pytest.mark.parametrize("name", list(COMMANDS))
def test_killed_at_20_moments_and_run_again_equals_a_clean_run(world, name, tmp_path):
    killed = kill_and_converge(world, name, 20, tmp_path)
    print(f"{name}: killed at {len(killed)} of 20 moments ({killed}), converged every time")


def test_a_full_disk_stops_the_batch_with_one_line_and_a_rerun_loses_nothing(world, tmp_path):
    import resource
    folder, base, clean = world
    db = tmp_path / "c.db"

    def small_disk():    # files may grow to 256 KiB: the corpus of these files needs more
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
    full = run(db, COMMANDS["ingest"](folder), preexec_fn=small_disk)
    assert full.returncode == 8, full.stderr
    [line] = [l for l in full.stderr.splitlines() if l.startswith("error:")]
    assert "full" in line and "run the same command again" in line and "Traceback" not in full.stderr
    again = run(db, COMMANDS["ingest"](folder))
    assert again.returncode == 0, again.stderr
    assert run(db, ["check"]).returncode == 0
    assert snapshot(db) == clean["ingest"][0]
