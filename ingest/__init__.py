"""Files -> documents with pages.

A loader per format (`ingest.loaders`), chosen by what each declares it handles; OCR for pages
without usable text; a text-quality check; hashing; archives and attachments as child documents.
"""
from ingest.errors import IngestError
from ingest.options import IngestOptions

__all__ = ["IngestError", "IngestOptions"]
