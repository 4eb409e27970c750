"""Plain text, HTML and CSV: text split into pages of about a printed page each."""
from __future__ import annotations

import csv
import io

from corpus.records import Document, Page
from ingest.loaders.base import Loader
from ingest.quality import quality

PAGE_CHARS = 3000


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def paginate(text: str, page_chars: int = PAGE_CHARS) -> list[Page]:
    """Form feeds are page breaks; otherwise break at a paragraph near every `page_chars`."""
    pages: list[str] = []
    for part in text.replace("\r\n", "\n").split("\f"):
        while len(part) > page_chars * 1.5:
            cut = part.rfind("\n\n", page_chars // 2, page_chars * 3 // 2)
            cut = cut if cut > 0 else part.rfind("\n", page_chars // 2, page_chars * 3 // 2)
            cut = cut if cut > 0 else part.rfind(" ", page_chars // 2, page_chars * 3 // 2)   # never inside a word
            cut = cut if cut > 0 else page_chars
            pages.append(part[:cut])
            part = part[cut:].lstrip("\n")
        pages.append(part)
    pages = [p for p in pages if p.strip()] or [""]
    return [Page(number=i + 1, text=p, method="text", quality=quality(p)) for i, p in enumerate(pages)]


class TextLoader(Loader):
    MEDIA_TYPES = ("text/plain",)
    EXTENSIONS = (".txt", ".text", ".md")
    SCORE = 5

    def load(self, data: bytes, doc: Document) -> Document:
        doc.pages = paginate(decode(data))
        return doc


class HtmlLoader(Loader):
    MEDIA_TYPES = ("text/html",)
    EXTENSIONS = (".html", ".htm")

    def load(self, data: bytes, doc: Document) -> Document:
        doc.pages = paginate(html_to_text(decode(data)))
        return doc


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


class CsvLoader(Loader):
    MEDIA_TYPES = ("text/csv",)
    EXTENSIONS = (".csv", ".tsv")

    def load(self, data: bytes, doc: Document) -> Document:
        text = decode(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
        header = rows[0] if rows else []
        # each row as "column: value" lines, so a search hit shows what the value is
        records = ["\n".join(f"{h}: {v}" for h, v in zip(header, row) if v.strip()) for row in rows[1:]]
        doc.pages = paginate("\n\n".join(records) if records else text)
        doc.meta["columns"] = header
        return doc
