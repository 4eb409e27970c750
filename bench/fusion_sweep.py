"""The sweep that chose hybrid search's defaults: every setting measured on the DEV questions
(bench/questions.py) and the two BEIR sets together, never on the held-out questions.

    .venv/bin/python bench/fusion_sweep.py --beir /tmp/readingroom-eval [--questions bench/data/questions.jsonl]

Varied: RRF's k, the keyword, semantic and document weights, and BM25's weight of the context
column. For each setting it prints dev Recall@10 / MRR@10 / page Recall@10 and BEIR nDCG@10
(dbpedia, msmarco); `--beir` is the folder `readingroom eval --corpus-dir` built them in
(`<name>/<name>.db`).
"""
from __future__ import annotations

import argparse
import functools
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.questions import load_questions, run, summarise  # noqa: E402
from search.fusion import DEFAULT  # noqa: E402


def beir_ndcg(folder: Path, fusions: dict) -> dict[str, dict[str, float]]:
    from readingroom.evaluating import evaluate, load_beir
    data = ROOT.parent / "shared" / "data" / "ir-benchmarks"
    data = data if data.exists() else Path("/work/shared/data/ir-benchmarks")
    out = {}
    for name in ("dbpedia", "msmarco"):
        bench = load_beir(data / name)
        result = evaluate(bench, folder / name / f"{name}.db", ["hybrid"], fusions)
        out[name] = {column: round(metrics["ndcg@10"], 4) for column, metrics in result.results.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "data" / "questions.jsonl")
    parser.add_argument("--work", type=Path, default=Path("/tmp/readingroom-questions"))
    parser.add_argument("--beir", type=Path)
    parser.add_argument("--k", default="5,10,30,60")
    parser.add_argument("--keyword", default="0.4,1,2,3")
    parser.add_argument("--document", default="0,1,2")
    parser.add_argument("--context", default="0.25,0.5,1")
    parser.add_argument("--naming", default="none", help="keyword weights for questions that name things (none: as the rest)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import search.engine as engine
    engine.encode_query = functools.lru_cache(maxsize=None)(engine.encode_query)     # each question once
    dev = [q for q in load_questions(args.questions) if q["split"] == "dev"]
    grid = list(itertools.product([int(x) for x in args.k.split(",")], [float(x) for x in args.keyword.split(",")],
                                  [float(x) for x in args.document.split(",")], [float(x) for x in args.context.split(",")],
                                  [None if x == "none" else float(x) for x in args.naming.split(",")]))
    results = []
    for k, kw, doc, ctx, naming in grid:
        engine.CONTEXT_WEIGHT = ctx
        fusion = replace(DEFAULT, k=k, keyword_weight=kw, document_weight=doc, naming_keyword_weight=naming)
        rows = run(dev, args.work, ["hybrid"], {"fusion": fusion}, log=lambda m: None)
        overall = next(t for t in summarise(rows) if t["kind"] == "all")
        results.append({"k": k, "keyword": kw, "document": doc, "context": ctx, "naming": naming, **{m: overall[m] for m in
                        ("recall@10", "mrr@10", "page_recall@10")}})
        print(json.dumps(results[-1]), flush=True)
    if args.beir:           # BEIR has no context and no entities: only k and the keyword weights matter
        triples = sorted({(r["k"], r["keyword"], r["naming"]) for r in results}, key=str)
        fusions = {f"k{k}-kw{kw}-n{n}": replace(DEFAULT, k=k, keyword_weight=kw, naming_keyword_weight=n)
                   for k, kw, n in triples}
        ndcg = beir_ndcg(args.beir, fusions)
        for r in results:
            column = f"k{r['k']}-kw{r['keyword']}-n{r['naming']}"
            r.update({"dbpedia": ndcg["dbpedia"][column], "msmarco": ndcg["msmarco"][column]})
        for r in sorted(results, key=lambda r: (-r["mrr@10"], -r["recall@10"])):
            print(json.dumps(r))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
