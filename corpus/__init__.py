"""The store: one corpus is one SQLite file plus one FAISS file beside it.

This package holds the schema and is the only code that writes SQL.
"""
from corpus.records import Chunk, Document, Mention, Page
from corpus.store import Corpus, default_corpus_path

__all__ = ["Chunk", "Corpus", "Document", "Mention", "Page", "default_corpus_path"]
