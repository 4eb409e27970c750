"""`readingroom extract FILE`: one file's entities, without storing anything."""
from __future__ import annotations

from pathlib import Path

from corpus.records import Document, Failure
from ingest.errors import IngestError
from ingest.load import load_bytes, read_file
from ingest.options import IngestOptions
from nlp.annotate import annotate


def extract(path: str | Path, options: IngestOptions | None = None) -> dict:
    """{"file", "entities": [{"type", "text", "normalized", "page", "start", "end"}], ...}.

    Only the file itself, not what is inside it (attachments, zip members)."""
    options = options or IngestOptions()
    data = read_file(Path(path), options)
    top = list(load_bytes(data, str(path), options, recurse=False))[-1]
    if isinstance(top, Failure):
        raise IngestError(top.reason, top.stage)
    doc: Document = annotate(top)
    return {
        "file": str(path),
        "doc_type": doc.doc_type,
        "pages": len(doc.pages),
        "entities": [{"type": m.type, "text": m.text, "canonical": m.canonical, "normalized": m.normalized,
                      "page": m.page, "start": m.start, "end": m.end} for m in doc.mentions],
        "agreement": doc.agreement,
    }
