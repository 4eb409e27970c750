"""Keyword, semantic and hybrid search over chunks, with filters and cited snippets.

Hybrid ranks by reciprocal-rank fusion: score(d) = sum over modes of w_mode / (k + rank_mode(d)),
with k = 60 (the value of Cormack et al. 2009) and equal weights by default. Each side
contributes its top `candidates` passages (at least 50, or 5x the limit).
"""
from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field

from corpus.store import Corpus
from search.filters import Filters
from search.query import QueryError, terms, to_fts, uses_syntax
from search.snippets import snippet

MODES = ("keyword", "semantic", "hybrid")
RRF_K = 60
WEIGHTS = {"keyword": 1.0, "semantic": 1.0}


@dataclass
class Hit:
    doc_id: str
    path: str
    title: str | None
    file_name: str
    page: int
    chunk_id: int
    score: float
    section: str | None
    snippet: str
    highlights: list[tuple[int, int]]
    ranks: dict[str, int | None] = field(default_factory=dict)
    matches: int = 1                  # with --by-document: matching passages in the document

    def as_dict(self) -> dict:
        out = asdict(self)
        out["highlights"] = [list(h) for h in self.highlights]
        return out


def keyword_ranking(corpus: Corpus, query: str, limit: int, filters: Filters, any_term: bool = False) -> list[tuple[int, float]]:
    match = to_fts(query, any_term=any_term)
    where, params = filters.where()
    try:
        return corpus.keyword_search(match, limit, where, params)
    except sqlite3.OperationalError as err:
        message = str(err).replace("fts5: ", "")
        raise QueryError(f"cannot read the query: {message}") from None


def semantic_ranking(corpus: Corpus, query: str, limit: int, filters: Filters) -> list[tuple[int, float]]:
    from index.encoder import load_encoder
    from index.sync import open_index
    vectors = open_index(corpus)
    if len(vectors) == 0:
        return []
    query_vector = load_encoder().encode([query])[0]
    return vectors.search(query_vector, limit, filters.chunk_ids(corpus))


def fuse(rankings: dict[str, list[tuple[int, float]]], k: int = RRF_K,
         weights: dict[str, float] | None = None) -> list[tuple[int, float, dict[str, int | None]]]:
    """Reciprocal-rank fusion: (chunk id, fused score, {mode: 1-based rank or None})."""
    weights = weights or WEIGHTS
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int | None]] = {}
    for mode, ranking in rankings.items():
        for rank, (chunk_id, _) in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weights.get(mode, 1.0) / (k + rank)
            ranks.setdefault(chunk_id, {m: None for m in rankings})[mode] = rank
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(chunk_id, score, ranks[chunk_id]) for chunk_id, score in ordered]


def search(corpus: Corpus, query: str, mode: str = "hybrid", limit: int = 10,
           filters: Filters | None = None, by_document: bool = False) -> list[Hit]:
    if mode not in MODES:
        raise QueryError(f"unknown mode {mode!r}: choose keyword, semantic or hybrid")
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    filters = filters or Filters()
    candidates = max(50, limit * 5) * (10 if by_document else 1)
    if mode == "keyword":
        ranked = [(cid, score, {"keyword": r}) for r, (cid, score) in
                  enumerate(keyword_ranking(corpus, query, candidates, filters), start=1)]
    elif mode == "semantic":
        if not query.strip():
            raise QueryError("the query is empty")
        ranked = [(cid, score, {"semantic": r}) for r, (cid, score) in
                  enumerate(semantic_ranking(corpus, query, candidates, filters), start=1)]
    else:
        keyword = keyword_ranking(corpus, query, candidates, filters, any_term=not uses_syntax(query))
        semantic = semantic_ranking(corpus, query, candidates, filters)
        ranked = fuse({"keyword": keyword, "semantic": semantic})
    return _hits(corpus, query, ranked, limit, by_document)


def _hits(corpus: Corpus, query: str, ranked, limit: int, by_document: bool) -> list[Hit]:
    if by_document:
        best: dict[str, list] = {}
        rows = corpus.chunks_with_documents([cid for cid, _, _ in ranked])
        for cid, score, ranks in ranked:
            doc_id = rows[cid]["document_id"]
            if doc_id in best:
                best[doc_id][3] += 1
            else:
                best[doc_id] = [cid, score, ranks, 1]
        ranked_docs = list(best.values())[:limit]
        rows = {cid: rows[cid] for cid, *_ in ranked_docs}
        selected = [(cid, score, ranks, count) for cid, score, ranks, count in ranked_docs]
    else:
        selected = [(cid, score, ranks, 1) for cid, score, ranks in ranked[:limit]]
        rows = corpus.chunks_with_documents([s[0] for s in selected])
    words = terms(query)
    hits = []
    for cid, score, ranks, count in selected:
        row = rows[cid]
        text, highlights = snippet(row["text"], words)
        hits.append(Hit(doc_id=row["document_id"], path=row["path"], title=row["title"],
                        file_name=row["file_name"], page=row["first_page"], chunk_id=cid,
                        score=round(score, 6), section=row["section"], snippet=text,
                        highlights=highlights, ranks=ranks, matches=count))
    return hits
