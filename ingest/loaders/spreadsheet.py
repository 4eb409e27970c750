"""Excel .xlsx workbooks (ICE publishes its agency lists this way): each row as `column: value`
lines, so a hit shows what every value is; one page per sheet part."""
from __future__ import annotations

import io

from corpus.records import Document
from ingest.detect import XLSX
from ingest.errors import IngestError
from ingest.loaders.base import Loader
from ingest.loaders.text import paginate

MAX_ROWS = 200_000


class XlsxLoader(Loader):
    MEDIA_TYPES = (XLSX,)
    EXTENSIONS = (".xlsx",)

    def load(self, data: bytes, doc: Document) -> Document:
        import openpyxl
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as err:
            raise IngestError(f"not a readable .xlsx workbook ({err})")
        parts = []
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(h).strip() if h is not None else f"column {i + 1}" for i, h in enumerate(next(rows, []) or [])]
            records = []
            for n, row in enumerate(rows):
                if n >= MAX_ROWS:
                    raise IngestError(f"sheet {sheet.title!r} has more than {MAX_ROWS} rows")
                cells = [f"{h}: {v}" for h, v in zip(header, row) if v not in (None, "")]
                if cells:
                    records.append("\n".join(cells))
            parts.append(f"Sheet: {sheet.title}\n\n" + "\n\n".join(records))
        doc.meta["sheets"] = [s.title for s in book.worksheets]
        doc.pages = paginate("\n\n\f".join(parts))
        return doc
