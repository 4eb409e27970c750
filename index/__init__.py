"""Chunks -> vectors (sentence-transformers + FAISS) and the keyword index (FTS5, kept by corpus/)."""
from index.encoder import Encoder, load_encoder
from index.vectors import VectorIndex

__all__ = ["Encoder", "VectorIndex", "load_encoder"]
