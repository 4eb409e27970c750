"""`readingroom report ...`: batch reports (clause variation across 287(g) agreements)."""
from __future__ import annotations

import typer

report_app = typer.Typer(help="Batch reports over the corpus.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
