"""`readingroom tags` and `readingroom notes`: what investigators marked in the reading room."""
from __future__ import annotations

from typing import Optional

import typer

from readingroom.cli_common import Fmt, fail, open_corpus
from readingroom.output import emit

TAG_COLUMNS = ["document_id", "path", "file_name", "tag", "created_at"]
NOTE_COLUMNS = ["id", "document_id", "path", "file_name", "page_number", "text", "created_at"]


def register(app: typer.Typer) -> None:
    app.command()(tags)
    app.command()(notes)


def _document_id(corpus, doc: Optional[str]) -> Optional[str]:
    if not doc:
        return None
    try:
        found = corpus.document(doc)
    except KeyError as err:
        fail(str(err.args[0]))
    if not found:
        fail(f"no document {doc}")
    return found["id"]


def tags(doc: Optional[str] = typer.Option(None, help="Only this document (id or unique prefix)."),
         tag: Optional[str] = typer.Option(None, help="Only this tag."),
         fmt: Fmt = typer.Option(Fmt.table, "--format", help="table, json or csv.")):
    """Tags put on documents in the reading room (`readingroom serve`)."""
    from corpus.marks import MarkError, tags as list_tags
    with open_corpus() as corpus:
        try:
            rows = list_tags(corpus, _document_id(corpus, doc), tag)
        except MarkError as err:
            fail(str(err))
    emit(rows, fmt.value, ["tag", "file_name", "document_id", "created_at"] if fmt == Fmt.table else TAG_COLUMNS)


def notes(doc: Optional[str] = typer.Option(None, help="Only this document (id or unique prefix)."),
          page: Optional[int] = typer.Option(None, help="Only notes on this page."),
          fmt: Fmt = typer.Option(Fmt.table, "--format", help="table, json or csv.")):
    """Notes written on pages in the reading room (`readingroom serve`)."""
    from corpus.marks import notes as list_notes
    with open_corpus() as corpus:
        rows = list_notes(corpus, _document_id(corpus, doc), page)
    emit(rows, fmt.value, ["file_name", "page_number", "text", "created_at"] if fmt == Fmt.table else NOTE_COLUMNS)
