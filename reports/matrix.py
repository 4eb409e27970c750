"""The clause report as a picture: per model, agreements (rows, grouped by year signed) by clause
keys (columns), each cell the agreement's status for that key. Plain data from `report`
(`reports.clauses.build_clause_report`), drawn by templates/matrix.html.j2 in the HTML report
and in the reading room."""
from __future__ import annotations

from collections import defaultdict

STATUSES = ("standard", "near-standard", "variant", "missing", "absent", "added")


def clause_matrix(report: dict) -> list[dict]:
    """[{model, columns: [{key, title, fill_in}], groups: [{year, rows: [{document_id, agency, state,
    file_name, cells: [{key, status, variant, page}], added: [{heading, page}]}]}]}], one per model."""
    cells: dict[tuple[str, str], dict] = {}
    added: dict[str, list] = defaultdict(list)
    for row in report["rows"]:
        if row["status"] == "added":
            added[row["document_id"]].append({"heading": row["heading"], "page": row["page_number"]})
        else:
            cells[(row["document_id"], row["clause_key"])] = {"key": row["clause_key"], "status": row["status"],
                                                             "variant": row["variant_id"], "page": row["page_number"]}
    keys_by_model: dict[str, list] = defaultdict(list)
    for k in report["keys"]:
        keys_by_model[k["model"]].append({"key": k["key"], "title": k["title"], "fill_in": k["fill_in"]})
    out = []
    for model in sorted(keys_by_model):
        keys = keys_by_model[model]
        by_year: dict[str, list] = defaultdict(list)
        for a in report["agreements"]:
            if a["model"] != model:
                continue
            by_year[a["year"]].append({
                "document_id": a["document_id"], "agency": a["agency"], "state": a["state"],
                "file_name": a["file_name"],
                "cells": [cells.get((a["document_id"], k["key"]), {"key": k["key"], "status": "absent",
                                                                    "variant": None, "page": None}) for k in keys],
                "added": added.get(a["document_id"], [])})
        groups = [{"year": y, "rows": sorted(rows, key=lambda r: ((r["state"] or ""), r["agency"] or ""))}
                  for y, rows in sorted(by_year.items(), reverse=True)]
        out.append({"model": model, "columns": keys, "groups": groups})
    return out
