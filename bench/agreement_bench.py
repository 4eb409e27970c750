"""MOA facts (bench/data/agreements_dev.jsonl) against what nlp.annotate finds in each PDF.

Part of bench/extraction.py; see its docstring for how the scoring works.
"""
from __future__ import annotations

import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

from scoring import DATA, ROOT, SHARED, load_jsonl, model_key, state_key, value_key


# ---------------------------------------------------------------- (c) agreements

FIELDS = ["agency", "state", "model", "revision_date", "signed_date",
          "sig_recall", "sig_precision", "sig_title", "sig_org", "sig_date", "sig_page"]


def ingest(path: Path):
    from ingest.load import load_bytes
    from ingest.options import IngestOptions
    docs = list(load_bytes(path.read_bytes(), str(path), IngestOptions(ocr="auto"), recurse=False))
    doc = docs[-1]
    if not hasattr(doc, "pages"):
        raise RuntimeError(f"ingest failed: {getattr(doc, 'reason', doc)}")
    return doc


def compare_agreement(gold: dict, doc) -> tuple[dict, list[str]]:
    """-> {field: (correct, scored)}, mismatch notes"""
    agr = doc.agreement or {}
    res, notes = {}, []

    def field(name, ok, got, want):
        res[name] = (int(ok), 1)
        if not ok:
            notes.append(f"{name}: got {got!r}, gold {want!r}")

    field("agency", value_key(agr.get("agency")) == value_key(gold["agency"]), agr.get("agency"), gold["agency"])
    field("state", state_key(agr.get("state")) == state_key(gold["state"]), agr.get("state"), gold["state"])
    field("model", model_key(agr.get("model")) == gold["model"], agr.get("model"), gold["model"])
    field("revision_date", (agr.get("revision_date") or None) == gold["revision_date"],
          agr.get("revision_date"), gold["revision_date"])
    # signed_date: right when it is one of the signature dates printed on the MOA
    sig_dates = sorted({s["date"] for s in gold["signatories"] if s["date"]})
    if sig_dates:
        field("signed_date", agr.get("signed_date") in sig_dates, agr.get("signed_date"), sig_dates)

    # signatories: gold with a printed name are matched to ours by name
    # points of contact are listed too (role "point_of_contact"); the gold holds the signers only
    pred = [s for s in (doc.signatories or []) if s.get("role", "signatory") == "signatory"]
    named = [s for s in gold["signatories"] if s["name"]]
    used, pairs = set(), []
    for g in named:
        for i, p in enumerate(pred):
            if i not in used and value_key(p.get("name")) == value_key(g["name"]):
                used.add(i)
                pairs.append((g, p))
                break
        else:
            notes.append(f"signatory missed: {g['name']} ({g['title']})")
    if named:
        res["sig_recall"] = (len(pairs), len(named))
    if pred:
        res["sig_precision"] = (len(pairs), len(pred))
        for i, p in enumerate(pred):
            if i not in used:
                notes.append(f"signatory spurious or misnamed: {p.get('name')!r} ({p.get('title')!r})")
    for key, gk, pk in (("sig_title", "title", "title"), ("sig_org", "organization", "organization"),
                        ("sig_date", "date", "signed_date"), ("sig_page", "page", "page_number")):
        c = n = 0
        for g, p in pairs:
            n += 1
            if key == "sig_page":
                ok = g[gk] == p.get(pk)
            elif key == "sig_date":
                ok = (g[gk] or None) == (p.get(pk) or None)
            else:
                ok = value_key(g[gk]) == value_key(p.get(pk))
            c += ok
            if not ok:
                notes.append(f"{key} for {g['name']}: got {p.get(pk)!r}, gold {g[gk]!r}")
        if n:
            res[key] = (c, n)
    return res, notes


def agreement_report(show_errors: int):
    path = DATA / "agreements_dev.jsonl"
    golds = load_jsonl(path)
    print(f"== (c) AGREEMENTS: {path.relative_to(ROOT)}: {len(golds)} MOAs "
          f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(g['model'] for g in golds).items()))}; "
          f"{', '.join(f'{k} {v}' for k, v in sorted(Counter(g['text_layer'] for g in golds).items()))})")
    if not SHARED.is_dir():
        print(f"   skipped: {SHARED} is not here (the PDFs are read from ../shared/data)\n")
        return
    from nlp.annotate import annotate
    from nlp.pipeline import load_pipeline
    nlp = load_pipeline()
    totals = {layer: defaultdict(lambda: [0, 0]) for layer in ("clean", "ocr", "all")}
    mismatches, failures, t0, ocr_pages = [], [], time.time(), 0
    for gold in golds:
        pdf = SHARED / gold["source"]
        if not pdf.is_file():
            failures.append(f"{gold['source']}: file not found")
            continue
        try:
            doc = ingest(pdf)
            ocr_pages += sum(p.method in ("ocr", "text+ocr") for p in doc.pages)
            annotate(doc, nlp)
        except Exception as err:
            failures.append(f"{gold['source']}: {type(err).__name__}: {err}")
            if show_errors:
                traceback.print_exc(limit=2)
            continue
        res, notes = compare_agreement(gold, doc)
        for layer in (gold["text_layer"], "all"):
            for k, (c, n) in res.items():
                totals[layer][k][0] += c
                totals[layer][k][1] += n
        if notes:
            mismatches.append((gold["source"], gold["text_layer"], notes))
    print(f"   ({time.time() - t0:.0f}s; {ocr_pages} pages OCR'd)\n")

    def cell(layer, k):
        c, n = totals[layer][k]
        return f"{c / n:6.3f} ({c:>2}/{n:<2})" if n else f"{'-':>6} {'':7}"
    print(f"{'field':<15} {'clean':>16} {'ocr':>16} {'all':>16}")
    print("-" * 66)
    for k in FIELDS:
        print(f"{k:<15} {cell('clean', k):>16} {cell('ocr', k):>16} {cell('all', k):>16}")
    print("  agency/state/model/revision_date: doc.agreement vs gold; signed_date: right if it is one of the")
    print("  signature dates on the MOA; sig_*: doc.signatories vs gold signatories with a printed name")
    print("  (recall/precision by name; title/org/date/page on the name-matched pairs).")
    for f in failures:
        print(f"  ! {f}")
    if show_errors and mismatches:
        print(f"\nMismatches ({len(mismatches)} MOAs; up to {show_errors} notes each):")
        for source, layer, notes in mismatches:
            print(f"  {source} [{layer}]")
            for n in notes[:show_errors]:
                print(f"     - {n}")
    print()
