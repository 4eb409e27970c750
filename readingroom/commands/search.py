"""Commands for search and the vector index: search, similar, eval, remove, index check/rebuild."""
from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from readingroom.cli_common import Fmt, fail, open_corpus
from readingroom.output import console, emit_csv, emit_json, highlighted

index_app = typer.Typer(help="Check or rebuild the vector index.", no_args_is_help=True)


class Mode(str, Enum):
    keyword = "keyword"
    semantic = "semantic"
    hybrid = "hybrid"


def register(app: typer.Typer) -> None:
    app.command()(search)
    app.command()(remove)
    app.add_typer(index_app, name="index")


def search(query: str = typer.Argument(..., help='Words, or FTS5 syntax: "exact phrase", AND/OR/NOT, NEAR(a b, 10), warrant*'),
           mode: Mode = typer.Option(Mode.hybrid, help="keyword (BM25), semantic (vectors) or hybrid (both, fused)."),
           limit: int = typer.Option(10, help="How many hits."),
           by_document: bool = typer.Option(False, "--by-document", help="Best passage per document."),
           doc_type: Optional[str] = typer.Option(None, "--type", help="Document type: moa, email, letter, ..."),
           agency: Optional[str] = typer.Option(None, help="Agreements whose agency matches."),
           state_: Optional[str] = typer.Option(None, "--state", help="Agreements in this state."),
           model: Optional[str] = typer.Option(None, help="Agreements of this model: JEM, WSO, TFM."),
           entity: Optional[str] = typer.Option(None, help="Documents that mention this entity."),
           after: Optional[str] = typer.Option(None, help="Documents dated on or after (YYYY-MM-DD)."),
           before: Optional[str] = typer.Option(None, help="Documents dated on or before (YYYY-MM-DD)."),
           doc: Optional[str] = typer.Option(None, help="Only this document (id or prefix)."),
           fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Search passages by keyword, by meaning, or both; every hit cites document and page."""
    from search import Filters, QueryError
    from search import search as run_search
    filters = Filters(doc_type=doc_type, agency=agency, state=state_, model=model, entity=entity,
                      after=after, before=before, doc=doc)
    with open_corpus() as corpus:
        try:
            hits = run_search(corpus, query, mode.value, limit, filters, by_document)
        except QueryError as err:
            fail(str(err))
    rows = [h.as_dict() for h in hits]
    if fmt == Fmt.json:
        emit_json(rows)
    elif fmt == Fmt.csv:
        emit_csv(rows)
    else:
        if not hits:
            console.print("no hits")
        for n, h in enumerate(hits, 1):
            ranks = ", ".join(f"{m} #{r}" for m, r in h.ranks.items() if r)
            extra = f" · {h.matches} passages" if by_document else ""
            console.print(f"[bold]{n}. {h.file_name}[/bold] p.{h.page}  [dim]{h.title or ''} · "
                          f"{h.doc_id[:12]} · score {h.score:.4g} ({ranks}){extra}[/dim]", highlight=False)
            if h.section:
                console.print(f"   [cyan]{h.section}[/cyan]", highlight=False)
            console.print(highlighted("   " + h.snippet, [(s + 3, e + 3) for s, e in h.highlights]))


def remove(doc_id: str = typer.Argument(..., help="Document id (or a unique prefix).")):
    """Remove a document (and its attachments or members), its passages and their vectors."""
    from index.sync import open_index
    with open_corpus() as corpus:
        found = corpus.document(doc_id)
        if not found:
            fail(f"no document {doc_id}")
        chunk_ids = corpus.remove_document(found["id"])
        vectors = open_index(corpus)
        removed = vectors.remove(chunk_ids)
        vectors.save()
    console.print(f"removed {found['path']}: {len(chunk_ids)} passages, {removed} vectors", highlight=False)


@index_app.command("check")
def index_check(fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Check that every passage has exactly one vector and no vector is orphaned."""
    from index.sync import check
    with open_corpus() as corpus:
        found = check(corpus)
    result = {"ok": found.ok, "chunks": found.chunks, "vectors": found.vectors, "missing": found.missing,
              "orphans": found.orphans, "duplicates": found.duplicates}
    if fmt == Fmt.json:
        emit_json(result)
    else:
        console.print(f"{'ok' if found.ok else 'MISMATCH'}: {found.chunks} passages, {found.vectors} vectors; "
                      f"{len(found.missing)} missing, {len(found.orphans)} orphans, "
                      f"{len(found.duplicates)} duplicated", highlight=False)
    if not found.ok:
        raise typer.Exit(1)


@index_app.command("rebuild")
def index_rebuild():
    """Embed every passage again into a new vector index."""
    from index.sync import rebuild
    with open_corpus() as corpus:
        n = rebuild(corpus)
    console.print(f"rebuilt: {n} vectors")


