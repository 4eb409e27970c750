"""The corpus store: SQLite through sqlite-utils.

Every write goes through `Corpus`. A document is written whole (document, pages, chunks,
entities, mentions, agreement facts) in one transaction, or not at all: an interrupted
ingest never leaves half a document behind.
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

from corpus.entity_store import entity_attributes, merge_attributes
from corpus.errors import CorpusError, CorpusTooNew, classify, not_a_corpus
from corpus.records import Document, Page
from corpus.schema import DDL, MIGRATIONS, SCHEMA_VERSION

DEFAULT_NAME = "readingroom.db"
LOADER_TYPES = ("email", "archive", "mailbox")     # document types a loader sets, not the NLP stage
FTS_TOKENIZER = "unicode61 remove_diacritics 2"   # no stemming: a quoted phrase means what it says


def default_corpus_path() -> Path:
    """`READINGROOM_CORPUS` if set, else `readingroom.db` in the working directory."""
    return Path(os.environ.get("READINGROOM_CORPUS") or DEFAULT_NAME)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Corpus:
    """One corpus: `NAME.db` and `NAME.faiss` beside it."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_corpus_path()
        try:   # a damaged, foreign or unwritable file is named here, as one CorpusError
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
            self.conn = self.db.conn
            self.conn.execute("PRAGMA busy_timeout=30000")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._ensure_schema()
        except (sqlite3.Error, OSError) as err:
            raise (classify(err, self.path) or CorpusError(self.path, f"cannot open the corpus ({err})")) from err

    @property
    def vectors_path(self) -> Path:
        return self.path.with_suffix(".faiss")

    def close(self) -> None:
        try:   # fold the write-ahead log into the .db (without waiting for readers), so a copy of the file alone is the corpus
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass
        self.conn.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema and meta ------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:     # someone else's database: leave it alone
            raise not_a_corpus(self.path)
        with self.conn:
            self.conn.executescript(DDL)
        found = self.get_meta("schema_version")
        if found is None:
            self._ensure_fts()
            self.set_meta("schema_version", SCHEMA_VERSION)
            return
        version = int(found)
        while version in MIGRATIONS:
            with self.conn:
                for statement in MIGRATIONS[version]:
                    self.conn.execute(statement)
            version += 1
            self.set_meta("schema_version", version)
        self._ensure_fts()
        if version != SCHEMA_VERSION:
            raise CorpusTooNew(self.path, f"corpus schema version {found}, this readingroom reads {SCHEMA_VERSION}",
                               "upgrade readingroom (pip install -U readingroom), or ingest again into a new corpus")

    def _ensure_fts(self) -> None:
        """The FTS5 index over passages' text and context (kept by triggers); after a migration
        dropped it, the context is filled first so that one pass indexes both."""
        if not self.db["chunks_fts"].exists():
            from corpus.context import refresh
            refresh(self)
            self.db["chunks"].enable_fts(["text", "context"], tokenize=FTS_TOKENIZER, create_triggers=True)

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                              [key, json.dumps(value)])

    # -- writes -----------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def add_document(self, doc: Document) -> list[int] | None:
        """Write one document whole; returns the new chunk ids, or None if it was here already."""
        with self.conn:   # one transaction
            if self.has_document(doc.id):
                return None
            self.conn.execute(
                "INSERT INTO documents (id, parent_id, path, file_name, media_type, title, doc_type,"
                " doc_date, page_count, source_meta, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [doc.id, doc.parent_id, doc.path, doc.file_name, doc.media_type, doc.title,
                 doc.doc_type, doc.doc_date, len(doc.pages), json.dumps(doc.meta, default=str), _now()])
            self.conn.executemany(
                "INSERT INTO pages (document_id, page_number, text, method, ocr_confidence, quality,"
                " redacted_fraction, signature_text) VALUES (?,?,?,?,?,?,?,?)",
                [(doc.id, p.number, p.text, p.method, p.ocr_confidence, p.quality, p.redacted_fraction,
                  p.signature_text) for p in doc.pages])
            self.conn.executemany(   # OCR'd pages' word boxes, to outline hits on the page image
                "INSERT INTO page_words (document_id, page_number, words, boxes) VALUES (?,?,?,?)",
                [(doc.id, p.number, p.word_boxes["words"], p.word_boxes["boxes"]) for p in doc.pages if p.word_boxes])
            chunk_ids = self._write_chunks(doc)
            self._write_annotations(doc)
            self.conn.execute("DELETE FROM ingest_errors WHERE path = ?", [doc.path])
        return chunk_ids

    def _write_chunks(self, doc: Document) -> list[int]:
        from corpus.context import for_document
        for chunk, context in zip(doc.chunks, for_document(doc)):
            cur = self.conn.execute(
                "INSERT INTO chunks (document_id, first_page, last_page, char_start, char_end,"
                " section, text, context) VALUES (?,?,?,?,?,?,?,?)",
                [doc.id, chunk.first_page, chunk.last_page, chunk.char_start, chunk.char_end,
                 chunk.section, chunk.text, context])
            chunk.id = cur.lastrowid
        return [chunk.id for chunk in doc.chunks]

    def _write_annotations(self, doc: Document) -> None:
        """Mentions and agreement facts; `doc.chunks` must have their ids."""
        for m in doc.mentions:
            entity_id = self._entity_id(m.type, m.canonical, m.attributes)
            chunk_id = doc.chunks[m.chunk_index].id if m.chunk_index is not None else None
            self.conn.execute(
                "INSERT INTO mentions (entity_id, document_id, page_number, chunk_id, start, end,"
                " text, normalized) VALUES (?,?,?,?,?,?,?,?)",
                [entity_id, doc.id, m.page, chunk_id, m.start, m.end, m.text, m.normalized])
        if doc.agreement:
            row = dict(doc.agreement, document_id=doc.id)
            for key in ("sections", "facts"):
                if key in row and not isinstance(row[key], str):
                    row[key] = json.dumps(row[key])
            self.db["agreements"].insert(row, replace=True)
        if doc.signatories:
            self.db["signatories"].insert_all([dict(s, document_id=doc.id) for s in doc.signatories])
        if doc.clauses:
            self.db["clauses"].insert_all([dict(c, document_id=doc.id) for c in doc.clauses])

    def stored_document(self, doc_id: str) -> Document:
        """A stored document as the NLP stage sees it: its pages, and what its loader knew
        (an email or archive keeps the type and date it was given; the rest is found again)."""
        row = self.rows("SELECT * FROM documents WHERE id = ?", [doc_id])[0]
        pages = [Page(number=r["page_number"], text=r["text"], method=r["method"], ocr_confidence=r["ocr_confidence"],
                      quality=r["quality"], redacted_fraction=r["redacted_fraction"],
                      signature_text=r["signature_text"])
                 for r in self.rows("SELECT * FROM pages WHERE document_id = ? ORDER BY page_number", [doc_id])]
        given = row["doc_type"] in LOADER_TYPES
        return Document(id=row["id"], path=row["path"], file_name=row["file_name"], media_type=row["media_type"],
                        pages=pages, title=row["title"], parent_id=row["parent_id"],
                        doc_type=row["doc_type"] if given else None, doc_date=row["doc_date"] if given else None,
                        meta=json.loads(row["source_meta"] or "{}"))

    def replace_annotations(self, doc: Document) -> tuple[list[int], list[int]]:
        """Store a document's annotations anew, in one transaction (after `nlp.annotate` was
        run again on `stored_document`). Passages stay, with their ids and vectors, when they
        come out the same; else they are replaced. Returns (chunk ids removed, chunk ids added)."""
        keys = ("first_page", "last_page", "char_start", "char_end", "section", "text")
        stored = self.rows(f"SELECT id, {', '.join(keys)} FROM chunks WHERE document_id = ? ORDER BY id", [doc.id])
        same = [tuple(r[k] for k in keys) for r in stored] == [tuple(getattr(c, k) for k in keys) for c in doc.chunks]
        with self.conn:
            for table in ("mentions", "clauses", "signatories", "agreements"):
                self.conn.execute(f"DELETE FROM {table} WHERE document_id = ?", [doc.id])
            removed, added = [], []
            if same:
                for chunk, row in zip(doc.chunks, stored):
                    chunk.id = row["id"]
            else:
                # the new passages first, then the old ones out: new ids are never the old ones, so
                # an old vector left by a run killed before the index was updated is an orphan, found
                # and dropped, not taken for the new passage's
                removed = [r["id"] for r in stored]
                added = self._write_chunks(doc)
                self.conn.executemany("DELETE FROM chunks WHERE id = ?", [(i,) for i in removed])
            self._write_annotations(doc)
            self.conn.execute("UPDATE documents SET title = ?, doc_type = ?, doc_date = ? WHERE id = ?",
                              [doc.title, doc.doc_type, doc.doc_date, doc.id])
        from corpus.context import refresh
        stale = [cid for cid in refresh(self, [doc.id]) if cid not in added]   # context changed: embed again
        return removed + stale, added + stale

    def drop_orphan_entities(self) -> int:
        """Entities no mention refers to any more (after `replace_annotations`: once at the end,
        not per document, since it reads every mention)."""
        with self.conn:
            return self.conn.execute(
                "DELETE FROM entities WHERE id NOT IN (SELECT DISTINCT entity_id FROM mentions)").rowcount

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY rowid")]

    def _entity_id(self, type_: str, name: str, attributes: dict | None) -> int:
        attributes = entity_attributes(attributes)
        row = self.conn.execute("SELECT id, attributes FROM entities WHERE type = ? AND name = ?",
                                [type_, name]).fetchone()
        if row:
            old = json.loads(row[1] or "{}")
            if (merged := merge_attributes(old, attributes)) != old:      # titles, emails, ... gathered
                self.conn.execute("UPDATE entities SET attributes = ? WHERE id = ?", [json.dumps(merged), row[0]])
            return row[0]
        cur = self.conn.execute("INSERT INTO entities (type, name, attributes) VALUES (?,?,?)",
                                [type_, name, json.dumps(attributes)])
        return cur.lastrowid

    def record_error(self, path: str, stage: str, message: str, document_id: str | None = None) -> None:
        """One row per file and stage: a re-run that fails the same way replaces it."""
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO ingest_errors (path, document_id, stage, message, occurred_at)"
                " VALUES (?,?,?,?,?)", [path, document_id, stage, message, _now()])

    def remove_document(self, doc_id: str) -> list[int]:
        """Remove a document, its children and everything derived from them; returns chunk ids."""
        ids = [doc_id] + [r[0] for r in self.conn.execute(
            "WITH RECURSIVE kids(id) AS (SELECT id FROM documents WHERE parent_id = ?"
            " UNION SELECT d.id FROM documents d JOIN kids ON d.parent_id = kids.id) SELECT id FROM kids",
            [doc_id])]
        marks = ",".join("?" * len(ids))
        chunk_ids = [r[0] for r in self.conn.execute(
            f"SELECT id FROM chunks WHERE document_id IN ({marks})", ids)]
        with self.conn:
            for table in ("mentions", "clauses", "signatories", "agreements", "chunks", "page_words", "pages"):
                self.conn.execute(f"DELETE FROM {table} WHERE document_id IN ({marks})", ids)
            self.conn.execute(f"DELETE FROM documents WHERE id IN ({marks})", ids[::-1])
            self.conn.execute("DELETE FROM entities WHERE id NOT IN (SELECT DISTINCT entity_id FROM mentions)")
        return chunk_ids

    # -- reads ------------------------------------------------------------------------------

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        found = self.rows("SELECT * FROM documents WHERE id = ? OR id LIKE ? ORDER BY id = ? DESC LIMIT 2",
                          [doc_id, doc_id + "%", doc_id])
        if len(found) > 1 and found[0]["id"] != doc_id:
            raise KeyError(f"document id prefix {doc_id!r} is ambiguous")
        return found[0] if found else None

    def chunk_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM chunks ORDER BY id")]

    def chunk_texts(self, ids: list[int]) -> Iterator[tuple[int, str]]:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            yield from self.conn.execute(f"SELECT id, text FROM chunks WHERE id IN ({marks}) ORDER BY id", part)

    def chunks_with_documents(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.rows(
            "SELECT c.id AS chunk_id, c.document_id, c.first_page, c.last_page, c.section, c.text,"
            " d.path, d.file_name, d.title, d.doc_type"
            f" FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id IN ({marks})", ids)
        return {r["chunk_id"]: r for r in rows}

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("documents", "pages", "chunks", "entities", "mentions", "agreements", "ingest_errors"):
            out[table] = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["ocr_pages"] = self.conn.execute(
            "SELECT count(*) FROM pages WHERE method LIKE '%ocr%'").fetchone()[0]
        return out

    def errors(self) -> list[dict[str, Any]]:
        return self.rows("SELECT path, stage, message, occurred_at FROM ingest_errors ORDER BY id")

    def entity_counts(self, type_: str | None = None, min_docs: int = 1, limit: int | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE e.type = ?", [type_]) if type_ else ("", [])
        sql = ("SELECT e.id, e.type, e.name, count(m.id) AS mentions,"
               " count(DISTINCT m.document_id) AS documents FROM entities e"
               f" JOIN mentions m ON m.entity_id = e.id {where}"
               " GROUP BY e.id HAVING documents >= ? ORDER BY mentions DESC, documents DESC, e.name")
        params.append(min_docs)
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return self.rows(sql, params)

    def agreements(self, model: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
        """One row per agreement, naming its document, with its signatories and contacts."""
        conds, params = [], []
        if model:
            conds.append("upper(a.model) = upper(?)")
            params.append(model)
        if state:
            conds.append("(lower(a.state) = lower(?) OR lower(a.state) LIKE lower(?))")
            params += [state, state + "%"]
        where = ("WHERE " + " AND ".join(conds)) if conds else ""
        rows = self.rows("SELECT a.document_id, d.path, d.file_name, a.agency, a.state, a.model, a.signed_date,"
                         " a.effective_date, a.revision_date, a.sections, a.facts FROM agreements a"
                         f" JOIN documents d ON d.id = a.document_id {where} ORDER BY a.state, a.agency, a.model",
                         params)
        people = self.rows("SELECT document_id, role, name, title, organization, signed_date, page_number,"
                           " source FROM signatories ORDER BY id")
        by_doc: dict[str, list] = {}
        for p in people:
            by_doc.setdefault(p.pop("document_id"), []).append(p)
        for row in rows:
            row["sections"] = json.loads(row["sections"] or "[]")
            row["facts"] = json.loads(row["facts"] or "{}")
            found = by_doc.get(row["document_id"], [])
            row["signatories"] = [p for p in found if p["role"] == "signatory"]
            row["points_of_contact"] = [p for p in found if p["role"] == "point_of_contact"]
        return rows

    def entity(self, name: str, type_: str | None = None) -> dict[str, Any] | None:
        """An entity by name (exact, else the most mentioned one containing `name`), with the
        documents and pages that mention it, its surface forms, and what appears most with it."""
        type_sql, type_params = ("AND e.type = ?", [type_]) if type_ else ("", [])
        found = self.rows(f"SELECT e.id, e.type, e.name, e.attributes FROM entities e WHERE lower(e.name) = lower(?) {type_sql}",
                          [name, *type_params])
        if not found:
            found = self.rows("SELECT e.id, e.type, e.name, e.attributes, count(m.id) AS n FROM entities e"
                              f" JOIN mentions m ON m.entity_id = e.id WHERE e.name LIKE ? {type_sql}"
                              " GROUP BY e.id ORDER BY n DESC LIMIT 1", [f"%{name}%", *type_params])
        if not found:
            return None
        entity = found[0]
        entity.pop("n", None)
        entity["attributes"] = json.loads(entity["attributes"] or "{}")
        entity["aliases"] = self.rows("SELECT text AS alias, count(*) AS mentions FROM mentions WHERE entity_id = ?"
                                      " GROUP BY text ORDER BY mentions DESC", [entity["id"]])
        docs = self.rows("SELECT m.document_id, d.path, d.file_name, d.title, group_concat(DISTINCT m.page_number)"
                         " AS pages, count(*) AS mentions FROM mentions m JOIN documents d ON d.id = m.document_id"
                         " WHERE m.entity_id = ? GROUP BY m.document_id ORDER BY mentions DESC", [entity["id"]])
        for d in docs:
            d["pages"] = sorted(int(p) for p in str(d["pages"]).split(",") if p and p != "None")
        entity["documents"] = docs
        entity["related"] = self.rows(
            "SELECT e.type, e.name, count(DISTINCT m2.document_id || ':' || m2.page_number) AS shared_pages"
            " FROM mentions m1 JOIN mentions m2 ON m2.document_id = m1.document_id AND m2.page_number = m1.page_number"
            " JOIN entities e ON e.id = m2.entity_id WHERE m1.entity_id = ? AND m2.entity_id != m1.entity_id"
            " GROUP BY e.id ORDER BY shared_pages DESC, e.name LIMIT 15", [entity["id"]])
        return entity
