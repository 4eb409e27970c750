"""Word .docx: paragraphs and tables as text."""
from __future__ import annotations

import io

from corpus.records import Document
from ingest.detect import DOCX
from ingest.errors import IngestError
from ingest.loaders.base import Loader
from ingest.loaders.text import paginate


class DocxLoader(Loader):
    MEDIA_TYPES = (DOCX,)
    EXTENSIONS = (".docx",)

    def load(self, data: bytes, doc: Document) -> Document:
        import docx
        try:
            word = docx.Document(io.BytesIO(data))
        except Exception as err:
            raise IngestError(f"not a readable .docx ({err})")
        parts = [p.text for p in word.paragraphs]
        for table in word.tables:
            for row in table.rows:
                parts.append(" | ".join(cell.text.strip() for cell in row.cells))
        props = word.core_properties
        doc.title = props.title or None
        doc.meta.update({k: str(v) for k, v in {"author": props.author, "created": props.created,
                                                  "modified": props.modified}.items() if v})
        doc.pages = paginate("\n".join(parts))
        return doc
