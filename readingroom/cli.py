"""The front door: a thin typer app. Each command parses options and calls one library function."""
from __future__ import annotations

import json
import os
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.text import Text
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import readingroom  # noqa: F401  (sets the offline switches before any model library loads)
from corpus.store import default_corpus_path
from readingroom import output
from readingroom.cli_common import Fmt, FrontDoor, fail, open_corpus, open_for_writing, state
from readingroom.output import console, emit, emit_json, errors as err_console

app = typer.Typer(help="Ingest, search and compare FOIA releases and 287(g) agreements.",
                  cls=FrontDoor, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

CLUSTER_HELP = ("Run the work on Ray: ray://HOST:PORT or HOST:PORT of a running cluster, or auto (a Ray on this "
                "machine). Default: $RAY_ADDRESS, else worker processes here. Needs readingroom[ray].")


class Ocr(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


@app.callback()
def main(corpus: Optional[Path] = typer.Option(
        None, "--corpus", "-c", envvar="READINGROOM_CORPUS",
        help="The corpus database (its FAISS index sits beside it). Default: ./readingroom.db"),
         encoder: Optional[str] = typer.Option(
        None, "--encoder", envvar="READINGROOM_ENCODER",
        help="Encoder for new vectors: torch (default), onnx or onnx-int8. Default: the one that made the "
             "corpus's vectors. A corpus never mixes two: `index rebuild --encoder` converts."),
         debug: bool = typer.Option(False, "--debug", help="Show the Python traceback of an error, not one line.")):
    """Exit codes: 0 ok; 1 `check` found problems; 2 usage, no such file or no corpus; 3 damaged
    corpus; 4 not a corpus; 5 corpus of a newer readingroom; 6 vector index missing or damaged;
    7 not writable; 8 disk full; 9 another command is writing; 10 other fault; 11 a bug; 130 interrupted."""
    state["corpus"] = corpus or default_corpus_path()
    state["debug"] = debug
    if encoder:
        from index.encoder import ENCODER_ENV, check_key
        try:
            os.environ[ENCODER_ENV] = check_key(encoder)      # read by index.sync, also in worker processes
        except ValueError as err:
            fail(str(err))


@app.command()
def ingest(paths: List[Path] = typer.Argument(..., help="Files and folders (searched recursively)."),
           ocr: Ocr = typer.Option(Ocr.auto, help="auto: OCR pages without usable text; always; never."),
           ocr_lang: str = typer.Option("eng", help="Tesseract language codes, e.g. eng+spa."),
           dpi: int = typer.Option(300, help="Resolution pages are rendered at for OCR."),
           password: Optional[str] = typer.Option(None, help="Password for encrypted PDFs."),
           workers: int = typer.Option(os.cpu_count() or 1, help="Worker processes for loading, OCR and NLP."),
           timeout: float = typer.Option(300, help="Seconds a file may go without progress (each page OCR'd is "
                                                  "progress) before it is stopped and recorded as an error."),
           max_memory: int = typer.Option(4096, help="MiB of address space per worker (0: no limit); a file "
                                                     "that needs more is stopped and recorded as an error."),
           cluster: Optional[str] = typer.Option(None, "--cluster", envvar="RAY_ADDRESS", help=CLUSTER_HELP),
           unit_pages: int = typer.Option(24, help="A PDF or TIFF longer than this loads in ranges of this "
                                                   "many pages, in parallel."),
           keep_originals: bool = typer.Option(True, "--keep-originals/--no-keep-originals",
                                               help="Keep each file beside the corpus (NAME.originals/, by "
                                                    "SHA-256; a hard link where possible) so its pages can be shown."),
           fmt: Fmt = typer.Option(Fmt.table, "--format", help="Summary as a table or JSON.")):
    """Ingest files and folders: text (OCR where needed), entities, chunks, vectors."""
    from index.sync import EncoderMismatch
    from readingroom.executors import ClusterUnavailable
    from ingest.options import IngestOptions
    from readingroom.ingesting import ingest as run_ingest
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    options = IngestOptions(ocr=ocr.value, ocr_lang=ocr_lang, dpi=dpi, password=password, workers=workers,
                            timeout=timeout, max_memory_mb=max_memory, keep_originals=keep_originals,
                            unit_pages=max(1, unit_pages))
    with open_for_writing("ingest", must_exist=False) as corpus, Progress(
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
        try:
            summary = run_ingest(corpus, paths, options, on_progress, cluster=cluster)
        except (EncoderMismatch, ClusterUnavailable) as err:
            fail(str(err))
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
def annotate(doc_ids: Optional[List[str]] = typer.Argument(None, help="Document ids (or unique prefixes); default: all."),
             workers: int = typer.Option(os.cpu_count() or 1, help="Processes for the NLP (each loads spaCy once)."),
             cluster: Optional[str] = typer.Option(None, "--cluster", envvar="RAY_ADDRESS", help=CLUSTER_HELP),
             fmt: Fmt = typer.Option(Fmt.table, "--format", help="Summary as a table or JSON.")):
    """Run entity and agreement extraction again over stored documents (no new OCR): after an
    upgrade of readingroom, or of its pattern files."""
    from index.sync import EncoderMismatch
    from readingroom.annotating import reannotate
    from readingroom.executors import ClusterUnavailable
    with open_for_writing("annotate") as corpus:
        ids = None
        if doc_ids:
            try:
                found = [corpus.document(d) for d in doc_ids]
            except KeyError as err:
                fail(str(err.args[0]))
            if None in found:
                fail(f"no document {doc_ids[found.index(None)]}")
            ids = [f["id"] for f in found]
        with Progress(TextColumn("[bold]annotate[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=output.errors, disable=not output.errors.is_terminal) as progress:
            task = progress.add_task("", total=None)
            try:
                summary = reannotate(corpus, ids, lambda s, total: progress.update(task, total=total,
                                                                                   completed=s.documents),
                                     workers=workers, cluster=cluster)
            except (EncoderMismatch, ClusterUnavailable) as err:
                fail(str(err))
    if fmt == Fmt.json:
        emit_json(summary.as_dict())
    else:
        console.print(f"{summary.documents} documents annotated again: {summary.mentions} mentions, "
                      f"{summary.agreements} agreements; {summary.rechunked} with new passages "
                      f"({summary.embedded} embedded); {len(summary.errors)} errors", highlight=False)
        for e in summary.errors:
            err_console.print(f"[red]failed[/red] {e['path']}: {e['reason']}", highlight=False)


@app.command()
def entities(type_: Optional[str] = typer.Option(None, "--type", help="AGENCY, PERSON, DATE, GPE, LAW, PROGRAM_MODEL, FOIA_EXEMPTION, BATES, ..."),
             min_docs: int = typer.Option(1, help="Only entities in at least this many documents."),
             limit: int = typer.Option(50, help="How many (0 for all)."),
             fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Entities with their mention and document counts, most frequent first."""
    with open_corpus() as corpus:
        rows = corpus.entity_counts(type_.upper() if type_ else None, min_docs, limit or None)
    emit(rows, fmt.value, ["type", "name", "mentions", "documents"])


@app.command()
def agreements(model: Optional[str] = typer.Option(None, help="JEM, WSO or TFM."),
               state_: Optional[str] = typer.Option(None, "--state", help="State name (or its start)."),
               fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """287(g) agreements: agency, state, model, dates and signatories, one row per agreement."""
    with open_corpus() as corpus:
        rows = corpus.agreements(model, state_)
    if fmt == Fmt.json:
        emit_json(rows)
        return
    flat = [dict(r, signatories=output.signatory_list(r["signatories"]),
                 points_of_contact=output.contact_list(r["points_of_contact"]),
                 sections=len(r["sections"]), facts=None,
                 # never mixed with what the document says: ICE's date only where the document's is unreadable
                 signed_date_ice_list=r["facts"].get("signed_date_ice_list"),
                 doubtful_signed_dates="; ".join(r["facts"].get("doubtful_signed_dates", [])),
                 signed=r["signed_date"] or (f"? (ICE list: {r['facts']['signed_date_ice_list']})"
                                             if r["facts"].get("signed_date_ice_list") else None)) for r in rows]
    emit(flat, fmt.value, ["agency", "state", "model", "signed", "revision_date", "signatories", "file_name"]
         if fmt == Fmt.table else ["document_id", "path", "agency", "state", "model", "signed_date",
                                   "signed_date_ice_list", "doubtful_signed_dates",
                                   "effective_date", "revision_date", "signatories", "points_of_contact"])


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
    from index.sync import check, recorded_encoder
    with open_corpus() as corpus:
        counts = corpus.counts()
        found = check(corpus) if corpus.vectors_path.exists() else None
        counts["vectors"] = found.vectors if found else 0
        counts["corpus"] = str(corpus.path)
        counts["embedding_model"] = corpus.get_meta("embedding_model")
        counts["embedding_encoder"] = recorded_encoder(corpus)
        warnings = found.problems if found else [] if not counts["chunks"] else [
            f"{corpus.vectors_path}: the vector index is missing (semantic search cannot run); "
            "run `readingroom index rebuild`"]
        if found and not found.problems and (found.missing or found.orphans):
            warnings.append(f"{len(found.missing)} passages without a vector, {len(found.orphans)} vectors without "
                            "a passage; run `readingroom repair`")
    if fmt == Fmt.json:
        emit_json(dict(counts, warnings=warnings))
    else:
        emit([{"what": k, "count": v} for k, v in counts.items()], "table", ["what", "count"])
    for warning in warnings:
        err_console.print(Text.assemble(("warning:", "yellow"), " ", warning), soft_wrap=True, highlight=False)


from readingroom.commands import (check as _check, encoder as _encoder, entity as _entity,  # noqa: E402
                                  marks as _marks, reports as _reports, search as _search, serve as _serve)

_search.register(app)
_reports.register(app)
_encoder.register(app)
_check.register(app)
_entity.register(app)
_serve.register(app)
_marks.register(app)

if __name__ == "__main__":
    app()
