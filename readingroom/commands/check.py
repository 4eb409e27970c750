"""`readingroom check` and `readingroom repair`: the whole corpus verified, and mended where it can be."""
from __future__ import annotations

from pathlib import Path

import typer

from corpus.errors import CHECK_FAILED_EXIT, CorpusMissing
from readingroom.cli_common import Fmt, open_for_writing, state
from readingroom.output import console, emit, emit_json


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(repair)


def _show(report, fmt: Fmt) -> None:
    if fmt == Fmt.json:
        emit_json(report.as_dict())
        return
    rows = [{"check": f.name, "result": "ok" if f.ok else "PROBLEM", "detail": f.detail,
             "repair": f.fix} for f in report.findings]
    if fmt == Fmt.csv:
        emit(rows, "csv", ["check", "result", "detail", "repair"])
        return
    for line in report.repaired:
        console.print(f"repaired: {line}", highlight=False, markup=False, soft_wrap=True)
    for row in rows:
        fix = f" (repair: {row['repair']})" if row["repair"] else ""
        console.print(f"{row['result']:<8} {row['check']:<10} {row['detail']}{fix}", highlight=False, markup=False,
                      soft_wrap=True)
    for line in report.unfixable:
        console.print(f"cannot repair: {line}", highlight=False, markup=False, soft_wrap=True)
    console.print("ok" if report.ok else "problems found: `readingroom repair` mends what it can", highlight=False)


def check(fmt: Fmt = typer.Option(Fmt.table, "--format", help="table, json or csv.")):
    """Verify the whole corpus: SQLite integrity, the keyword index, passages against vectors,
    mentions against entities, pages against documents, kept originals against their hashes, the
    schema version. Exits 1 when anything is wrong; reads only, never blocks a writer."""
    from readingroom.checking import check_path
    path = Path(state["corpus"])
    if not path.exists():
        raise CorpusMissing(None, f"no corpus at {path}", "pass --corpus")
    report = check_path(path)
    _show(report, fmt)
    if not report.ok:
        raise typer.Exit(CHECK_FAILED_EXIT)


def repair(fmt: Fmt = typer.Option(Fmt.table, "--format", help="table, json or csv.")):
    """Mend what can be rebuilt from what is left (the keyword index from the passages, vectors from
    the passages, rows of no stored document dropped), then check again and say what cannot be mended.
    Exits 1 when something is still wrong."""
    from readingroom.checking import repair as run_repair
    with open_for_writing("repair") as corpus:
        report = run_repair(corpus)
    _show(report, fmt)
    if not report.ok:
        raise typer.Exit(CHECK_FAILED_EXIT)
