"""The front door: a thin typer app. Each command parses options and calls one library function."""
from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import readingroom  # noqa: F401  (sets the offline switches before any model library loads)
from corpus.store import Corpus, default_corpus_path
from readingroom import output
from readingroom.output import console, emit, emit_csv, emit_json, errors as err_console, highlighted

app = typer.Typer(help="Ingest, search and compare FOIA releases and 287(g) agreements.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
index_app = typer.Typer(help="Check or rebuild the vector index.", no_args_is_help=True)
app.add_typer(index_app, name="index")

state: dict = {"corpus": None}


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Mode(str, Enum):
    keyword = "keyword"
    semantic = "semantic"
    hybrid = "hybrid"


class Ocr(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


@app.callback()
def main(corpus: Optional[Path] = typer.Option(
        None, "--corpus", "-c", envvar="READINGROOM_CORPUS",
        help="The corpus database (its FAISS index sits beside it). Default: ./readingroom.db")):
    state["corpus"] = corpus or default_corpus_path()


def open_corpus(must_exist: bool = True) -> Corpus:
    path = state["corpus"]
    if must_exist and not Path(path).exists():
        fail(f"no corpus at {path}: run `readingroom ingest PATH` first, or pass --corpus")
    return Corpus(path)


@app.command()
def ingest(paths: List[Path] = typer.Argument(..., help="Files and folders (searched recursively)."),
           ocr: Ocr = typer.Option(Ocr.auto, help="auto: OCR pages without usable text; always; never."),
           ocr_lang: str = typer.Option("eng", help="Tesseract language codes, e.g. eng+spa."),
           dpi: int = typer.Option(300, help="Resolution pages are rendered at for OCR."),
           password: Optional[str] = typer.Option(None, help="Password for encrypted PDFs."),
           workers: int = typer.Option(os.cpu_count() or 1, help="Worker processes for loading, OCR and NLP."),
           fmt: Fmt = typer.Option(Fmt.table, "--format", help="Summary as a table or JSON.")):
    """Ingest files and folders: text (OCR where needed), entities, chunks, vectors."""
    from ingest.options import IngestOptions
    from readingroom.ingesting import ingest as run_ingest
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    options = IngestOptions(ocr=ocr.value, ocr_lang=ocr_lang, dpi=dpi, password=password, workers=workers)
    with open_corpus(must_exist=False) as corpus, Progress(
            TextColumn("[bold]ingest[/bold]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
            TimeElapsedColumn(), console=output.errors, disable=not output.errors.is_terminal) as progress:
        task = progress.add_task("", total=None)
        files_done = [0]

        def on_progress(event, summary, total):
            files_done[0] += event == "file"
            rate = summary.pages / max(1e-9, progress.tasks[0].elapsed or 0)
            progress.update(task, total=total, completed=files_done[0],
                            description=f"{summary.pages} pages ({rate:.1f}/s), {summary.ocr_pages} OCR'd, "
                                        f"{len(summary.errors)} errors, {summary.embedded} passages embedded")
        summary = run_ingest(corpus, paths, options, on_progress)
    if fmt == Fmt.json:
        emit_json(summary.as_dict())
    else:
        console.print(f"{summary.files} files: {summary.documents} documents added, {summary.skipped} already in "
                      f"the corpus; {summary.pages} pages ({summary.ocr_pages} OCR'd, {summary.repaired_pages} "
                      f"with a shifted font repaired), {summary.chunks} passages, {summary.embedded} embedded; "
                      f"{len(summary.errors)} errors; {summary.seconds:.1f} s", highlight=False)
        for failure in summary.errors:
            err_console.print(f"[red]failed[/red] {failure.path}: {failure.reason} [dim]({failure.stage})[/dim]",
                              highlight=False)
    if summary.interrupted:
        err_console.print("interrupted: run the same command again to finish; nothing stored is lost")
        raise typer.Exit(130)


@app.command()
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


@app.command()
def entities(type_: Optional[str] = typer.Option(None, "--type", help="AGENCY, PERSON, DATE, GPE, LAW, ..."),
             min_docs: int = typer.Option(1, help="Only entities in at least this many documents."),
             limit: int = typer.Option(50, help="How many (0 for all)."),
             fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Entities with their mention and document counts, most frequent first."""
    with open_corpus() as corpus:
        rows = corpus.entity_counts(type_.upper() if type_ else None, min_docs, limit or None)
    emit(rows, fmt.value, ["type", "name", "mentions", "documents"])


@app.command()
def extract(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A PDF, text, email, ... file."),
            ocr: Ocr = typer.Option(Ocr.auto),
            fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """Print one file's entities without storing anything."""
    from ingest.errors import IngestError
    from ingest.options import IngestOptions
    from readingroom.extracting import extract as run_extract
    try:
        result = run_extract(file, IngestOptions(ocr=ocr.value))
    except IngestError as err:
        fail(f"{file}: {err.reason}")
    if fmt == Fmt.json:
        emit_json(result)
    else:
        emit(result["entities"], fmt.value, ["type", "text", "normalized", "page", "start", "end"])


@app.command("errors")
def list_errors(fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Files that could not be ingested, with the stage and the reason."""
    with open_corpus() as corpus:
        rows = corpus.errors()
    emit(rows, fmt.value, ["path", "stage", "message"])


@app.command()
def status(fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """What the corpus holds."""
    from index.sync import check
    with open_corpus() as corpus:
        counts = corpus.counts()
        counts["vectors"] = check(corpus).vectors if corpus.vectors_path.exists() else 0
        counts["corpus"] = str(corpus.path)
        counts["embedding_model"] = corpus.get_meta("embedding_model")
    if fmt == Fmt.json:
        emit_json(counts)
    else:
        emit([{"what": k, "count": v} for k, v in counts.items()], "table", ["what", "count"])


@app.command()
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


if __name__ == "__main__":
    app()
