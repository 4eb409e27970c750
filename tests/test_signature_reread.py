"""A scanned signature page whose scanner OCR lost the printed name under the signature's ink:
ingest reads the block again without the coloured ink, column by column."""
from __future__ import annotations

import pymupdf
import pytest

from ingest.load import load_bytes
from ingest.ocr import tesseract_available
from ingest.options import IngestOptions
from nlp.annotate import annotate

pytestmark = pytest.mark.skipif(not tesseract_available(), reason="Tesseract is not installed")

PARAGRAPH = ("MEMORANDUM OF AGREEMENT. This 287(g) MOA does not, is not intended to, shall not be construed to, and may not be relied upon to "
             "create any rights, substantive or procedural, enforceable at law by any person in any matter. "
             "By signing this MOA, each party represents it is fully authorized to enter into this MOA, accepts "
             "the terms, responsibilities, obligations, and limitations of this MOA, and agrees to be bound "
             "thereto to the fullest extent allowed by law.")
LEFT = ["Date: 03/12/2020", "C.M. Cronen", "Assistant Director, Enforcement", "Enforcement and Removal Operations",
        "U.S. Immigration and Customs Enforcement"]
RIGHT = ["Date: 03/14/2020", "Shawn Holloway", "Sheriff", "Benton County Sheriff's Office"]
# what a scanner's OCR made of that block: the sheriff's name lost under the signature
SCANNER_BLOCK = "Date:\nC.M. Cronen\nAssistant Director, Enforcement\nEnforcement and Removal Operations\n" \
                "U.S. Immigration and Customs Enforcement\nDate:\nS\nn\nSheriff\nBenton County Sheriffs Office\n"


def scanned_signature_page(ink=(0.1, 0.2, 0.75)) -> bytes:
    """A one-page PDF like the 2019-2020 agreements: a scan (one page image) with a text layer
    whose block lost the name, and a signature in `ink` written across the printed name."""
    drawn = pymupdf.open()
    page = drawn.new_page()
    # a signature: loops of thick ink across "Shawn Holloway". It is drawn first: where ink
    # crosses toner, a scan shows the toner's black
    points = [pymupdf.Point(325 + 9 * i, 348 + (12 if i % 2 else -9)) for i in range(14)]
    page.draw_polyline(points, color=ink, width=2.2)
    page.draw_bezier((330, 362), (360, 322), (420, 372), (440, 330), color=ink, width=2.0)
    page.insert_textbox(pymupdf.Rect(72, 72, 540, 300), PARAGRAPH, fontsize=11, fontname="tiro")
    for column, lines in ((72, LEFT), (330, RIGHT)):
        for i, line in enumerate(lines):
            page.insert_text((column, 340 + 15 * i), line, fontsize=11, fontname="tiro")
    image = page.get_pixmap(dpi=200)
    scan = pymupdf.open()
    out = scan.new_page()
    out.insert_image(out.rect, pixmap=image)
    layer = PARAGRAPH + "\n" + SCANNER_BLOCK
    out.insert_textbox(pymupdf.Rect(72, 72, 540, 760), layer, fontsize=9, render_mode=3)   # invisible, as OCR'd scans
    return scan.tobytes()


def load(data: bytes):
    return list(load_bytes(data, "signature.pdf", IngestOptions(ocr="auto"), recurse=False))[-1]


def test_name_under_coloured_ink_is_read_again():
    page = load(scanned_signature_page()).pages[0]
    # the page's text stays the scanner's; the block read again is kept beside it
    assert page.method == "text" and "Holloway" not in page.text
    block = page.signature_text
    assert "Holloway" in block
    # read as printed, a column at a time: ICE's signer and titles, then the agency's
    assert block.index("Cronen") < block.index("Customs Enforcement") < block.index("Holloway") \
        < block.index("Benton County")


def test_signer_lost_under_ink_comes_from_the_reread():
    doc = load(scanned_signature_page())
    annotate(doc)
    signers = {s["name"]: s for s in doc.signatories if s["role"] == "signatory"}
    assert set(signers) == {"C.M. Cronen", "Shawn Holloway"}
    assert signers["Shawn Holloway"]["title"] == "Sheriff"
    assert signers["Shawn Holloway"]["organization"] != signers["C.M. Cronen"]["organization"]
    # an investigator can tell a name read under the ink from one in the page's text
    assert signers["Shawn Holloway"]["source"] == "reread" and signers["C.M. Cronen"]["source"] == "text"


def test_page_without_coloured_ink_we_ocr_is_not_read_twice():
    """Black ink cannot be told from print: a page we OCR'd ourselves is not read again."""
    scan = pymupdf.open(stream=scanned_signature_page(ink=(0, 0, 0)))
    bare = pymupdf.open()
    bare.new_page().insert_image(bare[0].rect, stream=scan[0].get_pixmap(dpi=150).tobytes("png"))
    page = load(bare.tobytes()).pages[0]
    assert page.method == "ocr" and "Sheriff" in page.text
    assert page.signature_text is None
