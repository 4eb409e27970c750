"""How much of a page is blacked out.

A redaction is a solid dark box: on a scan, dark pixels; in a born-digital PDF, usually a filled
black rectangle drawn over (or instead of) the text. On a low-resolution grey image, text strokes are thin, so a
pixel whose whole neighbourhood is dark belongs to a box, not to a letter. We erode with a
window of about 0.1 inch, dilate back, and measure the area (summed-area tables keep it fast).
"""
from __future__ import annotations

import numpy as np
import pymupdf

DPI = 50
DARK = 60            # grey level at or below which a pixel is ink
WINDOW_INCH = 0.1


def _window_sum(mask: np.ndarray, k: int) -> np.ndarray:
    """Sum of `mask` over every k x k window (top-left anchored), shape (h-k+1, w-k+1)."""
    s = np.pad(mask.astype(np.int32).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    return s[k:, k:] - s[:-k, k:] - s[k:, :-k] + s[:-k, :-k]


def redacted_fraction(gray: np.ndarray, dpi: int = DPI) -> float:
    k = max(2, round(WINDOW_INCH * dpi))
    h, w = gray.shape
    if h <= k or w <= k:
        return 0.0
    dark = gray <= DARK
    full = _window_sum(dark, k) == k * k           # erosion: windows that are all ink
    # dilation: every pixel of such a window
    covered_sum = np.pad(full.astype(np.int32), ((0, k - 1), (0, k - 1)))
    cs = np.pad(covered_sum.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    # a pixel is covered if any full window starting within k-1 above/left of it exists
    ys, xs = np.arange(h), np.arange(w)
    y0, x0 = np.clip(ys - k + 1, 0, None), np.clip(xs - k + 1, 0, None)
    covered = (cs[ys + 1][:, xs + 1] - cs[y0][:, xs + 1] - cs[ys + 1][:, x0] + cs[y0][:, x0]) > 0
    # a page scanned with a black border is not redacted: ignore boxes touching the edge
    frac = covered[k:-k, k:-k].mean() if h > 3 * k and w > 3 * k else covered.mean()
    return round(float(frac), 4)


def page_redacted_fraction(page: pymupdf.Page) -> float:
    pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False)
    gray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
    return redacted_fraction(gray)


def drawn_black_fraction(page: pymupdf.Page) -> float:
    """Share of the page covered by filled near-black rectangles (born-digital redactions)."""
    area = abs(page.rect) or 1
    covered = 0.0
    for path in page.get_drawings():
        fill = path.get("fill")
        if fill and max(fill) <= 0.2 and path.get("fill_opacity", 1) > 0.9:
            rect = path["rect"] & page.rect
            # thin rules and underlines are not redactions
            if rect.width >= 6 and rect.height >= 6:
                covered += abs(rect)
    return round(min(1.0, covered / area), 4)


SCANNED = 0.3      # pages this much covered by images are measured on their pixels


def image_coverage(page: pymupdf.Page, textpage: pymupdf.TextPage | None = None) -> float:
    """Share of the page under images; `textpage`, if given, must keep images
    (TEXT_PRESERVE_IMAGES), and saves building another."""
    area = abs(page.rect) or 1
    if textpage is None:
        boxes = [info["bbox"] for info in page.get_image_info()]
    else:
        boxes = [b[:4] for b in textpage.extractBLOCKS() if b[6] == 1]
    covered = sum(abs(pymupdf.Rect(box) & page.rect) for box in boxes)
    return min(1.0, covered / area)


def redacted_area(page: pymupdf.Page, images: float | None = None) -> float:
    """Scanned pages: measure the pixels. Born-digital pages (a logo or a signature image at
    most): the drawn boxes, which is far cheaper than rendering. `images`: the page's image
    coverage, if known."""
    if (image_coverage(page) if images is None else images) >= SCANNED:
        return page_redacted_fraction(page)
    return drawn_black_fraction(page)
