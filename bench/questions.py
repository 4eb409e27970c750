"""Investigators' questions with known answers (file and page): does search land on them?

    .venv/bin/python bench/questions.py [--questions bench/data/questions.jsonl] [--split dev|heldout|all]
                                        [--work /tmp/readingroom-questions] [--out results.json]

For each question (`{"id", "question", "kind", "answers": [{"source", "page", "attachment"?}],
"split"}`, sources relative to ../shared/data) and each ranking, the top 10 hits are scored:

* Recall@10: an answer document among the top 10 hits (a collapsed hit counts as every
  document it lists);
* MRR@10: 1 / the rank of the first such hit;
* page Recall@10: a top-10 hit of an answer document whose pages hold the answer page (for a
  collapsed hit, each document it lists is cited with its own pages).

Rankings: `readingroom search` in each mode (keyword, semantic, hybrid) as shipped, beside two
baselines on the same stored passages: plain BM25 (an FTS5 OR of the question's words, stop
words dropped, over the passage text alone) and plain dense (the question's MiniLM vector
against the vectors the shared corpus was built with, before passages carried context).

Corpora: copies of the shared ones (/work/corpora/moa and /work/corpora/foia; a question whose
source starts with `moa/` is asked of the MOAs, any other of the FOIA corpus), migrated and
re-embedded with context once, and kept in `--work` (rebuilt when the shared file changes).
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.store import Corpus  # noqa: E402

DATA = next((p for p in (ROOT.parent / "shared" / "data", Path("/work/shared/data")) if p.exists()),
            Path("/work/shared/data"))
SHARED = {"moa": Path("/work/corpora/moa/corpus.db"), "foia": Path("/work/corpora/foia/corpus.db")}
RANKINGS = ("bm25", "dense", "keyword", "semantic", "hybrid")
K = 10


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def corpus_of(question: dict) -> str:
    return "moa" if question["answers"][0]["source"].startswith("moa/") else "foia"


def prepare(name: str, work: Path, log=print, refresh: bool = False) -> Path:
    """A migrated, context-embedded copy of a shared corpus (and the original vectors, for the
    dense baseline), made once (again with `refresh`: embedding takes minutes)."""
    source = SHARED[name]
    work.mkdir(parents=True, exist_ok=True)
    db, stamp_file = work / f"{name}.db", work / f"{name}.stamp"
    stamp = f"{source.stat().st_mtime_ns}:{source.stat().st_size}"
    if db.exists() and stamp_file.exists() and not refresh:
        return db
    for suffix in (".db", ".db-wal", ".db-shm", ".faiss", ".plain.faiss"):
        (work / f"{name}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(db) as dst:
        src.backup(dst)                     # the WAL's pages too
    (work / f"{name}.plain.faiss").write_bytes(source.with_suffix(".faiss").read_bytes())
    (work / f"{name}.faiss").write_bytes(source.with_suffix(".faiss").read_bytes())
    from index.sync import rebuild
    started = time.monotonic()
    with Corpus(db) as corpus:              # opening migrates: context filled, FTS5 rebuilt
        done = rebuild(corpus)              # the stale vectors embedded again, with context
    log(f"{name}: {done.vectors} passages embedded with context in {time.monotonic() - started:.0f} s")
    stamp_file.write_text(stamp)
    return db


class Judge:
    """Which documents and pages answer a question, in one corpus."""

    def __init__(self, corpus: Corpus):
        self.by_path = {r["path"]: r["id"] for r in corpus.rows("SELECT id, path FROM documents")}

    def answers(self, question: dict) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for a in question["answers"]:
            path = str(DATA / a["source"]) + (f"!{a['attachment']}" if a.get("attachment") else "")
            doc = self.by_path.get(path)
            if doc:
                out.setdefault(doc, set()).add(int(a["page"]))
        return out


def score(hits: list[dict], answers: dict[str, set[int]]) -> dict[str, float]:
    """hits: [{"docs": [doc ids], "pages": (first, last), "spans"?: [(first, last) of each doc]}] best first."""
    first, page_found = None, False
    for n, hit in enumerate(hits[:K], start=1):
        spans = hit.get("spans") or [hit["pages"]] * len(hit["docs"])
        found = [(d, span) for d, span in zip(hit["docs"], spans) if d in answers]
        if found and first is None:
            first = n
        if any(span[0] is not None and span[0] <= p <= span[1] for d, span in found for p in answers[d]):
            page_found = True
    return {"recall@10": float(first is not None), "mrr@10": 1.0 / first if first else 0.0,
            "page_recall@10": float(page_found)}


def _chunk_pages(corpus: Corpus, ids: list[int]) -> list[dict]:
    rows = corpus.chunks_with_documents(ids)
    return [{"docs": [rows[c]["document_id"]], "pages": (rows[c]["first_page"], rows[c]["last_page"])}
            for c in ids if c in rows]


def bm25_baseline(corpus: Corpus, question: str) -> list[dict]:
    from search.query import Query
    words = Query.parse(question, plain=True).words
    match = "text : (" + " OR ".join(f'"{w}"' for w in words) + ")"
    ids = [r[0] for r in corpus.conn.execute(
        "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? AND rank MATCH 'bm25(1.0, 0.0)' ORDER BY rank LIMIT ?",
        [match, K])]
    return _chunk_pages(corpus, ids)


def dense_baseline(corpus: Corpus, plain_vectors, vector) -> list[dict]:
    return _chunk_pages(corpus, [c for c, _ in plain_vectors.search(vector, K)])


def hits_of(found) -> list[dict]:
    out = []
    for h in found:
        d = h.as_dict()
        docs = [d["doc_id"]] + [o["doc_id"] for o in d.get("collapsed") or []]
        spans = [(d["page"], d["last_page"])] + [(o.get("page"), o.get("last_page")) for o in d.get("collapsed") or []]
        out.append({"docs": docs, "pages": (d["page"], d["last_page"]), "spans": spans})
    return out


def run(questions: list[dict], work: Path, rankings=RANKINGS, search_kwargs: dict | None = None,
        log=print) -> list[dict]:
    """One row per question and ranking: {"id", "split", "kind", "ranking", metrics..., "top"}."""
    from index.encoder import load_encoder
    from index.vectors import VectorIndex
    from search import search
    rows = []
    encoder = load_encoder()
    by_corpus = defaultdict(list)
    for q in questions:
        by_corpus[corpus_of(q)].append(q)
    for name, group in by_corpus.items():
        db = prepare(name, work, log)
        with Corpus(db) as corpus:
            if corpus.get_meta("duplicates") is None:    # a copy made before near-duplicates were found
                from index.duplicates import find_duplicates
                log(f"{name}: near-duplicates found: {find_duplicates(corpus).stored}")
            judge = Judge(corpus)
            plain = VectorIndex(work / f"{name}.plain.faiss", int(corpus.get_meta("embedding_dimension")))
            for q in group:
                answers = judge.answers(q)
                if not answers:
                    log(f"{q['id']}: no answer document in the {name} corpus ({q['answers'][0]['source']}); skipped")
                    continue
                for ranking in rankings:
                    if ranking == "bm25":
                        hits = bm25_baseline(corpus, q["question"])
                    elif ranking == "dense":
                        hits = dense_baseline(corpus, plain, encoder.encode_query(q["question"]))
                    else:
                        hits = hits_of(search(corpus, q["question"], mode=ranking, limit=K, **(search_kwargs or {})))
                    rows.append({"id": q["id"], "split": q["split"], "kind": q["kind"], "ranking": ranking,
                                 **score(hits, answers), "top": hits[0]["docs"][0][:12] if hits else None})
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Mean metrics per split, ranking and kind (kind "all" first)."""
    groups = defaultdict(list)
    for r in rows:
        for kind in ("all", r["kind"]):
            groups[(r["split"], r["ranking"], kind)].append(r)
    out = []
    for (split, ranking, kind), found in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2] != "all", kv[0][2],
                                                                               RANKINGS.index(kv[0][1]))):
        out.append({"split": split, "kind": kind, "ranking": ranking, "questions": len(found),
                    **{m: round(sum(r[m] for r in found) / len(found), 3)
                       for m in ("recall@10", "mrr@10", "page_recall@10")}})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "data" / "questions.jsonl")
    parser.add_argument("--split", default="all", choices=("dev", "heldout", "all"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/readingroom-questions"))
    parser.add_argument("--rankings", default=",".join(RANKINGS))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--misses", action="store_true", help="list the questions hybrid misses or ranks below 1")
    parser.add_argument("--no-collapse", action="store_true", help="search as `--no-collapse`: every near-identical "
                        "passage a hit of its own (the default folds them, as `readingroom search` does)")
    args = parser.parse_args()
    questions = [q for q in load_questions(args.questions) if args.split in ("all", q["split"])]
    rows = run(questions, args.work, args.rankings.split(","), {"collapse": False} if args.no_collapse else None,
               log=lambda m: print(m, file=sys.stderr))
    table = summarise(rows)
    print(f"{'split':8} {'kind':18} {'ranking':9} {'n':>3} {'R@10':>6} {'MRR@10':>7} {'pageR@10':>8}")
    for t in table:
        print(f"{t['split']:8} {t['kind']:18} {t['ranking']:9} {t['questions']:3} {t['recall@10']:6.3f} "
              f"{t['mrr@10']:7.3f} {t['page_recall@10']:8.3f}")
    if args.misses:
        text = {q["id"]: q["question"] for q in questions}
        for r in rows:
            if r["ranking"] == "hybrid" and (r["mrr@10"] < 1 or not r["page_recall@10"]):
                print(f"MISS {r['id']} {r['split']} {r['kind']} rr={r['mrr@10']:.2f} page={r['page_recall@10']:.0f}: "
                      f"{text[r['id']]}")
    if args.out:
        args.out.write_text(json.dumps({"summary": table, "questions": rows}, indent=1))


if __name__ == "__main__":
    main()
