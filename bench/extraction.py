"""Score our entity extractor and MOA fact extraction against the hand-labelled dev set.

    .venv/bin/python bench/extraction.py [--entities-only | --agreements-only] [--show-errors N]

(a) entities: bench/data/entities_dev.jsonl holds page texts with gold mentions. For every page we
    run nlp.annotate on the stored text and compare the page's mentions to the gold as multisets of
    (type, surface text): "strict" = exact surface, "loose" = case and whitespace ignored. On strict
    matches we also score the normalised value (ours: `normalized`, else `canonical`).
(b) the same pages through plain en_core_web_sm (ORG->AGENCY, LOC->GPE), side by side.
(c) agreements: bench/data/agreements_dev.jsonl lists MOAs in ../shared/data/moa with gold facts.
    Each PDF is ingested (OCR as needed) and annotated; doc.agreement and doc.signatories are
    compared to the gold, split by text layer (clean vs OCR). Skipped when ../shared/data is absent.

(d)-(f) FOIA entities (bench/foia_entity_bench.py), with --foia-corpus PATH: an annotated copy of the
    shared FOIA corpus: document-level entity sets per type and source kind (dev and held-out),
    mention F1 where mention labels exist, and the precision of the corpus's top 50 AGENCY and
    PERSON entities with the persons split among them.

The dev set is for development: look at the errors, do not tune rules to individual pages.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))       # first: bench/ingest.py must not hide the ingest package

from agreement_bench import agreement_report  # noqa: E402
from entity_bench import entity_report  # noqa: E402
from foia_entity_bench import foia_report  # noqa: E402
from scoring import DATA  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--entities-only", action="store_true", help="only parts (a) and (b)")
    group.add_argument("--agreements-only", action="store_true", help="only part (c)")
    ap.add_argument("--show-errors", type=int, default=10, metavar="N",
                    help="list up to N errors per section (0: none; default 10)")
    ap.add_argument("--foia-corpus", type=Path, metavar="PATH",
                    help="an annotated copy of the shared FOIA corpus: adds parts (d)-(f)")
    ap.add_argument("--foia-labels", type=Path, default=DATA / "entities_foia.jsonl", metavar="PATH")
    args = ap.parse_args(argv)
    try:
        if not args.agreements_only:
            entity_report(args.show_errors)
        if args.foia_corpus:
            foia_report(args.foia_corpus, args.foia_labels, "all", args.show_errors)
        if not args.entities_only:
            agreement_report(args.show_errors)
    except Exception:
        traceback.print_exc()
        print("benchmark aborted by the error above")
    return 0


if __name__ == "__main__":
    sys.exit(main())
