"""Page images, rendered on demand and cached on disk beside the corpus; and the boxes of the
words a search hit on a page, for outlining on the image.

The source is the original file: kept by ingest in `NAME.originals/` (corpus.originals), or,
for a corpus made without kept originals, the file at the document's stored path if its bytes
still hash to the document id. Nothing a request says ever becomes a path: the cache file is
named from a checked document id, a page number and one of a few resolutions.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from corpus import originals
from corpus.store import Corpus
from ingest.redaction import page_redaction_boxes
from search.engine import inflections

DPIS = (40, 100, 150, 200)       # thumbnails, screen, zoom, print
MAX_PIXELS = 40_000_000          # a page larger than this at the asked resolution is refused
RENDERABLE = ("application/pdf", "image/")
BOX_SCALE = 10_000               # stored OCR word boxes are in ten-thousandths of the page

pymupdf.TOOLS.mupdf_display_errors(False)


class ImageError(Exception):
    """The page cannot be shown as an image (and why, for the reader)."""


@dataclass
class Source:
    path: Path | None
    why_not: str | None          # why there is no image, when path is None


class PageImages:
    def __init__(self, corpus_path: Path, cap_bytes: int):
        self.corpus_path = corpus_path
        self.folder = corpus_path.with_name(corpus_path.stem + ".pagecache")
        self.cap_bytes = cap_bytes
        self._lock = threading.Lock()
        self._verified: dict[str, bool] = {}
        self._size: int | None = None

    # -- where the pages come from ---------------------------------------------------------

    def source(self, doc: dict) -> Source:
        """Where to render this document's pages from (a PDF or an image)."""
        if not (doc.get("media_type") or "").startswith(RENDERABLE):
            return Source(None, f"a {doc.get('media_type') or 'file'} has no page images; its text is below")
        return self.original(doc)

    def original(self, doc: dict) -> Source:
        """The original file: kept beside the corpus, or still at its path with the same bytes."""
        kept = originals.kept_path(self.corpus_path, doc["id"])
        if kept.exists():
            return Source(kept, None)
        if doc.get("parent_id") is None and self._same_file(doc):
            return Source(Path(doc["path"]), None)
        return Source(None, "the original file is gone: it was not kept beside the corpus (ingested with "
                            "--no-keep-originals, or before originals were kept) and is no longer at "
                            f"{doc['path']}; the stored text is below")

    def _same_file(self, doc: dict) -> bool:
        """The stored path still holds these bytes (checked once per document per run)."""
        if doc["id"] not in self._verified:
            path = Path(doc["path"])
            try:
                ok = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == doc["id"]
            except OSError:
                ok = False
            self._verified[doc["id"]] = ok
        return self._verified[doc["id"]]

    # -- rendering and the cache -------------------------------------------------------------

    def png(self, doc: dict, page: int, dpi: int) -> Path:
        """The cached PNG of a page (rendered now if it is not cached)."""
        cached = self.folder / f"{doc['id']}-{page}-{dpi}.png"
        if cached.exists():
            return cached
        source = self.source(doc)
        if source.path is None:
            raise ImageError(source.why_not)
        data = render(source.path, page, dpi)
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".part-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, cached)
        self._account(len(data))
        return cached

    def _account(self, added: int) -> None:
        """Keep the cache under its cap: past it, the least recently written files go."""
        with self._lock:
            if self._size is None:
                self._size = sum(p.stat().st_size for p in self.folder.glob("*.png"))
            else:
                self._size += added
            if self._size <= self.cap_bytes:
                return
            files = sorted(self.folder.glob("*.png"), key=lambda p: p.stat().st_mtime)
            for path in files:
                if self._size <= self.cap_bytes * 0.8:
                    break
                try:
                    size = path.stat().st_size
                    path.unlink()
                    self._size -= size
                except OSError:
                    pass


def render(path: Path, page: int, dpi: int) -> bytes:
    try:
        with pymupdf.open(path) as opened:
            if not 1 <= page <= opened.page_count:
                raise ImageError(f"the file has {opened.page_count} pages, not {page}")
            p = opened[page - 1]
            if (p.rect.width * dpi / 72) * (p.rect.height * dpi / 72) > MAX_PIXELS:
                raise ImageError(f"page {page} is too large to show at {dpi} dpi")
            return p.get_pixmap(dpi=dpi, alpha=False).tobytes("png")
    except ImageError:
        raise
    except Exception as err:
        raise ImageError(f"cannot render page {page}: {type(err).__name__}") from None


# -- the words of a hit, boxed ----------------------------------------------------------------

Box = tuple[float, float, float, float]      # x0, y0, x1, y1 as fractions of the page


def page_words(corpus: Corpus, images: PageImages, doc: dict, page: int, method: str | None) -> tuple[list[str], list[Box], str]:
    """The page's words and their boxes, and where they came from: the stored OCR boxes for an
    OCR'd page, else the PDF's text layer read by PyMuPDF now."""
    if method in ("ocr", "text+ocr"):
        row = corpus.conn.execute("SELECT words, boxes FROM page_words WHERE document_id = ? AND page_number = ?",
                                  [doc["id"], page]).fetchone()
        if not row:
            return [], [], "no word boxes were kept for this OCR'd page (ingested before they were; remove and ingest it again)"
        flat = json.loads(row[1])
        boxes = [tuple(v / BOX_SCALE for v in flat[i:i + 4]) for i in range(0, len(flat), 4)]
        return row[0].split("\n"), boxes, "OCR word boxes"
    source = images.source(doc)
    if source.path is None or doc.get("media_type") != "application/pdf":
        return [], [], source.why_not or "no text layer"
    with pymupdf.open(source.path) as opened:
        if not 1 <= page <= opened.page_count:
            return [], [], "no such page"
        p = opened[page - 1]
        w, h = p.rect.width or 1, p.rect.height or 1
        found = p.get_text("words")
        return ([x[4] for x in found], [(x[0] / w, x[1] / h, x[2] / w, x[3] / h) for x in found],
                "the PDF's text layer")


def redaction_boxes(images: PageImages, doc: dict, page: int) -> list[Box]:
    """The page's redactions as fractions of the page: black boxes drawn on a born-digital page,
    solid dark regions of a scan's pixels (what ingest measured, found again where they are)."""
    source = images.source(doc)
    if source.path is None:
        return []
    try:
        with pymupdf.open(source.path) as opened:
            if not 1 <= page <= opened.page_count:
                return []
            return page_redaction_boxes(opened[page - 1])
    except (RuntimeError, ValueError):       # an image PyMuPDF cannot open: no boxes to draw
        return []


WORD = re.compile(r"\w+(?:[-']\w+)*")


def _norm(word: str) -> str:
    found = WORD.findall(word.lower())
    return found[0] if found else ""


def hit_boxes(words: list[str], boxes: list[Box], terms: list[str]) -> list[Box]:
    """Boxes of the page's words that the query's terms match: a word and its inflections, a
    prefix (`warrant*`), or a phrase (consecutive words)."""
    normed = [_norm(w) for w in words]
    out: list[Box] = []
    for term in terms:
        parts = [p for p in (_norm(x) for x in term.split()) if p]
        if not parts:
            continue
        prefix = term.endswith("*")
        forms = [({parts[i]} if len(parts) > 1 else inflections(parts[i])) for i in range(len(parts))]
        for start in range(len(normed) - len(parts) + 1):
            ok = True
            for j, wanted in enumerate(forms):
                w = normed[start + j]
                if not (w in wanted or (prefix and j == len(parts) - 1 and w.startswith(parts[j]))):
                    ok = False
                    break
            if ok:
                out += boxes[start:start + len(parts)]
    return out
