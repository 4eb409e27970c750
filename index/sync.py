"""Keep the FAISS file in step with SQLite: embed what is missing, drop what is gone."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from corpus.store import Corpus
from index.encoder import Encoder, load_encoder
from index.vectors import VectorIndex

SAVE_EVERY = 2048       # vectors between saves: an interruption loses at most this much work


def open_index(corpus: Corpus, encoder: Encoder | None = None) -> VectorIndex:
    dimension = corpus.get_meta("embedding_dimension")
    if dimension is None:
        encoder = encoder or load_encoder()
        dimension = encoder.dimension
        corpus.set_meta("embedding_model", encoder.name)
        corpus.set_meta("embedding_dimension", dimension)
        corpus.set_meta("vector_index", {"kind": "flat", "metric": "inner_product"})
    return VectorIndex(corpus.vectors_path, dimension)


@dataclass
class Check:
    chunks: int
    vectors: int
    missing: list[int]          # chunks without a vector
    orphans: list[int]          # vectors without a chunk
    duplicates: list[int]       # chunk ids with more than one vector

    @property
    def ok(self) -> bool:
        return not (self.missing or self.orphans or self.duplicates)


def check(corpus: Corpus, vectors: VectorIndex | None = None) -> Check:
    vectors = vectors or open_index(corpus)
    chunk_ids = np.asarray(corpus.chunk_ids(), dtype="int64")
    ids = vectors.ids()
    unique, counts = np.unique(ids, return_counts=True)
    return Check(chunks=len(chunk_ids), vectors=len(ids),
                 missing=np.setdiff1d(chunk_ids, unique).tolist(),
                 orphans=np.setdiff1d(unique, chunk_ids).tolist(),
                 duplicates=unique[counts > 1].tolist())


def embed_chunks(corpus: Corpus, vectors: VectorIndex, chunk_ids: list[int], encoder: Encoder,
                 on_batch: Callable[[int], None] | None = None) -> int:
    """Embed and add these chunks, saving as it goes. Returns how many were added."""
    added = since_save = 0
    batch: list[tuple[int, str]] = []

    def flush():
        nonlocal added, since_save
        ids, texts = [b[0] for b in batch], [b[1] for b in batch]
        vectors.add(ids, encoder.encode(texts))
        added += len(ids)
        since_save += len(ids)
        batch.clear()
        if on_batch:
            on_batch(len(ids))
        if since_save >= SAVE_EVERY:
            vectors.save()
            since_save = 0

    for chunk_id, text in corpus.chunk_texts(chunk_ids):
        batch.append((chunk_id, text))
        if len(batch) >= 256:
            flush()
    if batch:
        flush()
    vectors.save()
    return added


def sync(corpus: Corpus, encoder: Encoder | None = None, vectors: VectorIndex | None = None,
         on_batch: Callable[[int], None] | None = None) -> Check:
    """Make FAISS hold exactly one vector per chunk. Returns the state found before syncing."""
    vectors = vectors or open_index(corpus, encoder)
    found = check(corpus, vectors)
    if found.orphans or found.duplicates:
        vectors.remove(found.orphans + found.duplicates)
    if found.missing or found.duplicates:
        embed_chunks(corpus, vectors, sorted(set(found.missing + found.duplicates)),
                     encoder or load_encoder(), on_batch)
    vectors.save()
    return found


def rebuild(corpus: Corpus, encoder: Encoder | None = None, on_batch=None) -> int:
    """Throw the FAISS file away and embed every chunk again."""
    vectors = open_index(corpus, encoder)
    vectors.index = VectorIndex.empty(vectors.dimension)
    vectors.dirty = True
    return embed_chunks(corpus, vectors, corpus.chunk_ids(), encoder or load_encoder(), on_batch)
