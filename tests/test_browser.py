"""The reading room in a real browser: Playwright (PyPI) driving Debian's chromium against
`readingroom serve` running as its own process on the sample corpus. Screenshots of the main pages
go to $READINGROOM_SCREENSHOTS when it is set (the README's come from here)."""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import HOSTILE_NAME, JIM_WELLS_ID

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = os.environ.get("READINGROOM_SCREENSHOTS")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (make system)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m readingroom --corpus PATH serve --port N`, as a user starts it."""

    def __init__(self, corpus: Path):
        self.corpus, self.port, self.process = corpus, _free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OMP_THREAD_LIMIT="1")
        self.process = subprocess.Popen([sys.executable, "-m", "readingroom", "--corpus", str(self.corpus), "serve",
                                         "--port", str(self.port)], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {self.process.stdout.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("serve did not start listening within 120 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(web_corpus):
    s = Server(web_corpus).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    p = context.new_page()
    p.dialogs = []
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    p.failed = []
    p.on("requestfailed", lambda r: p.failed.append(r.url))
    p.on("response", lambda r: p.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield p
    context.close()


def shot(page, name: str) -> None:
    """A screenshot for the README, in 64 colours to keep it small."""
    if SHOTS:
        from PIL import Image
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        image = Image.open(io.BytesIO(page.screenshot())).convert("RGB").quantize(colors=64)
        image.save(Path(SHOTS) / f"{name}.png", optimize=True)


def _image_ready(page) -> None:
    """The page image has loaded (the load event waits for it; the strict CSP forbids Playwright's
    string predicates, which it evaluates with eval)."""
    page.wait_for_load_state("load")
    assert page.locator("#page-img").evaluate("img => img.complete && img.naturalWidth") > 0


def _ink_inside(page, box) -> float:
    """Share of dark pixels of the page image within a box on the screen."""
    from PIL import Image
    png = page.screenshot(clip={"x": box["x"], "y": box["y"], "width": max(1, box["width"]),
                                "height": max(1, box["height"])})
    gray = Image.open(io.BytesIO(png)).convert("L")
    histogram = gray.histogram()
    return sum(histogram[:110]) / max(1, sum(histogram))


def test_search_click_a_hit_and_see_it_outlined_on_the_page(server, page):
    page.goto(f"{server.url}/search?q=warrants+of+removal&mode=keyword")
    shot(page, "search")
    page.locator("li.hit a.cite", has_text="JimWells").first.click()
    _image_ready(page)
    boxes = page.locator("svg#outline rect.hitbox")
    assert boxes.count() >= 1
    image = page.locator("#page-img").bounding_box()
    first = boxes.first.bounding_box()
    assert image["x"] <= first["x"] <= image["x"] + image["width"]
    assert image["y"] <= first["y"] <= image["y"] + image["height"]
    assert first["width"] > 5 and first["height"] > 3
    assert _ink_inside(page, first) > 0.05, "the outline should sit on printed words"
    page.evaluate("document.getElementById('outline').classList.add('never')")   # the screenshot keeps it
    shot(page, "document")
    page.click("#toggle-outline")          # the small script hides it
    assert not page.locator("svg#outline").is_visible()
    assert not page.dialogs and not page.failed


def test_the_outline_on_an_ocrd_scan_sits_on_ink(server, page):
    from corpus.store import Corpus
    with Corpus(server.corpus) as corpus:
        kalven = corpus.rows("SELECT id FROM documents WHERE file_name LIKE 'Kalven%'")[0]["id"]
    page.goto(f"{server.url}/doc/{kalven}?page=1&q=Freedom+of+Information")
    _image_ready(page)
    boxes = page.locator("svg#outline rect.hitbox")
    assert boxes.count() >= 2
    assert _ink_inside(page, boxes.first.bounding_box()) > 0.05


def test_a_facet_narrows_the_results_and_its_count_matches(server, page):
    page.goto(f"{server.url}/search?q=warrants+of+removal&mode=keyword")
    link = page.locator('section[data-facet="model"] a[data-value="TFM"]')
    count = int(link.locator("xpath=following-sibling::span[@class='count']").inner_text())
    before = int(page.inner_text("#document-count"))
    link.click()
    page.wait_for_url("**model=TFM**")
    assert int(page.inner_text("#document-count")) == count < before
    names = page.locator("li.hit a.cite").all_inner_texts()
    assert names and all("Arcadia" in n for n in names)


def test_an_entity_page_lists_its_documents(server, page):
    page.goto(f"{server.url}/entities?type=PERSON")
    page.click("text=Todd M. Lyons")
    assert page.inner_text("#entity-name").startswith("Todd M. Lyons")
    rows = page.locator(f'#entity-documents tr[data-doc="{JIM_WELLS_ID}"]')
    assert rows.count() == 1 and "JimWells" in rows.inner_text()
    shot(page, "entity")


def test_a_signatory_link_opens_the_signature_page(server, page):
    page.goto(f"{server.url}/agreements")
    shot(page, "agreements")
    page.locator(f"tr[data-doc=\"{JIM_WELLS_ID}\"] a.signer", has_text="Todd M. Lyons").click()
    _image_ready(page)
    assert "Lyons" in page.inner_text("#pagetext")
    assert page.locator("svg#outline rect.hitbox").count() >= 1


def test_a_tag_and_a_note_survive_a_server_restart(web_corpus, browser):
    first = Server(web_corpus).start()
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{first.url}/doc/{JIM_WELLS_ID}?page=3")
        page.fill("#tag-form input[name=tag]", "sent-to-legal")
        page.click("#tag-form button")
        page.fill("#note-form textarea", "Check the training hours against the 2019 form.")
        page.click("#note-form button")
        assert "sent-to-legal" in page.inner_text("#marks")
    finally:
        first.stop()
    second = Server(web_corpus).start()
    try:
        page.goto(f"{second.url}/doc/{JIM_WELLS_ID}?page=3")
        marks = page.inner_text("#marks")
        assert "sent-to-legal" in marks and "Check the training hours against the 2019 form." in marks
        page.goto(f"{second.url}/search?q=warrants&mode=keyword")
        assert page.locator('section[data-facet="tag"] a[data-value="sent-to-legal"]').count() == 1
    finally:
        second.stop()
        context.close()


def test_the_clause_matrix_renders_and_a_cell_opens_its_redline(server, page):
    page.goto(f"{server.url}/clauses")
    cells = page.locator("table.matrix td.cell")
    assert cells.count() > 50
    page.locator("#matrix-wso").scroll_into_view_if_needed()     # the model with variants
    page.evaluate("() => window.scrollBy(0, document.getElementById('matrix-wso').getBoundingClientRect().top - 10)")
    shot(page, "clauses")
    cell = page.locator('table.matrix td.cell[data-status="variant"]:has(a)').first
    key = cell.get_attribute("data-key")
    cell.locator("a").click()
    assert key in page.inner_text("#redline-key")
    redline = page.locator("#redline")
    assert redline.locator("del, ins").count() >= 1
    assert not page.failed


def test_traversal_gets_404_and_injected_markup_stays_text(server, page):
    for path in ("/doc/..%2f..%2f..%2fetc%2fpasswd", "/static/..%2fapp.py", f"/doc/{JIM_WELLS_ID}/page/999.png"):
        assert page.goto(server.url + path).status == 404
    from corpus.store import Corpus
    with Corpus(server.corpus) as corpus:
        hostile = corpus.rows("SELECT id FROM documents WHERE file_name = ?", [HOSTILE_NAME])[0]["id"]
    page.goto(f"{server.url}/doc/{hostile}")
    assert "<script>alert" in page.inner_text("#pagetext")
    assert HOSTILE_NAME in page.locator("main p.meta").first.inner_text() and "<script>" in page.inner_text("h1")
    assert page.locator("main img[src='x']").count() == 0 and not page.dialogs
