"""Document evidence: when a query names documents (an agreement by its agency, state and
model; the documents mentioning a person or office it names: `search.understand`), the
passages of those documents are ranked among themselves by the question (BM25 and exact cosine,
fused) and that ranking joins the keyword and semantic ones as a third side of the fusion. So a
question about an agreement's appendix finds the agreement by what the whole document is, and
the page by what the page says (first the passages that mention a person or office the question
names); a document named by nothing in the question gets no help."""
from __future__ import annotations

import numpy as np

from corpus import search_sql
from corpus.store import Corpus
from search.filters import Filters
from search.fusion import Fusion, rrf
from search.query import Query


def document_ranking(corpus: Corpus, q: Query, named: dict[str, float], filters: Filters, any_terms: str | None,
                     query_vector: np.ndarray, fusion: Fusion, weights: tuple[float, float]) -> list[tuple[int, float]]:
    from index.sync import open_for_search
    if not named:
        return []
    docs = sorted(named)
    marks = ",".join("?" * len(docs))
    inside = f"chunks.document_id IN ({marks})"
    where, params = filters.where()
    where, params = (f"{inside} AND {where}", [*docs, *params]) if where else (inside, docs)
    ids = [r[0] for r in corpus.conn.execute(f"SELECT chunks.id FROM chunks WHERE {where}", params)]
    if not ids:
        return []
    match = q.with_any(any_terms)
    keyword = search_sql.keyword_search(corpus, match, len(ids), where, params, weights) if match else []
    have, stored = open_for_search(corpus).vectors_for(ids)
    cosine = stored @ query_vector if len(have) else np.zeros(0)
    semantic = sorted(zip(have, cosine.tolist()), key=lambda kv: -kv[1])
    fused = rrf({"keyword": keyword, "semantic": semantic}, fusion.k,
                {"keyword": fusion.keyword_weight, "semantic": fusion.semantic_weight})
    # a passage that mentions a person or office the question names comes first
    mentions = {}
    for r in q.understood:
        for cid in r.chunks:
            mentions[cid] = mentions.get(cid, 0) + 1
    fused.sort(key=lambda item: -mentions.get(item[0], 0))
    return [(cid, score) for cid, score, _ in fused]
