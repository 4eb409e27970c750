"""OCR through Tesseract: PyMuPDF renders the page, Tesseract reads it.

We call the `tesseract` program with TSV output rather than PyMuPDF's OCR text page because
one pass then gives the text, each word's confidence (stored per page) and its box. Each
Tesseract process runs single-threaded (`OMP_THREAD_LIMIT=1`): on a small machine its OpenMP
threads fight each other and run ~5x slower; parallelism comes from our worker processes.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field

import pymupdf

from ingest.errors import IngestError

TESSERACT_TIMEOUT = 300   # seconds for one page


def progress() -> None:
    """Called after each page OCR'd; an ingest worker sets it to restart its time limit's clock."""


@dataclass
class OcrWord:
    left: int                     # pixels in the image that was read
    top: int
    right: int
    bottom: int
    text: str
    line: tuple[int, int, int]    # Tesseract's (block, paragraph, line)


@dataclass
class OcrResult:
    text: str
    confidence: float | None      # mean word confidence, 0..100
    words: list[OcrWord] = field(default_factory=list)


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def render(page: pymupdf.Page, dpi: int, max_pixels: int, colour: bool = False,
           clip: pymupdf.Rect | None = None) -> pymupdf.Pixmap:
    area = clip or page.rect
    width, height = area.width * dpi / 72, area.height * dpi / 72
    if width * height > max_pixels:
        raise IngestError(
            f"page {page.number + 1} is too large to render ({page.rect.width:.0f}x{page.rect.height:.0f} pt"
            f" at {dpi} dpi = {width * height / 1e6:.0f} Mpx, limit {max_pixels / 1e6:.0f} Mpx)", stage="ocr")
    return page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB if colour else pymupdf.csGRAY, alpha=False, clip=clip)


def ocr_image(image: bytes, lang: str = "eng") -> OcrResult:
    """OCR one image (any format Leptonica reads: PNM, PNG, TIFF, JPEG). PNG is the one to send:
    Tesseract reads a page's PNG from its standard input faster than the raw PNM, by more than
    the encoding costs (bench/ingest.py)."""
    if not tesseract_available():
        raise IngestError("Tesseract is not installed (apt-get install tesseract-ocr)", stage="ocr")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run(["tesseract", "stdin", "stdout", "-l", lang, "--psm", "3", "tsv"],
                              input=image, capture_output=True, env=env, timeout=TESSERACT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise IngestError(f"Tesseract took longer than {TESSERACT_TIMEOUT} s on one page", stage="ocr")
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise IngestError(f"Tesseract failed: {reason[-1] if reason else proc.returncode}", stage="ocr")
    progress()
    return parse_tsv(proc.stdout.decode("utf-8", "replace"))


def ocr_page(page: pymupdf.Page, dpi: int = 300, lang: str = "eng",
             max_pixels: int = 200_000_000) -> OcrResult:
    pix = render(page, dpi, max_pixels)
    return ocr_image(pix.tobytes("png"), lang)


def parse_tsv(tsv: str) -> OcrResult:
    """Rebuild lines and paragraphs from Tesseract's TSV; mean confidence over its words."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences, boxes = [], []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        if not word:
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))     # block, paragraph, line
        lines.setdefault(key, []).append(word)
        left, top, width, height = (int(c) for c in cols[6:10])
        boxes.append(OcrWord(left, top, left + width, top + height, word, key))
        conf = float(cols[10])
        if conf >= 0:
            confidences.append(conf)
    out, last_par = [], None
    for (block, par, _), words in lines.items():
        if last_par is not None and (block, par) != last_par:
            out.append("")
        out.append(" ".join(words))
        last_par = (block, par)
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrResult("\n".join(out), confidence, boxes)


BOX_SCALE = 10_000      # word boxes are kept in ten-thousandths of the page: compact, and exact enough


def word_boxes(words: list[OcrWord], width: float, height: float) -> dict | None:
    """An OCR'd page's words and their boxes, compact, for outlining hits on the page image:
    `width` and `height` are the size in pixels of the image that was read."""
    if not words or width <= 0 or height <= 0:
        return None
    flat = []
    for w in words:
        flat += [round(w.left * BOX_SCALE / width), round(w.top * BOX_SCALE / height),
                 round(w.right * BOX_SCALE / width), round(w.bottom * BOX_SCALE / height)]
    return {"words": "\n".join(w.text.replace("\n", " ") for w in words),
            "boxes": json.dumps(flat, separators=(",", ":"))}
