"""Bytes -> documents: detect, pick a loader, load, and recurse into children."""
from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from corpus.records import Document, Failure
from ingest.detect import sniff
from ingest.errors import IngestError
from ingest.loaders import pick
from ingest.options import IngestOptions


@dataclass
class Split:
    """A long file to be loaded in page ranges: `doc` is described (metadata, title) but has no
    pages yet; `hint` is what every range needs from the whole (`Loader.head`)."""
    doc: Document
    page_count: int
    hint: dict = field(default_factory=dict)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path, options: IngestOptions) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise IngestError(f"cannot read: {err.strerror}", stage="read")
    if size > options.max_file_bytes:
        raise IngestError(f"file is {size / 2**20:.0f} MiB, over the limit of "
                          f"{options.max_file_bytes / 2**20:.0f} MiB", stage="read")
    try:
        return path.read_bytes()
    except OSError as err:
        raise IngestError(f"cannot read: {err.strerror}", stage="read")


def load_bytes(data: bytes, path: str, options: IngestOptions, *, parent_id: str | None = None,
               depth: int = 0, known: Callable[[str], bool] = lambda _id: False,
               doc_id: str | None = None, recurse: bool = True,
               keep: Callable[[str, bytes, str | None], None] | None = None,
               split_at: int | None = None) -> Iterator[Document | Failure | Split]:
    """Yield the document for `data` and every document inside it, children before parents
    (so that an interrupted run that finds the parent stored knows its children are too).

    `known(id)` says a document is stored already: it and its children are skipped.
    `keep(id, data, source path or None)` is given the bytes of every document loaded (to keep
    the originals; the source path only for a file on disk, not for one found inside another).
    `split_at`: a file on disk (not one inside another) with more pages than this, in a format
    that loads in page ranges, is yielded as a `Split` (its children loaded as usual), not loaded.
    """
    doc_id = doc_id or sha256(data)
    if known(doc_id):
        return
    name = posixpath.basename(path.replace("!", "/")) or path
    try:
        if depth > options.max_depth:
            raise IngestError(f"nested more than {options.max_depth} levels deep", stage="detect")
        media_type = sniff(data, name)
        loader = pick(media_type, name)(options)
        doc = Document(id=doc_id, path=path, file_name=name, media_type=media_type, parent_id=parent_id)
        split, pages = None, 0
        if split_at and depth == 0 and loader.SPLITS:
            pages = loader.page_count(data, doc)
        if split_at and pages > split_at:
            split = Split(doc, pages, loader.head(data, doc))
        else:
            doc = loader.load(data, doc)
    except IngestError as err:
        yield Failure(path, err.stage, err.reason, doc_id)
        return
    except MemoryError:
        yield Failure(path, "memory", "out of memory while loading (raise --max-memory if it needs more)", doc_id)
        return
    except Exception as err:   # a loader's bug or a library's crash must not stop the batch
        yield Failure(path, "load", f"{type(err).__name__}: {err}", doc_id)
        return
    children, doc.children = doc.children, []
    doc.meta["children"] = [c.name for c in children] or None
    for child in children if recurse else []:
        yield from load_bytes(child.data, f"{path}!{child.name}", options, parent_id=doc_id,
                              depth=depth + 1, known=known, keep=keep)
    if keep is not None:
        keep(doc_id, data, path if depth == 0 else None)
    yield split or doc
