"""`readingroom ingest`: files -> documents -> annotations -> the store -> vectors.

Worker processes do the slow, independent part of each file (loading, OCR, NLP); the main
process is the only writer: it stores each document whole in one transaction and embeds new
chunks in batches. Stopping at any point loses nothing stored: a re-run skips every file whose
hash is in the corpus, and embeds whatever chunks still lack a vector.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from corpus.errors import DiskFull, NotWritable, classify
from corpus.records import Document, Failure
from corpus.store import Corpus
from ingest.errors import IngestError
from ingest.load import load_bytes, read_file, sha256
from ingest.options import IngestOptions
from readingroom.supervised import Lost, Supervisor

EMBED_BATCH = 256


@dataclass
class IngestSummary:
    files: int = 0
    documents: int = 0                # new documents stored (children included)
    skipped: int = 0                  # files already in the corpus
    pages: int = 0
    ocr_pages: int = 0
    repaired_pages: int = 0           # text layers with a font shift undone
    chunks: int = 0
    embedded: int = 0
    errors: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    def as_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "errors"}
        out["errors"] = [e.__dict__ for e in self.errors]
        out["pages_per_second"] = round(self.pages / self.seconds, 2) if self.seconds else None
        return out


# set while an ingest stores documents, cleared once entities are resolved and duplicates found
# across the corpus: a run killed in between (every file stored, those steps not run) leaves it set
CORPUS_STEPS_PENDING = "ingest_corpus_steps_pending"


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield Path(root) / name
        else:
            yield path


# -- the worker side --------------------------------------------------------------------------

_worker: dict = {}


def _init_worker(db_path: str, options: IngestOptions, quiet_interrupts: bool) -> None:
    if quiet_interrupts:
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent decides what Ctrl-C means
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import ingest.ocr
    from readingroom.supervised import beat
    ingest.ocr.progress = beat          # each page OCR'd restarts the time limit's clock
    _worker.update(db_path=db_path, options=options, conn=None, nlp=None, broken=None)
    try:
        from nlp.pipeline import load_pipeline
        _worker["nlp"] = load_pipeline()
    except Exception as err:   # raising here would make the pool respawn the worker forever
        _worker["broken"] = f"cannot load the NLP pipeline: {type(err).__name__}: {err}"


def _known(doc_id: str) -> bool:
    if _worker.get("conn") is None:
        try:
            _worker["conn"] = sqlite3.connect(f"file:{_worker['db_path']}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:
            return False
    return _worker["conn"].execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None


def _process(job: tuple[str, str]) -> list[Document | Failure]:
    """Load one file (and all inside it) and annotate each document."""
    from nlp.annotate import annotate
    path, doc_id = job
    options = _worker["options"]
    if _worker["broken"]:
        return [Failure(path, "nlp", _worker["broken"], doc_id)]
    try:
        data = read_file(Path(path), options)
    except IngestError as err:
        return [Failure(path, err.stage, err.reason, doc_id)]
    out: list[Document | Failure] = []
    keep = None
    if options.keep_originals:
        from corpus.originals import keep as keep_original

        def keep(kept_id: str, kept: bytes, source: str | None) -> None:
            try:
                keep_original(_worker["db_path"], kept_id, kept, source)
            except OSError as err:     # a full disk loses the copy, not the document
                out.append(Failure(path, "keep", f"cannot keep the original: {err.strerror or err}", kept_id))
    for item in load_bytes(data, path, options, known=_known, doc_id=doc_id, keep=keep):
        if isinstance(item, Document):
            try:
                annotate(item, _worker["nlp"])
            except Exception as err:
                item = Failure(item.path, "nlp", f"{type(err).__name__}: {err}", item.id)
        out.append(item)
    return out


# -- the main side ----------------------------------------------------------------------------

def _plan(paths: Iterable[str | Path], corpus: Corpus, summary: IngestSummary,
          options: IngestOptions) -> list[tuple[str, str]]:
    """Hash every file; keep those not yet in the corpus (a re-run resumes here)."""
    jobs, seen = [], set()
    for path in iter_files(paths):
        summary.files += 1
        try:
            data = read_file(path, options)
        except IngestError as err:
            failure = Failure(str(path), err.stage, err.reason)
            summary.errors.append(failure)
            corpus.record_error(failure.path, failure.stage, failure.reason)
            continue
        doc_id = sha256(data)
        if doc_id in seen or corpus.has_document(doc_id):
            summary.skipped += 1
            continue
        seen.add(doc_id)
        jobs.append((str(path), doc_id))
    return jobs


def ingest(corpus: Corpus, paths: Iterable[str | Path], options: IngestOptions | None = None,
           on_progress: Callable[[str, IngestSummary, int], None] | None = None,
           embed: bool = True) -> IngestSummary:
    """Ingest files and folders into `corpus`. `on_progress(event, summary, total)` is called as
    work completes (events: planned, file, embedded, done)."""
    from index.sync import embed_chunks, encoder_for, encoder_key, open_index, sync

    if embed:
        encoder_key(corpus)     # an encoder that would mix is refused before any work
    options = options or IngestOptions()
    summary = IngestSummary()
    started = time.monotonic()
    jobs = _plan(paths, corpus, summary, options)
    if jobs:    # until the corpus-wide steps below are done, a re-run must do them (even with nothing new)
        corpus.set_meta(CORPUS_STEPS_PENDING, True)
    notify = on_progress or (lambda *a: None)
    notify("planned", summary, len(jobs))
    vectors = open_index(corpus) if embed else None
    pending: list[int] = []

    def embed_pending(force: bool = False) -> None:
        if embed and pending and (force or len(pending) >= EMBED_BATCH):
            summary.embedded += embed_chunks(corpus, vectors, pending, encoder_for(corpus))
            pending.clear()
            notify("embedded", summary, len(jobs))

    def store(results: list[Document | Failure]) -> None:
        for item in results:
            if isinstance(item, Failure):
                summary.errors.append(item)
                corpus.record_error(item.path, item.stage, item.reason, item.document_id)
                continue
            try:
                new_chunks = corpus.add_document(item)
            except Exception as err:   # a full disk stops the batch (every file would fail); else record it, go on
                if isinstance(classify(err, corpus.path), (DiskFull, NotWritable)):
                    raise
                failure = Failure(item.path, "store", f"{type(err).__name__}: {err}", item.id)
                summary.errors.append(failure)
                corpus.record_error(failure.path, failure.stage, failure.reason, failure.document_id)
                continue
            if new_chunks is None:     # the same bytes were stored under another name
                summary.skipped += 1
                continue
            if item.meta.get("warnings"):
                warning = "; ".join(item.meta["warnings"])
                summary.errors.append(Failure(item.path, "ocr", warning, item.id))
                corpus.record_error(item.path, "ocr", warning, item.id)
            summary.documents += 1
            summary.pages += len(item.pages)
            summary.ocr_pages += sum(p.method in ("ocr", "text+ocr") for p in item.pages)
            summary.repaired_pages += sum(p.method == "unshifted" for p in item.pages)
            summary.chunks += len(new_chunks)
            pending.extend(new_chunks)
        notify("file", summary, len(jobs))
        embed_pending()

    # every file is loaded in a worker process, even with one worker: a file that hangs or eats
    # memory is stopped there (options.timeout, options.max_memory_mb) and recorded; the batch goes on
    workers = max(1, min(options.workers, len(jobs)))
    pool = Supervisor(workers, _init_worker, (str(corpus.path), options, True), _process,
                      options.timeout, options.max_memory_mb)
    try:
        for job, results in pool.run(jobs):
            if isinstance(results, Lost):
                results = [Failure(job[0], results.kind, results.reason, job[1])]
            store(results)
        embed_pending(force=True)
        if embed:   # chunks an earlier, interrupted run stored but did not embed
            summary.embedded += len(sync(corpus, vectors=vectors).missing)
        if summary.documents or corpus.get_meta(CORPUS_STEPS_PENDING):
            from readingroom.entity_resolution import resolve_entities
            resolve_entities(corpus)     # one entity per person and agency, and the user's decisions
            from index.duplicates import find_duplicates
            find_duplicates(corpus)      # near-identical passages and documents, for search to fold
            corpus.set_meta(CORPUS_STEPS_PENDING, False)
    except KeyboardInterrupt:
        summary.interrupted = True
        pool.close()
        if vectors is not None:
            vectors.save()
    finally:
        pool.close()     # all results are in (or we are stopping): end the workers
        summary.seconds = round(time.monotonic() - started, 2)
        notify("done", summary, len(jobs))
    return summary

