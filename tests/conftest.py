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
