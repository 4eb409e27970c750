"""Loaders on real samples, and every kind of bad input on generated files."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pymupdf
import pytest

from conftest import ARCADIA, EMAIL_WITH_PDF, JIM_WELLS, KALVEN, SAMPLE, redacted_pdf
from corpus.records import Document, Failure
from ingest.detect import sniff
from ingest.load import load_bytes
from ingest.options import IngestOptions
from ingest.quality import best_shift, quality, shift_text, unshift


def load(data: bytes, name: str, **options) -> list[Document | Failure]:
    return list(load_bytes(data, name, IngestOptions(**options)))


def only_document(data: bytes, name: str, **options) -> Document:
    *_, doc = load(data, name, **options)
    assert isinstance(doc, Document), doc
    return doc


def failure_of(data: bytes, name: str, **options) -> Failure:
    [failure] = load(data, name, **options)
    assert isinstance(failure, Failure)
    return failure


# -- detection --------------------------------------------------------------------------------

def test_sniff_trusts_bytes_over_names():
    assert sniff(JIM_WELLS.read_bytes(), "agreement.txt") == "application/pdf"
    assert sniff(EMAIL_WITH_PDF.read_bytes(), "mail.bin") == "message/rfc822"
    assert sniff(b"just some words\n", "x.pdf") == "text/plain"
    assert sniff(b"", "x.pdf") == "application/x-empty"
    assert sniff(bytes(range(256)) * 10, "x.dat") == "application/octet-stream"


# -- real documents ---------------------------------------------------------------------------

def test_shifted_font_is_repaired_on_the_signature_and_contact_pages():
    doc = only_document(JIM_WELLS.read_bytes(), str(JIM_WELLS), ocr="never")
    assert doc.pages[6].method == "unshifted"
    assert "Signature" in doc.pages[6].text and "6LJQDWXUH" not in doc.pages[6].text
    assert "Joseph Baker" in doc.pages[6].text            # the filled-in values are left alone
    contact = doc.pages[9].text
    assert "Captain Felix Saenz" in contact
    assert "300 N. Cameron Street, Alice, Texas 78332" in contact
    assert doc.pages[0].method == "text"


def test_shift_detection_on_generated_text_and_not_on_plain_text():
    plain = "The LEA shall provide notification to the ICE officer immediately after service of a warrant."
    assert best_shift(plain) is None
    garbled = shift_text("Name Signature Title Agency Captain Felix Saenz", -29)
    assert best_shift(garbled) == 29
    repaired, lines = unshift(garbled + "\nJoseph Baker", 29)
    assert repaired.splitlines() == ["Name Signature Title Agency Captain Felix Saenz", "Joseph Baker"]
    assert lines == 1


def test_form_field_values_are_part_of_the_page_text():
    doc = only_document(ARCADIA.read_bytes(), str(ARCADIA), ocr="never")
    assert "Arcadia Police Dept (APD)" in doc.pages[0].text      # lives only in a form field
    assert "March 5, 2025" in doc.pages[8].text
    assert doc.title == "287(g) MOA TF - Arcadia Police Department"


def test_scanned_page_is_ocrd_with_confidence():
    doc = only_document(KALVEN.read_bytes(), str(KALVEN))
    assert [p.method for p in doc.pages] == ["ocr", "ocr"]
    assert doc.pages[0].ocr_confidence > 70 and doc.pages[0].quality > 0.8


def test_ocr_never_keeps_an_image_page_empty():
    doc = only_document(KALVEN.read_bytes(), str(KALVEN), ocr="never")
    assert [p.method for p in doc.pages] == ["none", "none"]


def test_email_headers_body_and_pdf_attachment_as_child():
    items = load(EMAIL_WITH_PDF.read_bytes(), str(EMAIL_WITH_PDF))
    attachment, email = items
    assert isinstance(email, Document) and email.doc_type == "email"
    assert email.meta["subject"] == "Bob's CCC Letter"
    assert email.doc_date == "2017-11-17"
    assert "john.grimaldi@dc.gov" in email.meta["addresses"]
    assert email.pages[0].text.startswith('From: "Grimaldi, John J. (BEGA)"')
    # the attachment's name survives a header folded mid-word, and its base64 was sent in pieces
    assert attachment.path.endswith("!LETTER (R Spagnoletti to CM Allen  re Bill 22-0136 - 11-16-17).pdf")
    assert attachment.parent_id == email.id and attachment.media_type == "application/pdf"
    assert "Spagnoletti".upper() in attachment.pages[0].text.upper()


def test_zip_members_are_children_and_hostile_names_go_nowhere(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("letters/hello.txt", "Dear Sheriff, this is a letter about 8 U.S.C. § 1357(g).")
        z.writestr("../../escape.txt", "outside?")
        z.writestr("/etc/passwd.txt", "absolute")
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as z2:
            z2.writestr("deep.txt", "nested member")
        z.writestr("inner.zip", inner.getvalue())
    items = load(buf.getvalue(), str(tmp_path / "production.zip"))
    paths = sorted(i.path.split("!", 1)[1] for i in items if isinstance(i, Document) and "!" in i.path)
    assert paths == ["escape.txt", "etc/passwd.txt", "inner.zip", "inner.zip!deep.txt", "letters/hello.txt"]
    archive = items[-1]
    assert archive.doc_type == "archive" and archive.meta["unsafe_member_names"] == ["../../escape.txt", "/etc/passwd.txt"]
    assert not (tmp_path.parent / "escape.txt").exists()


def test_text_html_csv_and_docx(tmp_path):
    html = b"<html><head><style>x{}</style></head><body><h1>Notice</h1><p>ICE met the sheriff.</p></body></html>"
    assert only_document(html, "a.html").pages[0].text == "Notice\nICE met the sheriff."
    csv_doc = only_document(b"agency,state\nJim Wells County Sheriff's Office,TX\n", "a.csv")
    assert "agency: Jim Wells County Sheriff's Office" in csv_doc.pages[0].text
    import docx
    word = docx.Document()
    word.add_paragraph("Memorandum about the Warrant Service Officer program.")
    path = tmp_path / "memo.docx"
    word.save(path)
    assert "Warrant Service Officer" in only_document(path.read_bytes(), "memo.bin").pages[0].text
    long_text = ("A paragraph of text about records.\n\n" * 400).encode()
    assert len(only_document(long_text, "long.txt").pages) > 3


def test_multipage_tiff_is_ocrd_frame_by_frame(tmp_path):
    pdf = pymupdf.open(KALVEN)
    frames = [pdf[i].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY) for i in range(2)]
    from PIL import Image
    images = [Image.frombytes("L", (f.width, f.height), f.samples) for f in frames]
    out = io.BytesIO()
    images[0].save(out, format="TIFF", save_all=True, append_images=images[1:])
    doc = only_document(out.getvalue(), "scan.tif")
    assert doc.media_type == "image/tiff" and len(doc.pages) == 2
    assert all(p.method == "ocr" and p.ocr_confidence for p in doc.pages)


# -- bad input ---------------------------------------------------------------------------------

def test_empty_file():
    assert failure_of(b"", "empty.pdf").reason == "empty file"


def test_truncated_pdf():
    data = JIM_WELLS.read_bytes()[:5000]
    failure = failure_of(data, "cut.pdf")
    assert "PDF" in failure.reason


def test_encrypted_pdf_needs_its_password(tmp_path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Confidential: the Sheriff's Office signed on March 3, 2025.")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="s3cret", owner_pw="owner")
    assert "encrypted PDF" in failure_of(data, "locked.pdf").reason
    assert "password given does not open it" in failure_of(data, "locked.pdf", password="wrong").reason
    opened = only_document(data, "locked.pdf", password="s3cret")
    assert "signed on March 3, 2025" in opened.pages[0].text


def test_unsupported_type():
    failure = failure_of(bytes(range(256)) * 20, "blob.bin")
    assert failure.stage == "detect" and "unsupported file type" in failure.reason


def test_zip_bomb_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.txt", b"0" * (20 * 2**20))
    assert len(buf.getvalue()) < 100_000
    failure = failure_of(buf.getvalue(), "bomb.zip", max_archive_bytes=5 * 2**20)
    assert "zip bomb" in failure.reason


def test_too_many_zip_members():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(30):
            z.writestr(f"m{i}.txt", "x")
    assert "more than the limit" in failure_of(buf.getvalue(), "many.zip", max_archive_members=10).reason


def test_page_too_large_to_render_keeps_the_document_and_says_why():
    doc = pymupdf.open()
    page = doc.new_page(width=14000, height=14000)
    page.draw_rect(pymupdf.Rect(10, 10, 13000, 13000), color=(0, 0, 0), width=20)
    loaded = only_document(doc.tobytes(), "huge.pdf")
    assert loaded.pages[0].method == "ocr_failed"
    assert "too large to render" in loaded.meta["warnings"][0]


def test_file_over_the_size_limit_is_not_read(tmp_path):
    from ingest.errors import IngestError
    from ingest.load import read_file
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-" + b"0" * 2048)
    with pytest.raises(IngestError, match="over the limit"):
        read_file(big, IngestOptions(max_file_bytes=1024))


def test_word_97_attachment_is_a_child_read_by_catdoc():
    """A released email carrying a Word 97 .doc: OLE2 bytes sniffed by their streams (not
    taken for an Outlook message), the text read by catdoc, linked to its email."""
    data = (SAMPLE / "emails" / "RE__BEGA_Legislation(b).msg.eml").read_bytes()
    items = load(data, "mail.eml")
    assert not [i for i in items if isinstance(i, Failure)]
    [word] = [i for i in items if i.media_type == "application/msword"]
    assert word.parent_id == items[-1].id and word.file_name.endswith(".doc")
    assert "Board of Ethics and Government Accountability" in word.pages[0].text
    assert word.pages[0].method == "text"


def test_broken_ole2_files_fail_clearly():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    # an OLE2 header with no readable directory: not an Outlook message, not anything we read
    junk = ole + b"\x00" * 600
    assert sniff(junk, "attachment.bin") == "application/x-ole-storage"
    assert "unsupported file type" in failure_of(junk, "attachment.bin").reason
    # named .doc, it goes to catdoc, which says it cannot read it
    assert "not a readable Word .doc file" in failure_of(junk, "memo.doc").reason


def test_a_scans_redaction_boxes_are_found_where_they_are(tmp_path):
    """A letter with a name blacked out, printed and scanned (an image-only page): the box is
    found where it was drawn, and the letters around it are not boxes."""
    from ingest.redaction import page_redaction_boxes, redacted_area
    redacted_pdf(tmp_path / "letter.pdf")
    with pymupdf.open(tmp_path / "letter.pdf") as born:
        png = born[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY).tobytes("png")
        width, height = born[0].rect.width, born[0].rect.height
    scan = pymupdf.open()
    page = scan.new_page(width=width, height=height)
    page.insert_image(page.rect, stream=png)
    boxes = page_redaction_boxes(page)
    assert len(boxes) == 1, boxes
    x0, y0, x1, y1 = boxes[0]
    drawn = (72 / width, 160 / height, 300 / width, 190 / height)       # the rectangle redacted_pdf draws
    assert all(abs(a - b) < 0.01 for a, b in zip((x0, y0, x1, y1), drawn)), (boxes[0], drawn)
    assert redacted_area(page) > 0
