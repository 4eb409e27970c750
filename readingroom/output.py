"""Rendering results for people (rich tables) and for programs (JSON, CSV)."""
from __future__ import annotations

import csv
import json
import sys
from typing import Any, Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

console = Console()
errors = Console(stderr=True)
FORMATS = ("table", "json", "csv")


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def emit_csv(rows: list[dict], columns: list[str] | None = None) -> None:
    columns = columns or (list(rows[0].keys()) if rows else [])
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in row.items()})


def table(rows: Iterable[dict], columns: list[str], title: str | None = None) -> None:
    t = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        t.add_column(column, overflow="fold")
    for row in rows:
        t.add_row(*[v if isinstance(v, Text) else ("" if row.get(c) is None else str(row.get(c)))
                    for c, v in ((c, row.get(c)) for c in columns)])
    console.print(t)


def highlighted(snippet: str, highlights: list[tuple[int, int]]) -> Text:
    text = Text(snippet)
    for start, end in highlights:
        text.stylize("bold yellow", start, end)
    return text


def emit(rows: list[dict], fmt: str, columns: list[str], title: str | None = None) -> None:
    if fmt == "json":
        emit_json(rows)
    elif fmt == "csv":
        emit_csv(rows, columns)
    else:
        table(rows, columns, title)


def signatory_list(people: list[dict]) -> str:
    """An agreement's signatories on one line (table and CSV); a name read only by the ink-free
    second reading of a scanned signature page is marked [re-read]."""
    return "; ".join(f"{p['name']} ({p['title'] or '?'}, {p['organization'] or '?'}"
                     f"{', ' + p['signed_date'] if p['signed_date'] else ''})"
                     f"{' [re-read]' if p.get('source') == 'reread' else ''}" for p in people)


def contact_list(people: list[dict]) -> str:
    return "; ".join(f"{p['title'] + ' ' if p['title'] else ''}{p['name']}" for p in people)
