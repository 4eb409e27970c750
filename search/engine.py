"""Keyword, semantic and hybrid search over chunks, with filters and cited snippets.

* keyword: FTS5 BM25. Plain words must all appear (AND); FTS5 syntax is used as written
  (`query.py`).
* semantic: the query's all-MiniLM-L6-v2 vector against the FAISS index (cosine).
* hybrid (the default): both sides' top `depth` passages fused (`fusion.py`; the default is
  reciprocal-rank fusion with k = 10, semantic weight 1.0, keyword weight 1.5 for a question
  that names what the corpus knows or holds a number and 0.4 otherwise, chosen on the dev
  questions and the BEIR sets together). For a plain-words query the keyword side ORs the words and their inflections in
  the corpus (a question should still find passages that lack one of its words). For a query written in FTS5 syntax (a quoted
  phrase, AND/OR/NOT, NEAR, prefix*) the user asked for exactness: only passages that match it
  are returned, ordered by the fusion of BM25 and meaning.

Filters narrow the candidates inside SQLite and FAISS (an IDSelector), before any cut-off, so
a filtered search returns its best `limit` hits.
"""
from __future__ import annotations

import re
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from corpus import search_sql
from corpus.store import Corpus
from search.filters import Filters
from search.fusion import DEFAULT, Fusion, adapted, fuse
from search.query import Query, QueryError
from search.snippets import snippet

MODES = ("keyword", "semantic", "hybrid")
MIN_DEPTH = 100               # each side of a hybrid search contributes at least this many
SYNTAX_POOL = 10_000          # hybrid with FTS5 syntax: re-rank at most this many exact matches
POSTINGS_BUDGET = 10_000      # hybrid OR-side: drop the commonest words beyond this many postings...
POSTINGS_MAX = 40_000         # ...and the rarest too when even it has more (FTS5 scores every match)

Ranked = list[tuple[int, float, dict]]     # (chunk id, score, {mode: 1-based rank or None})


@dataclass
class Hit:
    doc_id: str
    path: str
    title: str | None
    file_name: str
    page: int
    last_page: int
    chunk_id: int
    score: float
    section: str | None
    snippet: str
    highlights: list[tuple[int, int]]
    ranks: dict[str, int | None] = field(default_factory=dict)
    matches: int = 1                  # with --by-document: matching passages in the document
    source: dict | None = None        # `similar`: the passage of the source document it resembles
    collapsed: list[dict] = field(default_factory=list)   # near-identical passages (documents) folded in

    def as_dict(self) -> dict:
        out = asdict(self)
        out["highlights"] = [list(h) for h in self.highlights]
        return out


# -- the two sides ---------------------------------------------------------------------------

CONTEXT_WEIGHT = 0.5      # BM25 weight of a passage's context line beside its own text (1.0)


def _keyword(corpus: Corpus, match: str, limit: int, filters: Filters) -> list[tuple[int, float]]:
    where, params = filters.where()
    try:
        return search_sql.keyword_search(corpus, match, limit, where, params, (1.0, CONTEXT_WEIGHT))
    except sqlite3.OperationalError as err:
        message = str(err).replace("fts5: ", "")
        raise QueryError(f"cannot read the query: {message}") from None


def keyword_ranking(corpus: Corpus, query: str | Query, limit: int, filters: Filters | None = None,
                    any_term: bool = False, plain: bool = False) -> list[tuple[int, float]]:
    """BM25 ranking. `any_term`: OR the words of a natural query (and, on a large corpus, leave
    out the commonest words once the rarer ones already bring POSTINGS_BUDGET postings: their
    IDF is near zero and FTS5's cost follows the postings it reads); its quoted phrases stay
    required. Otherwise every word must appear (strict syntax: as written)."""
    filters = filters or Filters()
    q = query if isinstance(query, Query) else Query.parse(query, plain=plain)
    if any_term and not q.strict:
        match = q.with_any(any_term_match(corpus, list(q.words)) if q.words or not q.phrases else None)
        return _keyword(corpus, match, limit, filters) if match else []
    return _keyword(corpus, q.match_all(), limit, filters)


def any_term_match(corpus: Corpus, words: list[str]) -> str | None:
    """The OR side of hybrid search: each word and its inflections in the index (`warrants`
    finds `warrant`; the index itself is unstemmed, so that a quoted phrase means exactly what
    it says), ORed. On a large corpus the commonest words are left out once
    the rarer ones bring POSTINGS_BUDGET postings: their IDF is low and FTS5's cost follows
    the rows it matches (it scores every one before the LIMIT). When even the rarest word
    matches more than POSTINGS_MAX passages there is no keyword side: the query is all common
    words, and hybrid ranks by meaning alone. Returns None when no word is left."""
    if not words:
        raise QueryError("the query has no words to search for")
    groups = []
    for word in words:
        variants = stem_variants(corpus, word) if STEM_VARIANTS else search_sql.document_frequencies(corpus, [word])
        variants = {t: df for t, df in variants.items() if df}
        if variants:
            groups.append((sum(variants.values()), sorted(variants)))
    kept, postings = [], 0
    for total, variants in sorted(groups):
        if postings + total > (POSTINGS_BUDGET if kept else max(POSTINGS_BUDGET, POSTINGS_MAX)):
            break
        kept += variants
        postings += total
    return " OR ".join(f'"{t}"' for t in dict.fromkeys(kept)) or None


def partial_match_notice(corpus: Corpus, q: Query) -> str:
    """Why keyword mode found nothing with every word, and what it shows instead."""
    missing = [w for w, df in search_sql.document_frequencies(corpus, q.words).items() if not df]
    told = f"no passage has all {len(q.all_words) + len(q.phrases)} words and phrases"
    if missing:
        told += f" ({', '.join(missing)}: in no passage)"
    return (told + "; showing the passages with the most of them (hybrid mode ranks a question by "
            "its words and meaning; OR between words asks for any)")


STEM_VARIANTS = True


def stem_variants(corpus: Corpus, word: str) -> dict[str, int]:
    """{indexed term: document frequency} for the word and its English inflections found in
    the corpus (`inflections`: plural, -ed, -ing). Inflections only: a stemmer such as
    Snowball also joins derivations (definition, definite, definitely; constitution,
    constitute), and each term of an OR carries its own IDF, so a rare derivation can outweigh
    the word asked for. (On the BEIR sets keyword nDCG@10 moved +0.7 and -0.5 points against
    Snowball: the reason is exactness, not the benchmark.) The forms are looked up one by one,
    so the cost is the postings of the forms that exist, not of every indexed word sharing a
    prefix (a range scan of the vocabulary counts every posting of every term it passes)."""
    term = search_sql.fts_term(word)
    forms = [term] + sorted(inflections(term) - {term}) if len(term) >= 3 and term.isalpha() else [term]
    found = search_sql.document_frequencies(corpus, forms)
    return {t: df for t, df in found.items() if df or t == term}


_SIBILANT = ("s", "x", "z", "ch", "sh", "o")


def lemmas(term: str) -> set[str]:
    """What `term` may be an inflection of, by rule (Porter's step 1 read backwards): itself;
    less -s, or -es after a sibilant (boxes: box); -ies/-ied as -y (agencies: agency); less
    -ed/-ing, with a final e put back (caused: cause), undoubled (stopped: stop), and left
    bare unless the rest is too short to be a word without its e (used, making, tuned:
    use, make, tune; not us, mak, tun)."""
    out = {term}
    if term.endswith(("ies", "ied")) and len(term) > 4:
        return out | {term[:-3] + "y"}
    if term.endswith("es") and term[:-2].endswith(_SIBILANT) and len(term) > 4:
        out.add(term[:-2])
    if term.endswith("s") and not term.endswith(("ss", "us", "is")) and len(term) > 3:
        out.add(term[:-1])
    for suffix in ("ing", "ed"):
        stem = term[:-len(suffix)]
        if not term.endswith(suffix) or len(stem) < 2:
            continue
        out.add(stem + "e")
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            out.add(stem[:-1])                                         # stopped: stop
        elif len(stem) > 2 and not _SHORT.fullmatch(stem):
            out.add(stem)
    return out


_SHORT = re.compile(r"[^aeiou]+[aeiouy][^aeiouwxy]")     # Porter's one-syllable c-v-c: hop, mak, tun


def inflections(term: str) -> set[str]:
    """The term, what it may inflect (`lemmas`), and every plural, -ed and -ing form of those,
    spelled by rule: candidates to look up in the index, most of them not words."""
    forms = set()
    for lemma in lemmas(term):
        forms |= {lemma, lemma + "s", lemma + "ed", lemma + "ing"}
        if lemma.endswith(_SIBILANT):
            forms.add(lemma + "es")
        if lemma.endswith("e"):
            forms |= {lemma + "d", lemma[:-1] + "ing"}
        elif lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
            forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
        elif len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}   # stop: stopped
    return forms


def encode_query(text: str) -> np.ndarray:
    """ONNX Runtime, not torch: the same vector, without 5 s of imports (index.query_encoder)."""
    from index.query_encoder import encode_query as encode
    return encode(text)


_encoding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readingroom-encode")


def _encode_meanwhile(text: str, query_vector: np.ndarray | None) -> Future:
    """The query's vector, computed on a worker thread while the keyword side runs in SQLite
    (both release the GIL, so on two cores hybrid costs about the slower of the two, not the
    sum)."""
    if query_vector is not None:
        done: Future = Future()
        done.set_result(query_vector)
        return done
    return _encoding.submit(encode_query, text)


def semantic_ranking(corpus: Corpus, query: str | None, limit: int, filters: Filters | None = None,
                     allowed: list[int] | None = None, query_vector: np.ndarray | None = None) -> list[tuple[int, float]]:
    from index.sync import open_for_search
    filters = filters or Filters()
    vectors = open_for_search(corpus)
    if len(vectors) == 0:
        return []
    passing = filters.chunk_ids(corpus)
    if allowed is not None:
        passing = allowed if passing is None else np.intersect1d(passing, allowed).tolist()
    if passing is not None and not len(passing):
        return []
    if query_vector is None:
        query_vector = encode_query(query)
    return vectors.search(query_vector, limit, passing)


# -- ranking ---------------------------------------------------------------------------------

class Ranked(list):
    """[(chunk id, score, {mode: 1-based rank or None})], best first, and what the reader
    should be told about how it was found (`notice`) and what the query was understood to
    name (`understood`)."""
    notice: str | None = None
    understood: list[dict] = []
    query: Query | None = None
    filters: Filters | None = None


class Hits(list):
    """The hits of `search`, a list; `notice` says when keyword mode fell back to partial
    matches, `understood` what the query was recognised to name."""
    notice: str | None = None
    understood: list[dict] = []


def _ranked(items, notice: str | None = None) -> Ranked:
    out = Ranked(items)
    out.notice = notice
    return out


def rank(corpus: Corpus, query: str | Query, mode: str = "hybrid", depth: int = MIN_DEPTH,
         filters: Filters | None = None, fusion: Fusion = DEFAULT, plain: bool = False,
         keyword_any: bool = False, query_vector: np.ndarray | None = None,
         understand: bool = False) -> Ranked:
    """The ranked candidates, best first, before snippets. `plain` reads the query as words
    only (no FTS5 syntax: for benchmark queries); `keyword_any` ORs the words in keyword mode;
    `query_vector` skips encoding the query (benchmarks); `understand` recognises what the
    query names (`search.understand`: names rank as phrases, and in hybrid mode the documents
    it names add a third ranking, `search.documents`). `understood` on the result says what."""
    if mode not in MODES:
        raise QueryError(f"unknown mode {mode!r}: choose keyword, semantic or hybrid")
    filters = filters or Filters()
    filters.validate()
    q = query if isinstance(query, Query) else Query.parse(query, plain=plain)
    if understand and not q.strict:
        from search.understand import recognise
        q = replace(q, understood=tuple(recognise(corpus, q.raw)))
    ranked = _rank(corpus, q, mode, depth, filters, adapted(fusion, q.raw, bool(q.understood), bool(q.phrases)), keyword_any,
                   query_vector)
    ranked.understood = [r.as_dict() for r in q.understood]
    ranked.query = q
    ranked.filters = filters
    return ranked


def _rank(corpus: Corpus, q: Query, mode: str, depth: int, filters: Filters, fusion: Fusion,
          keyword_any: bool, query_vector: np.ndarray | None) -> Ranked:
    if mode == "keyword":
        return _keyword_mode(corpus, q, depth, filters, keyword_any)
    if mode == "semantic":
        allowed = None
        if q.phrases and not q.strict:       # a quoted phrase in a question is required
            allowed = [cid for cid, _ in _keyword(corpus, q.required, SYNTAX_POOL, filters)]
            if not allowed:
                return _ranked([])
        ranking = semantic_ranking(corpus, q.embed_text, depth, filters, allowed=allowed, query_vector=query_vector)
        return _ranked((cid, score, {"semantic": r}) for r, (cid, score) in enumerate(ranking, start=1))
    vector = _encode_meanwhile(q.embed_text, query_vector)
    if q.strict:                    # only passages that match the syntax, ordered by both sides
        keyword = keyword_ranking(corpus, q, SYNTAX_POOL, filters, any_term=True)
        if not keyword:
            return _ranked([])
        semantic = semantic_ranking(corpus, q.embed_text, len(keyword), filters,
                                    allowed=[cid for cid, _ in keyword], query_vector=vector.result())
        return _ranked(fuse({"keyword": keyword[:max(depth, MIN_DEPTH)], "semantic": semantic}, fusion))
    any_terms = any_term_match(corpus, list(q.words)) if q.words or not q.phrases else None
    match = q.with_any(any_terms)
    keyword = _keyword(corpus, match, SYNTAX_POOL if q.phrases else depth, filters) if match else []
    if q.phrases and not keyword:   # a required phrase no passage holds
        return _ranked([])
    allowed = [cid for cid, _ in keyword] if q.phrases else None
    semantic = semantic_ranking(corpus, q.embed_text, depth, filters, allowed=allowed, query_vector=vector.result())
    sides = {"keyword": keyword[:depth], "semantic": semantic}
    if q.understood:
        from search.documents import document_ranking
        from search.understand import named_documents
        named = named_documents(list(q.understood))
        if q.phrases:
            named = {d: s for d, s in named.items() if d in set(search_sql.chunk_documents(corpus, allowed).values())}
        inside = document_ranking(corpus, q, named, filters, any_terms, vector.result(), fusion, (1.0, CONTEXT_WEIGHT))
        if inside:
            sides["document"] = inside[:depth]
    return _ranked(fuse(sides, fusion))


def _keyword_mode(corpus: Corpus, q: Query, depth: int, filters: Filters, keyword_any: bool) -> Ranked:
    """Every word (or the strict syntax); a plain question that no passage matches whole falls
    back to its best partial matches, and says so."""
    notice = None
    ranking = keyword_ranking(corpus, q, depth, filters, any_term=keyword_any)
    if not ranking and not q.strict and not keyword_any and q.multi_word:
        ranking = keyword_ranking(corpus, q, depth, filters, any_term=True)
        notice = partial_match_notice(corpus, q)
    return _ranked(((cid, score, {"keyword": r}) for r, (cid, score) in enumerate(ranking, start=1)), notice)


def search(corpus: Corpus, query: str, mode: str = "hybrid", limit: int = 10,
           filters: Filters | None = None, by_document: bool = False,
           fusion: Fusion = DEFAULT, understand: bool = True, collapse: bool = True) -> Hits:
    """Ranked, cited passages (or, `by_document`, the best passage of each document with the
    number of its passages among the matches). `understand=False`: no recognition of what
    the query names (plain ranking). `collapse`: a near-identical passage (document) ranked
    below another is folded into its hit, which lists it in `collapsed` (`search.collapse`)."""
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    q = Query.parse(query)
    depth = max(MIN_DEPTH, limit * 5) * (10 if by_document else 1)
    ranked = rank(corpus, q, mode, depth, filters, fusion, understand=understand)
    hits = Hits(_hits(corpus, ranked.query.highlight, ranked, limit, by_document, collapse=collapse))
    hits.notice, hits.understood = ranked.notice, ranked.understood
    return hits


def cite(corpus: Corpus, query: str, ranked: Ranked, limit: int, by_document: bool = False,
         collapse: bool = True) -> list[Hit]:
    """The first `limit` of candidates ranked by `rank` as cited hits (what `search` returns): for
    a caller that ranks once and then pages through, or counts the candidates (the web app)."""
    return _hits(corpus, ranked.query.highlight, ranked, limit, by_document, collapse=collapse)


def _hits(corpus: Corpus, words: list[str], ranked: Ranked, limit: int, by_document: bool,
          sources: dict[int, dict] | None = None, collapse: bool = False) -> list[Hit]:
    from search import collapse as folding
    filters = getattr(ranked, "filters", None)
    cut: dict[int, tuple] = {}             # snippets already cut while folding
    if by_document:
        documents = search_sql.chunk_documents(corpus, [cid for cid, _, _ in ranked])
        best: dict[str, list] = {}
        for cid, score, ranks in ranked:
            doc_id = documents[cid]
            if doc_id in best:
                best[doc_id][3] += 1
            else:
                best[doc_id] = [cid, score, ranks, 1]
        ordered = [tuple(v) for v in best.values()]
        selected = folding.documents(corpus, ordered, limit, documents, filters) if collapse \
            else [(e, []) for e in ordered[:limit]]
        # a folded document is cited by its best passage among the candidates (if it has one)
        folded_chunks = {doc_id: (best[doc_id][0] if doc_id in best else None) for _, docs in selected for doc_id in docs}
    else:
        selected = folding.passages(corpus, [(cid, score, ranks, 1) for cid, score, ranks in ranked], limit, filters,
                                    words, cut) \
            if collapse else [((cid, score, ranks, 1), []) for cid, score, ranks in ranked[:limit]]
        folded_chunks = {}
    folded_ids = [c for _, ids in selected for c in ids] if not by_document else \
        [c for c in folded_chunks.values() if c is not None]
    rows = corpus.chunks_with_documents([e[0] for e, _ in selected] + folded_ids)
    hits = []
    for (cid, score, ranks, count), folded in selected:
        row = rows[cid]
        text, highlights = cut.get(cid) or snippet(row["text"], words)
        if by_document:
            collapsed = [_folded_document(corpus, doc_id, rows.get(folded_chunks[doc_id])) for doc_id in folded]
        else:
            collapsed = [_folded(rows[c]) for c in folded if c in rows]
        hits.append(Hit(doc_id=row["document_id"], path=row["path"], title=row["title"],
                        file_name=row["file_name"], page=row["first_page"], last_page=row["last_page"],
                        chunk_id=cid, score=round(score, 6), section=row["section"], snippet=text,
                        highlights=highlights, ranks=ranks, matches=count,
                        source=(sources or {}).get(cid), collapsed=collapsed))
    return hits


def _folded(row: dict) -> dict:
    """A passage folded into a hit, as `Hit.collapsed` lists it."""
    return {"doc_id": row["document_id"], "path": row["path"], "file_name": row["file_name"],
            "title": row["title"], "page": row["first_page"], "last_page": row["last_page"],
            "chunk_id": row["chunk_id"]}


def _folded_document(corpus: Corpus, doc_id: str, row: dict | None) -> dict:
    """A document folded into a hit (by document): cited by its best candidate passage, or (not
    among the candidates) by the document alone, with page and chunk_id null."""
    if row is not None:
        return _folded(row)
    doc = corpus.document(doc_id) or {}
    return {"doc_id": doc_id, "path": doc.get("path"), "file_name": doc.get("file_name"), "title": doc.get("title"),
            "page": None, "last_page": None, "chunk_id": None}


# -- more like this --------------------------------------------------------------------------

def similar(corpus: Corpus, doc_id: str, page: int | None = None, limit: int = 10,
            filters: Filters | None = None, by_document: bool = True, collapse: bool = True) -> list[Hit]:
    """Passages of other documents nearest to this document's passages (or to those on `page`),
    by their stored vectors. A candidate's score is its best cosine to any source passage;
    `source` names that passage. By document: the best passage of each other document, with the
    number of its passages among the candidates. `collapse`: near-identical documents (passages)
    fold into one hit, as in `search` (`search.collapse`)."""
    from index.sync import open_for_search
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    filters = filters or Filters()
    filters.validate()
    try:
        found = corpus.document(doc_id)
    except KeyError as err:
        raise QueryError(str(err.args[0])) from None
    if not found:
        raise QueryError(f"no document {doc_id}")
    source_ids = search_sql.document_chunk_ids(corpus, found["id"], page)
    if not source_ids:
        pages = search_sql.page_count(corpus, found["id"])
        where = f" on page {page} (it has {pages} pages)" if page is not None else ""
        raise QueryError(f"{found['file_name']} has no passages{where}")
    vectors = open_for_search(corpus)
    have, queries = vectors.vectors_for(source_ids)
    lacking = sorted(set(source_ids) - set(have))
    if lacking:      # passages not embedded yet (an interrupted ingest): embed them now
        from index.encoder import load_encoder
        from corpus.context import texts_to_embed
        texts = dict(texts_to_embed(corpus, lacking))
        have = have + lacking
        queries = np.vstack([queries, load_encoder().encode([texts[c] for c in lacking])])
    own = search_sql.document_chunk_ids(corpus, found["id"])
    depth = max(MIN_DEPTH, limit * 5) * (10 if by_document else 1)
    passing = filters.chunk_ids(corpus)
    results = vectors.search_many(queries, depth, allowed=passing, exclude=own)
    best: dict[int, tuple[float, int]] = {}
    for source_id, result in zip(have, results):
        for cid, score in result:
            if cid not in best or score > best[cid][0]:
                best[cid] = (score, source_id)
    ordered = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ranked = _ranked((cid, score, {"semantic": r}) for r, (cid, (score, _)) in enumerate(ordered, start=1))
    ranked.filters = filters
    source_pages = {r["chunk_id"]: r["first_page"] for r in corpus.chunks_with_documents(list(have)).values()}
    sources = {cid: {"chunk_id": src, "page": source_pages.get(src)} for cid, (_, src) in best.items()}
    hits = _hits(corpus, [], ranked, limit, by_document, sources, collapse=collapse)
    for hit in hits:            # a cluster's members may include the source: it is not "like" itself
        hit.collapsed = [c for c in hit.collapsed if c["doc_id"] != found["id"]]
    return hits
