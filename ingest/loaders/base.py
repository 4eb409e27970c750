"""What every loader is: a declaration of what it handles, and `load`."""
from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from corpus.records import Document
from ingest.options import IngestOptions


class Loader:
    """Turns the bytes of one file into a `Document` with pages (and children, if it has any).

    Subclasses declare `MEDIA_TYPES` and `EXTENSIONS`; the manager asks each for a `score`
    and the highest wins, as Aleph's ingest-file does.
    """

    MEDIA_TYPES: ClassVar[tuple[str, ...]] = ()
    EXTENSIONS: ClassVar[tuple[str, ...]] = ()
    SCORE: ClassVar[int] = 10

    @classmethod
    def score(cls, media_type: str, name: str) -> int:
        if media_type in cls.MEDIA_TYPES:
            return cls.SCORE
        if PurePath(name).suffix.lower() in cls.EXTENSIONS and media_type in ("application/octet-stream", "text/plain"):
            return cls.SCORE // 2     # the bytes left it open; trust the name a little
        return 0

    def __init__(self, options: IngestOptions):
        self.options = options

    def load(self, data: bytes, doc: Document) -> Document:
        raise NotImplementedError

    # A loader of long paged formats (PDF, multi-frame TIFF) may also load in page ranges, in
    # parallel: `page_count(data, doc)`; `head(data, doc)` fills in what concerns the whole document
    # and returns a hint (plain data) for each range; `load_pages(data, doc, first, last, hint)`
    # appends pages first..last. `head` and every range, in order, give what `load` gives.
    SPLITS: ClassVar[bool] = False
