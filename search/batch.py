"""Many queries at once (`readingroom search --batch FILE.csv`): a roster of names, every agency
in a spreadsheet, a list of case numbers.

The file is CSV with a header. `query` is required; optional columns set the row's mode
(`keyword`, `semantic`, `hybrid`), its limit and its filters (`type`, `agency`, `state`,
`model`, `entity`, `after`, `before`, `doc`); an empty cell means the command's default. Each
query runs through the same `search.engine.search` as a single search (the encoder is loaded
once, by the first query that needs it). A row that cannot run (an unknown mode, a malformed
query) gets its reason in `error` and the batch goes on.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from corpus.store import Corpus
from search.engine import MODES, search
from search.filters import Filters
from search.fusion import DEFAULT, Fusion
from search.query import QueryError

FILTER_COLUMNS = {"type": "doc_type", "agency": "agency", "state": "state", "model": "model", "entity": "entity",
                  "after": "after", "before": "before", "doc": "doc"}


class BatchError(ValueError):
    pass


@dataclass
class QueryResult:
    row: int                     # 1-based data row of the file
    query: str
    mode: str
    filters: dict
    hits: list = field(default_factory=list)
    notice: str | None = None
    understood: list = field(default_factory=list)
    error: str | None = None

    def documents(self) -> set[str]:
        """The documents the hits cite, those folded into a hit included (`search --collapse`
        counts a folded near-duplicate as the documents it lists, as `--no-collapse` would)."""
        return {h.doc_id for h in self.hits} | {c["doc_id"] for h in self.hits for c in h.collapsed}

    def summary(self) -> dict:
        return {"row": self.row, "query": self.query, "mode": self.mode, "filters": self.filters,
                "hits": len(self.hits), "documents": len(self.documents()),
                "notice": self.notice, "understood": self.understood, "error": self.error}


def read_rows(path: Path) -> list[dict]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or "query" not in [c.strip().lower() for c in reader.fieldnames]:
                raise BatchError(f"{path}: needs a header row with a `query` column")
            return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise BatchError(f"{path}: cannot read it as CSV ({err})") from None


def run(corpus: Corpus, rows: list[dict], mode: str = "hybrid", limit: int = 10, by_document: bool = False,
        fusion: Fusion = DEFAULT, understand: bool = True,
        on_progress: Callable[[int, int], None] | None = None, collapse: bool = True) -> Iterator[QueryResult]:
    for n, row in enumerate(rows, start=1):
        query = row.get("query", "")
        row_mode = row.get("mode") or mode
        filters = {FILTER_COLUMNS[k]: v for k, v in row.items() if k in FILTER_COLUMNS and v}
        result = QueryResult(n, query, row_mode, filters)
        try:
            if row_mode not in MODES:
                raise QueryError(f"unknown mode {row_mode!r}: choose keyword, semantic or hybrid")
            row_limit = int(row["limit"]) if row.get("limit") else limit
            hits = search(corpus, query, row_mode, row_limit, Filters(**filters), by_document, fusion,
                          understand=understand, collapse=collapse)
            result.hits, result.notice, result.understood = list(hits), hits.notice, hits.understood
        except (QueryError, ValueError) as err:
            result.error = str(err)
        if on_progress:
            on_progress(n, len(rows))
        yield result
