"""The clause-variation report: which clauses of 287(g) agreements are standard, which vary, how
and where. `build_clause_report` returns plain data (the `report.json` document);
`write_clause_report` writes report.html, report.md, clauses.csv and report.json.
"""
from __future__ import annotations

import csv
import json
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from corpus.records import Page
from corpus.store import Corpus
from nlp.clauses import split_clauses
from reports import align as align_mod
from reports import variants as variants_mod
from reports.agreements import Agreement, guess_model, load_agreements, title_of
from reports.align import _close, align
from reports.flags import FLAGS, flag_agreement
from reports.text import agency_acronyms, agency_pattern, display_text, fingerprint

SCHEMA = "readingroom.clause-report/1"
SHARED_SHARE = 0.5          # a key most agreements of the model have: lacking it is "missing"
FILL_IN_MIN = 4            # a key is "filled in per agreement" when at least this many have it and
FILL_IN_SHARE = 0.5        # there are at least half as many variants as agreements with it
MIN_CLAUSES = 3             # fewer found: the agreement's text is unusable (image-only, not OCR'd)
CSV_COLUMNS = ["document_path", "document_id", "agency", "state", "model", "clause_key", "variant_id",
               "status", "heading", "page_number"]


class ReportError(Exception):
    pass


def load_template(path: str | Path) -> list[dict]:
    """A template agreement's clauses: a PDF, DOCX, ... (through the ingest loaders) or a text file
    (pages separated by form feeds)."""
    path = Path(path)
    if path.suffix.lower() in (".txt", ".md", ".text"):
        pages = [Page(i, t) for i, t in enumerate(path.read_text(errors="replace").split("\f"), 1)]
    else:
        from ingest.load import load_bytes, read_file
        from ingest.options import IngestOptions
        options = IngestOptions(workers=1)
        loaded = list(load_bytes(read_file(path, options), str(path), options, recurse=False))
        doc = loaded[-1] if loaded else None
        if doc is None or not hasattr(doc, "pages"):
            raise ReportError(f"{path}: cannot read the template ({getattr(doc, 'reason', 'no text')})")
        pages = doc.pages
    clauses = split_clauses(pages)
    if len(clauses) < MIN_CLAUSES:
        raise ReportError(f"{path}: found {len(clauses)} clauses in the template; is it an agreement?")
    return clauses


def build_clause_report(corpus: Corpus, model: str | None = None, state: str | None = None,
                        signed_after: str | None = None, template: str | Path | None = None,
                        encoder_factory=None) -> dict:
    started = time.perf_counter()
    agreements = load_agreements(corpus, model, state, signed_after)
    if not agreements:
        raise ReportError("no agreements match" + (" these filters" if model or state or signed_after else
                                                    " (is the corpus ingested, with MOAs in it?)"))
    keys, placed, how = align(agreements, encoder_factory)
    key_by_name = {k.key: k for k in keys}
    per_model = Counter(a.model for a in agreements)

    # template clauses, matched to keys by heading
    template_text: dict[str, str] = {}
    if template:
        t_clauses = load_template(template)
        t_model = (model or guess_model(None, "\n".join(c["text"] for c in t_clauses[:4]) +
                                        " ".join(c["heading"] for c in t_clauses), Path(template).name)).upper()
        from nlp.clauses import heading_key
        for c in t_clauses:
            slug = "preamble" if not c["heading"] else heading_key(title_of(c["heading"]), c["level"])
            for k in keys:
                if k.model == t_model and (slug in k.slugs or _close(k.slugs[0], slug)) and k.key not in template_text:
                    template_text[k.key] = c["text"]
                    break

    # variants per key
    members_by_key: dict[str, list] = defaultdict(list)
    agency_rx = {a.document_id: agency_pattern([a.agency or ""]) for a in agreements}
    acronym_rx = {a.document_id: agency_acronyms("\n".join(p.text for p in a.pages[:1])) for a in agreements}
    for p in placed:
        if p.key:
            shown = display_text(p.clause["text"], agency_rx[p.agreement.document_id],
                                 acronym_rx[p.agreement.document_id])
            members_by_key[p.key].append(variants_mod.Member(p.agreement.document_id, shown, fingerprint(shown),
                                                             p.clause["page_number"], p.clause["heading"]))
    by_id = {a.document_id: a for a in agreements}
    variant_of: dict[tuple[str, str], tuple[str, str]] = {}     # (doc, key) -> (variant id, status)
    key_rows = []
    for k in keys:
        groups = variants_mod.group_variants(members_by_key[k.key], template_text.get(k.key))
        reference = groups[0]
        have = {m.document_id for g in groups for m in g.members}
        model_docs = [a for a in agreements if a.model == k.model]
        prevalence = len(have) / max(1, len(model_docs))
        shared = prevalence >= SHARED_SHARE
        lacking = sorted(a.document_id for a in model_docs if a.document_id not in have)
        vrows = []
        for g in groups:
            statuses = Counter()
            for m in g.members:
                st = variants_mod.status_of(m, g, reference)
                statuses[st] += 1
                variant_of[(m.document_id, k.key)] = (g.id, st)
            docs = sorted({m.document_id for m in g.members})
            vrows.append({
                "id": g.id,
                "kind": "reference" if g is reference else "different",
                "count": len(docs),
                "identical": statuses.get("standard", 0) if g is reference else None,
                "near_identical": statuses.get("near-standard", 0) if g is reference else None,
                "agencies": sorted({by_id[d].label for d in docs}),
                "documents": docs,
                "pages": {m.document_id: m.page_number for m in g.members},
                "text": g.display,
                "from_template": g.template,
                "similarity": None if g is reference else g.similarity,
                "changed_words": None if g is reference else g.changed_words,
                "redline": g.redline,
                "numbers": g.numbers,
            })
        # filled in per agreement (points of contact, ...): nearly every agreement its own variant
        fill_in = len(have) >= FILL_IN_MIN and len(groups) >= FILL_IN_SHARE * len(have)
        key_rows.append({
            "key": k.key, "model": k.model, "title": k.title, "level": k.level, "fill_in": fill_in,
            "headings": k.slugs, "agreements_with": len(have), "agreements_in_model": len(model_docs),
            "prevalence": round(prevalence, 3), "shared": shared,
            "reference": {"variant": "v1", "source": "template" if k.key in template_text else "corpus"},
            "variants": vrows,
            "missing": lacking if shared else [],
            "absent": [] if shared else lacking,
        })

    # per agreement: rows, deviations, flags
    placed_by_doc: dict[str, list] = defaultdict(list)
    for p in placed:
        placed_by_doc[p.agreement.document_id].append(p)
    agreement_rows, additions, csv_rows = [], [], []
    keys_by_model: dict[str, list] = defaultdict(list)
    for row in key_rows:
        keys_by_model[row["model"]].append(row)
    for a in agreements:
        mine = placed_by_doc[a.document_id]
        flag_input, deviations = [], []
        by_key = {p.key: p for p in mine if p.key}
        for p in mine:
            vid, st = variant_of.get((a.document_id, p.key), (None, "added")) if p.key else (None, "added")
            flag_input.append({"key": p.key, "status": st, "variant": vid, "text": p.clause["text"],
                               "page_number": p.clause["page_number"], "heading": p.clause["heading"]})
            if not p.key:
                additions.append({"document_id": a.document_id, "path": a.path, "agency": a.agency,
                                  "state": a.state, "model": a.model, "heading": p.clause["heading"],
                                  "slug": p.clause["slug"], "page": p.clause["page_number"],
                                  "text": display_text(p.clause["text"]), "nearest_similarity": p.score})
        for row in keys_by_model[a.model]:
            p = by_key.get(row["key"])
            if p is None:
                status = "missing" if row["shared"] else "absent"
                vid, page, heading = None, None, None
            else:
                vid, status = variant_of[(a.document_id, row["key"])]
                page, heading = p.clause["page_number"], p.clause["heading"]
            csv_rows.append({"document_path": a.path, "document_id": a.document_id, "agency": a.agency,
                             "state": a.state, "model": a.model, "clause_key": row["key"], "variant_id": vid,
                             "status": status, "heading": heading, "page_number": page})
            if status == "missing" or (status == "variant" and not row["fill_in"]):
                v = next((v for v in row["variants"] if v["id"] == vid), None)
                deviations.append({"key": row["key"], "title": row["title"], "status": status, "variant": vid,
                                   "page": page, "heading": heading,
                                   "agreements_sharing_variant": v["count"] if v else None,
                                   "numbers": v["numbers"] if v else [],
                                   "similarity": v["similarity"] if v else None})
        for p in mine:
            if not p.key:
                csv_rows.append({"document_path": a.path, "document_id": a.document_id, "agency": a.agency,
                                 "state": a.state, "model": a.model,
                                 "clause_key": f"{a.model.lower()}/{p.clause['slug']}", "variant_id": None,
                                 "status": "added", "heading": p.clause["heading"],
                                 "page_number": p.clause["page_number"]})
                deviations.append({"key": f"{a.model.lower()}/{p.clause['slug']}", "title": title_of(p.clause["heading"]),
                                   "status": "added", "variant": None, "page": p.clause["page_number"],
                                   "heading": p.clause["heading"], "agreements_sharing_variant": None,
                                   "numbers": [], "similarity": None})
        warning = None
        if len(a.clauses) < MIN_CLAUSES:
            warning = (f"only {len(a.clauses)} clause(s) found: the text is missing or unreadable "
                       "(an image-only PDF ingested without OCR?)")
        agreement_rows.append({
            "document_id": a.document_id, "path": a.path, "file_name": a.file_name, "agency": a.agency,
            "state": a.state, "model": a.model, "signed_date": a.signed_date, "year": a.year,
            "clauses": len(a.clauses), "clauses_from": a.clauses_from,
            "aligned": sum(1 for p in mine if p.key), "added": sum(1 for p in mine if not p.key),
            "deviations": deviations, "flags": flag_agreement(flag_input), "warning": warning,
        })

    by_model_year: dict[str, Counter] = defaultdict(Counter)
    for a in agreements:
        by_model_year[a.model][a.year] += 1
    years = sorted({a.year for a in agreements})
    summary = {
        "agreements": len(agreements),
        "clauses": sum(len(a.clauses) for a in agreements),
        "keys": len(keys),
        "by_model": dict(sorted(per_model.items())),
        "by_state": dict(sorted(Counter(a.state or "unknown" for a in agreements).items())),
        "by_year": {y: sum(1 for a in agreements if a.year == y) for y in years},
        "by_model_year": {m: {y: c[y] for y in years if c[y]} for m, c in sorted(by_model_year.items())},
        "alignment": {"heading": how.get("heading", 0), "embedding": how.get("embedding", 0),
                      "added": how.get("added", 0), "embedded_texts": how.get("embedded_texts", 0)},
        "statuses": dict(Counter(r["status"] for r in csv_rows)),
        "unreadable": [r["path"] for r in agreement_rows if r["warning"]],
        "fill_in_keys": [k["key"] for k in key_rows if k["fill_in"]],
        "flags": {f.name: dict(Counter(r["flags"][f.name]["status"] for r in agreement_rows)) for f in FLAGS},
        "seconds": None,
    }
    report = {
        "schema": SCHEMA,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": str(corpus.path),
        "filters": {"model": model.upper() if model else None, "state": state, "signed_after": signed_after,
                    "template": str(template) if template else None},
        "thresholds": {
            "heading_match": align_mod.HEADING_MATCH, "min_support_share": align_mod.MIN_SUPPORT_SHARE,
            "embedding_match": align_mod.EMBED_MATCH, "near_identical_words": variants_mod.NEAR_WORDS,
            "near_identical_share": variants_mod.NEAR_SHARE, "shared_share": SHARED_SHARE,
            "fill_in_min": FILL_IN_MIN, "fill_in_share": FILL_IN_SHARE,
        },
        "flag_labels": {f.name: f.label for f in FLAGS},
        "summary": summary,
        "keys": key_rows,
        "agreements": agreement_rows,
        "additions": additions,
        "rows": csv_rows,
    }
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return report


def write_clause_report(report: dict, out_dir: str | Path) -> dict[str, Path]:
    from reports.render import render_html, render_markdown
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"html": out / "report.html", "markdown": out / "report.md", "csv": out / "clauses.csv",
             "json": out / "report.json"}
    paths["json"].write_text(json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=1,
                                        ensure_ascii=False, default=str))
    with paths["csv"].open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(report["rows"])
    paths["markdown"].write_text(render_markdown(report))
    paths["html"].write_text(render_html(report))
    return paths
