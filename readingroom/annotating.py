"""`readingroom annotate`: run the NLP stage again over documents already in the corpus.

When the extractor improves (new patterns, better signature parsing), the stored pages need no
new OCR: each document's pages are read back, annotated afresh and its entities, agreement
facts and clauses replaced, one document per transaction. Passages that come out the same keep
their ids and vectors; a document whose passages change gets new ones, embedded at the end.

With `workers` > 1 the NLP runs in that many processes (each loads the spaCy pipeline once);
the main process reads the stored documents, hands them out, and writes what comes back. With
`cluster` (or an `executor`), the same is done by the engine `readingroom.executors` gives (Ray
actors on a cluster), the documents shipped to them: the workers need no access to the corpus.
"""
from __future__ import annotations

import multiprocessing
import signal
from dataclasses import dataclass, field
from typing import Callable, Iterable

from corpus.store import Corpus


@dataclass
class AnnotateSummary:
    documents: int = 0
    mentions: int = 0
    agreements: int = 0
    rechunked: int = 0                # documents whose passages changed
    embedded: int = 0
    resolved: dict = field(default_factory=dict)   # readingroom.entity_resolution's summary
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


BATCH = 8            # documents read from the corpus per worker at a time
_worker: dict = {}


def _init_worker(quiet_interrupts: bool = True) -> None:
    if quiet_interrupts:
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent decides what Ctrl-C means
    from nlp.pipeline import load_pipeline
    _worker["nlp"] = load_pipeline()


def _annotated(doc):
    """(the document, annotated), None; or (the document, the reason it failed)."""
    from nlp.annotate import annotate
    try:
        return annotate(doc, _worker["nlp"]), None
    except Exception as err:       # one document that trips the extractor keeps its old annotations
        return doc, f"{type(err).__name__}: {err}"


def reannotate(corpus: Corpus, doc_ids: Iterable[str] | None = None,
               on_progress: Callable[[AnnotateSummary, int], None] | None = None,
               embed: bool = True, workers: int = 1, cluster: str | None = None,
               executor=None) -> AnnotateSummary:
    if embed:
        from index.sync import encoder_key
        encoder_key(corpus)     # an encoder that would mix is refused before any work
    ids = list(doc_ids) if doc_ids is not None else corpus.document_ids()
    summary, removed, added = AnnotateSummary(), [], []
    if cluster or executor:
        from readingroom.executors import open_executor
        _annotate_on(executor or open_executor(cluster, workers), corpus, ids, summary, removed, added, on_progress)
        return _finish(corpus, summary, removed, added, embed)
    workers = max(1, min(workers, len(ids)))
    pool = multiprocessing.get_context("spawn").Pool(workers, _init_worker) if workers > 1 else None
    if pool is None:
        _init_worker(quiet_interrupts=False)
    try:
        # the corpus is read and written in this thread only, a batch at a time
        for start in range(0, len(ids), BATCH * workers):
            docs = [corpus.stored_document(doc_id) for doc_id in ids[start:start + BATCH * workers]]
            for doc, failed in (pool.imap(_annotated, docs) if pool else map(_annotated, docs)):
                if failed:
                    summary.errors.append({"document_id": doc.id, "path": doc.path, "reason": failed})
                    continue
                _store(corpus, doc, summary, removed, added)
                if on_progress:
                    on_progress(summary, len(ids))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return _finish(corpus, summary, removed, added, embed)


def _annotate_on(executor, corpus: Corpus, ids: list[str], summary: AnnotateSummary, removed: list,
                 added: list, on_progress) -> None:
    """The NLP on an executor's workers, a bounded batch of documents in flight at a time."""
    from readingroom.supervised import Lost
    try:
        executor.start(_init_worker, (True,), _annotated, None, None)
        for start in range(0, len(ids), BATCH * 4):
            for doc_id in ids[start:start + BATCH * 4]:
                executor.submit(corpus.stored_document(doc_id))
            for doc, result in executor.results():
                failed = result.reason if isinstance(result, Lost) else result[1]
                if failed:
                    summary.errors.append({"document_id": doc.id, "path": doc.path, "reason": failed})
                    continue
                _store(corpus, result[0], summary, removed, added)
                if on_progress:
                    on_progress(summary, len(ids))
    finally:
        executor.close()


def _finish(corpus: Corpus, summary: AnnotateSummary, removed: list, added: list, embed: bool) -> AnnotateSummary:
    corpus.drop_orphan_entities()
    from readingroom.entity_resolution import resolve_entities
    summary.resolved = resolve_entities(corpus)
    from index.duplicates import find_duplicates
    find_duplicates(corpus)          # passages that changed lost their signatures: near-duplicates again
    if embed:
        from index.sync import embed_chunks, encoder_for, open_index, sync
        if removed or added:        # changed passages (new text or new context) get new vectors
            vectors = open_index(corpus)
            vectors.remove(removed)
            summary.embedded = embed_chunks(corpus, vectors, added, encoder_for(corpus))
        # then every passage without a vector, not only this run's: a run killed before this point
        # left its new passages unembedded and its old vectors behind, and the re-run finds its
        # passages unchanged
        found = sync(corpus)
        summary.embedded += len(set(found.missing + found.duplicates))
    return summary


def _store(corpus: Corpus, doc, summary: AnnotateSummary, removed: list, added: list) -> None:
    gone, new = corpus.replace_annotations(doc)
    removed += gone
    added += new
    summary.documents += 1
    summary.mentions += len(doc.mentions)
    summary.agreements += doc.agreement is not None
    summary.rechunked += bool(new or gone)
