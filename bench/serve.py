"""The reading room's speed, on the 165 shared MOAs, through `readingroom serve` on loopback.

    .venv/bin/python bench/serve.py [--corpus PATH] [--users 20] [--seconds 60] [--queries 60]

1. Search page: GET /search?q=... (hybrid, with facets) for `--queries` questions after a
   warm-up (the model loaded, the index read): median and p95.
2. Page images: the first render of `--renders` pages (PyMuPDF, 100 dpi) and the same pages
   again from the disk cache: median and p95.
3. Load: `--users` simulated readers for `--seconds` seconds (each: a search, a document page,
   its image, and every fourth round a note written with its CSRF token), while
   `readingroom ingest corpus/sample` writes to the same corpus: requests, errors, latency
   percentiles, and whether every note acknowledged is in the corpus (no lost writes).

The corpus is a snapshot of /work/corpora/moa (or --corpus; taken safely even while it is being
ingested, and then on the documents stored so far): its originals are linked into the
copy's originals folder from ../shared/data/moa by file name and SHA-256 (the shared corpus was
ingested before originals were kept). Prints figures; asserts nothing about time.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from corpus.originals import keep, kept_path  # noqa: E402
from corpus.store import Corpus  # noqa: E402

SHARED_CORPUS = Path("/work/corpora/moa/corpus.db")
SHARED_FILES = next((p for p in (ROOT.parent / "shared" / "data" / "moa", Path("/work/shared/data/moa"))
                     if p.exists()), ROOT.parent / "shared" / "data" / "moa")
QUESTIONS = [
    "power and authority to serve warrants of removal", "who signed for ICE", "training of personnel",
    "complaint procedure", "reimbursement of costs", "termination of this agreement", "civil rights laws",
    "language access for limited English proficient", "public information points of contact",
    "non-disclosure of information", "detainer", "48 hours", "Sheriff", "JEM", "warrant service officer",
    "task force model", "Florida", "Texas county jail", "ICE supervision", "liability and responsibility",
    "records subject to public disclosure", "duration of the agreement", "designation of functions",
    "hours of training", "Office of Professional Responsibility", "Joint Intake Center", "immigration detainer",
    "booking process", "release date", "local charges",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def describe(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{name}: n={len(ms)} median {statistics.median(ms):.0f} ms, p95 {pct(ms, 95):.0f} ms, "
            f"max {max(ms):.0f} ms")


def prepare(source: Path, folder: Path) -> Path:
    # the vectors first, then a consistent snapshot of the database (SQLite's backup, WAL included):
    # every vector copied then has its passage in the snapshot, even while an ingest writes the source
    shutil.copy(source.with_suffix(".faiss"), folder / "moa.faiss")
    path = folder / "moa.db"
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    linked = 0
    by_name = {p.name: p for p in SHARED_FILES.rglob("*") if p.is_file()} if SHARED_FILES.exists() else {}
    with Corpus(path) as corpus:
        for row in corpus.rows("SELECT id, file_name, path FROM documents WHERE parent_id IS NULL"):
            candidate = Path(row["path"]) if Path(row["path"]).is_file() else by_name.get(row["file_name"])
            if candidate and hashlib.sha256(candidate.read_bytes()).hexdigest() == row["id"]:
                keep(path, row["id"], candidate.read_bytes(), candidate)
                linked += 1
    print(f"corpus copy {path}: {linked} originals linked from {SHARED_FILES}")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(corpus: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OMP_THREAD_LIMIT="1")
    proc = subprocess.Popen([sys.executable, "-m", "readingroom", "--corpus", str(corpus), "serve", "--port",
                             str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def timed(client: httpx.Client, url: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.get(url)
    return time.perf_counter() - started, response


def bench_search(base: str, n: int) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        for q in QUESTIONS[:5]:                                   # warm: model, index, SQLite pages
            client.get("/search", params={"q": q})
        times = []
        for i in range(n):
            t, r = timed(client, f"/search?q={QUESTIONS[i % len(QUESTIONS)]}&page={1 + (i // len(QUESTIONS)) % 2}")
            r.raise_for_status()
            times.append(t)
        print(describe("search page (hybrid, facets, warm)", times))
        times = [timed(client, f"/search?q={q}&mode=keyword")[0] for q in QUESTIONS[:20]]
        print(describe("search page (keyword)", times))


def bench_images(base: str, corpus: Path, n: int) -> list[tuple[str, int]]:
    with Corpus(corpus) as c:
        pages = [(r["id"], p) for r in c.rows("SELECT id, page_count FROM documents WHERE media_type = 'application/pdf'"
                                               " AND parent_id IS NULL") for p in range(1, (r["page_count"] or 0) + 1)
                 if kept_path(corpus, r["id"]).exists()]
    random.Random(7).shuffle(pages)
    chosen = pages[:n]
    with httpx.Client(base_url=base, timeout=60) as client:
        first = [timed(client, f"/doc/{d}/page/{p}.png?dpi=100") for d, p in chosen]
        assert all(r.status_code == 200 for _, r in first), [r.status_code for _, r in first]
        again = [timed(client, f"/doc/{d}/page/{p}.png?dpi=100")[0] for d, p in chosen]
    print(describe("page image, first render (100 dpi)", [t for t, _ in first]))
    print(describe("page image, cached", again))
    print(f"  mean PNG {statistics.mean(len(r.content) for _, r in first) / 1024:.0f} KiB")
    return pages


def bench_load(base: str, corpus: Path, pages: list[tuple[str, int]], users: int, seconds: float) -> None:
    ingest = subprocess.Popen([sys.executable, "-m", "readingroom", "--corpus", str(corpus), "ingest",
                               str(ROOT / "corpus" / "sample"), "--workers", "1"], cwd=ROOT,
                              env=dict(os.environ, HF_HUB_OFFLINE="1", OMP_THREAD_LIMIT="1"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    notes_ok: list[str] = []

    def user(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=base, timeout=60, headers={"origin": base}) as client:
            round_ = 0
            while time.monotonic() < stop:
                round_ += 1
                doc, page = rng.choice(pages)
                steps = [f"/search?q={rng.choice(QUESTIONS)}", f"/doc/{doc}?page={page}&q=warrant",
                         f"/doc/{doc}/page/{page}.png?dpi=100"]
                for url in steps:
                    try:
                        t, r = timed(client, url)
                    except httpx.HTTPError as err:
                        with lock:
                            errors.append(f"{url}: {type(err).__name__}")
                        continue
                    with lock:
                        latencies.append(t)
                        if r.status_code != 200:
                            errors.append(f"{url}: {r.status_code}")
                    if "/doc/" in url and url.endswith("q=warrant") and round_ % 4 == 0 and r.status_code == 200:
                        token = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
                        text = f"bench note {number}-{round_}"
                        w = client.post(f"/doc/{doc}/note", data={"csrf": token, "page": str(page), "text": text})
                        with lock:
                            (notes_ok.append(text) if w.status_code in (200, 303) else
                             errors.append(f"note: {w.status_code}"))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    ingest_running = ingest.poll() is None
    ingest_out = " ".join(ingest.communicate()[0].decode(errors="replace").split())
    with Corpus(corpus) as c:
        stored = {r["text"] for r in c.rows("SELECT text FROM notes WHERE text LIKE 'bench note %'")}
    lost = [t for t in notes_ok if t not in stored]
    print(f"load: {users} users, {elapsed:.0f} s, {len(latencies)} requests ({len(latencies) / elapsed:.1f}/s), "
          f"{len(errors)} errors; " + describe("latency", latencies).split(": ", 1)[1])
    print(f"  notes written {len(notes_ok)}, found in the corpus {len(notes_ok) - len(lost)}, lost {len(lost)}")
    print(f"  ingest during the load: {'still running at the end' if ingest_running else 'finished'}; "
          f"{ingest_out[-300:]}")
    for e in errors[:10]:
        print("  error:", e)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--renders", type=int, default=40)
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"no corpus at {args.corpus}")
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        corpus = prepare(args.corpus, Path(tmp))
        port = free_port()
        server = start_server(corpus, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with Corpus(corpus) as c:
                print(f"{c.counts()['documents']} documents, {c.counts()['pages']} pages, {c.counts()['chunks']} passages")
            bench_search(base, args.queries)
            pages = bench_images(base, corpus, args.renders)
            bench_load(base, corpus, pages, args.users, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
