"""Near-duplicate passages and documents: MinHash over word 5-shingles, checked exactly.

FOIA productions repeat text: each reply quotes the thread, a release holds the same email many
times, every message ends in the same footer. So each passage (and each document, over all its
pages) gets a MinHash signature (`datasketch`, 64 permutations) of its set of word 5-shingles
(lower-cased `\\w+` words, so `>` quoting, line breaks and punctuation do not count). Locality-
sensitive hashing (`MinHashLSH`, threshold 0.7) proposes candidate pairs; each candidate is then
measured exactly (the Jaccard similarity of the two shingle sets: MinHash's estimate is too
noisy to cut at), and pairs at or above THRESHOLD are joined into clusters (union-find; a
cluster is named by its smallest member).

THRESHOLD 0.85: on the shared FOIA corpus, pairs at 0.85 and above differ by a header, a date,
mailto addresses or a footer; between 0.80 and 0.85 a reply often adds a sentence of its own
(README, "Duplicates"). The clusters are facts about text; whether search folds two members into
one hit is search's policy (`search/collapse.py`: never passages of two different agreements,
whose differences are the point, though their template text is near-identical).

Signatures are kept (`passage_signatures`, `document_signatures`) and computed only for what
lacks one; the clustering is redone over the whole corpus on each run (the LSH is built in
memory: seconds for 10k passages, about a minute per million).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from corpus import duplicates as store
from corpus.store import Corpus

SHINGLE = 5              # words per shingle
NUM_PERM = 64            # MinHash permutations (a signature is 256 bytes)
SEED = 1
SCHEME = "affine32"       # datasketch 2's 32-bit hashing (the values fit a uint32)
LSH_THRESHOLD = 0.7      # candidates: well below THRESHOLD, so that few true pairs are missed
THRESHOLD = 0.85         # Jaccard of the shingle sets at which two texts are near-identical
BATCH = 500
CACHE = 20_000            # shingle sets kept in memory while measuring candidates
SIGNATURE_VERSION = f"datasketch-minhash/{SCHEME}/{NUM_PERM}/{SEED}/words-{SHINGLE}"
_WORD = re.compile(r"\w+")


@dataclass
class DuplicateSummary:
    signed_passages: int = 0          # signatures computed on this run
    signed_documents: int = 0
    passage_pairs: int = 0            # pairs at or above the threshold that joined two clusters
    document_pairs: int = 0
    threshold: float = THRESHOLD
    seconds: float = 0.0
    stored: dict = field(default_factory=dict)    # corpus.duplicates.summary after the run

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The text's word `size`-grams (a text shorter than that: its words, as one shingle)."""
    words = _WORD.findall((text or "").lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _minhash(hashvalues: np.ndarray | None = None, shingle_set: set[str] | None = None):
    from datasketch import MinHash
    if hashvalues is not None:
        return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=hashvalues, scheme=SCHEME)
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    m.update_batch([s.encode("utf-8") for s in shingle_set or ()])
    return m


def signature(text: str) -> bytes:
    """A text's MinHash signature as stored (uint32 little-endian); empty for a text with no words."""
    found = shingles(text)
    if not found:
        return b""
    return np.asarray(_minhash(shingle_set=found).hashvalues, dtype="<u4").tobytes()


def _clusters(signatures: Iterable[tuple], texts: Callable[[list], dict], threshold: float,
              cache_size: int = CACHE) -> tuple[dict, int]:
    """Union-find over the pairs whose shingle sets' Jaccard is >= threshold. `texts(keys)`
    gives the texts of candidates, to measure them exactly. Returns ({member: cluster}, the
    number of pairs that joined two clusters)."""
    from datasketch import MinHashLSH
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    hashes = {}
    for key, blob in signatures:
        if not blob:              # a text with no words is nobody's duplicate
            continue
        m = _minhash(np.frombuffer(blob, dtype="<u4"))
        hashes[key] = m
        lsh.insert(key, m, check_duplication=False)
    candidates = set()
    for key, m in hashes.items():
        for other in lsh.query(m):
            if other != key:
                candidates.add((min(key, other), max(key, other)))
    parent: dict = {}

    def root(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x
    joined: set = set()
    cache: dict = {}                        # key -> shingle set (bounded: cleared when full)
    pairs, ordered = 0, sorted(candidates)
    for start in range(0, len(ordered), BATCH):
        # a pair already joined through others is not measured (template text: thousands of pairs)
        part = [(a, b) for a, b in ordered[start:start + BATCH] if root(a) != root(b)]
        lacking = sorted({k for pair in part for k in pair} - set(cache))
        if len(cache) + len(lacking) > cache_size:
            cache.clear()
            lacking = sorted({k for pair in part for k in pair})
        cache.update({k: shingles(t) for k, t in texts(lacking).items()})
        for a, b in part:
            if a in cache and b in cache and root(a) != root(b) and jaccard(cache[a], cache[b]) >= threshold:
                pairs += 1
                joined.update((a, b))
                ra, rb = root(a), root(b)
                parent[max(ra, rb)] = min(ra, rb)
    members = {k: root(k) for k in sorted(joined)}
    return members, pairs


def find_duplicates(corpus: Corpus, threshold: float = THRESHOLD,
                    on_progress: Callable[[str, int, int], None] | None = None) -> DuplicateSummary:
    """Sign every passage and document that lacks a signature, then cluster the whole corpus
    afresh and store the clusters. `on_progress(stage, done, total)`."""
    started = time.monotonic()
    notify = on_progress or (lambda *a: None)
    summary = DuplicateSummary(threshold=threshold)
    if (corpus.get_meta(store.META_KEY) or {}).get("signature") not in (None, SIGNATURE_VERSION):
        store.forget_signatures(corpus)          # made another way: not comparable
    lacking = store.passages_without_signature(corpus)
    for start in range(0, len(lacking), BATCH):
        part = lacking[start:start + BATCH]
        store.store_signatures(corpus, passages=[(cid, signature(text)) for cid, text in corpus.chunk_texts(part)])
        summary.signed_passages += len(part)
        notify("passages", summary.signed_passages, len(lacking))
    lacking_docs = store.documents_without_signature(corpus)
    for start in range(0, len(lacking_docs), 50):
        part = lacking_docs[start:start + 50]
        store.store_signatures(corpus, documents=[(d, signature(t)) for d, t in store.document_texts(corpus, part)])
        summary.signed_documents += len(part)
        notify("documents", summary.signed_documents, len(lacking_docs))
    passages, summary.passage_pairs = _clusters(
        list(store.passage_signatures(corpus)), lambda ids: dict(corpus.chunk_texts(ids)), threshold)
    documents, summary.document_pairs = _clusters(
        list(store.document_signatures(corpus)), lambda ids: dict(store.document_texts(corpus, ids)), threshold,
        cache_size=500)
    store.replace_clusters(corpus, passages, documents,
                           {"threshold": threshold, "shingle": SHINGLE, "num_perm": NUM_PERM,
                            "signature": SIGNATURE_VERSION})
    summary.stored = store.summary(corpus)
    summary.seconds = round(time.monotonic() - started, 2)
    return summary
