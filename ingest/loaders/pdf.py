"""PDF: born-digital, scanned or mixed; portfolios and embedded files become children.

Per page we decide where the text comes from (`--ocr auto`):
- the text layer, when it reads as words;
- the text layer with a constant font shift undone, when shifting provably turns it into words;
- OCR, when there is no text layer, when it is garbage, or when it covers only part of a page
  that is mostly a scanned image;
- and on a scanned page that holds an agreement's signature block, that block is also read
  again by OCR without the signatures' coloured ink (`ingest.signatures`), kept beside the text.
Fill-in forms keep their values in form fields, not in the page text: we put them back where
they sit on the page.
"""
from __future__ import annotations

import re

import pymupdf

from corpus.records import Child, Document, Page
from ingest.errors import IngestError
from ingest.loaders.base import Loader
from ingest.ocr import ocr_page, word_boxes
from ingest.quality import best_shift, quality, unshift, word_ratio
from ingest.redaction import image_coverage, redacted_area
from ingest.signatures import reread

GOOD_QUALITY = 0.6        # share of known words at or above which a text layer is trusted
MIN_CHARS = 20            # fewer non-space characters than this: no text layer to speak of
IMAGE_COVERED = 0.5       # a page this much covered by images, with few words, is a scan
FEW_WORDS = 40

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

pymupdf.TOOLS.mupdf_display_errors(False)   # we report errors ourselves, once, per file


class PdfLoader(Loader):
    MEDIA_TYPES = ("application/pdf",)
    EXTENSIONS = (".pdf",)
    SPLITS = True

    def load(self, data: bytes, doc: Document) -> Document:
        pdf = self._open(data)
        try:
            self._describe(pdf, doc)
            read = [self._page_text(page) for page in pdf]
            shift = _shift_of([text for text, _ in read])
            for page, (text, images) in zip(pdf, read):
                doc.pages.append(self._page(page, text, images, shift, doc))
        finally:
            pdf.close()
        if not doc.pages and not doc.children:
            raise IngestError("PDF has no pages")
        return doc

    # A long PDF loads in page ranges, in parallel (readingroom.units): `head` describes the whole
    # document once (metadata, embedded files, the font shift learnt from every page), then
    # `load_pages` loads each range with it. Together they give what `load` gives.

    def page_count(self, data: bytes, doc: Document) -> int:
        pdf = self._open(data)
        try:
            return pdf.page_count
        finally:
            pdf.close()

    def head(self, data: bytes, doc: Document) -> dict:
        pdf = self._open(data)
        try:
            self._describe(pdf, doc)
            return {"shift": _shift_of([self._page_text(page)[0] for page in pdf])}
        finally:
            pdf.close()

    def load_pages(self, data: bytes, doc: Document, first: int, last: int, hint: dict) -> Document:
        """Pages `first`..`last` (1-based, inclusive) into `doc.pages`."""
        pdf = self._open(data)
        try:
            for number in range(first - 1, min(last, pdf.page_count)):
                page = pdf[number]
                text, images = self._page_text(page)
                doc.pages.append(self._page(page, text, images, hint.get("shift"), doc))
        finally:
            pdf.close()
        return doc

    def _describe(self, pdf: pymupdf.Document, doc: Document) -> None:
        doc.meta.update({k: v for k, v in (pdf.metadata or {}).items() if v})
        title = (pdf.metadata or {}).get("title", "").strip()
        doc.title = title if len(title) > 3 else None
        doc.children.extend(self._embedded_files(pdf))

    def _open(self, data: bytes) -> pymupdf.Document:
        try:
            pdf = pymupdf.open(stream=data, filetype="pdf")
        except Exception as err:
            raise IngestError(f"not a readable PDF ({err})")
        if pdf.needs_pass:
            if not self.options.password:
                raise IngestError("encrypted PDF: it needs a password (use --password)")
            if not pdf.authenticate(self.options.password):
                raise IngestError("encrypted PDF: the password given does not open it")
        if pdf.page_count == 0 and not pdf.embfile_count():
            raise IngestError("damaged or empty PDF: no page could be read")
        try:
            pdf[0] if pdf.page_count else None
        except Exception as err:
            raise IngestError(f"damaged PDF: cannot read its first page ({err})")
        return pdf

    def _embedded_files(self, pdf: pymupdf.Document) -> list[Child]:
        children = []
        for i in range(pdf.embfile_count()):
            info = pdf.embfile_info(i)
            name = info.get("filename") or info.get("name") or f"embedded-{i + 1}"
            children.append(Child(name=name, data=pdf.embfile_get(i)))
        return children

    def _page_text(self, page: pymupdf.Page) -> tuple[str, float]:
        """The page's text layer, and the share of the page covered by images (one text page
        gives both: TEXTFLAGS_TEXT keeps the glyph codes of unmapped fonts, and image blocks
        are kept for their boxes)."""
        try:
            textpage = page.get_textpage(flags=pymupdf.TEXTFLAGS_TEXT | pymupdf.TEXT_PRESERVE_IMAGES)
            text = page.get_text(textpage=textpage)
            images = image_coverage(page, textpage)
        except Exception as err:
            raise IngestError(f"cannot read the text of page {page.number + 1} ({err})")
        if not page.first_widget and not any(a.type[1] == "FreeText" for a in page.annots() or []):
            return text, images
        # a filled-in form: its values sit in fields (or in content appended at the end of the
        # page's stream); rebuild the lines by position so each value stands by its label
        words = page.get_text("words", textpage=textpage)
        return _merge_form_values(_form_values(page, words), words), images

    def _page(self, page: pymupdf.Page, text: str, images: float, shift: int | None, doc: Document) -> Page:
        mode = self.options.ocr
        method, confidence, words = "text", None, None
        if shift is not None:
            repaired, lines = unshift(text, shift)
            if lines:
                text, method = repaired, "unshifted"
        if mode == "always" or (mode == "auto" and self._needs_ocr(page, text, images)):
            try:
                result = ocr_page(page, self.options.dpi, self.options.ocr_lang, self.options.max_page_pixels)
            except IngestError as err:
                # one page that cannot be OCR'd does not lose the document: keep its text layer,
                # and say so (the pipeline records it in ingest_errors)
                doc.meta.setdefault("warnings", []).append(err.reason)
                method = "ocr_failed"
            else:
                if mode == "always" or _better(result.text, text):
                    method = "ocr" if not text.strip() else "text+ocr"
                    text, confidence, words = result.text, result.confidence, result.words
        signature_text = None
        if mode != "never" and images >= IMAGE_COVERED and method != "ocr_failed":
            signature_text = self._signature_block(page, text, words, doc)
        if not text.strip() and method != "ocr_failed":
            method = "none"
        scale = self.options.dpi / 72
        return Page(number=page.number + 1, text=text, method=method, ocr_confidence=confidence,
                    quality=quality(text), redacted_fraction=redacted_area(page, images),
                    signature_text=signature_text,
                    word_boxes=word_boxes(words, page.rect.width * scale, page.rect.height * scale) if words else None)

    def _signature_block(self, page: pymupdf.Page, text: str, words: list | None, doc: Document) -> str | None:
        """A scanned page's signature block, read again without the signatures' ink."""
        try:
            return reread(page, text, words, self.options.dpi, self.options.ocr_lang, self.options.max_page_pixels)
        except IngestError as err:
            doc.meta.setdefault("warnings", []).append(err.reason)
            return None

    def _needs_ocr(self, page: pymupdf.Page, text: str, images: float) -> bool:
        chars = len("".join(text.split()))
        if chars < MIN_CHARS:
            return images > 0 or bool(page.get_images()) or bool(page.get_drawings())
        ratio, words = word_ratio(text)
        if words >= 5 and ratio < GOOD_QUALITY:
            return True
        return words < FEW_WORDS and images >= IMAGE_COVERED


def _shift_of(raw: list[str]) -> int | None:
    """One font, one shift: learnt from the whole document's unknown words (only where there is a
    sign of one: control characters, or a page that does not read as words)."""
    suspect = any(CONTROL.search(t) or (quality(t) or 1) < GOOD_QUALITY for t in raw)
    return best_shift("\n".join(raw)) if suspect else None


def _better(ocr_text: str, layer_text: str) -> bool:
    """Keep OCR when it reads more real words than the text layer it would replace."""
    ocr_ratio, ocr_words = word_ratio(ocr_text)
    layer_ratio, layer_words = word_ratio(layer_text)
    return ocr_ratio * ocr_words > layer_ratio * layer_words


Word = tuple        # PyMuPDF's "words": (x0, y0, x1, y1, text, block, line, word)


def _form_values(page: pymupdf.Page, words: list[Word]) -> list[tuple[pymupdf.Rect, str]]:
    """Filled-in form fields and free-text annotations whose text is not on the page already
    (not among the words printed inside the field's box)."""
    found = []
    for widget in page.widgets() or []:
        value = widget.field_value
        if widget.field_type in (pymupdf.PDF_WIDGET_TYPE_TEXT, pymupdf.PDF_WIDGET_TYPE_COMBOBOX) and value:
            found.append((widget.rect, str(value)))
    for annot in page.annots() or []:
        if annot.type[1] == "FreeText" and annot.info.get("content"):
            found.append((annot.rect, annot.info["content"]))
    return [(rect, value.strip()) for rect, value in found
            if value.strip() and " ".join(value.split()) not in _words_in(rect, words)]


def _words_in(rect: pymupdf.Rect, words: list[Word]) -> str:
    inside = [w for w in words if rect.contains(pymupdf.Point((w[0] + w[2]) / 2, (w[1] + w[3]) / 2))]
    return " ".join(w[4] for w in inside)


def _merge_form_values(fields: list[tuple[pymupdf.Rect, str]], words: list[Word]) -> str:
    """Rebuild the page's lines from its words plus the form values, in reading order."""
    items = [(w[0], w[1], w[2], w[3], w[4]) for w in words]
    items += [(r.x0, r.y0, r.x1, r.y1, v.replace("\n", " ")) for r, v in fields]
    items.sort(key=lambda it: ((it[1] + it[3]) / 2, it[0]))
    lines: list[list[tuple]] = []
    for item in items:
        mid, height = (item[1] + item[3]) / 2, item[3] - item[1]
        if lines:
            last = lines[-1]
            last_mid = sum((i[1] + i[3]) / 2 for i in last) / len(last)
            last_height = min(i[3] - i[1] for i in last)
            if abs(mid - last_mid) <= 0.4 * min(height, last_height):
                last.append(item)
                continue
        lines.append([item])
    return "\n".join(" ".join(i[4] for i in sorted(line, key=lambda i: i[0])) for line in lines) + "\n"
