"""The FAISS index beside the database, keyed by chunk id (an IndexIDMap2).

SQLite is the truth; the FAISS file can always be checked against it (`check`) and rebuilt
from it. It is written to a temporary file and renamed into place, so an interrupted save
leaves the previous index whole.
"""
from __future__ import annotations

import os
from pathlib import Path

import faiss
import numpy as np


class VectorIndex:
    def __init__(self, path: Path, dimension: int):
        self.path = Path(path)
        self.dimension = dimension
        if self.path.exists():
            self.index = faiss.read_index(str(self.path))
            if self.index.d != dimension:
                raise ValueError(f"{self.path}: vectors of dimension {self.index.d}, expected {dimension}")
        else:
            self.index = self.empty(dimension)
        self.dirty = False

    @staticmethod
    def empty(dimension: int) -> faiss.Index:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    def __len__(self) -> int:
        return self.index.ntotal

    def ids(self) -> np.ndarray:
        return faiss.vector_to_array(self.index.id_map).astype("int64") if self.index.ntotal else np.zeros(0, "int64")

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(vectors, np.asarray(ids, dtype="int64"))
            self.dirty = True

    def remove(self, ids: list[int]) -> int:
        if not len(ids):
            return 0
        removed = self.index.remove_ids(np.asarray(ids, dtype="int64"))
        self.dirty = self.dirty or removed > 0
        return removed

    def search(self, query: np.ndarray, k: int, allowed: list[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, cosine) for one query; `allowed` restricts to those chunk ids
        before the cut-off, so a filtered search still returns its best k."""
        if self.index.ntotal == 0 or k <= 0:
            return []
        params = None
        if allowed is not None:
            if not allowed:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype="int64")))
        scores, ids = self.index.search(query.reshape(1, -1).astype("float32"), min(k, self.index.ntotal),
                                        params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]

    def save(self) -> None:
        if not self.dirty and self.path.exists():
            return
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        faiss.write_index(self.index, str(tmp))
        os.replace(tmp, self.path)
        self.dirty = False
