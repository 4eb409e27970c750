"""`readingroom annotate`: run the NLP stage again over documents already in the corpus.

When the extractor improves (new patterns, better signature parsing), the stored pages need no
new OCR: each document's pages are read back, annotated afresh and its entities, agreement
facts and clauses replaced, one document per transaction. Passages that come out the same keep
their ids and vectors; a document whose passages change gets new ones, embedded at the end.
"""
from __future__ import annotations

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
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def reannotate(corpus: Corpus, doc_ids: Iterable[str] | None = None,
               on_progress: Callable[[AnnotateSummary, int], None] | None = None,
               embed: bool = True) -> AnnotateSummary:
    from nlp.annotate import annotate
    from nlp.pipeline import load_pipeline

    ids = list(doc_ids) if doc_ids is not None else corpus.document_ids()
    nlp = load_pipeline()
    summary, removed, added = AnnotateSummary(), [], []
    for doc_id in ids:
        doc = corpus.stored_document(doc_id)
        try:
            annotate(doc, nlp)
        except Exception as err:       # one document that trips the extractor keeps its old annotations
            summary.errors.append({"document_id": doc_id, "path": doc.path, "reason": f"{type(err).__name__}: {err}"})
            continue
        gone, new = corpus.replace_annotations(doc)
        removed += gone
        added += new
        summary.documents += 1
        summary.mentions += len(doc.mentions)
        summary.agreements += doc.agreement is not None
        summary.rechunked += bool(new or gone)
        if on_progress:
            on_progress(summary, len(ids))
    corpus.drop_orphan_entities()
    if embed and (removed or added):
        from index.encoder import load_encoder
        from index.sync import embed_chunks, open_index
        vectors = open_index(corpus)
        vectors.remove(removed)
        summary.embedded = embed_chunks(corpus, vectors, added, load_encoder())
    return summary
