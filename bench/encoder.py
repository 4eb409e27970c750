"""The three encoders of all-MiniLM-L6-v2 side by side: torch (sentence-transformers), onnx
(ONNX Runtime, float32) and onnx-int8 (dynamic int8 quantisation).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/encoder.py --out bench/encoder-results.json

* agreement: cosine of each ONNX vector to PyTorch's, on real passages (the passages of a corpus
  ingested from corpus/sample, and the first passages of both BEIR sets): min and mean;
* speed: passages per second on the same passages, batch 32, 2 threads, each encoder run
  `--repeat` times and the best kept (the machine is shared: the load average is reported);
* quality: nDCG@10 (and Recall@100) in semantic mode on both BEIR sets
  (../shared/data/ir-benchmarks), each set's corpus embedded by each encoder, the queries
  encoded by the same encoder; for onnx-int8 also with float32 queries (what `search` does).

The adoption rule (issue 15): ONNX becomes the default only if >= 2x faster than torch AND it
loses <= 0.005 nDCG@10 on both sets.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from corpus.store import Corpus  # noqa: E402
from index.encoder import ENCODER_ENV, ENCODERS, load_encoder  # noqa: E402

# ../shared beside the checkout (a worktree one level deeper: ../../shared)
BEIR = next((p / "shared" / "data" / "ir-benchmarks" for p in (ROOT.parent, ROOT.parent.parent)
             if (p / "shared" / "data" / "ir-benchmarks").exists()), ROOT.parent / "shared" / "data" / "ir-benchmarks")
SETS = ("msmarco", "dbpedia")
DEPTH = 100


def sample_passages(db: Path | None, workdir: Path) -> list[str]:
    """The passages of corpus/sample as readingroom chunks them (ingested once into workdir)."""
    if db is None:
        db = workdir / "sample.db"
        if not db.exists():
            from ingest.options import IngestOptions
            from readingroom.ingesting import ingest
            with Corpus(db) as corpus:
                ingest(corpus, [ROOT / "corpus" / "sample"], IngestOptions(workers=1), embed=False)
    with Corpus(db) as corpus:
        return [t for _, t in corpus.chunk_texts(corpus.chunk_ids())]


def beir_passages(per_set: int) -> list[str]:
    texts = []
    for name in SETS:
        with (BEIR / name / "corpus.jsonl").open(encoding="utf-8") as f:
            for n, line in enumerate(f):
                if n >= per_set:
                    break
                doc = json.loads(line)
                title = (doc.get("title") or "").strip()
                texts.append(f"{title}\n{doc['text'].strip()}" if title else doc["text"].strip())
    return texts


def make(key: str, threads: int):
    if key == "torch":
        import torch
        torch.set_num_threads(threads)
        return load_encoder("torch")
    from index.onnx_encoder import OnnxEncoder
    return OnnxEncoder(key, threads=threads)


def agreement(texts: list[str], threads: int) -> dict:
    reference = make("torch", threads).encode(texts)
    out = {}
    for key in ("onnx", "onnx-int8"):
        cos = (make(key, threads).encode(texts) * reference).sum(1)
        out[key] = {"min_cosine": round(float(cos.min()), 7), "mean_cosine": round(float(cos.mean()), 7),
                    "texts": len(texts)}
        print(f"agreement {key}: {out[key]}", flush=True)
    return out


def speed(texts: list[str], threads: int, repeat: int, encoders=ENCODERS) -> dict:
    """Torch's threads are OpenMP's: run without OMP_THREAD_LIMIT=1, or torch gets one thread
    while ONNX Runtime (its own thread pool) gets two (the result records both counts)."""
    out = {}
    for key in encoders:
        encoder = make(key, threads)
        encoder.encode(texts[:64])          # warm up (first calls allocate)
        runs = []
        for _ in range(repeat):
            load = os.getloadavg()[0]
            started = time.perf_counter()
            encoder.encode(texts, batch_size=32)
            runs.append({"seconds": time.perf_counter() - started, "load_average": load})
        best = min(runs, key=lambda r: r["seconds"])
        if key == "torch":
            import torch
            out["torch_threads"] = torch.get_num_threads()
        out[key] = {"passages_per_s": round(len(texts) / best["seconds"], 1),
                    "runs_passages_per_s": [round(len(texts) / r["seconds"], 1) for r in runs],
                    "load_average_at_best": round(best["load_average"], 2)}
        print(f"speed {key}: {out[key]}", flush=True)
    for key in [k for k in ("onnx", "onnx-int8") if k in out and "torch" in out]:
        out[key]["x_torch"] = round(out[key]["passages_per_s"] / out["torch"]["passages_per_s"], 2)
    return out


def quality(workdir: Path, sets=SETS, encoders=ENCODERS) -> dict:
    from readingroom.evaluating import build_corpus, load_beir, score_run
    from search.engine import rank
    out = {}
    for name in sets:
        bench = load_beir(BEIR / name)
        judged = [q for q in bench.queries if any(r > 0 for r in bench.qrels[q].values())]
        out[name] = {}
        for key in encoders:
            os.environ[ENCODER_ENV] = key            # the encoder `sync` embeds the corpus with
            started = time.perf_counter()
            path = build_corpus(bench, workdir / f"{name}-{key}")
            built = time.perf_counter() - started
            query_keys = [key] + (["onnx"] if key == "onnx-int8" else [])
            with Corpus(path) as corpus:
                assert corpus.get_meta("embedding_encoder") == key, "the corpus was embedded by another encoder"
                chunk_doc = dict(corpus.conn.execute("SELECT id, document_id FROM chunks"))
                for qkey in query_keys:
                    encoder = load_encoder(qkey)
                    totals = {"ndcg@10": 0.0, "recall@100": 0.0}
                    for qid in judged:
                        vector = encoder.encode_query(bench.queries[qid])
                        ranked = rank(corpus, bench.queries[qid], "semantic", DEPTH, plain=True, query_vector=vector)
                        run = list(dict.fromkeys(chunk_doc[c] for c, _, _ in ranked))
                        scores = score_run(run, bench.qrels[qid])
                        for metric in totals:
                            totals[metric] += scores[metric]
                    label = key if qkey == key else f"{key} (queries {qkey})"
                    out[name][label] = {m: round(v / len(judged), 4) for m, v in totals.items()}
                    out[name][label]["embed_s"] = round(built, 1)
                    print(f"quality {name} {label}: {out[name][label]}", flush=True)
        os.environ.pop(ENCODER_ENV, None)
        for label, row in out[name].items():
            if "torch" in out[name]:
                row["ndcg@10_minus_torch"] = round(row["ndcg@10"] - out[name]["torch"]["ndcg@10"], 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "readingroom-bench-encoder")
    parser.add_argument("--sample-db", type=Path, help="a corpus ingested from corpus/sample (else ingested here)")
    parser.add_argument("--per-set", type=int, default=150, help="BEIR passages per set for agreement and speed")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], choices=["agreement", "speed", "quality"])
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=SETS)
    parser.add_argument("--encoders", nargs="*", default=list(ENCODERS), choices=ENCODERS,
                        help="encoders to measure (speed and quality)")
    parser.add_argument("--fresh", action="store_true", help="embed the BEIR corpora again")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.fresh and args.workdir.exists():
        shutil.rmtree(args.workdir)
    args.workdir.mkdir(parents=True, exist_ok=True)
    from index.onnx_encoder import ensure_export
    results = {"export": str(ensure_export()), "cpus": os.cpu_count(), "load_average_start": os.getloadavg()}
    texts = sample_passages(args.sample_db, args.workdir) + beir_passages(args.per_set)
    results["passages"] = len(texts)
    if "agreement" not in args.skip:
        results["agreement"] = agreement(texts, args.threads)
    if "speed" not in args.skip:
        results["speed"] = speed(texts, args.threads, args.repeat, args.encoders)
    if "quality" not in args.skip:
        results["quality"] = quality(args.workdir, args.sets, args.encoders)
    results["load_average_end"] = os.getloadavg()
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
