"""The sweep that chose hybrid search's defaults: every setting measured on the DEV questions
(bench/questions.py) and the two BEIR sets together, never on the held-out questions.

    .venv/bin/python bench/fusion_sweep.py --beir /tmp/readingroom-eval [--questions bench/data/questions.jsonl]

Varied: RRF's k, the keyword, semantic and document weights, BM25's weight of the context
column, and the query-adaptive keyword weight (`--naming`: the keyword weight of a question that
names things; `--signs`: what counts as naming things, `+`-joined NAMING_SIGNS of search/fusion.py,
e.g. `understood+digits,understood+digits+quote`). For each setting it prints dev Recall@10 /
MRR@10 / page Recall@10 and BEIR nDCG@10 (dbpedia, msmarco); `--beir` is the folder
`readingroom eval` built them in (`<name>/<name>.db`, or `<name>-<fingerprint>/<name>.db` as
`readingroom eval` names them by default).
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
        found = sorted(folder.glob(f"{name}/{name}.db")) or sorted(folder.glob(f"{name}-*/{name}.db"))
        if not found:
            raise SystemExit(f"no {name}.db under {folder}: build it with `readingroom eval`")
        result = evaluate(bench, found[-1], ["hybrid"], fusions)
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
    parser.add_argument("--signs", default="understood+digits", help="what names things: `+`-joined NAMING_SIGNS, "
                        "settings separated by commas")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import search.engine as engine
    engine.encode_query = functools.lru_cache(maxsize=None)(engine.encode_query)     # each question once
    dev = [q for q in load_questions(args.questions) if q["split"] == "dev"]
    grid = list(itertools.product([int(x) for x in args.k.split(",")], [float(x) for x in args.keyword.split(",")],
                                  [float(x) for x in args.document.split(",")], [float(x) for x in args.context.split(",")],
                                  [None if x == "none" else float(x) for x in args.naming.split(",")],
                                  [tuple(x.split("+")) for x in args.signs.split(",")]))
    grid = list(dict.fromkeys((k, kw, doc, ctx, n, signs if n is not None else DEFAULT.naming_signs)
                              for k, kw, doc, ctx, n, signs in grid))     # signs matter only with a naming weight
    results = []
    for k, kw, doc, ctx, naming, signs in grid:
        engine.CONTEXT_WEIGHT = ctx
        fusion = replace(DEFAULT, k=k, keyword_weight=kw, document_weight=doc, naming_keyword_weight=naming,
                         naming_signs=signs)
        rows = run(dev, args.work, ["hybrid"], {"fusion": fusion}, log=lambda m: None)
        overall = next(t for t in summarise(rows) if t["kind"] == "all")
        results.append({"k": k, "keyword": kw, "document": doc, "context": ctx, "naming": naming,
                        "signs": "+".join(signs), **{m: overall[m] for m in ("recall@10", "mrr@10", "page_recall@10")},
                        "per_question": {r["id"]: round(r["mrr@10"], 3) for r in rows}})
        print(json.dumps({k: v for k, v in results[-1].items() if k != "per_question"}), flush=True)
    if args.beir:     # BEIR has no context and no entities: k and the keyword weights
        column = lambda r: f"k{r['k']}-kw{r['keyword']}-n{r['naming']}-{r['signs']}"   # noqa: E731
        fusions = {column(r): replace(DEFAULT, k=r["k"], keyword_weight=r["keyword"], naming_keyword_weight=r["naming"],
                                      naming_signs=tuple(r["signs"].split("+"))) for r in results}
        ndcg = beir_ndcg(args.beir, fusions)
        for r in results:
            r.update({"dbpedia": ndcg["dbpedia"][column(r)], "msmarco": ndcg["msmarco"][column(r)]})
        for r in sorted(results, key=lambda r: (-r["mrr@10"], -r["recall@10"])):
            print(json.dumps({k: v for k, v in r.items() if k != "per_question"}))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
