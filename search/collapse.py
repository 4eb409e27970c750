"""Fold near-identical hits into one: "and N near-identical in: ...".

Walking the ranked candidates best first, a passage whose near-duplicate cluster (stored by
`index/duplicates.py`) already has a hit above it is folded into that hit instead of taking a
place of its own; the hit then lists every member of its cluster that passes the filters (the
files that hold the same text, whether or not they were ranked). With `--by-document` the same
is done with clusters of near-identical documents.

Never folded: passages (or documents) of two different agreements. 287(g) agreements share a
template, so their passages are near-identical by design and their differences are the point;
two files of one agreement (the same agency, state, model and signing date) do fold.

The cost is a primary-key lookup of the candidates' clusters, and for the hits that have one, of
their members: nothing for a corpus without clusters.
"""
from __future__ import annotations

from corpus import duplicates as store
from corpus.search_sql import chunk_documents
from corpus.store import Corpus
from index.duplicates import THRESHOLD, shingles
from search.filters import Filters
from search.snippets import snippet

Entry = tuple          # (id, score, ranks, ...) as `engine._hits` selects them
SNIPPET_SHINGLE = 5    # words per shingle when two hits' snippets are compared
SNIPPET_THRESHOLD = THRESHOLD


def _passing(corpus: Corpus, chunk_ids: list[int], filters: Filters | None) -> set[int]:
    ids = list(dict.fromkeys(chunk_ids))
    sql, params = (filters or Filters()).where()
    if not sql or not ids:
        return set(ids)
    out: set[int] = set()
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        out.update(r[0] for r in corpus.conn.execute(
            f"SELECT chunks.id FROM chunks WHERE chunks.id IN ({marks}) AND {sql}", part + params))
    return out


def passages(corpus: Corpus, ranked: list, limit: int, filters: Filters | None = None,
             words: list[str] | None = None, snippets: dict | None = None) -> list[tuple]:
    """[(entry, [folded chunk ids])] for the first `limit` hits of `ranked` [(chunk id, ...)]
    once near-identical passages are folded: those of one stored cluster, and (given the query's
    `words`) those whose snippet, the text the hit shows, is near-identical to a higher hit's
    (two replies quoting one message are cut into passages at different places, so the passages
    differ while the quoted text they are found by is the same). Folded ids: those ranked below
    the hit first (in rank order), then the rest of its stored cluster. `snippets` is filled with
    {chunk id: snippet(...)} of the passages walked (the caller shows them: not cut twice)."""
    snippets = {} if snippets is None else snippets
    cluster_of: dict[int, int] = {}
    documents: dict[int, str] = {}
    agreement: dict[str, tuple] = {}

    def key(chunk_id: int):
        cluster = cluster_of.get(chunk_id)
        return None if cluster is None else (cluster, agreement.get(documents.get(chunk_id)))

    kept: list[tuple] = []
    where: dict = {}                        # stored-cluster fold key -> index in kept
    shown: dict[str, list[int]] = {}        # snippet shingle -> indices in kept
    shown_sets: list[tuple] = []            # index in kept -> (agreement key, snippet shingles)
    step = max(2 * limit, 20)
    for start in range(0, len(ranked), step):
        batch = ranked[start:start + step]
        cluster_of.update(store.passage_clusters_of(corpus, [e[0] for e in batch]))
        rows = corpus.chunks_with_documents([e[0] for e in batch]) if words is not None else {}
        documents.update(chunk_documents(corpus, [e[0] for e in batch]) if not rows else
                         {c: r["document_id"] for c, r in rows.items()})
        agreement.update(store.agreement_keys(corpus, sorted(set(documents[e[0]] for e in batch) - set(agreement))))
        for entry in batch:
            cid = entry[0]
            k = key(cid)
            if k is not None and k in where:
                kept[where[k]][1].append(cid)
                continue
            agreement_key = agreement.get(documents.get(cid))
            if cid in rows:
                snippets[cid] = snippet(rows[cid]["text"], words)
            shingle_set = shingles(snippets[cid][0], SNIPPET_SHINGLE) if cid in rows else set()
            same = _same_snippet(shingle_set, agreement_key, shown, shown_sets)
            if same is not None:
                kept[same][1].append(cid)
                continue
            if len(kept) == limit:
                break
            if k is not None:
                where[k] = len(kept)
            for sh in shingle_set:
                shown.setdefault(sh, []).append(len(kept))
            shown_sets.append((agreement_key, shingle_set))
            kept.append((entry, []))
        else:
            continue
        break
    if not where:
        return kept
    members = store.passage_cluster_members(corpus, sorted({k[0] for k in where}))
    everyone = [c for ids in members.values() for c in ids]
    documents.update(chunk_documents(corpus, [c for c in everyone if c not in documents]))
    cluster_of.update({c: cl for cl, ids in members.items() for c in ids})
    agreement.update(store.agreement_keys(corpus, sorted(set(documents[c] for c in everyone) - set(agreement))))
    return _fold_members(kept, members, lambda entry: entry[0], key, _passing(corpus, everyone, filters))


def _same_snippet(shingle_set: set, agreement_key, shown: dict, shown_sets: list) -> int | None:
    """The kept hit whose snippet is near-identical to this one (and not another agreement's)."""
    if not shingle_set:
        return None
    counts: dict[int, int] = {}
    for sh in shingle_set:
        for i in shown.get(sh, ()):
            counts[i] = counts.get(i, 0) + 1
    for i, common in sorted(counts.items(), key=lambda kv: -kv[1]):
        other_key, other = shown_sets[i]
        if other_key == agreement_key and common / (len(shingle_set) + len(other) - common) >= SNIPPET_THRESHOLD:
            return i
    return None


def documents(corpus: Corpus, best: list[tuple], limit: int, doc_of: dict[int, str],
              filters: Filters | None = None) -> list[tuple]:
    """By document: [(entry, [folded document ids])] for the first `limit` of `best` [(chunk id,
    ...)], one entry per document best first, once near-identical documents are folded."""
    doc_ids = [doc_of[e[0]] for e in best]
    cluster_of = store.document_clusters_of(corpus, doc_ids)
    if not cluster_of:
        return [(e, []) for e in best[:limit]]
    members = store.document_cluster_members(corpus, sorted(set(cluster_of.values())))
    everyone = [d for ids in members.values() for d in ids]
    cluster_of.update({d: c for c, ids in members.items() for d in ids})
    agreement = store.agreement_keys(corpus, everyone)

    def key(doc_id: str):
        cluster = cluster_of.get(doc_id)
        return None if cluster is None else (cluster, agreement.get(doc_id))

    kept: list[tuple] = []
    where: dict = {}
    for entry, doc_id in zip(best, doc_ids):
        k = key(doc_id)
        if k is not None and k in where:
            kept[where[k]][1].append(doc_id)
            continue
        if len(kept) == limit:
            break
        if k is not None:
            where[k] = len(kept)
        kept.append((entry, []))
    sql, params = (filters or Filters()).where()
    passing = set(everyone)
    if sql:
        marks = ",".join("?" * len(everyone))
        passing = {r[0] for r in corpus.conn.execute(
            f"SELECT DISTINCT chunks.document_id FROM chunks WHERE chunks.document_id IN ({marks}) AND {sql}",
            everyone + params)}
    return _fold_members(kept, members, lambda entry: doc_of[entry[0]], key, passing)


def _fold_members(kept: list[tuple], members: dict, ident, key, passing: set) -> list[tuple]:
    """Fold into each kept hit the other members of its stored cluster (same fold key) that the
    ranking left out but the filters pass, so a collapsed hit names every near-identical copy."""
    shown = {ident(entry) for entry, _ in kept}
    for entry, folded in kept:
        k = key(ident(entry))
        if k is None:
            continue
        for member in members.get(k[0], []):
            if member not in shown and member not in folded and member in passing and key(member) == k:
                folded.append(member)
    return kept
