"""The SQL that search needs beyond `Corpus`: term statistics from the FTS5 index, match
counts, chunk ids of documents. Reads only; nothing here writes to the corpus file (the
fts5vocab table lives in the connection's temp schema)."""
from __future__ import annotations

import unicodedata
from typing import Iterable

from corpus.store import Corpus


def fts_term(word: str) -> str:
    """A word as the `unicode61 remove_diacritics 2` tokenizer stores it."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _vocab(corpus: Corpus) -> str:
    name = "temp.readingroom_chunks_vocab"
    corpus.conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5vocab(main, chunks_fts, row)")
    return name


def document_frequencies(corpus: Corpus, words: Iterable[str]) -> dict[str, int]:
    """How many chunks contain each word (0 for words the index has never seen)."""
    table = _vocab(corpus)
    out = {}
    for word in words:
        row = corpus.conn.execute(f"SELECT doc FROM {table} WHERE term = ?", [fts_term(word)]).fetchone()
        out[word] = row[0] if row else 0
    return out


def chunk_count(corpus: Corpus) -> int:
    return corpus.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]


def document_chunk_ids(corpus: Corpus, doc_id: str, page: int | None = None) -> list[int]:
    sql, params = "SELECT id FROM chunks WHERE document_id = ?", [doc_id]
    if page is not None:
        sql += " AND first_page <= ? AND last_page >= ?"
        params += [page, page]
    return [r[0] for r in corpus.conn.execute(sql + " ORDER BY id", params)]


def page_count(corpus: Corpus, doc_id: str) -> int:
    row = corpus.conn.execute("SELECT page_count FROM documents WHERE id = ?", [doc_id]).fetchone()
    return row[0] if row and row[0] is not None else 0


def chunk_documents(corpus: Corpus, chunk_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(chunk_ids), 500):
        part = chunk_ids[start:start + 500]
        marks = ",".join("?" * len(part))
        out.update(corpus.conn.execute(f"SELECT id, document_id FROM chunks WHERE id IN ({marks})", part))
    return out


def keyword_search(corpus: Corpus, match: str, limit: int, where: str = "",
                   params: Iterable = (), weights: tuple[float, float] = (1.0, 1.0)) -> list[tuple[int, float]]:
    """BM25 over chunks: (chunk id, score), higher is better. Reads the FTS5 index alone (no
    join to `chunks` for every match: that doubles the cost of a common word); a filter is
    a `rowid IN (...)` over the chunks that pass. `weights`: BM25's weight of the passage's
    text and of its context line."""
    # FTS5's per-query rank function keeps its own ORDER BY rank path
    sql = "SELECT rowid, -rank FROM chunks_fts WHERE chunks_fts MATCH ? AND rank MATCH ?"
    if where:
        sql += f" AND rowid IN (SELECT chunks.id FROM chunks WHERE {where})"
    sql += " ORDER BY rank LIMIT ?"
    rank_function = "bm25(" + ", ".join(f"{float(w):g}" for w in weights) + ")"
    return [(r[0], r[1]) for r in corpus.conn.execute(sql, [match, rank_function, *params, limit])]
