"""Search latency, index build time and size at 10k, 100k and 1M passages, each beside the bare
library doing the same work (a ratio), and the recall of approximate indexes against exact search.

    .venv/bin/python bench/search.py --sizes 10000,100000,1000000 --out bench/search-results.json
    .venv/bin/python bench/search.py --latency-again /tmp/readingroom-bench/bench-1000000.db   (after --keep)
    .venv/bin/python bench/search.py --cold-start CORPUS.db [--checkout ../main] [--runs 7]

`--cold-start` times `readingroom search` as a user runs it, one fresh process per query (imports,
model, index file, query), hybrid and keyword, on a real corpus; with `--checkout` the same
commands run from another checkout too (e.g. one from before the ONNX query encoder), beside ours.

Synthetic data, grown from real seeds (so that vectors cluster as real ones do; random vectors
are a misleading worst case for IVF and HNSW):
* seeds: the 10,000 passages of the two BEIR sets in ../shared/data/ir-benchmarks with their
  real all-MiniLM-L6-v2 vectors, taken from the corpora `readingroom eval` builds (run it on
  both sets first, or pass --seed DB ...).
* passage i: pick seed passages a and b at random; vector = normalise(0.8 e_a + 0.2 e_b + noise),
  noise Gaussian with norm ~0.35; text = a 45-word window of a's text followed by a 15-word
  window of b's (real words, real term frequencies).
* queries: the 100 real BEIR queries and their real query vectors.

For each size: the corpus is written through `Corpus.add_document` (documents of 50 passages;
FTS5 kept by its triggers) and timed beside a bare FTS5 table filled with the same texts; the
vector index is built through `index.kinds.build` as `auto` chooses it (flat below 100k, IVF
from there) and timed beside the bare FAISS calls; exact top-10 comes from numpy. Latencies are
per query, one at a time, FAISS on one thread: keyword (plain words, AND), keyword as hybrid's
OR side, semantic (ranking; the query vector given), hybrid (ranking), and hybrid end to end
(encoding the query with MiniLM included). Bare references: FTS5 `MATCH ... ORDER BY rank LIMIT
100` with the same expression, FAISS `index.search` for k=100.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.records import Chunk, Document, Page  # noqa: E402
from corpus.store import FTS_TOKENIZER, Corpus  # noqa: E402
from index import kinds  # noqa: E402
from index.vectors import VectorIndex  # noqa: E402

BEIR = ROOT.parent / "shared" / "data" / "ir-benchmarks"
PER_DOC = 50
DEPTH = 100


def seeds(paths: list[Path]):
    """(texts, vectors, queries, query_vectors) from eval corpora."""
    from readingroom.evaluating import default_corpus_dir, load_beir
    texts, vectors, queries = [], [], []
    for name in ("msmarco", "dbpedia"):
        bench = load_beir(BEIR / name)
        queries += list(bench.queries.values())
        db = next((p for p in paths if name in str(p)), default_corpus_dir(bench) / f"{name}.db")
        with Corpus(db) as corpus:
            v = VectorIndex(corpus.vectors_path, 384)
            ids, stored = v.all_vectors()
            text = dict(corpus.conn.execute("SELECT id, text FROM chunks"))
            texts += [text[int(i)] for i in ids]
            vectors.append(stored)
    from index.encoder import load_encoder
    qv = load_encoder().encode(queries)
    return texts, np.vstack(vectors), queries, qv


def synthesize(n: int, texts, vectors, rng: np.random.Generator):
    words = [re.findall(r"\w+", t) for t in texts]
    a = rng.integers(0, len(texts), n)
    b = rng.integers(0, len(texts), n)
    out = np.empty((n, vectors.shape[1]), "float32")
    for start in range(0, n, 100_000):
        end = min(n, start + 100_000)
        noise = rng.standard_normal((end - start, vectors.shape[1])).astype("float32") * (0.35 / np.sqrt(vectors.shape[1]))
        block = np.ascontiguousarray(0.8 * vectors[a[start:end]] + 0.2 * vectors[b[start:end]] + noise, dtype="float32")
        faiss.normalize_L2(block)
        out[start:end] = block
    pyrng = random.Random(int(rng.integers(1 << 30)))
    synthetic = []
    for i in range(n):
        wa, wb = words[a[i]], words[b[i]]
        sa = pyrng.randrange(max(1, len(wa) - 45))
        sb = pyrng.randrange(max(1, len(wb) - 15))
        synthetic.append(" ".join(wa[sa:sa + 45] + wb[sb:sb + 15]))
    return synthetic, out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, queries, repeat=1):
    for q in queries[:5]:
        fn(q)
    times = []
    for q in queries:
        started = time.perf_counter()
        for _ in range(repeat):
            fn(q)
        times.append((time.perf_counter() - started) / repeat * 1000)
    return {"p50_ms": round(pct(times, 50), 3), "p95_ms": round(pct(times, 95), 3)}


def recall_at_10(found: list[list[int]], exact: np.ndarray) -> float:
    return float(np.mean([len(set(f[:10]) & set(e[:10].tolist())) / 10 for f, e in zip(found, exact)]))


def exact_top(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int = 10) -> np.ndarray:
    best_s = np.full((len(queries), k), -np.inf, "float32")
    best_i = np.zeros((len(queries), k), "int64")
    for start in range(0, len(vectors), 200_000):
        s = queries @ vectors[start:start + 200_000].T
        top = np.argpartition(-s, k - 1, axis=1)[:, :k]
        cand_s = np.take_along_axis(s, top, 1)
        all_s = np.hstack([best_s, cand_s])
        all_i = np.hstack([best_i, ids[start + top]])
        order = np.argsort(-all_s, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(all_s, order, 1), np.take_along_axis(all_i, order, 1)
    return best_i


def build_sqlite(path: Path, texts: list[str]) -> dict:
    for suffix in (".db", ".db-wal", ".db-shm", ".faiss"):
        p = path.with_suffix(suffix)
        if p.exists():
            p.unlink()
    started = time.perf_counter()
    with Corpus(path) as corpus:
        corpus.set_meta("embedding_model", "sentence-transformers/all-MiniLM-L6-v2")
        corpus.set_meta("embedding_dimension", 384)
        for d in range(0, len(texts), PER_DOC):
            part = texts[d:d + PER_DOC]
            corpus.add_document(Document(
                id=f"{d // PER_DOC:064x}", path=f"synthetic/{d // PER_DOC}", file_name=f"synthetic-{d // PER_DOC}",
                media_type="text/plain", doc_type="synthetic", pages=[Page(1, "")],
                chunks=[Chunk(1, 1, 0, len(t), t) for t in part]))
        corpus.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ours = time.perf_counter() - started
    bare_path = path.with_name(path.stem + "-bare.db")
    if bare_path.exists():
        bare_path.unlink()
    started = time.perf_counter()
    conn = sqlite3.connect(bare_path)
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{FTS_TOKENIZER}')")
    with conn:
        conn.executemany("INSERT INTO t (rowid, text) VALUES (?, ?)", ((i + 1, t) for i, t in enumerate(texts)))
    conn.close()
    bare = time.perf_counter() - started
    size = path.stat().st_size
    return {"sqlite_build_s": round(ours, 1), "bare_fts5_build_s": round(bare, 1),
            "build_ratio": round(ours / bare, 2), "sqlite_bytes_per_passage": round(size / len(texts)),
            "bare_fts5_bytes_per_passage": round(bare_path.stat().st_size / len(texts)), "bare_path": str(bare_path)}


def bare_faiss(kind: str, vectors: np.ndarray, ids: np.ndarray, params: dict):
    """The same index built by bare FAISS calls, on one thread as `kinds.build` builds (with
    OMP_THREAD_LIMIT=1 in the environment, FAISS's k-means on more threads never finishes)."""
    d = vectors.shape[1]
    with kinds.single_threaded():
        if kind == "flat":
            index = faiss.IndexFlatIP(d)
            index.add(vectors)
            return index
        q = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(q, d, params["nlist"], faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = kinds.KMEANS_ITERATIONS
        sample = min(len(vectors), params["nlist"] * kinds.TRAIN_PER_LIST, kinds.TRAIN_MAX)
        index.train(vectors[np.sort(np.random.default_rng(1234).choice(len(vectors), sample, replace=False))])
        index.add_with_ids(vectors, ids)
        index.nprobe = params["nprobe"]
        return index


def run_size(n: int, seed_data, workdir: Path, threads: int, compressed: bool) -> dict:
    from corpus import search_sql
    from search.engine import rank
    from search.query import Query
    texts, seed_vectors, queries, qv = seed_data
    rng = np.random.default_rng(n)
    t0 = time.perf_counter()
    synthetic, vectors = synthesize(n, texts, seed_vectors, rng)
    print(f"[{n}] synthesized in {time.perf_counter() - t0:.0f} s", flush=True)
    path = workdir / f"bench-{n}.db"
    out = {"passages": n}
    out.update(build_sqlite(path, synthetic))
    print(f"[{n}] sqlite {out['sqlite_build_s']} s, bare {out['bare_fts5_build_s']} s", flush=True)
    del synthetic
    gc.collect()
    with Corpus(path) as corpus:
        ids = np.asarray(corpus.chunk_ids(), dtype="int64")
    faiss.omp_set_num_threads(threads)
    kind = kinds.auto_kind(n)
    params = kinds.default_params(kind, n)
    started = time.perf_counter()
    index = kinds.build(kind, ids, vectors, params)
    ours_build = time.perf_counter() - started
    started = time.perf_counter()
    bare = bare_faiss(kind, vectors, ids, params)
    bare_build = time.perf_counter() - started
    v = VectorIndex(path.with_suffix(".faiss"), 384, index=index)
    v.dirty = True
    v.save()
    from index import sync as index_sync     # let search use this index object, not a second copy
    stat = v.path.stat()
    index_sync._search_cache[str(v.path)] = ((stat.st_mtime_ns, stat.st_size), v)
    with Corpus(path) as corpus:
        corpus.set_meta("vector_index", kinds.describe(index, "auto", n if kind != "flat" else None))
    out.update({"kind": kind, "params": params, "faiss_build_s": round(ours_build, 1),
                "bare_faiss_build_s": round(bare_build, 1), "faiss_build_ratio": round(ours_build / bare_build, 2),
                "faiss_bytes_per_passage": round(v.path.stat().st_size / n)})
    print(f"[{n}] faiss {kind} {ours_build:.0f} s (bare {bare_build:.0f} s)", flush=True)
    exact = exact_top(vectors, ids, qv)
    qlist = list(range(len(queries)))
    with Corpus(path) as corpus:
        found = [[c for c, _ in v.search(qv[i], 10)] for i in qlist]
        out["recall@10_vs_exact"] = round(recall_at_10(found, exact), 4)
        bare_conn = sqlite3.connect(out.pop("bare_path"))
        lat = {}
        lat["keyword"] = timed(lambda i: rank(corpus, queries[i], "keyword", DEPTH, plain=True), qlist)
        lat["bare_fts5_and"] = timed(lambda i: bare_conn.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT ?", [Query.parse(queries[i], plain=True).match_all(), DEPTH]).fetchall(), qlist)
        lat["keyword_or_side"] = timed(lambda i: rank(corpus, queries[i], "keyword", DEPTH, plain=True, keyword_any=True), qlist)
        lat["bare_fts5_or"] = timed(lambda i: bare_conn.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT ?",
            [" OR ".join(f'"{w}"' for w in Query.parse(queries[i], plain=True).words), DEPTH]).fetchall(), qlist)
        lat["semantic"] = timed(lambda i: rank(corpus, queries[i], "semantic", DEPTH, plain=True, query_vector=qv[i]), qlist)
        faiss.omp_set_num_threads(1)
        lat["bare_faiss"] = timed(lambda i: bare.search(qv[i:i + 1], DEPTH), qlist)
        del bare
        gc.collect()
        faiss.omp_set_num_threads(threads)
        lat["hybrid"] = timed(lambda i: rank(corpus, queries[i], "hybrid", DEPTH, plain=True, query_vector=qv[i]), qlist)
        lat["hybrid_end_to_end"] = timed(lambda i: rank(corpus, queries[i], "hybrid", DEPTH, plain=True), qlist)
        from index.encoder import load_encoder
        lat["query_encoding"] = timed(lambda i: load_encoder().encode_query(queries[i]), qlist)
        bare_conn.close()
        for mode, ref in (("keyword", "bare_fts5_and"), ("keyword_or_side", "bare_fts5_or"), ("semantic", "bare_faiss")):
            lat[mode]["ratio_p50"] = round(lat[mode]["p50_ms"] / max(lat[ref]["p50_ms"], 1e-6), 2)
        bare_sum = lat["bare_fts5_or"]["p50_ms"] + lat["bare_faiss"]["p50_ms"]
        lat["hybrid"]["ratio_p50"] = round(lat["hybrid"]["p50_ms"] / bare_sum, 2)
        out["latency"] = lat
        print(f"[{n}] latency {json.dumps(lat)}", flush=True)
        if kind != "flat":
            sweep = []
            ivf = faiss.extract_index_ivf(index)
            for nprobe in (8, 16, 32, 64, 128):
                if nprobe > ivf.nlist:
                    continue
                ivf.nprobe = nprobe
                found = [[c for c, _ in v.search(qv[i], 10)] for i in qlist]
                t = timed(lambda i: v.search(qv[i], DEPTH), qlist)
                sweep.append({"nprobe": nprobe, "recall@10": round(recall_at_10(found, exact), 4), **t})
            ivf.nprobe = params["nprobe"]
            out["nprobe_sweep"] = sweep
            print(f"[{n}] nprobe sweep {sweep}", flush=True)
        if compressed and kind != "flat":
            quantizer = faiss.extract_index_ivf(index).quantizer
            out["compressed"] = []
            for other in ("ivf-sq8", "ivf-pq"):
                p = kinds.default_params(other, n)
                started = time.perf_counter()
                cindex = kinds.build(other, ids, vectors, p, quantizer=quantizer)
                build_s = time.perf_counter() - started
                cv = VectorIndex(workdir / f"bench-{n}-{other}.faiss", 384, index=cindex)
                cv.dirty = True
                cv.save()
                found = [[c for c, _ in cv.search(qv[i], 10)] for i in qlist]
                t = timed(lambda i: cv.search(qv[i], DEPTH), qlist)
                out["compressed"].append({"kind": other, "params": p, "build_s_with_shared_quantizer": round(build_s, 1),
                                          "bytes_per_passage": round(cv.path.stat().st_size / n),
                                          "recall@10_vs_exact": round(recall_at_10(found, exact), 4), **t})
                print(f"[{n}] {out['compressed'][-1]}", flush=True)
                cv.path.unlink()
                del cindex, cv
                gc.collect()
    index_sync._search_cache.clear()
    del index, v, vectors
    gc.collect()
    return out


def latency_again(db: Path) -> None:
    """Hybrid search timed again on a corpus an earlier run kept (`--keep`): the real queries,
    end to end (query encoding included) and with the query vector given."""
    import search.engine as engine
    from readingroom.evaluating import load_beir
    queries = [q for name in ("msmarco", "dbpedia") for q in load_beir(BEIR / name).queries.values()]
    with Corpus(db) as corpus:
        vectors = {q: engine.encode_query(q) for q in queries}
        given = timed(lambda q: engine.rank(corpus, q, "hybrid", DEPTH, plain=True, query_vector=vectors[q]), queries)
        end_to_end = timed(lambda q: engine.rank(corpus, q, "hybrid", DEPTH, plain=True), queries)
        encoding = timed(engine.encode_query, queries)
        n = corpus.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    print(json.dumps({"passages": n, "load_average": os.getloadavg()[0], "encode_query": encoding,
                      "hybrid_query_vector_given": given, "hybrid_end_to_end": end_to_end}, indent=2))


COLD_QUERIES = ("power and authority to serve warrants of removal", "who pays for detention and transport",
                "complaints about officers performing immigration functions")
HEAVY_MODULES = ("torch", "sentence_transformers", "transformers", "spacy", "onnxruntime", "tokenizers", "faiss")


def cold_start(db: Path, runs: int, checkouts: list[Path]) -> dict:
    """Wall time of a fresh `python -m readingroom search` process, best and median of `runs`
    (one warm-up first, so the OS file cache is warm: a cold process, not a cold disk), and the
    import time of the heavy modules it loaded (`-X importtime`)."""
    import subprocess
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    out = {"corpus": str(db), "runs": runs, "load_average_start": os.getloadavg()[0], "checkouts": {}}
    for checkout in [ROOT] + checkouts:
        rows = {}
        for mode in ("hybrid", "keyword"):
            def once(query, importtime=False):
                cmd = [sys.executable] + (["-X", "importtime"] if importtime else []) + [
                    "-m", "readingroom", "--corpus", str(db), "search", query, "--mode", mode, "--limit", "10"]
                started = time.perf_counter()
                done = subprocess.run(cmd, cwd=checkout, env=env, capture_output=True, text=True)
                if done.returncode:
                    raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-500:]}")
                return time.perf_counter() - started, done.stderr
            once(COLD_QUERIES[0])
            walls = [once(COLD_QUERIES[i % len(COLD_QUERIES)])[0] for i in range(runs)]
            imports = {}
            for line in once(COLD_QUERIES[0], importtime=True)[1].splitlines():
                parts = line.split("|")
                if line.startswith("import time:") and len(parts) == 3 and parts[2].strip() in HEAVY_MODULES:
                    imports[parts[2].strip()] = max(imports.get(parts[2].strip(), 0), round(int(parts[1]) / 1e6, 2))
            rows[mode] = {"best_s": round(min(walls), 2), "median_s": round(statistics.median(walls), 2),
                          "imports_s": imports}
            print(f"cold start {checkout} {mode}: {rows[mode]}", flush=True)
        out["checkouts"][str(checkout)] = rows
    out["load_average_end"] = os.getloadavg()[0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seed", nargs="*", type=Path, default=[], help="eval corpora (.db) to grow from")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "readingroom-bench")
    parser.add_argument("--threads", type=int, default=2, help="FAISS threads for building")
    parser.add_argument("--no-compressed", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the 1M corpus files")
    parser.add_argument("--latency-again", type=Path, metavar="DB",
                        help="only time hybrid search again on a kept bench corpus (bench-N.db)")
    parser.add_argument("--cold-start", type=Path, metavar="DB",
                        help="only time a fresh `readingroom search` process on this corpus")
    parser.add_argument("--checkout", type=Path, nargs="*", default=[],
                        help="with --cold-start: other checkouts to time beside this one")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.cold_start:
        result = cold_start(args.cold_start, args.runs, args.checkout)
        if args.out:
            args.out.write_text(json.dumps(result, indent=2) + "\n")
        return print(json.dumps(result, indent=2))
    if args.latency_again:
        return latency_again(args.latency_again)
    args.workdir.mkdir(parents=True, exist_ok=True)
    seed_data = seeds(args.seed)
    results = []
    for n in [int(s) for s in args.sizes.split(",")]:
        results.append(run_size(n, seed_data, args.workdir, args.threads, not args.no_compressed))
        if args.out:
            args.out.write_text(json.dumps(results, indent=2))
        for suffix in (".db", "-bare.db", ".faiss"):
            p = args.workdir / f"bench-{n}{suffix}"
            if p.exists() and n >= 1_000_000 and not args.keep:
                p.unlink()      # 1M corpora take GBs: keep them only when asked
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
