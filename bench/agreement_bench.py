"""MOA facts (bench/data/agreements_dev.jsonl) against what nlp.annotate finds in each PDF.

Part of bench/extraction.py (see its docstring for how the scoring works), and runnable alone:

    .venv/bin/python bench/agreement_bench.py [--half 1|2] [--show-errors N] [--no-cache]
    .venv/bin/python bench/agreement_bench.py --all-moas [--examples N]

`--half 1|2` scores only the first or second half of the dev MOAs (sorted by file name), to
check that a change found by looking at one half's errors also helps the other. `--all-moas`
annotates every MOA in ../shared/data/moa (no gold) and counts the agreements with each field
missing, with examples of the values to check.

Loading a PDF (OCR'ing its scanned pages) is slow, annotating it is quick: each loaded Document
(pages only, before annotation) is pickled under the cache folder, keyed by the file's SHA-256,
so a second run OCRs nothing. `--no-cache` (or READINGROOM_BENCH_CACHE=off) loads afresh;
`--cache DIR` (or READINGROOM_BENCH_CACHE=DIR) moves it. A cached page text is what the loader
gave when it was cached: clear the folder after changing the loader or Tesseract.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import DATA, ROOT, SHARED, load_jsonl, model_key, state_key, value_key

# ---------------------------------------------------------------- (c) agreements

FIELDS = ["agency", "state", "model", "revision_date", "signed_date",
          "sig_recall", "sig_precision", "sig_title", "sig_org", "sig_date", "sig_page"]


def cache_dir() -> Path | None:
    """Where loaded documents are kept between runs; None when caching is off."""
    setting = os.environ.get("READINGROOM_BENCH_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    return Path(setting) if setting else Path(tempfile.gettempdir()) / "readingroom-bench-cache"


def ingest(path: Path):
    """The loaded (not yet annotated) Document for a PDF, from the cache when it is there."""
    from ingest.load import load_bytes
    from ingest.options import IngestOptions
    data = path.read_bytes()
    folder = cache_dir()
    cached = folder / f"{hashlib.sha256(data).hexdigest()}.pickle" if folder else None
    if cached and cached.is_file():
        with cached.open("rb") as f:
            return pickle.load(f)
    docs = list(load_bytes(data, str(path), IngestOptions(ocr="auto"), recurse=False))
    doc = docs[-1]
    if not hasattr(doc, "pages"):
        raise RuntimeError(f"ingest failed: {getattr(doc, 'reason', doc)}")
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".tmp")
        with partial.open("wb") as f:
            pickle.dump(doc, f)
        partial.replace(cached)
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


def agreement_report(show_errors: int, half: int | None = None):
    path = DATA / "agreements_dev.jsonl"
    golds = sorted(load_jsonl(path), key=lambda g: g["source"])
    if half:
        middle = (len(golds) + 1) // 2
        golds = golds[:middle] if half == 1 else golds[middle:]
    print(f"== (c) AGREEMENTS: {path.relative_to(ROOT)}{f' half {half}' if half else ''}: {len(golds)} MOAs "
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


# ---------------------------------------------------------------- every MOA, no gold

MISSING_FIELDS = ["agency", "state", "model", "signed_date", "revision_date", "signatories"]


def all_moas_report(examples: int) -> None:
    """Annotate every MOA in ../shared/data/moa and count the agreements with each field missing.

    There is no gold here; as a cross-check the state and model are compared with the ones in
    the file name (MANIFEST.json), which are ICE's filing, not the document's text.
    """
    import json

    from nlp.annotate import annotate
    from nlp.pipeline import load_pipeline
    folder = SHARED / "moa"
    if not folder.is_dir():
        print(f"skipped: {folder} is not here")
        return
    manifest = {e["file"]: e for e in json.loads((folder / "MANIFEST.json").read_text())}
    # the dev-set MOAs first, so that a first (OCR'ing) run caches what the scored bench needs early
    dev = {Path(g["source"]).name for g in load_jsonl(DATA / "agreements_dev.jsonl")}
    files = sorted(folder.glob("*.pdf"), key=lambda p: (p.name not in dev, p.name))
    nlp = load_pipeline()
    rows, failures, t0 = [], [], time.time()
    for i, pdf in enumerate(files, 1):
        try:
            doc = annotate(ingest(pdf), nlp)
        except Exception as err:
            failures.append(f"{pdf.name}: {type(err).__name__}: {err}")
            continue
        agr = doc.agreement or {}
        signers = [s for s in doc.signatories if s.get("role", "signatory") == "signatory"]
        rows.append({"file": pdf.name, "doc_type": doc.doc_type, **{k: agr.get(k) for k in MISSING_FIELDS[:-1]},
                     "signatories": signers,
                     "ocr": any(p.method in ("ocr", "text+ocr") for p in doc.pages)})
        if i % 20 == 0:
            print(f"   {i}/{len(files)} ({time.time() - t0:.0f}s)", file=sys.stderr, flush=True)
    rows.sort(key=lambda r: r["file"])
    print(f"== every MOA in {folder.relative_to(SHARED.parent)}: {len(rows)} annotated, "
          f"{len(failures)} failed ({time.time() - t0:.0f}s)")
    for f in failures:
        print(f"  ! {f}")
    not_moa = [r["file"] for r in rows if r["doc_type"] != "moa"]
    print(f"   not classified as an MOA: {len(not_moa)} {not_moa[:examples]}")
    print(f"\n{'field':<15} {'missing':>8} {'of':>4}   examples")
    for k in MISSING_FIELDS:
        missing = [r["file"] for r in rows if not r[k]]
        print(f"{k:<15} {len(missing):>8} {len(rows):>4}   {', '.join(missing[:examples])}")
    one_signer = [r["file"] for r in rows if len(r["signatories"]) == 1]
    print(f"{'only 1 signer':<15} {len(one_signer):>8} {len(rows):>4}   {', '.join(one_signer[:examples])}")
    no_ice = [r["file"] for r in rows if r["signatories"] and not any(
        "Immigration" in (s.get("organization") or "") for s in r["signatories"])]
    print(f"{'no ICE signer':<15} {len(no_ice):>8} {len(rows):>4}   {', '.join(no_ice[:examples])}")
    no_title = [r["file"] for r in rows if any(not s.get("title") for s in r["signatories"])]
    print(f"{'signer w/o title':<15} {len(no_title):>8} {len(rows):>4}   {', '.join(no_title[:examples])}")

    # cross-checks against the file name (ICE's filing): disagreements worth a look
    print("\nDisagreements with the file name's state / model (the text may be right):")
    shown = 0
    for r in rows:
        entry = manifest.get(r["file"], {})
        want_state = (entry.get("state") or "").replace("_", " ").title()
        want_model = {"TF": "TFM"}.get(entry.get("model") or "", entry.get("model"))
        notes = []
        if r["state"] and want_state and state_key(r["state"]) != state_key(want_state):
            notes.append(f"state {r['state']!r} vs {want_state!r}")
        if r["model"] and want_model and model_key(r["model"]) != want_model:
            notes.append(f"model {r['model']!r} vs {want_model!r}")
        if notes and shown < examples:
            print(f"  {r['file']}: {'; '.join(notes)}")
            shown += 1
    print("\nSignatories found (first examples, for eyeballing):")
    for r in rows[:examples]:
        people = "; ".join(f"{s['name']} ({s.get('title')}, {s.get('organization')}, {s.get('signed_date')})"
                           for s in r["signatories"])
        print(f"  {r['file']}{' [ocr]' if r['ocr'] else ''}: {r['agency']!r}, {r['state']}, {r['model']}: {people}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all-moas", action="store_true", help="count missing fields over every MOA (no gold)")
    ap.add_argument("--half", type=int, choices=(1, 2), help="score one half of the dev MOAs (by file name)")
    ap.add_argument("--show-errors", type=int, default=10, metavar="N", help="mismatch notes per MOA (0: none)")
    ap.add_argument("--examples", type=int, default=10, metavar="N", help="examples per line with --all-moas")
    ap.add_argument("--no-cache", action="store_true", help="load every PDF afresh (OCR again)")
    ap.add_argument("--cache", metavar="DIR", help="the cache folder (default: in the temp folder)")
    args = ap.parse_args(argv)
    if args.no_cache:
        os.environ["READINGROOM_BENCH_CACHE"] = "off"
    elif args.cache:
        os.environ["READINGROOM_BENCH_CACHE"] = args.cache
    if args.all_moas:
        all_moas_report(args.examples)
    else:
        agreement_report(args.show_errors, args.half)
    return 0


if __name__ == "__main__":
    sys.exit(main())
