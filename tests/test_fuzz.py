"""Fuzzing: the search command on arbitrary strings (Hypothesis), and the loaders on mutated copies
of the bundled real files (bytes flipped, cut short, spliced). Never a traceback; every failure one
line with a reason; nothing hangs past the time limit; the corpus passes `check` afterwards.
Inputs that once broke something are kept in tests/fuzz_regressions/ and ingested every time."""
from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from conftest import SAMPLE
from readingroom.cli import app

runner = CliRunner()
REGRESSIONS = Path(__file__).resolve().parent / "fuzz_regressions"
QUERY_PIECES = st.sampled_from(['"', "(", ")", "*", "AND", "OR", "NOT", "NEAR(", ",", "-", ":", "^", "§", "'",
                                "warrant", "ICE", "287(g)", " ", "\x00", "{", "}", "[", "]", "+", "\\", "NEAR"])
QUERIES = st.one_of(st.text(max_size=60), st.lists(QUERY_PIECES, max_size=12).map(" ".join),
                    st.lists(QUERY_PIECES, max_size=12).map("".join))


def assert_one_line_or_results(result, query):
    assert result.exception is None or isinstance(result.exception, SystemExit), (query, result.exception)
    assert "Traceback" not in result.output, query
    assert result.exit_code in (0, 2), (query, result.exit_code, result.output)
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and errors[0].startswith("error: "), (query, result.stderr)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES)
def test_keyword_search_on_any_string_answers_or_says_why_in_one_line(ingested, query):
    if "\x00" in query:     # a NUL cannot be passed on a command line
        query = query.replace("\x00", "")
    # after `--`, a query that starts with "-" is a query, not an option
    result = runner.invoke(app, ["--corpus", str(ingested[0]), "search", "--mode", "keyword",
                                 "--format", "json", "--limit", "3", "--", query])
    assert_one_line_or_results(result, query)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES)
def test_hybrid_search_on_any_string_answers_or_says_why_in_one_line(ingested, query):
    query = query.replace("\x00", "")
    result = runner.invoke(app, ["--corpus", str(ingested[0]), "search", "--format", "json", "--limit", "3", "--", query])
    assert_one_line_or_results(result, query)


# -- loaders on mutated real files --------------------------------------------------------------

def samples() -> list[Path]:
    return sorted(p for p in SAMPLE.rglob("*") if p.is_file() and p.suffix != ".md")


def mutate(data: bytes, other: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(["flip", "truncate", "splice", "repeat", "zero"])
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 64)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return kind, bytes(out)
    if kind == "truncate":
        return kind, data[:rng.randrange(1, len(data))]
    if kind == "splice":
        at, start = rng.randrange(len(data)), rng.randrange(len(other))
        return kind, data[:at] + other[start:start + rng.randint(1, 4096)] + data[at + rng.randint(0, 4096):]
    if kind == "repeat":
        start = rng.randrange(len(data))
        piece = data[start:start + rng.randint(1, 2048)]
        return kind, data[:start] + piece * rng.randint(2, 50) + data[start:]
    start = rng.randrange(len(data))                      # a run of zeros, as a damaged sector leaves
    return kind, data[:start] + b"\x00" * rng.randint(16, 8192) + data[start + 512:]


def make_mutants(folder: Path, n: int, seed: int, small_only: bool) -> list[Path]:
    rng = random.Random(seed)
    files = [p for p in samples() if not small_only or p.stat().st_size < 320_000]
    made = []
    for i in range(n):
        source, other = rng.choice(files), rng.choice(files)
        kind, data = mutate(source.read_bytes(), other.read_bytes(), rng)
        path = folder / f"{i:03d}-{kind}-{source.name}"
        path.write_bytes(data)
        made.append(path)
    return made


def ingest_and_account(tmp_path: Path, inputs: list[Path], ocr: str, timeout: float) -> dict:
    from corpus.store import Corpus
    from ingest.options import IngestOptions
    from readingroom.checking import check
    from readingroom.ingesting import ingest
    with Corpus(tmp_path / "c.db") as corpus:
        summary = ingest(corpus, inputs, IngestOptions(workers=2, ocr=ocr, timeout=timeout))
        stored = {r["path"] for r in corpus.rows("SELECT path FROM documents")}
        ids = set(corpus.document_ids())
        failed = {r["path"]: r["message"] for r in corpus.rows("SELECT path, message FROM ingest_errors")}
        for path in inputs:
            data = path.read_bytes()
            assert str(path) in stored or str(path) in failed or hashlib.sha256(data).hexdigest() in ids, path
            if str(path) in failed:
                message = failed[str(path)]
                assert message.strip() and "\n" not in message and len(message) < 600, (path, message)
        report = check(corpus)
        assert report.ok, report.as_dict()
    stages = [e.stage for e in summary.errors]
    return {"mutants": len(inputs), "stored": len(stored & {str(p) for p in inputs}),
            "recorded": sum(str(p) in failed for p in inputs), "hangs": stages.count("timeout"),
            "crashed": stages.count("crashed") + stages.count("memory")}


def test_mutated_real_files_are_each_ingested_or_recorded_with_a_reason(tmp_path):
    folder = tmp_path / "mutants"
    folder.mkdir()
    mutants = make_mutants(folder, 30, seed=14, small_only=True) + sorted(REGRESSIONS.glob("*.*"))
    found = ingest_and_account(tmp_path, mutants, ocr="never", timeout=120)
    assert found["stored"] + found["recorded"] >= found["mutants"] - 2     # a mutant may equal another's bytes


@pytest.mark.faults
def test_500_mutated_real_files(tmp_path):
    folder = tmp_path / "mutants"
    folder.mkdir()
    mutants = make_mutants(folder, 500, seed=2026, small_only=False)
    found = ingest_and_account(tmp_path, mutants, ocr="auto", timeout=300)
    print(f"fuzz: {found}")
