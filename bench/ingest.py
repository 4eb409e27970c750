"""Ingest throughput, as ratios against the bare libraries doing the same work.

    .venv/bin/python bench/ingest.py [--pages N] [--ocr-pages N] [--scaling] [--signatures N]

1. Text layer: our PDF loader (text, quality check, shifted-font check, redaction measure) plus
   storing pages in SQLite, against bare PyMuPDF `get_text` over the same pages.
2. OCR: our OCR of image-only pages (render + Tesseract TSV + quality + redactions), one
   process, against the `tesseract` program over the same page images (PNG, 300 dpi), one
   process, both with OMP_THREAD_LIMIT=1; and against rendering those PNGs with PyMuPDF plus
   the `tesseract` program (what doing it by hand costs: Tesseract cannot read a PDF).
3. --scaling: the OCR'd pages loaded by 1, 2, ... worker processes (as many as there are
   cores), after start-up; and the whole `readingroom ingest` (loading, OCR, NLP, embedding,
   model start-up) on the same pages with 1 and 2 workers.
4. --signatures N: what the ink-free second reading of scanned signature pages
   (`ingest.signatures`) costs: N scanned MOAs loaded with it and without it.
Reads ../shared/data when present, else the bundled sample corpus. Prints absolute figures.

Each ratio is given twice: by wall-clock time, and by CPU time (this process's plus its
children's, so Tesseract's own time counts), which other work on a shared machine disturbs
far less than the wall clock.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402

from corpus.store import Corpus  # noqa: E402
from ingest.load import load_bytes  # noqa: E402
from ingest.options import IngestOptions  # noqa: E402
from ingest.quality import vocabulary  # noqa: E402
from ingest.redaction import image_coverage  # noqa: E402
from nlp.chunking import chunk_pages  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


class Clock:
    """Wall-clock and CPU seconds (ours and our children's) of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *_):
        self.wall, self.cpu = time.perf_counter() - self.wall, self._cpu() - self.cpu

    @staticmethod
    def _cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system


def pdfs() -> list[Path]:
    base = SHARED if SHARED.exists() else ROOT / "corpus" / "sample"
    return sorted(base.rglob("*.pdf")) + sorted(base.rglob("*.PDF"))


def classify(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, int]]]:
    """Born-digital files (every page has text, no scanned page), and image-only pages."""
    text_files, image_pages = [], []
    for path in paths:
        try:
            doc = pymupdf.open(path)
        except Exception:
            continue
        texts = [p.get_text().strip() for p in doc]
        if all(texts) and all(image_coverage(p) < 0.3 for p in doc):
            text_files.append(path)
        image_pages += [(path, i) for i, (p, t) in enumerate(zip(doc, texts)) if not t and p.get_images()]
    return text_files, image_pages


def bench_text(files: list[Path], limit: int) -> None:
    chosen, pages = [], 0
    for f in files:
        if pages >= limit:
            break
        chosen.append(f)
        pages += pymupdf.open(f).page_count
    vocabulary()
    with Clock() as bare:
        for f in chosen:
            doc = pymupdf.open(f)
            for page in doc:
                page.get_text()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus(Path(tmp) / "bench.db")
        with Clock() as ours:
            for f in chosen:
                for item in load_bytes(f.read_bytes(), str(f), IngestOptions(ocr="never")):
                    if hasattr(item, "pages"):
                        item.chunks = chunk_pages(item.pages)
                        corpus.add_document(item)
        corpus.close()
    print(f"text layer: {len(chosen)} files, {pages} pages")
    print(f"  bare PyMuPDF get_text   {pages / bare.wall:8.1f} pages/s")
    print(f"  readingroom load+store  {pages / ours.wall:8.1f} pages/s   ratio {bare.wall / ours.wall:.2f}x"
          f"   (by CPU time {bare.cpu / ours.cpu:.2f}x)")


def bench_ocr(image_pages: list[tuple[Path, int]], limit: int) -> list[tuple[Path, int]]:
    chosen = image_pages[:limit]
    with tempfile.TemporaryDirectory() as tmp:
        pngs = []
        single = pymupdf.open()
        sources = [pymupdf.open(path) for path, _ in chosen]
        with Clock() as rendering:
            for i, (src, (_, number)) in enumerate(zip(sources, chosen)):
                png = Path(tmp) / f"p{i}.png"
                src[number].get_pixmap(dpi=300, colorspace=pymupdf.csGRAY).save(png)
                pngs.append(png)
        for src, (_, number) in zip(sources, chosen):
            single.insert_pdf(src, from_page=number, to_page=number)
        with Clock() as bare:
            for png in pngs:
                subprocess.run(["tesseract", str(png), "stdout"], capture_output=True, check=True,
                               env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        data = single.tobytes()
        with Clock() as ours:
            [doc] = [d for d in load_bytes(data, "ocr-set.pdf", IngestOptions(ocr="auto")) if hasattr(d, "pages")]
    n = len(chosen)
    ocrd = sum(p.method == "ocr" for p in doc.pages)
    print(f"OCR: {n} image-only pages ({ocrd} OCR'd by us), one process each")
    print(f"  bare tesseract CLI      {n / bare.wall:8.2f} pages/s  ({bare.wall / n:.2f} s/page)")
    print(f"  readingroom OCR         {n / ours.wall:8.2f} pages/s  ({ours.wall / n:.2f} s/page)"
          f"   ratio {bare.wall / ours.wall:.2f}x   (by CPU time {bare.cpu / ours.cpu:.2f}x)")
    wall, cpu = bare.wall + rendering.wall, bare.cpu + rendering.cpu
    print(f"  bare PyMuPDF render to PNG + tesseract CLI  ratio {wall / ours.wall:.2f}x   (by CPU time {cpu / ours.cpu:.2f}x)")
    return chosen


def _ocr_file(path: Path) -> int:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    return sum(len(d.pages) for d in load_bytes(path.read_bytes(), str(path), IngestOptions(ocr="auto"))
               if hasattr(d, "pages"))


def bench_scaling(chosen: list[tuple[Path, int]]) -> None:
    """The loading stage (OCR) in 1, 2, ... processes, as `ingest --workers` runs it, after
    start-up; then the whole `readingroom ingest`, start-up, NLP and embedding included."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i, (path, number) in enumerate(chosen):
            out = pymupdf.open()
            out.insert_pdf(pymupdf.open(path), from_page=number, to_page=number)
            out.save(folder / f"page{i:03d}.pdf")
        files = sorted(folder.iterdir())
        counts = sorted({1, 2, os.cpu_count() or 1})
        loads = {}
        for workers in counts:
            with multiprocessing.get_context("spawn").Pool(workers) as pool:
                pool.map(_ocr_file, files[:workers])          # start-up and warm-up, untimed
                start = time.perf_counter()
                pool.map(_ocr_file, files, chunksize=1)
                loads[workers] = len(files) / (time.perf_counter() - start)
            print(f"  OCR'd loading, {workers} process(es): {loads[workers]:6.2f} pages/s")
        for workers in counts[1:]:
            print(f"  scaling 1 -> {workers} processes: {loads[workers] / loads[1]:.2f}x")
        rates = {}
        for workers in (1, 2):
            db = Path(tmp) / f"w{workers}.db"
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "readingroom.cli", "--corpus", str(db), "ingest", str(folder),
                            "--workers", str(workers)], check=True, capture_output=True)
            rates[workers] = len(chosen) / (time.perf_counter() - start)
            print(f"  whole ingest, {workers} worker(s): {rates[workers]:6.2f} pages/s (OCR, NLP, embedding, startup)")
        print(f"  scaling 1 -> 2 workers: {rates[2] / rates[1]:.2f}x")


def bench_signatures(limit: int) -> None:
    """Loading scanned agreements with and without the second reading of their signature page."""
    import ingest.loaders.pdf as pdf_loader
    folder = SHARED / "moa" if SHARED.exists() else ROOT / "corpus" / "sample" / "moa"
    scans = [p for p in sorted(folder.glob("*.pdf")) if any(image_coverage(page) >= 0.5 for page in pymupdf.open(p))]
    chosen = scans[:limit]
    reread = pdf_loader.reread
    times, read = {}, 0
    for with_it in (False, True):
        pdf_loader.reread = reread if with_it else (lambda *args, **kwargs: None)
        with Clock() as clock:
            for path in chosen:
                for doc in load_bytes(path.read_bytes(), str(path), IngestOptions(ocr="auto")):
                    read += with_it and sum(p.signature_text is not None for p in getattr(doc, "pages", []))
        times[with_it] = clock
    pdf_loader.reread = reread
    extra = times[True].wall - times[False].wall
    print(f"signature pages read again: {len(chosen)} scanned MOAs, {read} pages read again")
    print(f"  loading without it  {times[False].wall:7.1f} s    with it {times[True].wall:7.1f} s"
          f"   ratio {times[False].wall / times[True].wall:.2f}x   (by CPU time {times[False].cpu / times[True].cpu:.2f}x)")
    print(f"  {extra / max(read, 1):.2f} s per page read again")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="text-layer pages to time")
    parser.add_argument("--ocr-pages", type=int, default=12, help="image-only pages to OCR")
    parser.add_argument("--scaling", action="store_true", help="also time the whole ingest with 1 and 2 workers")
    parser.add_argument("--signatures", type=int, default=0, metavar="N",
                        help="also time the second reading of signature pages on N scanned MOAs")
    args = parser.parse_args()
    if args.signatures:
        bench_signatures(args.signatures)
    print(f"data: {SHARED if SHARED.exists() else ROOT / 'corpus' / 'sample'}; cores: {os.cpu_count()}")
    text_files, image_pages = classify(pdfs())
    if args.pages > 0:
        bench_text(text_files, args.pages)
    if args.ocr_pages <= 0:
        return
    chosen = bench_ocr(image_pages, args.ocr_pages)
    if args.scaling:
        bench_scaling(chosen)


if __name__ == "__main__":
    main()
