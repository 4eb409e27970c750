from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class IngestOptions:
    ocr: str = "auto"                      # auto | always | never
    ocr_lang: str = "eng"                  # Tesseract language codes, e.g. "eng+spa"
    dpi: int = 300
    password: str | None = None            # for encrypted PDFs
    workers: int = os.cpu_count() or 1
    max_file_bytes: int = 2 * 1024**3      # a larger file is refused, not read
    max_page_pixels: int = 200_000_000     # a page that would render larger is refused
    max_archive_members: int = 10_000
    max_archive_bytes: int = 4 * 1024**3   # total uncompressed size of one archive
    max_depth: int = 5                     # archives in archives in ...
    timeout: float = 300                   # seconds a worker may go without progress (a file, a page OCR'd)
    max_memory_mb: int = 4096              # address space of each worker (RLIMIT_AS); 0 for none
    keep_originals: bool = True            # keep each file beside the corpus (corpus.originals)
    unit_pages: int = 24                   # a PDF or TIFF longer than this loads in ranges of this many pages, in parallel
