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

    def load(self, data: bytes, doc: Document) -> Document:
        try:
            images = pymupdf.open(stream=data, filetype=doc.media_type.split("/")[-1])
            pdf = pymupdf.open("pdf", images.convert_to_pdf())
        except Exception as err:
            raise IngestError(f"not a readable image ({err})")
        for page in pdf:
            boxes = None
            if self.options.ocr == "never":
                text, confidence = "", None
            else:
                # an image page measures the image at its own resolution: rendering it at the OCR
                # resolution gives Tesseract the pixels it works best on
                pix = render(images[page.number], self.options.dpi, self.options.max_page_pixels)
                result = ocr_image(pix.tobytes("png"), self.options.ocr_lang)
                text, confidence = result.text, result.confidence
                boxes = word_boxes(result.words, pix.width, pix.height)
            doc.pages.append(Page(number=page.number + 1, text=text, method="ocr" if text.strip() else "none",
                                  ocr_confidence=confidence, quality=quality(text),
                                  redacted_fraction=page_redacted_fraction(page), word_boxes=boxes))
        if not doc.pages:
            raise IngestError("image has no frames")
        return doc
