"""Shared fixtures: real bundled documents, and one small corpus ingested once per session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "sample"
JIM_WELLS = SAMPLE / "moa" / "TEXAS__JimWellsCoSO_WSO_MOA_031725.pdf"      # WSO, shifted font
ARCADIA = SAMPLE / "moa" / "FLORIDA__ArcadiaPDFL_TFM_MOA_030425.pdf"       # TFM, form fields
FL_DOC = SAMPLE / "moa" / "FLORIDA__287gJEM_FL_DOC_FL_08-21-2020.pdf"      # JEM
KALVEN = SAMPLE / "foia-scans" / "Kalven_16-1105_Responsive_Letter.pdf"   # image-only scan
EMAIL_WITH_PDF = SAMPLE / "emails" / "Bob_s_CCC_Letter_.msg.eml"
EMAIL_PLAIN = SAMPLE / "emails" / "Re__Quorum_Legislation.msg.eml"
CRENSHAW = SAMPLE / "moa" / "ALABAMA__CrenshawCoAL_WSO_MOA_04.16.2025.pdf"
JIM_WELLS_ID = "121d8621523d7e19a6805e535c8ac5a6d2807f4b4219f727abc1f41d359617e2"
HOSTILE_NAME = '<img src=x onerror=alert(1)>.txt'
HOSTILE_TEXT = '<script>alert("pwned")</script> A released page that tries to run a script. <b>bold</b>.'


@pytest.fixture(scope="session", autouse=True)
def encoder_cache(tmp_path_factory):
    """The ONNX export is made once per session, in a temporary cache (unless the caller's
    READINGROOM_CACHE points at one already: then it is reused)."""
    if not os.environ.get("READINGROOM_CACHE"):
        os.environ["READINGROOM_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    return os.environ["READINGROOM_CACHE"]


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory) -> Path:
    """A folder of real documents (a subset of the sample, to keep the suite quick) plus a
    file that must fail cleanly."""
    folder = tmp_path_factory.mktemp("sample")
    for path in (JIM_WELLS, ARCADIA, FL_DOC, KALVEN, EMAIL_PLAIN):
        shutil.copy(path, folder / path.name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EO")
    return folder


@pytest.fixture(scope="session")
def ingested(sample_folder, tmp_path_factory):
    """(corpus path, ingest summary) for the sample folder."""
    from corpus.store import Corpus
    from ingest.options import IngestOptions
    from readingroom.ingesting import ingest
    path = tmp_path_factory.mktemp("corpus") / "test.db"
    with Corpus(path) as corpus:
        summary = ingest(corpus, [sample_folder], IngestOptions(workers=2))
    return path, summary


@pytest.fixture
def corpus(ingested):
    from corpus.store import Corpus
    with Corpus(ingested[0]) as c:
        yield c


def copy_corpus(source: Path, folder: Path, name: str = "web") -> Path:
    """A copy of a corpus (database, vectors, kept originals) to write to."""
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in (".db", ".faiss"):
        shutil.copy(source.with_suffix(suffix), folder / f"{name}{suffix}")
    kept = source.with_name(source.stem + ".originals")
    if kept.exists():
        shutil.copytree(kept, folder / f"{name}.originals")
    return folder / f"{name}.db"


@pytest.fixture(scope="session")
def web_corpus(ingested, tmp_path_factory) -> Path:
    """The sample corpus, copied, plus a second WSO agreement, a text file whose name and text
    are HTML and a redacted letter (for the reading room's tests, which write tags and notes)."""
    from corpus.store import Corpus
    from ingest.options import IngestOptions
    from readingroom.ingesting import ingest
    path = copy_corpus(ingested[0], tmp_path_factory.mktemp("web"))
    folder = tmp_path_factory.mktemp("hostile")
    (folder / HOSTILE_NAME).write_text(HOSTILE_TEXT)
    shutil.copy(CRENSHAW, folder / CRENSHAW.name)      # a second WSO agreement: clause variants
    redacted_pdf(folder / "redacted_letter.pdf")
    with Corpus(path) as corpus:
        ingest(corpus, [folder], IngestOptions(workers=1))
    return path


def redacted_pdf(path: Path) -> None:
    """A born-digital letter with a black box drawn over a name, released under (b)(6)."""
    import pymupdf
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 100), "U.S. Department of Homeland Security, FOIA Office", fontsize=12)
    page.insert_text((72, 140), "The name of the deputy who signed the detainer is withheld under (b)(6).", fontsize=11)
    page.draw_rect(pymupdf.Rect(72, 160, 300, 190), color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text((72, 220), "Records responsive to your request are enclosed.", fontsize=11)
    pdf.save(path)
