"""The units of ingest work, and what a worker does with each (whichever engine runs it).

- `FileUnit`: one file on disk and all inside it, loaded, annotated and embedded. A long PDF or
  TIFF (more than `IngestOptions.unit_pages` pages) comes back as a `Split` instead: described,
  not loaded.
- `PagesUnit`: pages first..last of a split file, loaded (text, OCR); nothing else.
- `FinishUnit`: a split file's document with all its pages, reassembled in order by the driver:
  annotated, and embedded when it has few passages.
- `EmbedUnit`: a slice of the passages of a long document, embedded (the slices run in parallel).

A worker loads the spaCy pipeline and the encoder once (`init_worker`) and embeds the passages
of every document it annotates, with the encoder the corpus records: the driver only writes.
Workers read files from their path: every worker must see the files where the driver does.
"""
from __future__ import annotations

import os
import signal
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from corpus.records import Document, Failure, Page
from ingest.errors import IngestError
from ingest.load import Split, load_bytes, read_file, sha256
from ingest.options import IngestOptions

EMBED_SLICE = 64          # passages embedded between two signs of progress


@dataclass(frozen=True)
class FileUnit:
    path: str
    doc_id: str
    attempt: int = 1

    def describe(self) -> str:
        return self.path


@dataclass(frozen=True)
class PagesUnit:
    path: str
    doc_id: str
    media_type: str
    first: int
    last: int
    hint: dict = field(default_factory=dict, compare=False, hash=False)
    attempt: int = 1

    def describe(self) -> str:
        return f"{self.path}#pages={self.first}-{self.last}"


@dataclass
class FinishUnit:
    doc: Document
    embed_up_to: int | None = None   # more passages than this: the driver has them embedded in slices
    attempt: int = 1

    def describe(self) -> str:
        return self.doc.path


@dataclass
class EmbedUnit:
    doc_id: str
    path: str
    start: int                   # the index of its first passage in the document
    texts: list[str]
    attempt: int = 1

    def describe(self) -> str:
        return f"{self.path}#passages={self.start + 1}-{self.start + len(self.texts)}"


@dataclass
class Kept:
    """An original for the driver to keep (when workers must not write beside the corpus)."""
    doc_id: str
    data: bytes | None           # None: link or copy `source`
    source: str | None


@dataclass
class PagesDone:
    pages: list[Page]
    warnings: list[str]


# -- in the worker ----------------------------------------------------------------------------

_worker: dict = {}


def init_worker(db_path: str, options: IngestOptions, encoder_key: str | None, keep_here: bool = True,
                quiet_interrupts: bool = True, threads: int | None = None) -> None:
    """Once per worker: the NLP pipeline, and the encoder named `encoder_key` (None: no embedding).
    `keep_here`: keep originals beside the corpus from the worker (else send them to the driver)."""
    if quiet_interrupts:
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent decides what Ctrl-C means
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import ingest.ocr
    from readingroom.supervised import beat
    ingest.ocr.progress = beat          # each page OCR'd restarts the time limit's clock
    _worker.update(db_path=db_path, options=options, conn=None, nlp=None, broken=None, encoder=None,
                   encoder_key=encoder_key, keep_here=keep_here, threads=threads)
    try:
        from nlp.pipeline import load_pipeline
        _worker["nlp"] = load_pipeline()
    except Exception as err:   # raising here would make the pool respawn the worker forever
        _worker["broken"] = f"cannot load the NLP pipeline: {type(err).__name__}: {err}"


def run_unit(unit) -> list:
    """What a worker returns for a unit: Documents (annotated, with vectors), Failures, Kept and
    Split records for a `FileUnit`; a `PagesDone` for a `PagesUnit`; a Document or Failure for a
    `FinishUnit`. A unit that raises is lost (the engine reports it; the driver retries it)."""
    if isinstance(unit, PagesUnit):
        return [_load_pages(unit)]
    if isinstance(unit, FinishUnit):
        return [_finish(unit.doc, unit.embed_up_to)]
    if isinstance(unit, EmbedUnit):
        return [_encode(unit.texts)]
    return _load_file(unit)


def _known(doc_id: str) -> bool:
    if _worker.get("conn") is None:
        try:
            _worker["conn"] = sqlite3.connect(f"file:{_worker['db_path']}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:         # a worker on another machine: the driver skips what it has
            return False
    try:
        return _worker["conn"].execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None
    except sqlite3.Error:
        return False


def _load_file(unit: FileUnit) -> list:
    path, doc_id = unit.path, unit.doc_id
    options = _worker["options"]
    if _worker["broken"]:
        return [Failure(path, "nlp", _worker["broken"], doc_id)]
    try:
        data = read_file(Path(path), options)
    except IngestError as err:
        return [Failure(path, err.stage, err.reason, doc_id)]
    out: list = []
    keep = None
    if options.keep_originals and _worker["keep_here"]:
        from corpus.originals import keep as keep_original

        def keep(kept_id: str, kept: bytes, source: str | None) -> None:
            try:
                keep_original(_worker["db_path"], kept_id, kept, source)
            except OSError as err:     # a full disk loses the copy, not the document
                out.append(Failure(path, "keep", f"cannot keep the original: {err.strerror or err}", kept_id))
    elif options.keep_originals:
        def keep(kept_id: str, kept: bytes, source: str | None) -> None:
            out.append(Kept(kept_id, None if source else kept, source))
    for item in load_bytes(data, path, options, known=_known, doc_id=doc_id, keep=keep,
                           split_at=options.unit_pages):
        if isinstance(item, Document):
            item = _finish(item)
        out.append(item)
    return out


def _load_pages(unit: PagesUnit) -> PagesDone:
    from ingest.loaders import pick
    options = _worker["options"]
    data = read_file(Path(unit.path), options)
    if sha256(data) != unit.doc_id:
        raise IngestError("the file changed while it was being ingested", stage="read")
    name = os.path.basename(unit.path)
    doc = Document(id=unit.doc_id, path=unit.path, file_name=name, media_type=unit.media_type)
    pick(unit.media_type, name)(options).load_pages(data, doc, unit.first, unit.last, unit.hint)
    return PagesDone(doc.pages, doc.meta.get("warnings", []))


def _finish(doc: Document, embed_up_to: int | None = None) -> Document | Failure:
    """Annotate a loaded document and embed its passages (unless there are more than
    `embed_up_to`: then the driver has them embedded in parallel slices)."""
    from nlp.annotate import annotate
    if _worker["broken"]:
        return Failure(doc.path, "nlp", _worker["broken"], doc.id)
    try:
        annotate(doc, _worker["nlp"])
    except Exception as err:
        return Failure(doc.path, "nlp", f"{type(err).__name__}: {err}", doc.id)
    if embed_up_to is None or len(doc.chunks) <= embed_up_to:
        doc.vectors = _encode(embedding_texts(doc)) if doc.chunks else None
    return doc


def embedding_texts(doc: Document) -> list[str]:
    """What the encoder reads for each of a document's passages, as the store will hold them:
    its context line, then its text."""
    from corpus.context import embedding_text, for_document
    return [embedding_text(context, chunk.text) for chunk, context in zip(doc.chunks, for_document(doc))]


def _encode(texts: list[str]):
    """Their vectors, or None when this worker does not embed (the driver then does)."""
    import ingest.ocr
    encoder = _encoder()
    if encoder is None:
        return None
    import numpy as np
    parts = []
    for start in range(0, len(texts), EMBED_SLICE):
        parts.append(encoder.encode(texts[start:start + EMBED_SLICE]))
        ingest.ocr.progress()        # embedding a long document is progress too
    return np.vstack(parts)


def _encoder():
    if _worker.get("encoder") is None and _worker.get("encoder_key"):
        try:
            from index.encoder import load_encoder
            encoder = load_encoder(_worker["encoder_key"])
            threads = _worker.get("threads")
            if threads:              # the cores are shared between the workers, not each's own
                if encoder.key == "torch":
                    import torch
                    torch.set_num_threads(threads)
                else:
                    encoder._threads = threads
            _worker["encoder"] = encoder
        except Exception:            # the driver embeds what comes without vectors
            _worker["encoder_key"] = None
    return _worker.get("encoder")
