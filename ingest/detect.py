"""Sniff what a file is from its bytes first and its name second."""
from __future__ import annotations

import zipfile
import io
from pathlib import PurePath

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MSWORD, MSEXCEL, MSPOWERPOINT = "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"
OUTLOOK = "application/vnd.ms-outlook"
MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (OLE2, "application/x-ole-storage"),    # .msg, .doc, .xls, .ppt: told apart by their streams
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),
]

EXTENSIONS = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".tif": "image/tiff", ".tiff": "image/tiff", ".gif": "image/gif", ".bmp": "image/bmp",
    ".eml": "message/rfc822", ".mbox": "application/mbox", ".msg": OUTLOOK,
    ".doc": MSWORD, ".xls": MSEXCEL, ".ppt": MSPOWERPOINT,
    ".zip": "application/zip", ".txt": "text/plain", ".text": "text/plain", ".md": "text/plain",
    ".csv": "text/csv", ".tsv": "text/csv", ".html": "text/html", ".htm": "text/html",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

DOCX = EXTENSIONS[".docx"]
XLSX = EXTENSIONS[".xlsx"]
EMAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"received:", b"return-path:",
                 b"message-id:", b"mime-version:", b"x-", b"delivered-to:", b"content-type:")


def sniff(data: bytes, name: str = "") -> str:
    """The media type of `data`; the name only breaks ties the bytes leave open."""
    ext = PurePath(name).suffix.lower()
    head = data[:4096]
    if not data.strip():
        return "application/x-empty"
    pdf_at = head.find(b"%PDF-")
    if 0 <= pdf_at < 1024:
        return "application/pdf"
    for magic, media_type in MAGIC:
        if head.startswith(magic):
            if media_type == "application/zip":
                return _zip_kind(data)
            if magic == OLE2:
                return _ole_kind(data, ext)
            return media_type
    lowered = head.lstrip().lower()
    if lowered.startswith(b"from ") and ext in (".mbox", ""):
        return "application/mbox"
    if lowered.startswith(EMAIL_HEADERS) and b"\n" in head and _looks_like_headers(head):
        return "message/rfc822"
    if lowered.startswith((b"<!doctype html", b"<html")) or (b"<html" in lowered[:1024] and ext in (".html", ".htm")):
        return "text/html"
    if _is_text(head):
        return EXTENSIONS.get(ext) if EXTENSIONS.get(ext, "").startswith("text/") else "text/plain"
    return EXTENSIONS.get(ext, "application/octet-stream") if ext in (".msg",) else "application/octet-stream"


def _ole_kind(data: bytes, ext: str) -> str:
    """An OLE2 compound file is what its streams say: Outlook properties, a Word document, an
    Excel workbook or PowerPoint slides."""
    import olefile
    try:
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(parts) for parts in ole.listdir(streams=True, storages=True)}
    except Exception:
        return EXTENSIONS.get(ext, "application/x-ole-storage")
    tops = {s.split("/")[0] for s in streams}
    if "__properties_version1.0" in tops or any(t.startswith("__substg1.0_") for t in tops):
        return OUTLOOK
    if "WordDocument" in tops:
        return MSWORD
    if tops & {"Workbook", "Book"}:
        return MSEXCEL
    if "PowerPoint Document" in tops:
        return MSPOWERPOINT
    return "application/x-ole-storage"


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return "application/zip"
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return "application/zip"


def _looks_like_headers(head: bytes) -> bool:
    lines = head.split(b"\n", 20)[:20]
    headerish = sum(1 for line in lines if b":" in line[:80] and not line.startswith((b" ", b"\t")))
    return headerish >= 2


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as err:
        if err.start >= len(head) - 4:     # a character cut at the 4 KiB boundary
            return True
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 160 for b in head)
    return printable / max(1, len(head)) > 0.95
