"""A second, ink-free reading of the signature block on a scanned agreement.

On a scanned signature page the signatures are written across the printed names, and the OCR
that made the page's text (the scanner's or ours) reads scribble and print as one blur:
"Shawn Holloway / Sheriff" comes out as "S / n / Sheriff". Signatures are mostly in coloured
(blue) ink over black print, so we render the page in colour, whiten the coloured pixels and
let Tesseract read what is left. The block is read column by column, as it is printed (ICE's
signer on the left, the agency's on the right), not across the page.

The new reading does not replace the page's text: it is often better where ink crossed a name
and often worse elsewhere. It is kept beside it (`Page.signature_text`), and the signature
reader (`nlp.signatories`) takes from it only the signers the page's text lost.
"""
from __future__ import annotations

import re

import numpy as np
import pymupdf

from ingest.ocr import OcrWord, ocr_image, render

SIGNING = re.compile(r"By\s+signing\s+this\s+(?:MOA|agreement)", re.I)
INK_SPREAD = 60        # a pixel whose colour channels differ by more than this is coloured ink
COLOURED = 0.0005      # share of coloured pixels above which a page has coloured ink at all
COLUMN_GAP = 0.08      # a gap between words wider than this share of the page splits columns
FOOTER = 0.9           # lines below this share of the page height are its footer


def block_top(page: pymupdf.Page, words: list[OcrWord] | None = None, dpi: int = 300) -> float | None:
    """Where the block starts on the page, in points: under the line that ends the "By signing"
    paragraph, found in the page's text layer or, for a page we OCR'd, among the OCR's words."""
    if words is None:
        found = page.search_for("allowed by law") or page.search_for("by law")
        return found[-1].y1 if found else None
    tokens = [w.text for w in words]
    signing = next((i for i in range(len(tokens) - 1)
                    if tokens[i].lower() == "by" and tokens[i + 1].lower().startswith("sign")), None)
    if signing is None:
        return None
    end = next((i for i in range(signing, min(signing + 90, len(tokens)))
                if re.fullmatch(r"law\W*", tokens[i], re.I)), None)
    if end is None:
        return None
    return max(w.bottom for w in words if w.line == words[end].line) * 72 / dpi


def reread(page: pymupdf.Page, text: str, words: list[OcrWord] | None, dpi: int, lang: str,
           max_pixels: int) -> str | None:
    """The page's signature block read again without coloured ink; None when the page has no
    block. `words` are the boxes of our own OCR of the page, if it had one: such a page is read
    again only when it has coloured ink to take away."""
    if not SIGNING.search(text) or (top := block_top(page, words, dpi)) is None:
        return None
    clip = pymupdf.Rect(0, top, page.rect.width, page.rect.height)
    pix = render(page, dpi, max_pixels, colour=True, clip=clip)
    rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3]
    inked = rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2) > INK_SPREAD
    if words is not None and inked.mean() < COLOURED:
        return None
    gray = np.where(inked, 255, rgb.min(axis=2)).astype(np.uint8)
    clean = pymupdf.Pixmap(pymupdf.csGRAY, pix.width, pix.height, gray.tobytes(), False)
    result = ocr_image(clean.tobytes("png"), lang)
    footer = (FOOTER * page.rect.height - top) * dpi / 72
    return block_text(result.words, pix.width, footer) or None


def block_text(words: list[OcrWord], width: int, footer: float) -> str:
    """The block's words as lines: the left column top to bottom, then the right column, then
    the lines below `footer` (the page's footer)."""
    lines: dict[tuple, list[OcrWord]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    segments = []           # (column, top, text): a line split where a wide gap separates columns
    for line in lines.values():
        line.sort(key=lambda w: w.left)
        current = [line[0]]
        for w in line[1:]:
            if w.left - current[-1].right > COLUMN_GAP * width:
                segments.append(_segment(current, width, footer))
                current = []
            current.append(w)
        segments.append(_segment(current, width, footer))
    segments.sort()
    return "\n".join(text for _, _, text in segments)


def _segment(words: list[OcrWord], width: int, footer: float) -> tuple[int, int, str]:
    top = min(w.top for w in words)
    column = 2 if top > footer else int(words[0].left >= width / 2)
    return column, top, " ".join(w.text for w in words)
