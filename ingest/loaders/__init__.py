"""One loader per format; `pick` chooses by what each declares it handles."""
from __future__ import annotations

from ingest.errors import IngestError
from ingest.loaders.archive import ZipLoader
from ingest.loaders.base import Loader
from ingest.loaders.docx import DocxLoader
from ingest.loaders.email import EmailLoader, MboxLoader
from ingest.loaders.image import ImageLoader
from ingest.loaders.msg import MsgLoader
from ingest.loaders.office import LegacyOfficeLoader
from ingest.loaders.pdf import PdfLoader
from ingest.loaders.spreadsheet import XlsxLoader
from ingest.loaders.text import CsvLoader, HtmlLoader, TextLoader

LOADERS: list[type[Loader]] = [PdfLoader, ImageLoader, EmailLoader, MboxLoader, MsgLoader,
                               DocxLoader, XlsxLoader, LegacyOfficeLoader, ZipLoader, HtmlLoader, CsvLoader, TextLoader]


def pick(media_type: str, name: str) -> type[Loader]:
    scored = sorted(((cls.score(media_type, name), i, cls) for i, cls in enumerate(LOADERS)),
                    key=lambda t: (-t[0], t[1]))
    best_score, _, best = scored[0]
    if best_score <= 0:
        if media_type == "application/x-empty":
            raise IngestError("empty file", stage="detect")
        raise IngestError(f"unsupported file type ({media_type})", stage="detect")
    return best


__all__ = ["LOADERS", "Loader", "pick"]
