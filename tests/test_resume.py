"""Killing an ingest half way and running it again ends in the same corpus as one clean run."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import ARCADIA, EMAIL_PLAIN, FL_DOC, JIM_WELLS, SAMPLE

READINGROOM = [sys.executable, "-m", "readingroom.cli"]


def run_ingest(db: Path, folder: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen(READINGROOM + ["--corpus", str(db), "ingest", str(folder), "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen)


def snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    q = lambda sql: sorted(conn.execute(sql).fetchall())
    return {
        "documents": q("SELECT id, parent_id, path, page_count FROM documents"),
        "pages": q("SELECT document_id, page_number, text, method FROM pages"),
        "chunks": q("SELECT document_id, first_page, char_start, char_end, text FROM chunks"),
        "mentions": q("SELECT m.document_id, m.page_number, m.start, m.end, e.type, e.name FROM mentions m "
                      "JOIN entities e ON e.id = m.entity_id"),
        "errors": q("SELECT path, stage FROM ingest_errors"),
    }


def documents_in(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_kill_and_rerun_equals_one_clean_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in (JIM_WELLS, ARCADIA, FL_DOC, EMAIL_PLAIN, SAMPLE / "emails" / "Re__Draft_Agenda.msg.eml"):
        shutil.copy(path, folder / path.name)

    clean = tmp_path / "clean.db"
    assert run_ingest(clean, folder).wait(timeout=600) == 0

    killed = tmp_path / "killed.db"
    proc = run_ingest(killed, folder)
    deadline = time.monotonic() + 300
    while documents_in(killed) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = documents_in(killed)
    assert 2 <= stored < 5

    rerun = run_ingest(killed, folder)
    out = rerun.communicate(timeout=600)[0].decode()
    assert rerun.returncode == 0, out
    assert f"{stored} already in the corpus" in " ".join(out.split())

    assert snapshot(killed) == snapshot(clean)
    check = subprocess.run(READINGROOM + ["--corpus", str(killed), "index", "check"], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.startswith("ok"), check.stdout


def test_interrupted_after_every_file_is_stored_the_rerun_still_resolves_entities(tmp_path, monkeypatch):
    """Every document stored, then interrupted before the corpus-wide steps (entity resolution,
    duplicates): a re-run has no file left to ingest, yet must do those steps (a 20-moment crash
    run found 'Asst' and 'Xv' left as persons that a clean run drops)."""
    import readingroom.entity_resolution as resolution
    from corpus.store import Corpus
    from ingest.options import IngestOptions
    from readingroom.ingesting import ingest
    folder = tmp_path / "in"
    folder.mkdir()
    for path in (ARCADIA, EMAIL_PLAIN):
        shutil.copy(path, folder / path.name)
    with Corpus(tmp_path / "clean.db") as corpus:
        ingest(corpus, [folder], IngestOptions(workers=1))
    resolve = resolution.resolve_entities

    def interrupted(corpus):
        raise KeyboardInterrupt
    monkeypatch.setattr(resolution, "resolve_entities", interrupted)
    with Corpus(tmp_path / "c.db") as corpus:
        assert ingest(corpus, [folder], IngestOptions(workers=1)).interrupted
    monkeypatch.setattr(resolution, "resolve_entities", resolve)
    with Corpus(tmp_path / "c.db") as corpus:
        again = ingest(corpus, [folder], IngestOptions(workers=1))
    assert again.documents == 0
    assert snapshot(tmp_path / "c.db") == snapshot(tmp_path / "clean.db")
