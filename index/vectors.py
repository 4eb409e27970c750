"""The FAISS index beside the database, keyed by chunk id.

SQLite is the truth; the FAISS file can always be checked against it (`check`) and rebuilt
from it. It is written to a temporary file and renamed into place, so an interrupted save
leaves the previous index whole. The index kind (exact flat, IVF, compressed IVF) is chosen by
`index.kinds`; this class hides the differences: ids, add, remove, read back, search.
"""
from __future__ import annotations

import math
import os
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from corpus.errors import REBUILD, VectorFileError, classify
from index import kinds

EXACT_FILTER_MAX = 20_000   # a filter this narrow is searched exactly, whatever the index kind


class IndexFileError(VectorFileError):
    """The FAISS file is missing, unreadable or not what the corpus says it is."""

    def __init__(self, path, problem: str, fix: str = REBUILD):
        super().__init__(path, problem, fix)


@contextmanager
def _threads(n: int):
    """One query at a time is fastest on one OpenMP thread (no fork/join per query)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class VectorIndex:
    def __init__(self, path: Path, dimension: int, index: faiss.Index | None = None):
        self.path = Path(path)
        self.dimension = dimension
        if index is not None:
            self.index = index
        elif self.path.exists():
            try:
                self.index = faiss.read_index(str(self.path))
            except RuntimeError as err:
                reason = str(err).splitlines()[-1].split("failed: ")[-1][-160:]
                raise IndexFileError(self.path, f"not a readable FAISS index, truncated or damaged ({reason})") from None
            if self.index.d != dimension:
                raise IndexFileError(self.path, f"vectors of dimension {self.index.d}, the corpus expects {dimension}")
        else:
            self.index = self.empty(dimension)
        self.dirty = False

    @staticmethod
    def empty(dimension: int) -> faiss.Index:
        return kinds.empty_flat(dimension)

    @property
    def kind(self) -> str:
        return kinds.kind_of(self.index)

    @property
    def ivf(self):
        return kinds.ivf_of(self.index)

    def replace(self, index: faiss.Index) -> None:
        self.index = index
        self.dirty = True

    def __len__(self) -> int:
        return self.index.ntotal

    # -- what is stored ---------------------------------------------------------------------

    def ids(self) -> np.ndarray:
        """Every stored id, duplicates included (the check looks for them)."""
        if not self.index.ntotal:
            return np.zeros(0, "int64")
        ivf = self.ivf
        if ivf is None:
            return faiss.vector_to_array(self.index.id_map).astype("int64")
        lists = ivf.invlists
        parts = [faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
                 for i in range(ivf.nlist) if lists.list_size(i)]
        return np.concatenate(parts).astype("int64") if parts else np.zeros(0, "int64")

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything stored; exact for flat and ivf, decoded for the others."""
        ids = self.ids()
        if not len(ids):
            return ids, np.zeros((0, self.dimension), "float32")
        ivf = self.ivf
        if ivf is None:
            flat = faiss.downcast_index(self.index.index)
            xb = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * self.dimension)
            return ids, np.array(xb, dtype="float32").reshape(-1, self.dimension)
        out = np.empty((len(ids), self.dimension), "float32")
        lists, row = ivf.invlists, 0
        for i in range(ivf.nlist):
            size = lists.list_size(i)
            if not size:
                continue
            codes = faiss.rev_swig_ptr(lists.get_codes(i), size * lists.code_size).copy()
            if isinstance(ivf, faiss.IndexIVFFlat):
                out[row:row + size] = codes.view("float32").reshape(size, self.dimension)
            else:
                out[row:row + size] = self._decode(ivf, i, size)
            row += size
        return ids, out

    def _decode(self, ivf, list_no: int, size: int) -> np.ndarray:
        # residual-encoded kinds need the list number: reconstruct_from_offset does that
        vectors = np.empty((size, self.dimension), "float32")
        for offset in range(size):
            ivf.reconstruct_from_offset(list_no, offset, faiss.swig_ptr(vectors[offset]))
        return vectors

    def vectors_for(self, ids: list[int]) -> tuple[list[int], np.ndarray]:
        """The stored vectors of these chunk ids (those that have one)."""
        if not len(ids) or not self.index.ntotal:
            return [], np.zeros((0, self.dimension), "float32")
        keys = np.asarray(ids, dtype="int64")
        try:               # the usual case: every asked id is stored
            return [int(i) for i in keys], self.index.reconstruct_batch(keys)
        except RuntimeError:
            pass
        found, rows = [], []
        for chunk_id in keys:
            try:
                rows.append(self.index.reconstruct(int(chunk_id)))
            except RuntimeError:       # not stored
                continue
            found.append(int(chunk_id))
        return found, (np.vstack(rows).astype("float32") if rows else np.zeros((0, self.dimension), "float32"))

    # -- changes ----------------------------------------------------------------------------

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype="float32"),
                                    np.asarray(ids, dtype="int64"))
            self.dirty = True

    def remove(self, ids: list[int]) -> int:
        """Remove every vector stored under these ids (all copies of a duplicated id)."""
        if not len(ids) or not self.index.ntotal:
            return 0
        selector = faiss.IDSelectorBatch(np.asarray(ids, dtype="int64"))
        ivf = self.ivf
        if ivf is None:
            removed = self.index.remove_ids(selector)
        else:
            # the hash-table direct map removes one copy per id and only by IDSelectorArray:
            # drop it, remove by scanning the lists, then index what is left again
            ivf.set_direct_map_type(faiss.DirectMap.NoMap)
            removed = ivf.remove_ids(selector)
            ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
        self.dirty = self.dirty or removed > 0
        return removed

    # -- search -----------------------------------------------------------------------------

    def search(self, query: np.ndarray, k: int, allowed: list[int] | np.ndarray | None = None,
               exclude: list[int] | np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, cosine) for one query. `allowed` restricts to those chunk ids before
        the cut-off, so a filtered search still returns its best k; `exclude` leaves ids out."""
        results = self.search_many(query.reshape(1, -1), k, allowed, exclude)
        return results[0]

    def search_many(self, queries: np.ndarray, k: int, allowed=None, exclude=None) -> list[list[tuple[int, float]]]:
        queries = np.ascontiguousarray(queries, dtype="float32").reshape(-1, self.dimension)
        m = len(queries)
        if self.index.ntotal == 0 or k <= 0:
            return [[] for _ in range(m)]
        if allowed is not None:
            allowed = np.unique(np.asarray(allowed, dtype="int64"))
            if exclude is not None and len(exclude):
                allowed = np.setdiff1d(allowed, np.asarray(exclude, dtype="int64"))
            if not len(allowed):
                return [[] for _ in range(m)]
            if self.ivf is not None and len(allowed) <= EXACT_FILTER_MAX:
                return self._search_exact(queries, k, allowed)
        selector = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(allowed)
        elif exclude is not None and len(exclude):
            batch = faiss.IDSelectorBatch(np.asarray(exclude, dtype="int64"))
            selector = faiss.IDSelectorNot(batch)
            selector.referenced = batch      # keep it alive as long as the Not selector
        ivf = self.ivf
        if ivf is None:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        else:
            nprobe = ivf.nprobe
            if allowed is not None:      # a wide filter: look in proportionally more lists
                nprobe = min(ivf.nlist, math.ceil(nprobe * self.index.ntotal / len(allowed)))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=int(nprobe)) if selector is not None \
                else faiss.SearchParametersIVF(nprobe=int(nprobe))
        with _threads(1 if m == 1 else faiss.omp_get_max_threads()):
            scores, ids = self.index.search(queries, min(k, self.index.ntotal), params=params)
        return [[(int(i), float(s)) for i, s in zip(ids[q], scores[q]) if i != -1] for q in range(m)]

    def _search_exact(self, queries: np.ndarray, k: int, allowed: np.ndarray) -> list[list[tuple[int, float]]]:
        found, vectors = self.vectors_for(allowed.tolist())
        if not found:
            return [[] for _ in range(len(queries))]
        found = np.asarray(found, dtype="int64")
        scores = queries @ vectors.T
        k = min(k, len(found))
        out = []
        for row in scores:
            top = np.argpartition(-row, k - 1)[:k] if k < len(row) else np.arange(len(row))
            top = top[np.lexsort((found[top], -row[top]))]
            out.append([(int(found[i]), float(row[i])) for i in top])
        return out

    def save(self) -> None:
        if not self.dirty and self.path.exists():
            return
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        try:
            faiss.write_index(self.index, str(tmp))
            os.replace(tmp, self.path)
        except (RuntimeError, OSError) as err:   # a full disk: the previous file stays whole
            tmp.unlink(missing_ok=True)
            raise (classify(err, self.path.with_suffix(".db")) or err) from None
        self.dirty = False
