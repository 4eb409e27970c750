"""Images (TIFF with many frames, PNG, JPEG, ...): one page per frame, OCR'd."""
from __future__ import annotations

import pymupdf

from corpus.records import Document, Page
from ingest.errors import IngestError
from ingest.loaders.base import Loader
from ingest.ocr import ocr_image, render, word_boxes
from ingest.quality import quality
from ingest.redaction import page_redacted_fraction


class ImageLoader(Loader):
    MEDIA_TYPES = ("image/tiff", "image/png", "image/jpeg", "image/gif", "image/bmp")
    EXTENSIONS = (".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif", ".bmp")
    SPLITS = True

    def load(self, data: bytes, doc: Document) -> Document:
        images = self._open(data, doc)
        self._frames(images, doc, 1, images.page_count)
        if not doc.pages:
            raise IngestError("image has no frames")
        return doc

    # A long multi-frame TIFF loads in frame ranges, in parallel (readingroom.units)

    def page_count(self, data: bytes, doc: Document) -> int:
        return self._open(data, doc).page_count

    def head(self, data: bytes, doc: Document) -> dict:
        return {}

    def load_pages(self, data: bytes, doc: Document, first: int, last: int, hint: dict) -> Document:
        """Frames `first`..`last` (1-based, inclusive) into `doc.pages`."""
        return self._frames(self._open(data, doc), doc, first, last)

    def _open(self, data: bytes, doc: Document) -> pymupdf.Document:
        try:
            return pymupdf.open(stream=data, filetype=doc.media_type.split("/")[-1])
        except Exception as err:
            raise IngestError(f"not a readable image ({err})")

    def _frames(self, images: pymupdf.Document, doc: Document, first: int, last: int) -> Document:
        last = min(last, images.page_count)
        if last < first:
            return doc
        try:
            if first == 1 and last == images.page_count:
                pdf = pymupdf.open("pdf", images.convert_to_pdf())
            else:        # (convert_to_pdf fails from any frame but the first; insert_file does not)
                pdf = pymupdf.open()
                pdf.insert_file(images, from_page=first - 1, to_page=last - 1)
        except Exception as err:
            raise IngestError(f"not a readable image ({err})")
        for page in pdf:
            number = first + page.number          # the frame's number in the whole image
            boxes = None
            if self.options.ocr == "never":
                text, confidence = "", None
            else:
                # an image page measures the image at its own resolution: rendering it at the OCR
                # resolution gives Tesseract the pixels it works best on
                pix = render(images[number - 1], self.options.dpi, self.options.max_page_pixels)
                result = ocr_image(pix.tobytes("png"), self.options.ocr_lang)
                text, confidence = result.text, result.confidence
                boxes = word_boxes(result.words, pix.width, pix.height)
            doc.pages.append(Page(number=number, text=text, method="ocr" if text.strip() else "none",
                                  ocr_confidence=confidence, quality=quality(text),
                                  redacted_fraction=page_redacted_fraction(page), word_boxes=boxes))
        return doc
