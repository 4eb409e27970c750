"""Fusing the keyword and semantic rankings into one.

Two functions, both over each side's top candidates (a passage missing from one side gets
nothing from it):

* Reciprocal-rank fusion (Cormack et al. 2009): score = sum over sides of w_side / (k + rank),
  rank 1-based. Uses ranks only, so it needs no calibration between BM25 and cosine.
* Weighted score fusion (a convex combination, Bruch et al. 2023): score = sum over sides of
  w_side * normalised score, where BM25 is divided by the best BM25 of the list (BM25's
  theoretical minimum is 0) and cosine is min-max normalised over the list.

The default, RRF with k = 10, keyword weight 0.4 (for a query that names nothing: below),
semantic weight 1.0, was chosen on the two BEIR sets of the development data (ir-benchmarks: DBpedia-entity and MS MARCO subsets, 5,000
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

Query-adaptive keyword weight (`naming_keyword_weight`, on by default: 1.5). On the
investigators' own records BM25 is far ahead of MiniLM (bench/questions.py), on BEIR the other
way round; the keyword weight that holds BEIR (0.4) loses answers on the records, and one that
wins there (1 or more for every query) costs DBpedia 2-4 points. A question that names what the
corpus knows (`search.understand` recognised an agency, state, model, person or office) or holds
a number (a date, an address, a bill, a case) leans on exact words: it gets the naming weight,
any other query keeps 0.4. Swept with bench/fusion_sweep.py on the 62 development questions and
the two BEIR sets together (k = 10, document weight 1, context 0.5, understanding as in
search/understand.py; dev Recall@10 / MRR@10 / page Recall@10, BEIR hybrid nDCG@10 DBpedia /
MS MARCO):

    naming weight    signs                        dev R@10  MRR   pageR   DBpedia  MS MARCO
    off (0.4)        -                            0.984     0.925 0.952   0.5156   0.7981
    0.7              understood, digits           1.000     0.940 1.000   0.5172   0.7974
    1.0              understood, digits           1.000     0.941 1.000   0.5186   0.7971
    1.5 (default)    understood, digits           1.000     0.958 1.000   0.5212   0.7969
    1.75             understood, digits           1.000     0.958 1.000   0.5207   0.7969
    2.0              understood, digits           0.984     0.956 0.984   0.5192   0.7969
    1.5              understood only              0.984     0.950 0.968   0.5156   0.7981
    1.5              digits only                  1.000     0.933 0.984   0.5212   0.7969
    1.5              + a quoted phrase            1.000     0.958 1.000   0.5212   0.7969
    1.5              + an acronym in capitals     1.000     0.958 1.000   0.5189   0.7969
    1.5              + acronym + capitalised word 1.000     0.958 1.000   0.4848   0.7969
    1.0              + acronym + capitalised word 1.000     0.941 1.000   0.4962   0.7971
    (1.0 and 1.5 for every query: dev as above, BEIR 0.4778 / 0.7738 and 0.4462 / 0.7463;
    1.5 with base weight 0.3 or 0.5: dev the same, DBpedia 0.5200 / 0.5154; k = 5: MRR 0.959,
    MS MARCO 0.7967 (base 0.3) to 0.7868; k = 20: MRR 0.948; document weight 0 or 2: MRR 0.934 /
    0.937)

58 of the 62 dev questions name something (47 understood, 25 with a digit); on BEIR no query is
understood (no entities, no agreements) and 5 of DBpedia's 50 and 1 of MS MARCO's 50 hold a
digit. A quoted phrase or an acronym changes no dev question (those questions name something
already) and an acronym costs DBpedia 0.2 points, so neither counts; a capitalised word (most
DBpedia queries are names) changes no dev question either and costs it 1-3 points. At 1.5 four
dev questions rise (three to 1st, one of them from outside the top 10), two fall (one from 1st
to 2nd, one from 6th to 8th); at 2.0 that one leaves the top 10. So the weight adapts as much to the
kind of corpus as to the query: our records' questions name things, BEIR's paraphrases seldom
do. A user's `--keyword-weight` is a fixed weight for every query.
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
    naming_signs: tuple[str, ...] = ("understood", "digits")    # what counts as naming things (NAMING_SIGNS)

    def weights(self) -> dict[str, float]:
        return {"keyword": self.keyword_weight, "semantic": self.semantic_weight, "document": self.document_weight}

    def describe(self) -> str:
        naming = "" if self.naming_keyword_weight is None else \
            f" (naming {'+'.join(self.naming_signs)}: {self.naming_keyword_weight:g})"
        if self.method == "rrf":
            return (f"rrf k={self.k} weights keyword={self.keyword_weight:g}{naming} "
                    f"semantic={self.semantic_weight:g}")
        return f"weighted keyword={self.keyword_weight:g} semantic={self.semantic_weight:g}"


DEFAULT = Fusion(method="rrf", k=10, keyword_weight=0.4, semantic_weight=1.0, naming_keyword_weight=1.5)
PLAIN_RRF = Fusion(method="rrf", k=60, keyword_weight=1.0, semantic_weight=1.0)
WEIGHTED_DEFAULT = Fusion(method="weighted", keyword_weight=0.2, semantic_weight=1.0)


NAMING_SIGNS = {
    "understood": None,                                        # what search.understand recognised
    "digits": re.compile(r"\d"),                               # a date, a bill, a case number
    "quote": None,                                             # a phrase quoted inside a question
    "acronym": re.compile(r"\b[A-Z][A-Z0-9]*[A-Z]\b"),          # BEGA, FOIA, OPLA, ICE
    "capitals": re.compile(r"(?<![.?!:]\s)(?<!^)\b[A-Z][a-z]"),  # a capitalised word inside the sentence
}


def names_things(raw: str, understood: bool, signs=("understood", "digits"), quoted: bool = False) -> bool:
    """Does a question name what the corpus knows (people, agencies, offices, states, models:
    `search.understand`) or a number (a date, a bill, a case)? Then it leans on exact words.
    `signs` chooses which of NAMING_SIGNS count (the default: the sweep above). Capitalised
    words as a sign cost DBpedia 1-3 points of nDCG@10 (its queries are mostly names)."""
    for sign in signs:
        if sign == "understood" and understood or sign == "quote" and quoted:
            return True
        pattern = NAMING_SIGNS[sign]
        if pattern is not None and pattern.search(raw.strip()):
            return True
    return False


def adapted(fusion: "Fusion", raw: str, understood: bool, quoted: bool = False) -> "Fusion":
    if fusion.naming_keyword_weight is None or not names_things(raw, understood, fusion.naming_signs, quoted):
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
