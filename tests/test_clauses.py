"""Splitting agreements into clauses: real born-digital and OCR'd MOAs, and OCR-style headings."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus.records import Page
from nlp.clauses import split_clauses
from nlp.structure import find_headings

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "sample" / "moa"
CRENSHAW = SAMPLE / "ALABAMA__CrenshawCoAL_WSO_MOA_04.16.2025.pdf"     # OCR'd text layer
JIM_WELLS = SAMPLE / "TEXAS__JimWellsCoSO_WSO_MOA_031725.pdf"          # shifted font, control characters
ARCADIA = SAMPLE / "FLORIDA__ArcadiaPDFL_TFM_MOA_030425.pdf"           # TFM: sections only


def _pages(path: Path) -> list[Page]:
    from ingest.load import load_bytes, read_file
    from ingest.options import IngestOptions
    options = IngestOptions(ocr="never", workers=1)
    doc = list(load_bytes(read_file(path, options), str(path), options, recurse=False))[-1]
    return doc.pages


@pytest.fixture(scope="module")
def crenshaw():
    return split_clauses(_pages(CRENSHAW))


def _outline(clauses):
    return [(c["level"], c["key"]) for c in clauses]


WSO_OUTLINE = [
    (1, "preamble"), (1, "parties"), (1, "purpose"), (1, "authority"), (1, "responsibilities"),
    (2, "designation-of-authorized-functions"), (2, "nomination-of-personnel"), (2, "training-of-personnel"),
    (2, "certification-and-authorization"), (2, "costs-and-expenditures"), (2, "ice-supervision"),
    (2, "interpretation-services"), (2, "liability-and-responsibility"), (2, "civil-rights-standards"),
    (1, "reporting-and-documentation"), (2, "complaint-procedures"), (2, "communication"),
    (2, "release-of-information-to-third-parties"), (1, "modifications"), (1, "points-of-contact"),
    (1, "effective-date-and-termination"), (0, "appendix/standard-operating-procedures"),
    (0, "appendix/complaint-procedures"), (0, "appendix/public-information-points-of-contact"),
]


def test_ocr_scan_splits_into_the_template_outline(crenshaw):
    assert _outline(crenshaw) == WSO_OUTLINE
    by_key = {c["key"]: c for c in crenshaw}
    # printed as OCR read them, understood as the template meant them
    assert by_key["civil-rights-standards"]["heading"] == "I. CML RIGHTS STANDARDS"      # subsection I, after H
    assert by_key["communication"]["heading"] == "8. COMMUNICATION"                      # B read as 8
    assert by_key["modifications"]["heading"] == "VI. MODIFICATIONS TO Tms MOA"          # numeral alone on its line
    assert by_key["appendix/standard-operating-procedures"]["heading"].startswith("APPENDIXA")
    assert [c["position"] for c in crenshaw] == list(range(len(crenshaw)))
    assert by_key["civil-rights-standards"]["page_number"] == 5
    assert by_key["appendix/complaint-procedures"]["page_number"] == 9


def test_clause_texts_are_the_clause_and_nothing_else(crenshaw):
    by_key = {c["key"]: c for c in crenshaw}
    training = by_key["training-of-personnel"]["text"]
    assert "minimum score of 70 percent" in training
    assert "CERTIFICATION AND AUTHORIZATION" not in training
    assert by_key["reporting-and-documentation"]["text"] == ""
    # running footers ("Crenshaw County Sheriff's Office" / "Rev 2/14/25 3") are not clause text
    assert not any("Rev 2/14/25" in c["text"] for c in crenshaw)
    # the signature block (names, dates) is cut after "By signing this MOA ... allowed by law."
    termination = by_key["effective-date-and-termination"]["text"]
    assert termination.rstrip().endswith("allowed by law.")
    assert "Signature" not in termination


def test_born_digital_with_control_characters_and_a_lost_label():
    clauses = split_clauses(_pages(JIM_WELLS))
    assert _outline(clauses) == WSO_OUTLINE
    by_key = {c["key"]: c for c in clauses}
    assert by_key["interpretation-services"]["heading"] == "G. INTERPRETATION SERVICES"   # "G.\x03INTERPRETATION"
    # the shifted font turned "VI." into "sfK": the template title still makes it a section
    assert by_key["modifications"]["heading"] == "sfK MODIFICATIONS TO THIS MOA"
    assert "sfK" not in by_key["release-of-information-to-third-parties"]["text"]


def test_task_force_model_sections_and_appendices():
    clauses = split_clauses(_pages(ARCADIA))
    keys = [c["key"] for c in clauses]
    assert keys[0] == "preamble" and "Task Force Model" in clauses[0]["text"]
    assert keys[1:4] == ["purpose", "authority", "policy"]
    assert "effective-date-suspension-and-termination" in keys
    assert [c["key"] for c in clauses if c["level"] == 0] == [
        "appendix/points-of-contact", "appendix/complaint-procedures", "appendix/public-information-points-of-contact"]
    assert all(c["level"] == 1 for c in clauses if c["level"] != 0)
    # an appendix is kept whole: its numbered parts are not clauses of the agreement
    complaint = next(c for c in clauses if c["key"] == "appendix/complaint-procedures")
    assert "2. Review of Complaints" in complaint["text"]


OCR_PAGE = """MEMORANDUM OF AGREEMENT
287(g) Jail Enforcement Model
I. PARTIES
This agreement is between ICE and the Example County Sheriff's Office.
Ill. AUTHORITY
Section 287(g) of the Immigration and Nationality Act.
IV. RESPONSIBILITIES
ICE retains sole discretion.
A. DESIGNATION OF AUTHORIZED
FUNCTIONS
Approved participating personnel will be authorized to perform functions.
G.INTERPRETATION SERVICES
Interpreters will be provided as needed.
H.. LIABILITY AND RESPONSIBILITY
The LEA will bear the costs.
I. CIVIL RIGHTS ST AND ARDS
Participating personnel are bound by all Federal civil rights laws. Signed by
C.M. Cronen
U.S. Immigration and Customs Enforcement
V.
REPORTING AND DOCUMENTATION
A.COMPLAINT PROCEDURES
See Appendix B.
8. COMMUNICATION
The parties shall meet at least annually.
"""
APPENDIX_PAGE = """APPENDIXB
COMPLAINT PROCEDURE
The training and performance of participating personnel are to be monitored.
1. Complaint Reporting Procedures
Complaints will be accepted from any source.
A. Telephonically to the ICE OPR
"""


def test_ocr_style_headings():
    clauses = split_clauses([Page(1, OCR_PAGE), Page(2, APPENDIX_PAGE)])
    got = [(c["level"], c["heading"]) for c in clauses]
    assert got == [
        (1, ""),
        (1, "I. PARTIES"),
        (1, "Ill. AUTHORITY"),                                   # III, l for I
        (1, "IV. RESPONSIBILITIES"),
        (2, "A. DESIGNATION OF AUTHORIZED FUNCTIONS"),           # title over two lines
        (2, "G.INTERPRETATION SERVICES"),                        # no space after the label
        (2, "H.. LIABILITY AND RESPONSIBILITY"),
        (2, "I. CIVIL RIGHTS ST AND ARDS"),                      # subsection I (after H), not section one
        (1, "V. REPORTING AND DOCUMENTATION"),                   # numeral alone, title on the next line
        (2, "A.COMPLAINT PROCEDURES"),
        (2, "8. COMMUNICATION"),                                 # B, read as 8
        (0, "APPENDIXB COMPLAINT PROCEDURE"),
    ]
    by_heading = {c["heading"]: c for c in clauses}
    assert by_heading["I. CIVIL RIGHTS ST AND ARDS"]["key"] == "civil-rights-standards"
    assert "C.M. Cronen" in by_heading["I. CIVIL RIGHTS ST AND ARDS"]["text"]     # initials, not a heading
    assert by_heading["APPENDIXB COMPLAINT PROCEDURE"]["page_number"] == 2
    assert "1. Complaint Reporting Procedures" in by_heading["APPENDIXB COMPLAINT PROCEDURE"]["text"]


def test_find_headings_still_serves_chunking():
    headings = find_headings(OCR_PAGE)
    texts = [h.text for h in headings]
    assert "I. PARTIES" in texts and "III. AUTHORITY" in texts and "A. DESIGNATION OF AUTHORIZED FUNCTIONS" in texts
    assert "G. INTERPRETATION SERVICES" in texts
    assert not any("Cronen" in t or "Immigration" in t for t in texts)
    assert find_headings("APPENDIX A\nSTANDARD OPERATING PROCEDURES (SOP)\nThe purpose")[0].text == \
        "APPENDIX A STANDARD OPERATING PROCEDURES (SOP)"
