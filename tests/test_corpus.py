"""The corpus file itself: a corpus made by an older readingroom is brought up to date."""
from __future__ import annotations

import sqlite3

import pytest

from corpus.schema import SCHEMA_VERSION
from corpus.store import Corpus


def test_version_1_corpus_gains_the_signature_text_and_source_columns(tmp_path):
    path = tmp_path / "old.db"
    with Corpus(path):
        pass
    # make it look like a version-1 corpus: no pages.signature_text
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE pages DROP COLUMN signature_text")
    conn.execute("ALTER TABLE signatories DROP COLUMN source")
    for statement in ("DROP TRIGGER chunks_ai", "DROP TRIGGER chunks_ad", "DROP TRIGGER chunks_au",
                      "DROP TABLE chunks_fts", "ALTER TABLE chunks DROP COLUMN context",
                      "CREATE VIRTUAL TABLE chunks_fts USING FTS5 (text, content=chunks)"):
        conn.execute(statement)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with Corpus(path) as corpus:
        columns = {r[1] for r in corpus.conn.execute("PRAGMA table_info(pages)")}
        assert "signature_text" in columns
        assert "source" in {r[1] for r in corpus.conn.execute("PRAGMA table_info(signatories)")}
        assert "context" in {r[1] for r in corpus.conn.execute("PRAGMA table_info(chunks)")}
        assert corpus.get_meta("schema_version") == SCHEMA_VERSION == 5


def test_corpus_from_a_newer_readingroom_is_refused(tmp_path):
    path = tmp_path / "new.db"
    with Corpus(path) as corpus:
        corpus.set_meta("schema_version", SCHEMA_VERSION + 1)
    with pytest.raises(RuntimeError, match="schema version"):
        Corpus(path)
