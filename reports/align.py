"""Clauses -> canonical clause keys per model (`wso/training-of-personnel`), learned from the corpus.

1. Headings: each clause's heading slug (OCR spellings already folded by nlp.clauses) is grouped
   with similar slugs of the same model and kind (appendix or not) when rapidfuzz says they are
   close (ratio >= HEADING_MATCH, or one's words contain the other's and it is at least 60% as
   long: "effective date and termination" ~ "effective date, suspension, and termination"),
   provided no agreement uses both (then they are two clauses, not two spellings of one).
2. A group is a canonical key when at least MIN_SUPPORT_SHARE of the model's agreements (and at
   least two, when there are two or more) have it.
3. Clauses left over (a heading that matches no key, a garbled or missing heading, a duplicate) are
   compared by embedding (all-MiniLM-L6-v2) with the centroid of each key's texts; a cosine of at
   least EMBED_MATCH gives them a key the agreement does not already have. The rest are additions.
Texts are embedded once each (identical texts once in all), and only where headings failed.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from reports.agreements import Agreement, title_of
from reports.text import display_text

HEADING_MATCH = 85
MIN_SUPPORT_SHARE = 0.10
EMBED_MATCH = 0.85
CENTROID_TEXTS = 4
MIN_WORDS_TO_EMBED = 8


@dataclass
class ClauseKey:
    key: str
    model: str
    title: str                       # the most common heading title as printed
    level: int
    slugs: list[str]
    order: float                     # median position: keys sort in document order
    documents: set[str] = field(default_factory=set)


@dataclass
class Aligned:
    """One clause of one agreement, placed."""
    agreement: Agreement
    clause: dict
    key: str | None                  # None: an addition
    how: str                         # heading | embedding | added
    score: float | None = None


def _words(slug: str) -> list[str]:
    return [w for w in slug.split("/")[-1].split("-") if w]


def _close(a: str, b: str) -> bool:
    if a.startswith("appendix/") != b.startswith("appendix/"):
        return False
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    sa, sb = " ".join(wa), " ".join(wb)
    if fuzz.ratio(sa, sb) >= HEADING_MATCH:
        return True
    short, long_ = (wa, wb) if len(sa) <= len(sb) else (wb, wa)
    return (len(short) >= 2 and len(" ".join(short)) >= 0.6 * len(" ".join(long_))
            and fuzz.token_set_ratio(" ".join(short), " ".join(long_)) >= 95)


def _embed(texts: list[str], encoder) -> np.ndarray:
    return encoder.encode(texts) if texts else np.zeros((0, 384), dtype="float32")


def align(agreements: list[Agreement], encoder_factory=None) -> tuple[list[ClauseKey], list[Aligned], dict]:
    """Keys (in document order, per model), every clause placed, and counts of how."""
    by_model: dict[str, list[Agreement]] = defaultdict(list)
    for a in agreements:
        by_model[a.model].append(a)
    keys: list[ClauseKey] = []
    placed: list[Aligned] = []
    stats = Counter()
    pending: list[tuple[str, Aligned]] = []          # (model, clause) to try by embedding
    key_index: dict[str, ClauseKey] = {}
    for model in sorted(by_model):
        group = by_model[model]
        n = len(group)
        docs_by_slug: dict[str, set[str]] = defaultdict(set)
        for a in group:
            for c in a.clauses:
                docs_by_slug[c["slug"]].add(a.document_id)
        # 1. group slugs, most widespread first
        clusters: list[list[str]] = []
        cluster_docs: list[set[str]] = []
        for s in sorted(docs_by_slug, key=lambda s: (-len(docs_by_slug[s]), s)):
            for i, members in enumerate(clusters):
                if _close(members[0], s) and not (cluster_docs[i] & docs_by_slug[s]):
                    members.append(s)
                    cluster_docs[i] |= docs_by_slug[s]
                    break
            else:
                clusters.append([s])
                cluster_docs.append(set(docs_by_slug[s]))
        # 2. keys that enough agreements share
        need = 1 if n < 2 else max(2, math.ceil(MIN_SUPPORT_SHARE * n))
        slug_key: dict[str, ClauseKey] = {}
        for members, docs in zip(clusters, cluster_docs):
            if len(docs) < need:
                continue
            titles, levels, positions = Counter(), Counter(), []
            for a in group:
                for c in a.clauses:
                    if c["slug"] in members:
                        titles[title_of(c["heading"]) or "(preamble)"] += 1
                        levels[c["level"]] += 1
                        positions.append(c["position"])
            ck = ClauseKey(key=f"{model.lower()}/{members[0]}", model=model, title=titles.most_common(1)[0][0],
                           level=levels.most_common(1)[0][0], slugs=members,
                           order=float(np.median(positions)) if positions else 0.0)
            keys.append(ck)
            key_index[ck.key] = ck
            for s in members:
                slug_key[s] = ck
        # place by heading; a second clause with a key its agreement already has waits for embedding
        for a in group:
            have = set()
            for c in a.clauses:
                ck = slug_key.get(c["slug"])
                item = Aligned(a, c, None, "added")
                if ck and ck.key not in have:
                    item.key, item.how = ck.key, "heading"
                    have.add(ck.key)
                    ck.documents.add(a.document_id)
                    stats["heading"] += 1
                    placed.append(item)
                else:
                    pending.append((model, item))
    # 3. the rest by embedding against each key's centroid
    if pending:
        _place_by_embedding(pending, placed, key_index, encoder_factory, stats)
    keys.sort(key=lambda k: (k.model, k.order))
    placed.sort(key=lambda p: (p.agreement.path, p.clause["position"]))
    stats["keys"] = len(keys)
    return keys, placed, dict(stats)


def _place_by_embedding(pending, placed, key_index, encoder_factory, stats) -> None:
    have: dict[str, set[str]] = defaultdict(set)
    for p in placed:
        if p.key:
            have[p.agreement.document_id].add(p.key)
    model_keys: dict[str, set[str]] = defaultdict(set)
    for k in key_index.values():
        model_keys[k.model].add(k.key)
    # worth embedding: enough words, and some key of its model that its agreement lacks
    candidates = [(m, p) for m, p in pending if len(p.clause["text"].split()) >= MIN_WORDS_TO_EMBED
                  and model_keys[m] - have[p.agreement.document_id]]
    chosen = {id(p) for _, p in candidates}
    for m, p in pending:
        if id(p) not in chosen:
            stats["added"] += 1
            placed.append(p)
    if not candidates:
        return
    # centroid texts: a few distinct texts of each key that some candidate's agreement lacks
    wanted = set().union(*(model_keys[m] - have[p.agreement.document_id] for m, p in candidates))
    key_texts: dict[str, list[str]] = defaultdict(list)
    for p in placed:
        if p.key in wanted and len(key_texts[p.key]) < CENTROID_TEXTS:
            t = display_text(p.clause["text"])
            if len(t.split()) >= MIN_WORDS_TO_EMBED and t not in key_texts[p.key]:
                key_texts[p.key].append(t)
    texts = sorted({t for ts in key_texts.values() for t in ts} |
                   {display_text(p.clause["text"]) for _, p in candidates})
    if encoder_factory is None:
        from index.encoder import load_encoder
        encoder_factory = load_encoder
    vectors = dict(zip(texts, _embed(texts, encoder_factory())))
    stats["embedded_texts"] = stats.get("embedded_texts", 0) + len(texts)
    centroids = {}
    for k, ts in key_texts.items():
        if not ts:
            continue
        v = np.mean([vectors[t] for t in ts], axis=0)
        centroids[k] = v / (np.linalg.norm(v) or 1.0)
    for model, p in candidates:
        v = vectors[display_text(p.clause["text"])]
        best, best_score = None, -1.0
        for k, c in centroids.items():
            if key_index[k].model != model or k in have[p.agreement.document_id]:
                continue
            score = float(v @ c)
            if score > best_score:
                best, best_score = k, score
        if best and best_score >= EMBED_MATCH:
            p.key, p.how, p.score = best, "embedding", round(best_score, 3)
            have[p.agreement.document_id].add(best)
            key_index[best].documents.add(p.agreement.document_id)
            stats["embedding"] += 1
        else:
            p.score = round(best_score, 3) if best else None
            stats["added"] += 1
        placed.append(p)
