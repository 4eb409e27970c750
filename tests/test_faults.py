"""Every fault of the corpus, its vector index or its disk is one line, naming the file, what is
wrong and the command that fixes it, with an exit code of its own; never a traceback."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess

import pytest
from typer.testing import CliRunner

from corpus.errors import EXIT_CODES
from readingroom.cli import app

runner = CliRunner()


@pytest.fixture
def copy(ingested, tmp_path):
    """A copy of the session's corpus (and its FAISS file) to damage."""
    path = tmp_path / "c.db"
    with sqlite3.connect(ingested[0]) as conn:     # the .db alone, with its log folded in
        conn.execute("VACUUM INTO ?", [str(path)])
    shutil.copy(ingested[0].with_suffix(".faiss"), path.with_suffix(".faiss"))
    return path


def rr(path, *args):
    return runner.invoke(app, ["--corpus", str(path), *args])


def one_line(result, code: int, *words: str) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_truncated_faiss_file_is_named_with_its_fix(copy):
    faiss_path = copy.with_suffix(".faiss")
    faiss_path.write_bytes(faiss_path.read_bytes()[:50_000])
    for args in (["search", "warrant"], ["similar", "0"], ["ingest", str(copy.parent / "nothing.txt")]):
        if args[0] == "ingest":
            (copy.parent / "nothing.txt").write_text("A letter from the sheriff.")
        one_line(rr(copy, *args), 6, str(faiss_path), "truncated or damaged", "readingroom index rebuild")
    status = rr(copy, "status", "--format", "json")
    assert status.exit_code == 0 and "truncated or damaged" in json.loads(status.stdout)["warnings"][0]


def test_a_missing_faiss_file_is_no_answer_of_no_hits(copy):
    copy.with_suffix(".faiss").unlink()
    one_line(rr(copy, "search", "warrant of removal", "--mode", "semantic"), 6, "vector index is missing",
             "readingroom index rebuild", "--mode keyword")
    assert rr(copy, "search", "warrant", "--mode", "keyword").exit_code == 0
    status = rr(copy, "status")
    assert status.exit_code == 0 and "warning:" in status.stderr and "missing" in status.stderr


def test_vectors_of_another_dimension_or_model(copy):
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE meta SET value = '512' WHERE key = 'embedding_dimension'")
    one_line(rr(copy, "search", "warrant"), 6, "dimension 384", "expects 512")
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE meta SET value = '384' WHERE key = 'embedding_dimension'")
        conn.execute("""UPDATE meta SET value = '"other/model"' WHERE key = 'embedding_model'""")
    one_line(rr(copy, "search", "warrant"), 6, "vectors made by other/model", "index rebuild --reembed")


def test_a_damaged_foreign_newer_or_missing_corpus(copy, tmp_path):
    data = copy.read_bytes()
    copy.write_bytes(data[:len(data) // 3])
    for args in (["status"], ["search", "warrant"], ["entities"]):
        one_line(rr(copy, *args), 3, str(copy), "damaged", "readingroom check")
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database at all\n" * 100)
    one_line(rr(foreign, "status"), 4, str(foreign), "not a readingroom corpus")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:           # someone else's SQLite file is left alone
        conn.execute("CREATE TABLE birds (name TEXT)")
    one_line(rr(other, "status"), 4, "not a readingroom corpus")
    assert [r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")] == ["birds"]
    copy.write_bytes(data)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    one_line(rr(copy, "search", "warrant"), 5, "schema version 99", "upgrade readingroom")
    one_line(rr(tmp_path / "none.db", "status"), 2, "no corpus at")


def test_an_unwritable_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    (tmp_path / "in.txt").write_text("A letter.")
    one_line(rr(blocker / "c.db", "ingest", str(tmp_path / "in.txt")), 7, "cannot write here")


def test_debug_shows_the_traceback(copy):
    copy.with_suffix(".faiss").write_bytes(b"garbage")
    result = runner.invoke(app, ["--debug", "--corpus", str(copy), "search", "warrant"])
    assert result.exit_code != 0 and type(result.exception).__name__ == "IndexFileError"


@pytest.mark.parametrize("args, words", [
    (["bogus"], ["No such command 'bogus'", "--help"]),
    (["search", "warrant", "--mode", "fuzzy"], ["--mode", "search --help"]),
    (["search", "warrant", "--limit"], ["--limit", "requires an argument"]),
])
def test_a_mistyped_command_is_one_line_too(args, words):
    one_line(runner.invoke(app, args), 2, *words)


def test_exit_codes_are_distinct_and_documented():
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} |" in readme, (code, meaning)


# -- check and repair ---------------------------------------------------------------------------

def findings(result) -> dict:
    return {f["name"]: f for f in json.loads(result.stdout)["findings"]}


def test_check_finds_and_repair_mends_what_can_be_rebuilt(copy):
    assert rr(copy, "check").exit_code == 0
    with sqlite3.connect(copy) as conn:
        conn.execute("INSERT INTO chunks_fts(rowid, text) VALUES (999999, 'ghost words')")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("INSERT INTO pages (document_id, page_number, text) VALUES ('gone', 1, 'left behind')")
        conn.execute("DELETE FROM mentions WHERE entity_id IN (SELECT id FROM entities LIMIT 3)")
    faiss_path = copy.with_suffix(".faiss")
    faiss_path.write_bytes(faiss_path.read_bytes()[:30_000])
    before = rr(copy, "check", "--format", "json")
    assert before.exit_code == 1
    bad = {name for name, f in findings(before).items() if not f["ok"]}
    assert bad == {"fts", "vectors", "documents", "mentions"}
    mended = rr(copy, "repair", "--format", "json")
    assert mended.exit_code == 0, mended.output
    assert len(json.loads(mended.stdout)["repaired"]) == 4
    after = rr(copy, "check", "--format", "json")
    assert after.exit_code == 0 and json.loads(after.stdout)["ok"]
    assert rr(copy, "search", "warrant of removal", "--mode", "semantic").exit_code == 0


def test_check_on_a_damaged_database_and_changed_originals(copy):
    kept = copy.with_name("c.originals") / "ab"
    kept.mkdir(parents=True)
    data = b"the original bytes"
    import hashlib
    (kept / hashlib.sha256(data).hexdigest()).write_bytes(data)
    assert findings(rr(copy, "check", "--format", "json"))["originals"]["ok"]
    (kept / hashlib.sha256(b"other").hexdigest()).write_bytes(data)
    result = rr(copy, "repair", "--format", "json")
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    [unfixable] = json.loads(result.stdout)["unfixable"]
    assert unfixable.startswith("originals:") and "does not match its hash" in unfixable
    whole = copy.read_bytes()
    copy.write_bytes(whole[:len(whole) // 2])
    damaged = rr(copy, "check", "--format", "json")
    assert damaged.exit_code == 1 and not findings(damaged)["sqlite"]["fixable"]


# -- one writer at a time -----------------------------------------------------------------------

def test_a_second_writer_is_refused_naming_the_first_and_readers_go_on(copy):
    from corpus.lock import holder, lock_path, writer_lock
    with writer_lock(copy, "readingroom ingest big-folder"):
        for args in (["remove", "0"], ["repair"], ["index", "rebuild"], ["annotate"],
                     ["ingest", str(copy)]):
            line = one_line(rr(copy, *args), 9, "another command is writing to this corpus",
                            f"pid {os.getpid()}", "readingroom ingest big-folder")
        assert "wait for it to finish" in line
        assert rr(copy, "search", "warrant", "--mode", "keyword").exit_code == 0
        assert rr(copy, "status").exit_code == 0 and rr(copy, "check").exit_code == 0
    assert holder(copy) is None                    # released: the file is left empty
    dead = subprocess.Popen(["true"])
    dead.wait()
    lock_path(copy).write_text(json.dumps({"pid": dead.pid, "command": "readingroom annotate", "host": "x"}))
    taken = rr(copy, "repair")
    assert taken.exit_code == 0, taken.output
    assert f"taking over the lock left by pid {dead.pid} (readingroom annotate)" in taken.stderr


# -- no hang: a time limit and a memory ceiling per file ----------------------------------------

def test_a_slow_file_and_a_greedy_file_are_stopped_and_recorded_and_the_batch_goes_on(tmp_path):
    from conftest import KALVEN
    from corpus.store import Corpus
    from ingest.options import IngestOptions
    from readingroom.ingesting import ingest
    letter = tmp_path / "letter.txt"
    letter.write_text("A short letter from the Sheriff of Jim Wells County about the 287(g) program.")
    greedy = tmp_path / "greedy.txt"          # 120 MB of text: more than 1.5 GiB of worker memory holds
    greedy.write_text(("The sheriff signed the agreement with ICE on March 3, 2025. " * 20 + "\n\n") * 100_000)
    with Corpus(tmp_path / "c.db") as corpus:
        # one page read at 600 dpi takes Tesseract seconds (2.5 s on a quiet machine): past a 1-second
        # limit, whatever else the machine is doing
        summary = ingest(corpus, [letter, KALVEN], IngestOptions(workers=1, timeout=1, dpi=600, ocr="always"),
                         embed=False)
        assert summary.documents == 1
        [slow] = summary.errors
        assert slow.path == str(KALVEN) and slow.stage == "timeout" and "no progress for 1 s" in slow.reason
        summary = ingest(corpus, [greedy, letter], IngestOptions(workers=1, max_memory_mb=1500), embed=False)
        [big] = summary.errors
        assert big.path == str(greedy) and big.stage == "memory"
        recorded = {(e["path"], e["stage"]) for e in corpus.errors()}
        assert recorded == {(str(KALVEN), "timeout"), (str(greedy), "memory")}
