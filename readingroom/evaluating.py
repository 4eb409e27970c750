"""`readingroom eval`: search quality on a BEIR-format benchmark, for each search mode.

A BEIR folder holds `corpus.jsonl` ({"_id", "title", "text"}), `queries.jsonl` ({"_id", "text"})
and `qrels/test.tsv` (query-id, corpus-id, score; graded, 0 = judged not relevant).

The benchmark's documents go into a corpus of their own (one page and one passage each, title
and text; no NLP, which the metrics do not use), embedded once and kept in `corpus_dir`
(by default a folder in the system's temp directory named after the benchmark file), so a
second run only searches. Each query then runs through the same `search.engine.rank` that
`readingroom search` uses, read as plain words (benchmark queries are not FTS5 syntax), with
the keyword side ORing the words (BM25 as BEIR runs it: an AND of every word of a question
finds almost nothing).

Metrics, as BEIR computes them with trec_eval: nDCG@10 with the graded relevance as gain and
log2 discount; Recall@10 and Recall@100 over the documents judged relevant (score > 0); MRR@10,
the reciprocal rank of the first relevant document in the top 10. Averaged over the queries
that have at least one relevant document.
"""
from __future__ import annotations

import hashlib
import json
import math
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from corpus.records import Chunk, Document, Page
from corpus.store import Corpus
from search.fusion import DEFAULT, Fusion

METRICS = ("ndcg@10", "recall@10", "recall@100", "mrr@10")
MODES = ("keyword", "semantic", "hybrid")
DEPTH = 100


@dataclass
class Benchmark:
    name: str
    path: Path
    documents: list[dict]                       # {"_id", "title", "text"}
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]

    def fingerprint(self) -> str:
        corpus = self.path / "corpus.jsonl"
        stat = corpus.stat()
        return hashlib.sha256(f"{corpus.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:12]


class BenchmarkError(ValueError):
    pass


def _jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise BenchmarkError(f"{path}:{n}: not JSON ({err.msg})") from None
    return rows


def load_beir(path: str | Path, split: str = "test") -> Benchmark:
    path = Path(path)
    needed = [path / "corpus.jsonl", path / "queries.jsonl", path / "qrels" / f"{split}.tsv"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        raise BenchmarkError(f"not a BEIR folder: missing {', '.join(missing)}")
    documents = _jsonl(needed[0])
    queries = {str(q["_id"]): q["text"] for q in _jsonl(needed[1])}
    qrels: dict[str, dict[str, int]] = {}
    with needed[2].open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            parts = line.rstrip("\n").split("\t")
            if n == 1 and parts[0] == "query-id":
                continue
            if len(parts) < 3:
                continue
            try:
                qrels.setdefault(parts[0], {})[parts[1]] = int(float(parts[2]))
            except ValueError:
                raise BenchmarkError(f"{needed[2]}:{n}: the score is not a number") from None
    queries = {q: t for q, t in queries.items() if q in qrels}
    return Benchmark(path.name, path, documents, queries, qrels)


def default_corpus_dir(bench: Benchmark) -> Path:
    return Path(tempfile.gettempdir()) / "readingroom-eval" / f"{bench.name}-{bench.fingerprint()}"


def build_corpus(bench: Benchmark, corpus_dir: Path | None = None,
                 on_progress: Callable[[str, int, int], None] | None = None) -> Path:
    """The benchmark's corpus (documents, FTS5, vectors), built once in `corpus_dir`."""
    from index.sync import check, sync
    corpus_dir = Path(corpus_dir or default_corpus_dir(bench))
    path = corpus_dir / f"{bench.name}.db"
    notify = on_progress or (lambda *a: None)
    with Corpus(path) as corpus:
        if corpus.get_meta("eval_source") != bench.fingerprint():
            done = 0
            for doc in bench.documents:
                doc_id = str(doc["_id"])
                title, text = (doc.get("title") or "").strip(), (doc.get("text") or "").strip()
                body = f"{title}\n{text}" if title else text
                corpus.add_document(Document(
                    id=doc_id, path=f"beir:{bench.name}/{doc_id}", file_name=doc_id,
                    media_type="text/plain", title=title or None, doc_type="benchmark",
                    pages=[Page(1, body)], chunks=[Chunk(1, 1, 0, len(body), body)]))
                done += 1
                if done % 1000 == 0:
                    notify("stored", done, len(bench.documents))
            corpus.set_meta("eval_source", bench.fingerprint())
        total = corpus.counts()["chunks"]
        embedded = [0]

        def on_batch(n):
            embedded[0] += n
            notify("embedded", embedded[0], total)
        if not check(corpus).ok:
            sync(corpus, on_batch=on_batch)
    return path


@dataclass
class Evaluation:
    benchmark: str
    queries: int
    documents: int
    results: dict[str, dict[str, float]]            # mode -> metric -> value
    seconds: dict[str, float] = field(default_factory=dict)    # mode -> mean seconds per query
    fusion: str = ""

    def as_dict(self) -> dict:
        return {"benchmark": self.benchmark, "queries": self.queries, "documents": self.documents,
                "fusion": self.fusion, "results": self.results, "seconds_per_query": self.seconds}

    def rows(self) -> list[dict]:
        return [{"benchmark": self.benchmark, "mode": mode, **{m: round(v, 4) for m, v in metrics.items()},
                 "ms_per_query": round(self.seconds.get(mode, 0) * 1000, 1)}
                for mode, metrics in self.results.items()]


def score_run(ranked: list[str], relevant: dict[str, int]) -> dict[str, float]:
    """The four metrics for one query: `ranked` document ids best first, `relevant` its qrels."""
    positive = {d for d, r in relevant.items() if r > 0}
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]) if relevant.get(d, 0) > 0)
    ideal = sorted((r for r in relevant.values() if r > 0), reverse=True)[:10]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    first = next((i for i, d in enumerate(ranked[:10]) if d in positive), None)
    return {"ndcg@10": dcg / idcg if idcg else 0.0,
            "recall@10": len(positive & set(ranked[:10])) / len(positive),
            "recall@100": len(positive & set(ranked[:100])) / len(positive),
            "mrr@10": 1.0 / (first + 1) if first is not None else 0.0}


def evaluate(bench: Benchmark, corpus_path: Path, modes=MODES, fusions: dict[str, Fusion] | None = None,
             on_query: Callable[[int, int], None] | None = None) -> Evaluation:
    """Run every judged query in each mode (hybrid once per named fusion, default: DEFAULT)."""
    from search.engine import encode_query, rank
    fusions = fusions or {"hybrid": DEFAULT}
    judged = [q for q in bench.queries if any(r > 0 for r in bench.qrels[q].values())]
    columns = [m for m in modes if m != "hybrid"] + (list(fusions) if "hybrid" in modes else [])
    totals = {c: dict.fromkeys(METRICS, 0.0) for c in columns}
    seconds = dict.fromkeys(columns, 0.0)
    with Corpus(corpus_path) as corpus:
        chunk_doc = dict(corpus.conn.execute("SELECT id, document_id FROM chunks"))
        documents = corpus.counts()["documents"]
        for n, qid in enumerate(judged, start=1):
            text = bench.queries[qid]
            started = time.perf_counter()
            vector = encode_query(text)         # as `readingroom search` encodes it
            encode_seconds = time.perf_counter() - started
            for column in columns:
                mode = "hybrid" if column in fusions else column
                started = time.perf_counter()
                ranked = rank(corpus, text, mode, DEPTH, fusion=fusions.get(column, DEFAULT), plain=True,
                              keyword_any=True, query_vector=vector)
                seconds[column] += time.perf_counter() - started + (encode_seconds if mode != "keyword" else 0)
                run = list(dict.fromkeys(chunk_doc[cid] for cid, _, _ in ranked))
                for metric, value in score_run(run, bench.qrels[qid]).items():
                    totals[column][metric] += value
            if on_query:
                on_query(n, len(judged))
    count = max(1, len(judged))
    results = {c: {m: v / count for m, v in totals[c].items()} for c in columns}
    return Evaluation(bench.name, len(judged), documents, results,
                      {c: s / count for c, s in seconds.items()},
                      "; ".join(f"{name}: {f.describe()}" for name, f in fusions.items()))
