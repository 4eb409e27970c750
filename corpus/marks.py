"""What an investigator adds to a corpus: tags on documents and notes on pages.

They live in their own tables, keyed by document id (the SHA-256 of the file's bytes) without a
foreign key: `annotate` never touches them, and a document removed and ingested again gets its
tags and notes back. Tags are short words or phrases (`follow-up`, `sent-to-legal`)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from corpus.store import Corpus

TAG = re.compile(r"[\w][\w .:/+-]{0,39}", re.UNICODE)
MAX_NOTE = 10_000


class MarkError(ValueError):
    pass


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def clean_tag(tag: str) -> str:
    tag = " ".join((tag or "").split()).lower()
    if not TAG.fullmatch(tag):
        raise MarkError(f"a tag is 1-40 letters, digits, spaces or . : / + - (not {tag[:50]!r})")
    return tag


def add_tag(corpus: Corpus, document_id: str, tag: str) -> str:
    tag = clean_tag(tag)
    with corpus.conn:
        corpus.conn.execute("INSERT OR IGNORE INTO tags (document_id, tag, created_at) VALUES (?,?,?)",
                            [document_id, tag, _now()])
    return tag


def remove_tag(corpus: Corpus, document_id: str, tag: str) -> bool:
    with corpus.conn:
        return corpus.conn.execute("DELETE FROM tags WHERE document_id = ? AND tag = ?",
                                   [document_id, tag]).rowcount > 0


def add_note(corpus: Corpus, document_id: str, page_number: int | None, text: str) -> int:
    text = (text or "").strip()
    if not text:
        raise MarkError("the note is empty")
    if len(text) > MAX_NOTE:
        raise MarkError(f"a note holds at most {MAX_NOTE} characters")
    with corpus.conn:
        return corpus.conn.execute("INSERT INTO notes (document_id, page_number, text, created_at)"
                                   " VALUES (?,?,?,?)", [document_id, page_number, text, _now()]).lastrowid


def remove_note(corpus: Corpus, note_id: int) -> bool:
    with corpus.conn:
        return corpus.conn.execute("DELETE FROM notes WHERE id = ?", [note_id]).rowcount > 0


def tags(corpus: Corpus, document_id: str | None = None, tag: str | None = None) -> list[dict]:
    """Tags with the file they are on (`path` is None for a document no longer in the corpus)."""
    conds, params = [], []
    if document_id:
        conds.append("t.document_id = ?")
        params.append(document_id)
    if tag:
        conds.append("t.tag = ?")
        params.append(clean_tag(tag))
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    return corpus.rows("SELECT t.document_id, d.path, d.file_name, t.tag, t.created_at FROM tags t"
                       f" LEFT JOIN documents d ON d.id = t.document_id {where} ORDER BY t.tag, d.path", params)


def notes(corpus: Corpus, document_id: str | None = None, page_number: int | None = None) -> list[dict]:
    conds, params = [], []
    if document_id:
        conds.append("n.document_id = ?")
        params.append(document_id)
    if page_number is not None:
        conds.append("n.page_number = ?")
        params.append(page_number)
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    return corpus.rows("SELECT n.id, n.document_id, d.path, d.file_name, n.page_number, n.text, n.created_at"
                       f" FROM notes n LEFT JOIN documents d ON d.id = n.document_id {where}"
                       " ORDER BY n.document_id, n.page_number, n.id", params)
