"""`readingroom report ...`: batch reports (clause variation across 287(g) agreements)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer

from readingroom.cli_common import Fmt, fail, open_corpus
from readingroom.output import console, emit_json

report_app = typer.Typer(help="Batch reports over the corpus.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


@report_app.command("clauses")
def clauses(out: Path = typer.Option(..., "--out", help="Folder for report.html, report.md, clauses.csv, report.json."),
            model: Optional[str] = typer.Option(None, help="Only agreements of this model: WSO, TFM or JEM."),
            state_: Optional[str] = typer.Option(None, "--state", help="Only agreements in this state (name or code)."),
            signed_after: Optional[str] = typer.Option(None, "--signed-after",
                                                       help="Only agreements signed on or after (YYYY-MM-DD)."),
            template: Optional[Path] = typer.Option(None, "--template", exists=True, dir_okay=False,
                                                    help="A template agreement (PDF, DOCX or text) whose clauses "
                                                         "are the reference texts."),
            fmt: Fmt = typer.Option(Fmt.table, "--format", help="What to print: a summary (table) or report.json.")):
    """How 287(g) agreements vary, clause by clause: standard, variant, missing and added clauses,
    redlines against the reference text, and flagged facts (non-disclosure, termination, ...)."""
    from reports.clauses import ReportError, build_clause_report, write_clause_report
    if model and model.upper() not in ("WSO", "TFM", "JEM"):
        fail(f"--model must be WSO, TFM or JEM, not {model}")
    if signed_after and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", signed_after):
        fail(f"--signed-after must be a date as YYYY-MM-DD, not {signed_after}")
    with open_corpus() as corpus:
        try:
            report = build_clause_report(corpus, model, state_, signed_after, template)
        except ReportError as err:
            fail(str(err))
    paths = write_clause_report(report, out)
    if fmt == Fmt.json:
        emit_json({k: v for k, v in report.items() if k != "rows"})
        return
    s = report["summary"]
    console.print(f"{s['agreements']} agreements ({', '.join(f'{m} {n}' for m, n in s['by_model'].items())}), "
                  f"{s['clauses']} clauses, {s['keys']} clause keys; placed by heading {s['alignment']['heading']}, "
                  f"by text {s['alignment']['embedding']}, {s['alignment']['added']} additions; {s['seconds']} s",
                  highlight=False)
    statuses = s["statuses"]
    console.print("statuses: " + ", ".join(f"{k} {statuses[k]}" for k in
                                           ("standard", "near-standard", "variant", "missing", "absent", "added")
                                           if k in statuses), highlight=False)
    if s["fill_in_keys"]:
        console.print(f"filled in per agreement (not counted as deviations): {', '.join(s['fill_in_keys'])}",
                      highlight=False)
    for key in report["keys"]:
        if (len(key["variants"]) > 1 and not key["fill_in"]) or key["missing"]:
            nums = [f"{v['id']}: " + "; ".join(f"{n['unit']} {n['reference']}→{n['variant']}" for n in v["numbers"])
                    for v in key["variants"] if v["numbers"]]
            console.print(f"  {key['key']}: {key['agreements_with']}/{key['agreements_in_model']} have it, "
                          f"{len(key['variants'])} variant(s)"
                          + (f", missing from {len(key['missing'])}" if key["missing"] else "")
                          + (f"  [{' | '.join(nums)}]" if nums else ""), highlight=False)
    if s["unreadable"]:
        console.print(f"[yellow]no usable text in {len(s['unreadable'])} agreement(s)[/yellow] (see the report)")
    for kind, path in paths.items():
        console.print(f"{kind}: {path}", highlight=False)
