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


def covered(gray: np.ndarray, dpi: int = DPI) -> np.ndarray:
    """The pixels of solid dark boxes (a redaction's), as a boolean mask of the image."""
    k = max(2, round(WINDOW_INCH * dpi))
    h, w = gray.shape
    if h <= k or w <= k:
        return np.zeros(gray.shape, dtype=bool)
    dark = gray <= DARK
    full = _window_sum(dark, k) == k * k           # erosion: windows that are all ink
    # dilation: every pixel of such a window
    covered_sum = np.pad(full.astype(np.int32), ((0, k - 1), (0, k - 1)))
    cs = np.pad(covered_sum.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    # a pixel is covered if any full window starting within k-1 above/left of it exists
    ys, xs = np.arange(h), np.arange(w)
    y0, x0 = np.clip(ys - k + 1, 0, None), np.clip(xs - k + 1, 0, None)
    return (cs[ys + 1][:, xs + 1] - cs[y0][:, xs + 1] - cs[ys + 1][:, x0] + cs[y0][:, x0]) > 0


def _inner(mask: np.ndarray, dpi: int) -> tuple[slice, slice]:
    """The page less a margin: a page scanned with a black border is not redacted, so boxes
    touching the edge are ignored."""
    k = max(2, round(WINDOW_INCH * dpi))
    h, w = mask.shape
    return (slice(k, h - k), slice(k, w - k)) if h > 3 * k and w > 3 * k else (slice(0, h), slice(0, w))


def redacted_fraction(gray: np.ndarray, dpi: int = DPI) -> float:
    mask = covered(gray, dpi)
    return round(float(mask[_inner(mask, dpi)].mean()), 4) if mask.size else 0.0


def redaction_boxes(gray: np.ndarray, dpi: int = DPI) -> list[tuple[float, float, float, float]]:
    """Where the boxes are: each solid dark region's bounding box, as fractions of the image
    (x0, y0, x1, y1), the same regions `redacted_fraction` measures."""
    from scipy import ndimage

    found = covered(gray, dpi)
    mask, inner = np.zeros_like(found), _inner(found, dpi)
    mask[inner] = found[inner]
    h, w = mask.shape
    labels, _ = ndimage.label(mask)
    return [(xs.start / w, ys.start / h, xs.stop / w, ys.stop / h) for ys, xs in ndimage.find_objects(labels)]


def page_gray(page: pymupdf.Page, dpi: int = DPI) -> np.ndarray:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)


def page_redacted_fraction(page: pymupdf.Page) -> float:
    return redacted_fraction(page_gray(page))


def drawn_black_boxes(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """Filled near-black rectangles drawn on the page (born-digital redactions); thin rules and
    underlines are not redactions."""
    boxes = []
    for path in page.get_drawings():
        fill = path.get("fill")
        if fill and max(fill) <= 0.2 and path.get("fill_opacity", 1) > 0.9:
            rect = path["rect"] & page.rect
            if rect.width >= 6 and rect.height >= 6:
                boxes.append(rect)
    return boxes


def drawn_black_fraction(page: pymupdf.Page) -> float:
    """Share of the page covered by filled near-black rectangles (born-digital redactions)."""
    covered_area = sum(abs(rect) for rect in drawn_black_boxes(page))
    return round(min(1.0, covered_area / (abs(page.rect) or 1)), 4)


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


def page_redaction_boxes(page: pymupdf.Page) -> list[tuple[float, float, float, float]]:
    """Where `redacted_area` found boxes, as fractions of the page (x0, y0, x1, y1): a scan's
    from its pixels, a born-digital page's from its drawings."""
    if image_coverage(page) >= SCANNED:
        return redaction_boxes(page_gray(page))
    w, h = page.rect.width or 1, page.rect.height or 1
    return [(r.x0 / w, r.y0 / h, r.x1 / w, r.y1 / h) for r in drawn_black_boxes(page)]
