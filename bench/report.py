"""Time the clause report over a corpus of agreements (not a test).

    .venv/bin/python bench/report.py [CORPUS.db] [--out DIR]

Without a corpus argument it ingests ../shared/data/moa (when present) into /tmp/readingroom-bench-moa.db
first, without OCR (image-only agreements then show up as unreadable in the report).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from corpus.store import Corpus  # noqa: E402
from reports.clauses import build_clause_report, write_clause_report  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "moa"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--out", default="/tmp/readingroom-bench-report")
    args = parser.parse_args()
    path = Path(args.corpus) if args.corpus else Path("/tmp/readingroom-bench-moa.db")
    if not path.exists():
        if not DATA.exists():
            sys.exit(f"no corpus at {path} and no agreements at {DATA}")
        from ingest.options import IngestOptions
        from readingroom.ingesting import ingest
        started = time.perf_counter()
        with Corpus(path) as corpus:
            summary = ingest(corpus, [DATA], IngestOptions(ocr="never", workers=os.cpu_count() or 1))
        print(f"ingest (no OCR): {summary.documents} documents, {summary.pages} pages in "
              f"{time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with Corpus(path) as corpus:
        report = build_clause_report(corpus)
    built = time.perf_counter() - started
    paths = write_clause_report(report, args.out)
    total = time.perf_counter() - started
    s = report["summary"]
    print(f"report: {s['agreements']} agreements, {s['clauses']} clauses, {s['keys']} keys; "
          f"alignment {s['alignment']}; build {built:.1f} s, with writing {total:.1f} s "
          f"({total / max(1, s['agreements']) * 1000:.0f} ms per agreement)")
    print(f"unreadable: {len(s['unreadable'])}; statuses: {s['statuses']}")
    print(f"written to {paths['html'].parent}")


if __name__ == "__main__":
    main()
