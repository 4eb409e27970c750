"""`readingroom annotate`: extraction run again over stored pages gives what ingest gave, keeps
passages and vectors that did not change, and replaces those that did."""
from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from corpus.store import Corpus
from readingroom.cli import app

runner = CliRunner()
MENTIONS = ("SELECT e.type, e.name, m.document_id, m.page_number, m.chunk_id, m.start, m.end, m.text, m.normalized"
            " FROM mentions m JOIN entities e ON e.id = m.entity_id ORDER BY 1, 2, 3, 4, 6, 7")


def copy_corpus(ingested, tmp_path):
    src = ingested[0]
    dst = tmp_path / "copy.db"
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    with Corpus(src) as c:
        shutil.copy(c.vectors_path, dst.with_suffix(".faiss"))
    return dst


def snapshot(path):
    with Corpus(path) as c:
        return {"mentions": c.rows(MENTIONS),
                "agreements": c.rows("SELECT * FROM agreements ORDER BY document_id"),
                "signatories": c.rows("SELECT document_id, role, name, title, organization, signed_date, page_number"
                                      " FROM signatories ORDER BY 1, 2, 3"),
                "chunks": c.rows("SELECT id, document_id, text FROM chunks ORDER BY id"),
                "documents": c.rows("SELECT id, title, doc_type, doc_date FROM documents ORDER BY id")}


@pytest.mark.parametrize("workers", [1, 2])
def test_annotate_again_restores_what_ingest_found_and_keeps_vectors(ingested, tmp_path, workers):
    path = copy_corpus(ingested, tmp_path)
    before = snapshot(path)
    assert before["mentions"] and before["agreements"] and before["signatories"]
    with Corpus(path) as c, c.conn:          # as if an older extractor had found nothing
        for table in ("mentions", "entities", "agreements", "signatories", "clauses"):
            c.conn.execute(f"DELETE FROM {table}")
    result = runner.invoke(app, ["--corpus", str(path), "annotate", "--workers", str(workers), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == len(before["documents"]) and summary["errors"] == []
    assert summary["rechunked"] == 0 and summary["embedded"] == 0
    assert snapshot(path) == before
    check = json.loads(runner.invoke(app, ["--corpus", str(path), "index", "check", "--format", "json"]).stdout)
    assert check["ok"], check


def test_annotate_replaces_passages_that_changed_and_their_vectors(ingested, tmp_path):
    path = copy_corpus(ingested, tmp_path)
    with Corpus(path) as c:
        doc_id = c.rows("SELECT id FROM documents WHERE doc_type = 'moa' ORDER BY id LIMIT 1")[0]["id"]
        old_ids = [r["id"] for r in c.rows("SELECT id FROM chunks WHERE document_id = ?", [doc_id])]
        with c.conn:                          # as if an older chunker had cut this document otherwise
            c.conn.execute("UPDATE chunks SET text = text || ' (old cut)' WHERE id = ?", [old_ids[0]])
    result = runner.invoke(app, ["--corpus", str(path), "annotate", doc_id[:12], "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 1 and summary["rechunked"] == 1 and summary["embedded"] == len(old_ids)
    with Corpus(path) as c:
        new_ids = [r["id"] for r in c.rows("SELECT id FROM chunks WHERE document_id = ?", [doc_id])]
        assert not set(new_ids) & set(old_ids)
        assert not c.rows("SELECT 1 FROM chunks WHERE text LIKE '%(old cut)'")
        assert not c.rows("SELECT 1 FROM mentions WHERE chunk_id NOT IN (SELECT id FROM chunks)")
    check = json.loads(runner.invoke(app, ["--corpus", str(path), "index", "check", "--format", "json"]).stdout)
    assert check["ok"], check


def test_annotate_names_an_unknown_document(ingested, tmp_path):
    path = copy_corpus(ingested, tmp_path)
    result = runner.invoke(app, ["--corpus", str(path), "annotate", "ffffffffffff"])
    assert result.exit_code != 0 and "no document ffffffffffff" in result.output


def test_entities_no_mention_refers_to_are_dropped(ingested, tmp_path):
    path = copy_corpus(ingested, tmp_path)
    with Corpus(path) as c, c.conn:
        c.conn.execute("INSERT INTO entities (type, name, attributes) VALUES ('PERSON', 'Nobody Mentioned', '{}')")
    assert runner.invoke(app, ["--corpus", str(path), "annotate", "--format", "json"]).exit_code == 0
    with Corpus(path) as c:
        assert not c.rows("SELECT 1 FROM entities WHERE name = 'Nobody Mentioned'")
        assert not c.rows("SELECT 1 FROM entities WHERE id NOT IN (SELECT entity_id FROM mentions)")
