"""Check bench/data/entities_foia.jsonl (and entities_foia_mentions.jsonl when present) before a commit.

    .venv/bin/python bench/data/check_entities_foia.py [--shared ../shared/data] [--surfaces]

Fails (exit 1) on: malformed JSON, a missing field, a source that does not exist under the shared data
folder, an unknown kind or split, a kind without both splits, a title word inside a person's name, a
surface listed both as an entity and under not_entities. With --surfaces it also loads each email and
release with our loader (text only, no OCR) and reports any name or alias that does not occur in the
document's text (a typo in the labels, or a form the loader prints differently).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

KINDS = {"email", "foia_release", "foia_letter"}
SPLITS = {"dev", "heldout"}
TITLE_WORDS = re.compile(r"^(Mr|Mrs|Ms|Dr|Judge|Councilmember|Sheriff|Director|Chief|Mayor|Secretary|Senator|"
                         r"President|Ambassador|Minister)\.?\s")


def check(path: Path, shared: Path) -> tuple[list[str], list[dict]]:
    errors, docs = [], []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        try:
            d = json.loads(line)
        except json.JSONDecodeError as err:
            errors.append(f"line {n}: not JSON ({err})")
            continue
        where = f"line {n} ({d.get('source')})"
        for key in ("source", "kind", "split", "persons", "agencies", "orgs", "not_entities"):
            if key not in d:
                errors.append(f"{where}: no {key}")
        if not (shared / d.get("source", "")).is_file():
            errors.append(f"{where}: source not found under {shared}")
        if d.get("kind") not in KINDS:
            errors.append(f"{where}: kind {d.get('kind')!r}")
        if d.get("split") not in SPLITS:
            errors.append(f"{where}: split {d.get('split')!r}")
        surfaces = set()
        for group in ("persons", "agencies", "orgs"):
            names = [e["name"] for e in d.get(group, [])]
            for dup, c in Counter(names).items():
                if c > 1:
                    errors.append(f"{where}: {group} lists {dup!r} {c} times")
            for e in d.get(group, []):
                if group == "persons" and TITLE_WORDS.match(e["name"]):
                    errors.append(f"{where}: title inside the name {e['name']!r}")
                surfaces.update([e["name"], *e.get("aliases", [])])
        for s in d.get("not_entities", []):
            if s in surfaces:
                errors.append(f"{where}: {s!r} is both an entity surface and a not_entity")
        docs.append(d)
    return errors, docs


def sources_per_split(docs: list[dict]) -> list[str]:
    """A source (and a thread: same folder and subject stem) must not sit in both splits; each kind in both."""
    errors = []
    split_of: dict[str, set] = {}
    for d in docs:   # an attachment goes with its message
        split_of.setdefault(d["source"], set()).add(d["split"])
    seen = Counter((d["source"], d.get("attachment")) for d in docs)
    errors += [f"{s} {a or ''}: labelled {n} times" for (s, a), n in seen.items() if n > 1]
    errors += [f"{s}: in both splits" for s, sp in split_of.items() if len(sp) > 1]
    for kind in KINDS:
        have = {d["split"] for d in docs if d["kind"] == kind}
        if have and have != SPLITS:
            errors.append(f"kind {kind}: only {sorted(have)}")
    return errors


def missing_surfaces(docs: list[dict], shared: Path) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from corpus.records import Document
    from ingest.load import load_bytes, read_file
    from ingest.options import IngestOptions
    opts = IngestOptions(ocr="never")
    out = []
    for d in docs:
        if d["kind"] == "foia_letter":
            continue   # scans are OCR'd: their surfaces are checked by eye against the page images
        text = ""
        for doc in load_bytes(read_file(shared / d["source"], opts), d["source"], opts,
                              recurse=bool(d.get("attachment"))):
            if isinstance(doc, Document) and (doc.parent_id is None) == (not d.get("attachment")) \
                    and doc.file_name == d.get("attachment", doc.file_name):
                text = "\n".join(p.text for p in doc.pages)
        flat = re.sub(r"\s+", " ", text)
        for group in ("persons", "agencies", "orgs"):
            for e in d[group]:
                forms = e.get("aliases", []) + [e["name"]]
                for f in forms:
                    if f not in text and re.sub(r"\s+", " ", f) not in flat:
                        if f == e["name"] and e.get("aliases"):
                            continue   # a canonical name need not be printed when an alias is
                        out.append(f"{d['source']}: {group[:-1]} {f!r} not in the text")
        out += [f"{d['source']}: not_entity {s!r} not in the text" for s in d["not_entities"]
                if s not in text and re.sub(r"\s+", " ", s) not in flat]
    return out


def summary(docs: list[dict]) -> str:
    rows = Counter((d["kind"], d["split"]) for d in docs)
    ents = Counter()
    for d in docs:
        for group in ("persons", "agencies", "orgs", "not_entities"):
            ents[(d["split"], group)] += len(d[group])
    lines = [f"{len(docs)} documents"]
    lines += [f"  {k:13s} {s:8s} {rows[(k, s)]:3d}" for k in sorted(KINDS) for s in sorted(SPLITS)]
    lines += [f"  {s:8s} " + "  ".join(f"{g} {ents[(s, g)]}" for g in ("persons", "agencies", "orgs", "not_entities"))
              for s in sorted(SPLITS)]
    return "\n".join(lines)


def main() -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=here.parents[2] / ".." / "shared" / "data")
    ap.add_argument("--surfaces", action="store_true")
    args = ap.parse_args()
    shared = args.shared if args.shared.is_dir() else Path("/work/shared/data")
    errors, docs = check(here / "entities_foia.jsonl", shared)
    errors += sources_per_split(docs)
    mentions = here / "entities_foia_mentions.jsonl"
    if mentions.exists():
        labelled = {d["source"]: d["split"] for d in docs}
        for n, line in enumerate(mentions.read_text().splitlines(), 1):
            m = json.loads(line)
            if m["source"] not in labelled:
                errors.append(f"mentions line {n}: {m['source']} has no document entry")
            for e in m["entities"]:
                if e["text"] not in m["text"]:
                    errors.append(f"mentions line {n}: {e['text']!r} not in the page text")
    print(summary(docs))
    if args.surfaces:
        for line in missing_surfaces(docs, shared):
            print("warning:", line)
    for e in errors:
        print("error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
