"""Plain records that flow between the stages: ingest -> nlp -> corpus.

They carry no behaviour beyond small conveniences, so any stage can build them and
worker processes can pickle them.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    number: int                      # 1-based
    text: str
    method: str = "text"             # text | ocr | text+ocr | unshifted | none
    ocr_confidence: float | None = None
    quality: float | None = None     # 0..1, share of words that look like real words
    redacted_fraction: float | None = None
    signature_text: str | None = None  # a scanned signature block read again without ink (ingest.signatures)
    word_boxes: dict | None = None   # OCR'd page: {"words": "w1\nw2...", "boxes": "[x0,y0,x1,y1,...]"} (ingest.ocr)


@dataclass
class Child:
    """A file found inside another: a zip member or an email attachment."""
    name: str
    data: bytes


@dataclass
class Chunk:
    """The unit of retrieval: a passage of one document."""
    first_page: int
    last_page: int
    char_start: int                  # offset into the first page's text
    char_end: int                    # offset into the last page's text
    text: str
    section: str | None = None
    id: int | None = None            # assigned by the store


@dataclass
class Mention:
    type: str                        # AGENCY, PERSON, DATE, LAW, ...
    text: str                        # surface form as printed
    canonical: str                   # the entity's canonical name
    normalized: str | None           # normalised value (ISO date, ...)
    page: int
    start: int                       # offsets into the page text
    end: int
    chunk_index: int | None = None   # index into Document.chunks
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document:
    id: str                          # sha256 of the bytes
    path: str
    file_name: str
    media_type: str
    pages: list[Page] = field(default_factory=list)
    title: str | None = None
    doc_type: str | None = None
    doc_date: str | None = None      # ISO 8601
    parent_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    children: list[Child] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    agreement: dict[str, Any] | None = None      # MOA facts, when it is one
    signatories: list[dict[str, Any]] = field(default_factory=list)
    clauses: list[dict[str, Any]] = field(default_factory=list)
    vectors: Any = None              # its chunks' vectors (float32, a row per chunk), when a worker embedded them

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)

    def page_text(self, number: int) -> str:
        """The text of page `number` ("" if the document has no such page)."""
        return next((p.text for p in self.pages if p.number == number), "")

    def chunk_at(self, page: int, offset: int) -> int | None:
        """The index in `chunks` of the passage that holds this offset of this page."""
        key = (id(self.chunks), len(self.chunks))
        if getattr(self, "_chunk_starts", (None,))[0] != key:      # (chunks, {page: ([starts], [indices])})
            by_page: dict[int, tuple[list[int], list[int]]] = {}
            for i, c in enumerate(self.chunks):
                starts, indices = by_page.setdefault(c.first_page, ([], []))
                starts.append(c.char_start)
                indices.append(i)
            self._chunk_starts = (key, by_page)
        starts, indices = self._chunk_starts[1].get(page, ([], []))
        at = bisect.bisect_right(starts, offset) - 1
        if at >= 0 and offset < self.chunks[indices[at]].char_end:
            return indices[at]
        return None


@dataclass
class Failure:
    """A file (or a file inside another) that could not be ingested."""
    path: str
    stage: str
    reason: str
    document_id: str | None = None
