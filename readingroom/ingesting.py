"""`readingroom ingest`: files -> documents -> annotations -> the store -> vectors.

Workers (readingroom.units, on the engine readingroom.executors gives) do the slow, independent
part of each file: loading, OCR, NLP and embedding its passages; a long PDF or TIFF is loaded in
page ranges in parallel and reassembled here in page order. The main process is the only
writer: it stores each document whole in one transaction and adds its vectors to FAISS (and
embeds, in batches, the passages of any document that came without them). Stopping at any
point loses nothing stored: a re-run skips every file whose hash is in the corpus, and embeds
whatever chunks still lack a vector.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from corpus.errors import DiskFull, NotWritable, classify
from corpus.records import Document, Failure, Page
from corpus.store import Corpus
from index.encoder import MODEL_NAME
from ingest.errors import IngestError
from ingest.load import Split, read_file, sha256
from ingest.options import IngestOptions
from readingroom.executors import Executor, open_executor
from readingroom.supervised import Lost
from readingroom.units import (EmbedUnit, FileUnit, FinishUnit, Kept, PagesUnit, embedding_texts,
                               init_worker, run_unit)

EMBED_BATCH = 256
MAX_ATTEMPTS = 2          # a unit whose worker died is run once more
EMBED_UNIT = 256          # a split document with more passages is embedded in slices of this many, in parallel


@dataclass
class IngestSummary:
    files: int = 0
    documents: int = 0                # new documents stored (children included)
    skipped: int = 0                  # files already in the corpus
    retried: int = 0                  # units run again because their worker died
    pages: int = 0
    ocr_pages: int = 0
    repaired_pages: int = 0           # text layers with a font shift undone
    chunks: int = 0
    embedded: int = 0
    errors: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    writing_seconds: float = 0.0      # of which the main process spent writing (SQLite, FAISS)
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
           embed: bool = True, cluster: str | None = None, executor: Executor | None = None) -> IngestSummary:
    """Ingest files and folders into `corpus`. `on_progress(event, summary, total)` is called as
    work completes (events: planned, file, pages, embedded, done). The work runs on `executor`,
    else on Ray at `cluster` (readingroom.executors), else in local worker processes."""
    from index.sync import SAVE_EVERY, check_encoder, embed_chunks, encoder_for, encoder_key, open_index, sync

    key = encoder_key(corpus) if embed else None     # an encoder that would mix is refused before any work
    options = options or IngestOptions()
    summary = IngestSummary()
    started = time.monotonic()
    jobs = _plan(paths, corpus, summary, options)
    if jobs:    # until the corpus-wide steps below are done, a re-run must do them (even with nothing new)
        corpus.set_meta(CORPUS_STEPS_PENDING, True)
    notify = on_progress or (lambda *a: None)
    notify("planned", summary, len(jobs))
    index: list = [None]          # the FAISS index, opened when the first vectors come
    pending: list[int] = []       # chunks stored without vectors: embedded here
    since_save = [0]
    splits: dict[str, dict] = {}  # doc id -> a split file's parts as they come in

    def vectors(made_with=None):
        if index[0] is None:
            index[0] = open_index(corpus, made_with)
        return index[0]

    def embed_pending(force: bool = False) -> None:
        if embed and pending and (force or len(pending) >= EMBED_BATCH):
            summary.embedded += embed_chunks(corpus, vectors(), pending, encoder_for(corpus))
            pending.clear()
            notify("embedded", summary, len(jobs))

    def add_vectors(chunk_ids: list[int], made: "np.ndarray") -> None:
        index_now = vectors(_Made(key, int(made.shape[1])))
        check_encoder(corpus, key, index_now)
        index_now.add(chunk_ids, made)
        summary.embedded += len(chunk_ids)
        since_save[0] += len(chunk_ids)
        if since_save[0] >= SAVE_EVERY:
            index_now.save()
            since_save[0] = 0

    def fail(failure: Failure) -> None:
        summary.errors.append(failure)
        corpus.record_error(failure.path, failure.stage, failure.reason, failure.document_id)

    def store(item: Document) -> None:
        began = time.monotonic()
        try:
            _store(item)
        finally:
            summary.writing_seconds = round(summary.writing_seconds + time.monotonic() - began, 3)

    def _store(item: Document) -> None:
        try:
            new_chunks = corpus.add_document(item)
        except Exception as err:   # a full disk stops the batch (every file would fail); else record it, go on
            if isinstance(classify(err, corpus.path), (DiskFull, NotWritable)):
                raise
            fail(Failure(item.path, "store", f"{type(err).__name__}: {err}", item.id))
            return
        if new_chunks is None:     # the same bytes were stored under another name
            summary.skipped += 1
            return
        if item.meta.get("warnings"):
            fail(Failure(item.path, "ocr", "; ".join(item.meta["warnings"]), item.id))
        summary.documents += 1
        summary.pages += len(item.pages)
        summary.ocr_pages += sum(p.method in ("ocr", "text+ocr") for p in item.pages)
        summary.repaired_pages += sum(p.method == "unshifted" for p in item.pages)
        summary.chunks += len(new_chunks)
        if not embed:
            return
        if item.vectors is not None and len(item.vectors) == len(new_chunks):
            add_vectors(new_chunks, item.vectors)
        else:
            pending.extend(new_chunks)

    def keep(kept: Kept) -> None:
        from corpus.originals import keep as keep_original
        try:
            data = kept.data if kept.data is not None else Path(kept.source).read_bytes()
            keep_original(corpus.path, kept.doc_id, data, kept.source)
        except OSError as err:     # a full disk loses the copy, not the document
            fail(Failure(kept.source or kept.doc_id, "keep", f"cannot keep the original: {err.strerror or err}",
                         kept.doc_id))

    def split(item: Split, path: str) -> None:
        doc, size = item.doc, options.unit_pages
        ranges = [(first, min(first + size - 1, item.page_count)) for first in range(1, item.page_count + 1, size)]
        splits[doc.id] = {"doc": doc, "ranges": ranges, "parts": {}}
        for first, last in reversed(ranges):        # urgent: a started document is finished first
            pool.submit(PagesUnit(path, doc.id, doc.media_type, first, last, item.hint), urgent=True)

    def pages_done(unit: PagesUnit, result) -> None:
        entry = splits[unit.doc_id]
        entry["parts"][unit.first] = result
        notify("pages", summary, len(jobs))
        if len(entry["parts"]) < len(entry["ranges"]):
            return
        doc, entry["failed"] = entry["doc"], []
        for first, last in entry["ranges"]:       # reassembled in page order
            part = entry["parts"].pop(first)
            if isinstance(part, Lost):
                doc.pages += [Page(number=n, text="", method="failed") for n in range(first, last + 1)]
                entry["failed"].append((first, last, part))
            else:
                doc.pages += part.pages
                if part.warnings:
                    doc.meta.setdefault("warnings", []).extend(part.warnings)
        pool.submit(FinishUnit(doc, EMBED_UNIT if embed else None), urgent=True)

    def finished(unit: FinishUnit, result) -> None:
        entry = splits[unit.doc.id]
        if isinstance(result, (Lost, Failure)):
            splits.pop(unit.doc.id)
            fail(result if isinstance(result, Failure) else Failure(unit.doc.path, result.kind, result.reason,
                                                                   unit.doc.id))
            notify("file", summary, len(jobs))
        elif embed and result.vectors is None and len(result.chunks) > EMBED_UNIT:
            texts = embedding_texts(result)          # many passages: embedded in slices, in parallel
            entry["doc"], entry["slices"] = result, {}
            entry["starts"] = list(range(0, len(texts), EMBED_UNIT))
            for start in reversed(entry["starts"]):
                pool.submit(EmbedUnit(result.id, result.path, start, texts[start:start + EMBED_UNIT]), urgent=True)
        else:
            entry["doc"] = result
            store_split(unit.doc.id)

    def embedded(unit: EmbedUnit, result) -> None:
        entry = splits[unit.doc_id]
        entry["slices"][unit.start] = None if isinstance(result, Lost) else result[0]
        if len(entry["slices"]) == len(entry["starts"]):
            made = [entry["slices"][start] for start in entry["starts"]]
            if all(part is not None for part in made):     # else they are embedded here
                import numpy as np
                entry["doc"].vectors = np.vstack(made)
            store_split(unit.doc_id)

    def store_split(doc_id: str) -> None:
        entry = splits.pop(doc_id)
        doc = entry["doc"]
        store(doc)
        for first, last, lost in entry["failed"]:   # the rest of the document is stored
            fail(Failure(f"{doc.path}#pages={first}-{last}", lost.kind, f"pages {first}-{last}: {lost.reason}", doc.id))
        notify("file", summary, len(jobs))

    def file_done(unit: FileUnit, results: list) -> None:
        whole = True
        for item in results:
            if isinstance(item, Failure):
                fail(item)
            elif isinstance(item, Kept):
                keep(item)
            elif isinstance(item, Split):
                split(item, unit.path)
                whole = False
            else:
                store(item)
        if whole:
            notify("file", summary, len(jobs))

    def handle(unit, result) -> None:
        if isinstance(result, Lost) and result.kind == "crashed" and unit.attempt < MAX_ATTEMPTS:
            summary.retried += 1       # its worker died (killed, lost with its node): once more
            pool.submit(replace(unit, attempt=unit.attempt + 1), urgent=True)
            return
        if isinstance(unit, PagesUnit):
            pages_done(unit, result if isinstance(result, Lost) else result[0])
        elif isinstance(unit, FinishUnit):
            finished(unit, result if isinstance(result, Lost) else result[0])
        elif isinstance(unit, EmbedUnit):
            embedded(unit, result)
        elif isinstance(result, Lost):
            fail(Failure(unit.path, result.kind, result.reason, unit.doc_id))
            notify("file", summary, len(jobs))
        else:
            file_done(unit, result)
        embed_pending()

    # every file is loaded in a worker, even with one worker: a file that hangs or eats memory is
    # stopped there (options.timeout, options.max_memory_mb) and recorded; the batch goes on
    pool = executor or open_executor(cluster, options.workers)
    try:
        pool.start(init_worker, (str(corpus.path), options, key, pool.keeps_originals_here, True, pool.threads),
                   run_unit, options.timeout, options.max_memory_mb)
        for path, doc_id in jobs:
            pool.submit(FileUnit(path, doc_id))
        for unit, result in pool.results():
            handle(unit, result)
        embed_pending(force=True)
        if embed:   # chunks an earlier, interrupted run stored but did not embed
            summary.embedded += len(sync(corpus, vectors=index[0]).missing)
        if summary.documents or corpus.get_meta(CORPUS_STEPS_PENDING):
            from readingroom.entity_resolution import resolve_entities
            resolve_entities(corpus)     # one entity per person and agency, and the user's decisions
            from index.duplicates import find_duplicates
            find_duplicates(corpus)      # near-identical passages and documents, for search to fold
            corpus.set_meta(CORPUS_STEPS_PENDING, False)
    except KeyboardInterrupt:
        summary.interrupted = True
        pool.close()
        if index[0] is not None:
            index[0].save()
    finally:
        pool.close()     # all results are in (or we are stopping): end the workers
        summary.seconds = round(time.monotonic() - started, 2)
        notify("done", summary, len(jobs))
    return summary


@dataclass
class _Made:
    """What made the vectors workers send (for a new corpus's meta, without loading the model here)."""
    key: str
    dimension: int
    name: str = MODEL_NAME
