"""Fusing the keyword and semantic rankings into one.

Two functions, both over each side's top candidates (a passage missing from one side gets
nothing from it):

* Reciprocal-rank fusion (Cormack et al. 2009): score = sum over sides of w_side / (k + rank),
  rank 1-based. Uses ranks only, so it needs no calibration between BM25 and cosine.
* Weighted score fusion (a convex combination, Bruch et al. 2023): score = sum over sides of
  w_side * normalised score, where BM25 is divided by the best BM25 of the list (BM25's
  theoretical minimum is 0) and cosine is min-max normalised over the list.

The default, RRF with k = 10, keyword weight 0.4, semantic weight 1.0, was chosen on the two
BEIR sets of the development data (ir-benchmarks: DBpedia-entity and MS MARCO subsets, 5,000
documents and 40-43 judged queries each) from a sweep of k in {5, 10, 20, 30, 60} x keyword
weight in {0.2 .. 1.0}, candidate depth 100 and 200, and the weighted fusion (min-max and
z-score normalisation, keyword weight 0.05 .. 0.3). Every setting lands within about half a
point of nDCG@10 of dense retrieval alone: all-MiniLM-L6-v2 is far ahead of BM25 on these
sets (0.51 against 0.36, 0.80 against 0.66). Chosen on one set and checked on the other, the
best settings gained -0.5 to +0.6 points on the other set, this default +0.4 (DBpedia) and
+0.0 (MS MARCO): differences of one or two of the ~40 queries, so the default stayed; plain
RRF (k = 60, equal weights) fell 1-3 points *below* dense alone on both sets, as published
results warn. Also measured and not kept (no gain on either set): scoring the union of both
sides' candidates on both sides (exact cosine for keyword-only candidates, BM25 for
semantic-only ones) before a convex combination; candidate depth 1,000; BM25 normalised by
the query's summed IDF; per-query weights from each side's score spread. `--fusion`,
`--rrf-k` and `--keyword-weight` change it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

Ranking = list[tuple[int, float]]          # (chunk id, side's own score), best first


@dataclass(frozen=True)
class Fusion:
    method: str = "rrf"                     # rrf | weighted
    k: int = 60                             # RRF's rank constant
    keyword_weight: float = 1.0
    semantic_weight: float = 1.0
    document_weight: float = 1.0            # the passages of the documents a query names (search.documents)
    naming_keyword_weight: float | None = None   # the keyword weight for a query that names things (`names_things`)

    def weights(self) -> dict[str, float]:
        return {"keyword": self.keyword_weight, "semantic": self.semantic_weight, "document": self.document_weight}

    def describe(self) -> str:
        if self.method == "rrf":
            return (f"rrf k={self.k} weights keyword={self.keyword_weight:g} "
                    f"semantic={self.semantic_weight:g}")
        return f"weighted keyword={self.keyword_weight:g} semantic={self.semantic_weight:g}"


DEFAULT = Fusion(method="rrf", k=10, keyword_weight=0.4, semantic_weight=1.0)
PLAIN_RRF = Fusion(method="rrf", k=60, keyword_weight=1.0, semantic_weight=1.0)
WEIGHTED_DEFAULT = Fusion(method="weighted", keyword_weight=0.2, semantic_weight=1.0)


def names_things(raw: str, understood: bool) -> bool:
    """Does a question name what the corpus knows (people, agencies, offices, states, models:
    `search.understand`) or a number (a date, a bill, a case)? Then it leans on exact words.
    Capitalised words as the sign cost DBpedia 2 points of nDCG@10 (its queries are mostly names)."""
    return understood or bool(re.search(r"\d", raw))


def adapted(fusion: "Fusion", raw: str, understood: bool) -> "Fusion":
    if fusion.naming_keyword_weight is None or not names_things(raw, understood):
        return fusion
    from dataclasses import replace
    return replace(fusion, keyword_weight=fusion.naming_keyword_weight)


def rrf(rankings: dict[str, Ranking], k: int = 60, weights: dict[str, float] | None = None) -> list[tuple[int, float, dict]]:
    """Reciprocal-rank fusion: [(chunk id, fused score, {side: 1-based rank or None})], best first;
    ties go to the lower chunk id so results are stable."""
    if k < 0:
        raise ValueError("the RRF constant k must be >= 0")
    weights = weights or {}
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int | None]] = {}
    for side, ranking in rankings.items():
        weight = weights.get(side, 1.0)
        for rank, (chunk_id, _) in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (k + rank)
            ranks.setdefault(chunk_id, {s: None for s in rankings})[side] = rank
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(chunk_id, score, ranks[chunk_id]) for chunk_id, score in ordered]


def _normalised(side: str, ranking: Ranking) -> dict[int, float]:
    if not ranking:
        return {}
    values = [s for _, s in ranking]
    if side == "keyword":
        top = max(values)
        return {c: (s / top if top > 0 else 0.0) for c, s in ranking}
    low, high = min(values), max(values)
    span = high - low
    return {c: ((s - low) / span if span > 0 else 1.0) for c, s in ranking}


def weighted(rankings: dict[str, Ranking], weights: dict[str, float] | None = None) -> list[tuple[int, float, dict]]:
    weights = weights or {}
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int | None]] = {}
    for side, ranking in rankings.items():
        weight = weights.get(side, 1.0)
        for chunk_id, value in _normalised(side, ranking).items():
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight * value
        for rank, (chunk_id, _) in enumerate(ranking, start=1):
            ranks.setdefault(chunk_id, {s: None for s in rankings})[side] = rank
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(chunk_id, score, ranks[chunk_id]) for chunk_id, score in ordered]


def fuse(rankings: dict[str, Ranking], fusion: Fusion = DEFAULT) -> list[tuple[int, float, dict]]:
    if fusion.method == "rrf":
        return rrf(rankings, fusion.k, fusion.weights())
    if fusion.method == "weighted":
        return weighted(rankings, fusion.weights())
    raise ValueError(f"unknown fusion {fusion.method!r}: choose rrf or weighted")
