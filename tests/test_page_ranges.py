"""Work units below the file: a long PDF or TIFF loads in page ranges in parallel, is reassembled
in page order and stored whole, the same as when it is one unit; a range that fails is recorded
with its pages and the rest of the document is stored; a unit whose worker is killed runs again."""
from __future__ import annotations

import io
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pymupdf

from conftest import JIM_WELLS, KALVEN


def snapshot(db: Path) -> dict:
    """What an ingest stores, without row ids (and the number of vectors)."""
    conn = sqlite3.connect(db)
    q = lambda sql: sorted(map(repr, conn.execute(sql).fetchall()))
    out = {
        "documents": q("SELECT id, parent_id, path, file_name, doc_type, title, doc_date, page_count, source_meta"
                       " FROM documents"),
        "pages": q("SELECT document_id, page_number, text, method, ocr_confidence, quality, signature_text"
                   " FROM pages"),
        "words": q("SELECT document_id, page_number, words, boxes FROM page_words"),
        "passages": q("SELECT document_id, first_page, last_page, char_start, char_end, section, text, context"
                      " FROM chunks"),
        "mentions": q("SELECT m.document_id, m.page_number, m.start, m.end, m.text, e.type, e.name"
                      " FROM mentions m JOIN entities e ON e.id = m.entity_id"),
        "errors": q("SELECT path, stage FROM ingest_errors"),
    }
    conn.close()
    import faiss
    vectors = db.with_suffix(".faiss")
    out["vectors"] = faiss.read_index(str(vectors)).ntotal if vectors.exists() else None
    return out


def ingest_into(db: Path, paths: list[Path], **options):
    from corpus.store import Corpus
    from ingest.options import IngestOptions
    from readingroom.ingesting import ingest
    executor = options.pop("executor", None)
    embed = options.pop("embed", True)
    with Corpus(db) as corpus:
        return ingest(corpus, paths, IngestOptions(**options), embed=embed, executor=executor)


def scanned_pdf(path: Path, pages: list[int], dpi: int = 100) -> Path:
    """A scan-only PDF of Kalven's pages (by index), as images: OCR'd page by page."""
    source, out = pymupdf.open(KALVEN), pymupdf.open()
    for index in pages:
        pix = source[index].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        page = out.new_page(width=source[index].rect.width, height=source[index].rect.height)
        page.insert_image(page.rect, stream=pix.tobytes("png"))
    out.save(path)
    return path


def test_a_pdf_loaded_in_page_ranges_is_stored_as_loaded_whole(tmp_path):
    # Jim Wells: 10 pages with a shifted font, learnt from the whole document and undone on 3 pages
    whole = tmp_path / "whole.db"
    split = tmp_path / "split.db"
    one = ingest_into(whole, [JIM_WELLS], workers=1, unit_pages=100)
    parts = ingest_into(split, [JIM_WELLS], workers=2, unit_pages=3)     # ranges 1-3, 4-6, 7-9, 10
    assert parts.pages == one.pages == 10 and parts.repaired_pages == one.repaired_pages > 0
    assert not parts.errors and parts.embedded == parts.chunks == one.chunks
    assert snapshot(split) == snapshot(whole)
    conn = sqlite3.connect(split)
    assert [r[0] for r in conn.execute("SELECT page_number FROM pages ORDER BY rowid")] == list(range(1, 11))


def test_vectors_made_in_the_workers_are_the_corpus_encoder_s_of_the_stored_text(tmp_path, monkeypatch):
    import readingroom.ingesting
    from corpus.context import texts_to_embed
    from corpus.store import Corpus
    from index.sync import encoder_for, open_index
    monkeypatch.setattr(readingroom.ingesting, "EMBED_UNIT", 8)     # 36 passages: embedded in 5 slices
    db = tmp_path / "c.db"
    done = ingest_into(db, [JIM_WELLS], workers=2, unit_pages=4)
    assert done.embedded == done.chunks == 36
    with Corpus(db) as corpus:
        ids, stored = open_index(corpus).all_vectors()
        texts = dict(texts_to_embed(corpus, ids.tolist()))
        again = encoder_for(corpus).encode([texts[i] for i in ids.tolist()])
    assert len(ids) == len(set(ids.tolist())) == len(texts) > 0
    assert float(np.min(np.sum(stored * again, axis=1))) > 0.999      # the same vectors, to float noise


def test_a_multi_frame_tiff_in_frame_ranges(tmp_path):
    from PIL import Image
    source = pymupdf.open(KALVEN)
    frames = [source[i].get_pixmap(dpi=120, colorspace=pymupdf.csGRAY) for i in (0, 1, 0)]
    images = [Image.frombytes("L", (f.width, f.height), f.samples) for f in frames]
    out = io.BytesIO()
    images[0].save(out, format="TIFF", save_all=True, append_images=images[1:])
    tiff = tmp_path / "scan.tif"
    tiff.write_bytes(out.getvalue())
    ingest_into(tmp_path / "whole.db", [tiff], workers=1, embed=False)
    done = ingest_into(tmp_path / "split.db", [tiff], workers=2, unit_pages=1, embed=False)
    assert done.pages == done.ocr_pages == 3 and not done.errors
    whole, split = snapshot(tmp_path / "whole.db"), snapshot(tmp_path / "split.db")
    assert split["pages"] == whole["pages"] and split["words"] == whole["words"]
    texts = [r[0] for r in sqlite3.connect(tmp_path / "split.db").execute("SELECT text FROM pages ORDER BY page_number")]
    assert texts[0] == texts[2] != texts[1] and "Kalven" in texts[0] + texts[1]


def test_a_range_that_fails_is_recorded_with_its_pages_and_the_rest_is_stored(tmp_path):
    # five pages: text, text, a scan read at 900 dpi (Tesseract takes many seconds: past a
    # 2-second limit without progress, whatever the machine does), text, text; ranges of two
    pdf = pymupdf.open()
    for n in range(1, 6):
        if n == 3:
            pdf.insert_pdf(pymupdf.open(KALVEN), from_page=0, to_page=0)
            continue
        page = pdf.new_page()
        page.insert_text((72, 100), f"Page {n} of the memorandum of agreement between ICE and the "
                                    f"Sheriff of Jim Wells County, Texas.", fontsize=10)
    path = tmp_path / "release.pdf"
    pdf.save(path)
    done = ingest_into(tmp_path / "c.db", [path], workers=2, unit_pages=2, timeout=2, dpi=900, embed=False)
    assert done.documents == 1 and done.pages == 5
    [failed] = done.errors
    assert failed.path == f"{path}#pages=3-4" and failed.stage == "timeout" and failed.reason.startswith("pages 3-4:")
    conn = sqlite3.connect(tmp_path / "c.db")
    pages = conn.execute("SELECT page_number, method, text FROM pages ORDER BY page_number").fetchall()
    assert [(n, m) for n, m, _ in pages] == [(1, "text"), (2, "text"), (3, "failed"), (4, "failed"), (5, "text")]
    assert "Page 5 of the memorandum" in pages[4][2] and pages[2][2] == pages[3][2] == ""
    assert conn.execute("SELECT path, stage FROM ingest_errors").fetchall() == [(f"{path}#pages=3-4", "timeout")]


def test_a_local_worker_killed_mid_unit_is_replaced_and_the_unit_runs_again(tmp_path):
    from readingroom.executors import LocalPool
    scan = scanned_pdf(tmp_path / "scan.pdf", [0, 1, 0, 1])
    ingest_into(tmp_path / "clean.db", [scan], workers=1, unit_pages=1)
    pool = LocalPool(1)
    killed = []

    def kill_one_busy_worker():
        deadline = time.monotonic() + 300
        while not killed and time.monotonic() < deadline:
            for worker in list(pool.pool.workers if pool.pool else []):
                if type(worker.job).__name__ == "PagesUnit" and worker.job.first == 2:
                    time.sleep(0.3)            # mid-OCR of page 2 (or of the next unit)
                    if worker.job is None:
                        continue
                    os.kill(worker.process.pid, signal.SIGKILL)
                    killed.append(worker.process.pid)
                    return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_one_busy_worker, daemon=True)
    killer.start()
    done = ingest_into(tmp_path / "killed.db", [scan], workers=1, unit_pages=1, executor=pool)
    killer.join(5)
    assert killed and done.retried == 1 and not done.errors
    assert snapshot(tmp_path / "killed.db") == snapshot(tmp_path / "clean.db")
