"""Entities on the FOIA emails, releases and letters: document-level entity sets and the corpus's
top entities, against bench/data/entities_foia.jsonl (document-level labels, dev and held-out).

    .venv/bin/python bench/foia_entity_bench.py --corpus /tmp/entities/foia.db [--split dev|heldout|all]

The corpus is a copy of the shared FOIA corpus after `readingroom annotate` with the code under
test (copy the .db and .faiss first: opening migrates the schema). Part of bench/extraction.py
(`--foia-corpus`).

(d) document-level sets, per type (PERSON, AGENCY, ORG) and source kind: for each labelled
    document (matched by path; an attachment by its parent's path and its file name), our entities
    with a mention in it. One of ours is right when its
    name or a form printed in the document is the gold entity's name or one of its aliases (case,
    spacing and punctuation aside), and of the same type; a second entity of ours for the same
    gold entity is wrong (one person split in two). Precision = right / ours, recall = gold found / gold.
(e) mention F1 per type and kind on entities_foia_mentions.jsonl pages (when present), as part (a).
(f) the corpus's top 50 AGENCY and PERSON entities: each is right when its name is a gold name or
    alias of that type in any labelled document, wrong when it is labelled another type or not an
    entity, else judged by bench/data/entities_foia_top.json (checked by hand); persons of the top
    50 that are one gold person (or share a surname and a first name or its nickname, listed for a
    look) count as split.
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from scoring import DATA, ROOT, load_jsonl, prf

TYPES = ("PERSON", "AGENCY", "ORG")
GOLD_FIELD = {"PERSON": "persons", "AGENCY": "agencies", "ORG": "orgs"}


def key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("&", " and ").replace("’", "'")
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"[^0-9a-z]+", "", text)


def gold_keys(entity: dict) -> set[str]:
    names = [entity["name"], *entity.get("aliases", [])]
    keys = {key(n) for n in names if n}
    for n in names:                      # "Hughes, Traci" printed, "Traci Hughes" labelled: the same form
        if n and (m := re.fullmatch(r"([^,]+),\s*(.+)", n)):
            keys.add(key(f"{m.group(2)} {m.group(1)}"))
    return keys - {""}


def predicted(db: sqlite3.Connection, source: str, attachment: str | None = None) -> dict[str, list[dict]] | None:
    """Our entities of each type with a mention in the document at `source`, or in its attachment of that
    file name when the label is for an attachment (None: not in the corpus)."""
    if attachment:
        row = db.execute("SELECT d.id FROM documents d JOIN documents p ON p.id = d.parent_id"
                         " WHERE p.parent_id IS NULL AND (p.path = ? OR p.path LIKE ?) AND d.file_name = ?",
                         [source, "%/" + source, attachment]).fetchone()
    else:
        row = db.execute("SELECT id FROM documents WHERE parent_id IS NULL AND (path = ? OR path LIKE ?)",
                         [source, "%/" + source]).fetchone()
    if row is None:
        return None
    out: dict[str, list[dict]] = {t: [] for t in TYPES}
    found = defaultdict(set)
    for entity_id, type_, name, text in db.execute(
            "SELECT e.id, e.type, e.name, m.text FROM mentions m JOIN entities e ON e.id = m.entity_id"
            " WHERE m.document_id = ? AND e.type IN ('PERSON', 'AGENCY', 'ORG')", [row[0]]):
        found[(entity_id, type_, name)].add(text)
    has_aliases = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'entity_aliases'").fetchone()
    for (entity_id, type_, name), texts in found.items():
        merged = [r[0] for r in db.execute("SELECT alias FROM entity_aliases WHERE entity_id = ?", [entity_id])] \
            if has_aliases else []
        out[type_].append({"name": name, "texts": sorted(texts), "keys": {key(name)} | {key(t) for t in texts}
                           | {key(a) for a in merged}})
    return out


class DocScore:
    def __init__(self):
        self.counts = defaultdict(lambda: [0, 0, 0, 0])      # (type, kind) -> [right, ours, gold found, gold]
        self.errors = defaultdict(list)
        self.per_doc = defaultdict(list)                      # type -> [(right, ours, gold)] per document

    def add(self, doc: dict, ours: dict[str, list[dict]]):
        for type_ in TYPES:
            gold = doc.get(GOLD_FIELD[type_], [])
            golds = [(g, gold_keys(g)) for g in gold]
            other_types = {k for t in TYPES if t != type_ for g in doc.get(GOLD_FIELD[t], []) for k in gold_keys(g)}
            seen: set[int] = set()
            c = self.counts[(type_, doc["kind"])]
            for p in ours[type_]:
                hit = next((i for i, (_, ks) in enumerate(golds) if p["keys"] & ks), None)
                c[1] += 1
                if hit is not None and hit not in seen:
                    seen.add(hit)
                    c[0] += 1
                else:
                    why = "split: a second entity for one gold entity" if hit is not None else \
                        "labelled another type" if p["keys"] & other_types else "not in the labels"
                    self.errors[type_].append((doc["source"], "wrong", p["name"], p["texts"][:3], why))
            c[2] += len(seen)
            c[3] += len(golds)
            self.per_doc[type_].append((len(seen), len(ours[type_]), len(golds)))
            for i, (g, _) in enumerate(golds):
                if i not in seen:
                    self.errors[type_].append((doc["source"], "missed", g["name"], g.get("aliases", [])[:3], ""))

    def table(self, title: str):
        print(f"\n{title}")
        print(f"  {'type':<8}{'kind':<14}{'P':>7}{'R':>7}{'F1':>7}   right/ours  found/gold")
        for type_ in TYPES:
            kinds = sorted(k for t, k in self.counts if t == type_)
            total = [0, 0, 0, 0]
            for kind in kinds + ["all"]:
                c = total if kind == "all" else self.counts[(type_, kind)]
                if kind != "all":
                    total = [a + b for a, b in zip(total, c)]
                p = c[0] / c[1] if c[1] else 0.0
                r = c[2] / c[3] if c[3] else 0.0
                f = 2 * p * r / (p + r) if p + r else 0.0
                print(f"  {type_:<8}{kind:<14}{p:7.3f}{r:7.3f}{f:7.3f}   {c[0]:>5}/{c[1]:<5} {c[2]:>5}/{c[3]:<5}")
            docs = self.per_doc[type_]      # each document weighs the same: one long recipient list does not dominate
            ps = [right / ours for right, ours, _ in docs if ours]
            rs = [right / gold for right, _, gold in docs if gold]
            if ps and rs:
                p, r = sum(ps) / len(ps), sum(rs) / len(rs)
                print(f"  {type_:<8}{'all, by doc':<14}{p:7.3f}{r:7.3f}{2 * p * r / (p + r) if p + r else 0.0:7.3f}"
                      f"   mean of {len(ps)} / {len(rs)} documents")


def doc_report(db, labels: list[dict], split: str, show_errors: int) -> DocScore:
    rows = [d for d in labels if split == "all" or d["split"] == split]
    score, missing = DocScore(), []
    for doc in rows:
        ours = predicted(db, doc["source"], doc.get("attachment"))
        if ours is None:
            missing.append(doc["source"])
            continue
        score.add(doc, ours)
    kinds = Counter(d["kind"] for d in rows)
    score.table(f"== (d) DOCUMENT-LEVEL ENTITY SETS, {split}: {len(rows) - len(missing)} documents "
                f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})"
                + (f"; {len(missing)} not in the corpus: {missing[:3]}" if missing else ""))
    if show_errors:
        for type_ in ("PERSON", "AGENCY"):
            errs = score.errors[type_]
            print(f"  {type_} errors: {len(errs)}; first {show_errors}:")
            for source, what, name, forms, why in errs[:show_errors]:
                print(f"    {what:<7} {name!r:<40.40} {str(forms):<40.40} {why:<30.30} {Path(source).name[:40]}")
    return score


def mention_report(split: str, show_errors: int, path: Path) -> None:
    if not path.exists():
        print(f"\n== (e) MENTIONS: {path.name} not found; skipped")
        return
    from entity_bench import Score, ours_predict
    rows = [r for r in load_jsonl(path) if split == "all" or r.get("split") == split]
    if not rows:
        return
    score = Score("ours")
    for row, pred in zip(rows, ours_predict(rows)):
        score.add_page(row, pred)
    print(f"\n== (e) MENTIONS, {split}: {len(rows)} pages of {path.name}: strict P/R/F1 per type, then per kind")
    for t in ("PERSON", "AGENCY", "DATE", "GPE", "EMAIL", "PHONE", "LAW", "FOIA_EXEMPTION"):
        tp, fp, fn = score.strict[t]
        if tp + fn:
            p, r, f = prf(tp, fp, fn)
            print(f"  {t:<15} gold {tp + fn:>4}  P {p:.3f} R {r:.3f} F1 {f:.3f}")
    for kind, (tp, fp, fn) in sorted(score.by_kind.items()):
        p, r, f = prf(tp, fp, fn)
        print(f"  {kind:<15} P {p:.3f} R {r:.3f} F1 {f:.3f}")


def top_report(db, labels: list[dict], limit: int, judged_path: Path) -> dict:
    """Precision of the top `limit` AGENCY and PERSON entities, and split persons among them."""
    by_key: dict[str, set[tuple[str, str]]] = defaultdict(set)     # key -> {(type, gold name)}
    not_entities = set()
    for doc in labels:
        for type_ in TYPES:
            for g in doc.get(GOLD_FIELD[type_], []):
                for k in gold_keys(g):
                    by_key[k].add((type_, g["name"]))
        not_entities.update(key(n) for n in doc.get("not_entities", []))
    judged = json.loads(judged_path.read_text()) if judged_path.exists() else {}
    out = {}
    for type_ in ("AGENCY", "PERSON"):
        rows = db.execute(
            "SELECT e.id, e.name, count(m.id) AS n FROM entities e JOIN mentions m ON m.entity_id = e.id"
            " WHERE e.type = ? GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?", [type_, limit]).fetchall()
        hand = judged.get(type_, {})
        right, wrong, unjudged, identities = [], [], [], defaultdict(list)
        for entity_id, name, n in rows:
            found = by_key.get(key(name), set())
            if (type_, name) in {(t, g) for t, g in found} or any(t == type_ for t, _ in found):
                right.append(name)
                for t, g in found:
                    if t == type_:
                        identities[g].append(name)
            elif name in hand.get("right", []):
                right.append(name)
                identities[hand.get("same_as", {}).get(name, name)].append(name)
            elif found or key(name) in not_entities or name in hand.get("wrong", []):
                wrong.append(name)
            else:
                unjudged.append(name)
        split = {g: names for g, names in identities.items() if len(set(names)) > 1}
        if type_ == "PERSON":
            split.update(_look_alike([r[1] for r in rows], split))
        out[type_] = {"right": len(right), "wrong": wrong, "unjudged": unjudged, "split": split}
        print(f"\n== (f) TOP {limit} {type_} of the corpus: {len(right)} right, {len(wrong)} wrong, "
              f"{len(unjudged)} not judged; split across entities: {len(split)}")
        if wrong:
            print(f"  wrong: {wrong}")
        if unjudged:
            print(f"  not judged (add to {judged_path.name}): {unjudged}")
        for g, names in split.items():
            print(f"  split: {g}: {names}")
    return out


def _look_alike(names: list[str], known: dict) -> dict:
    """Persons of the top list that share a surname and a first name (or its nickname)."""
    sys.path.insert(0, str(ROOT))
    from nlp.entity_types import same_given_name
    from nlp.resolve import name_parts
    out = {}
    parts = [(n, name_parts(n)) for n in names]
    for i, (a, pa) in enumerate(parts):
        for b, pb in parts[i + 1:]:
            if pa and pb and pa[2].lower() == pb[2].lower() and same_given_name(pa[0], pb[0]) \
                    and not any(a in v and b in v for v in known.values()):
                out[f"{a} ~ {b}"] = [a, b]
    return out


def foia_report(corpus: Path, labels_path: Path, split: str = "all", show_errors: int = 10, top: int = 50) -> None:
    if not corpus.exists():
        print(f"== FOIA entities: no corpus at {corpus}; skipped")
        return
    labels = load_jsonl(labels_path)
    db = sqlite3.connect(f"file:{corpus}?mode=ro", uri=True)
    for s in (["dev", "heldout"] if split == "all" else [split]):
        doc_report(db, labels, s, show_errors)
        mention_report(s, show_errors, labels_path.with_name("entities_foia_mentions.jsonl"))
    top_report(db, labels, top, DATA / "entities_foia_top.json")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="an annotated copy of the FOIA corpus")
    ap.add_argument("--labels", type=Path, default=DATA / "entities_foia.jsonl")
    ap.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    ap.add_argument("--show-errors", type=int, default=10, metavar="N")
    ap.add_argument("--top", type=int, default=50)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    foia_report(args.corpus, args.labels, args.split, args.show_errors, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
