"""Images (TIFF with many frames, PNG, JPEG, ...): one page per frame, OCR'd."""
from __future__ import annotations

import pymupdf

from corpus.records import Document, Page
from ingest.errors import IngestError
from ingest.loaders.base import Loader
from ingest.ocr import ocr_image
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
            width, height = page.rect.width, page.rect.height
            if width * height * (self.options.dpi / 72) ** 2 > self.options.max_page_pixels * 4:
                raise IngestError(f"frame {page.number + 1} is too large ({width:.0f}x{height:.0f})", stage="ocr")
            if self.options.ocr == "never":
                text, confidence = "", None
            else:
                # OCR the image as it is: its own resolution, no resampling
                pix = pymupdf.Pixmap(images[page.number].get_pixmap(colorspace=pymupdf.csGRAY, alpha=False)) \
                    if images.page_count > 1 else pymupdf.Pixmap(data)
                if pix.n > 1 or pix.alpha:
                    pix = pymupdf.Pixmap(pymupdf.csGRAY, pix)
                result = ocr_image(pix.tobytes("pnm"), self.options.ocr_lang)
                text, confidence = result.text, result.confidence
            doc.pages.append(Page(number=page.number + 1, text=text, method="ocr" if text.strip() else "none",
                                  ocr_confidence=confidence, quality=quality(text),
                                  redacted_fraction=page_redacted_fraction(page)))
        if not doc.pages:
            raise IngestError("image has no frames")
        return doc
