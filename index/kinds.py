"""Which FAISS index a corpus uses, chosen by its size, and how each kind is built.

Kinds (all inner product over unit vectors, i.e. cosine):

| kind     | FAISS                          | bytes/vector (384-d) | exact? | notes                         |
|----------|--------------------------------|----------------------|--------|-------------------------------|
| flat     | IndexIDMap2(IndexFlatIP)       | 1,536 + 8 id         | yes    | default below AUTO_IVF_AT     |
| ivf      | IndexIVFFlat, nlist ~ 4 sqrt(n)| 1,536 + 8 id         | no     | default from AUTO_IVF_AT on   |
| ivf-sq8  | IndexIVFScalarQuantizer (8 bit)| 384 + 8 id           | no     | 4x smaller; opt-in            |
| ivf-pq   | IndexIVFPQ, m=48 x 8 bit       | 48 + 8 id            | no     | 32x smaller; opt-in           |

Why IVF and not HNSW for large corpora: FAISS's HNSW cannot remove vectors, and `readingroom
remove` must; IVF lists remove ids in place, take new vectors without retraining, and honour an
`IDSelector` during search, so filters still apply before the cut-off. Vectors stay float32
unless a compressed kind is asked for (`index rebuild --index-kind ivf-sq8|ivf-pq`).

The IVF kinds keep a hash-table direct map, so a stored vector can be read back by chunk id
(`similar`, exact filtered search, switching kinds without embedding again).
"""
from __future__ import annotations

import math
from contextlib import contextmanager

import faiss
import numpy as np

KINDS = ("flat", "ivf", "ivf-sq8", "ivf-pq")
LOSSLESS = ("flat", "ivf")          # stored vectors can be read back exactly
AUTO_IVF_AT = 100_000               # flat below this many vectors: ~10 ms a query, exact
TRAIN_PER_LIST = 32                 # training sample: this many vectors per inverted list...
TRAIN_MAX = 131_072                 # ...but no more than this (k-means cost on 2 cores)
KMEANS_ITERATIONS = 10              # FAISS's default is 25; 10 costs little recall, saves minutes
PQ_M = 48                           # sub-quantisers for ivf-pq (384 / 48 = 8 dims each)


def auto_kind(n: int) -> str:
    return "flat" if n < AUTO_IVF_AT else "ivf"


def default_params(kind: str, n: int) -> dict:
    """Parameters for `kind` at `n` vectors. nlist ~ 4 sqrt(n) (a power of two, at most n/39 so
    k-means has enough points per centroid); nprobe = nlist/64, at least 16, which measured
    Recall@10 >= 0.95 against exact search at 1M passages (bench/search.py)."""
    if kind == "flat":
        return {}
    nlist = 2 ** round(math.log2(max(1.0, 4 * math.sqrt(max(n, 1)))))
    nlist = int(max(1, min(nlist, n // 39 if n >= 39 else 1)))
    params = {"nlist": nlist, "nprobe": int(min(nlist, max(16, nlist // 64)))}
    if kind == "ivf-pq":
        params["m"] = PQ_M
        params["nprobe"] = int(min(nlist, params["nprobe"] * 2))   # PQ loses recall: look wider
    return params


def empty_flat(dimension: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def kind_of(index: faiss.Index) -> str:
    """The kind of a loaded index (what is in the file, whatever `meta` says)."""
    if isinstance(index, faiss.IndexIDMap2) or isinstance(index, faiss.IndexIDMap):
        return "flat"
    ivf = ivf_of(index)
    if ivf is None:
        return type(index).__name__
    if isinstance(ivf, faiss.IndexIVFFlat):
        return "ivf"
    if isinstance(ivf, faiss.IndexIVFScalarQuantizer):
        return "ivf-sq8"
    if isinstance(ivf, faiss.IndexIVFPQ):
        return "ivf-pq"
    return type(ivf).__name__


def ivf_of(index: faiss.Index):
    """The IVF index inside `index` as its own class (IndexIVFFlat, ...), or None."""
    ivf = faiss.try_extract_index_ivf(index)
    return faiss.downcast_index(ivf) if ivf is not None else None


def params_of(index: faiss.Index) -> dict:
    ivf = ivf_of(index)
    if ivf is None:
        return {}
    out = {"nlist": int(ivf.nlist), "nprobe": int(ivf.nprobe)}
    if isinstance(ivf, faiss.IndexIVFPQ):
        out["m"] = int(ivf.pq.M)
    return out


def build(kind: str, ids: np.ndarray, vectors: np.ndarray, params: dict | None = None,
          seed: int = 1234, quantizer: faiss.Index | None = None) -> faiss.Index:
    """A new index of `kind` holding `vectors` under `ids` (trained on a sample of them).
    `quantizer`: a trained coarse quantizer with `nlist` centroids to reuse (skips k-means)."""
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}: choose one of {', '.join(KINDS)}")
    n, dimension = vectors.shape if len(vectors) else (0, None)
    ids = np.ascontiguousarray(ids, dtype="int64")
    vectors = np.ascontiguousarray(vectors, dtype="float32")
    if kind == "flat":
        index = empty_flat(vectors.shape[1])
        if n:
            index.add_with_ids(vectors, ids)
        return index
    params = {**default_params(kind, n), **(params or {})}
    if n < params["nlist"]:
        raise ValueError(f"an {kind} index with {params['nlist']} lists needs at least that many "
                         f"vectors to train on; the corpus has {n}")
    if quantizer is not None and quantizer.ntotal != params["nlist"]:
        raise ValueError("the quantizer to reuse has a different number of lists")
    quantizer = faiss.clone_index(quantizer) if quantizer is not None else faiss.IndexFlatIP(dimension)
    metric = faiss.METRIC_INNER_PRODUCT
    if kind == "ivf":
        index = faiss.IndexIVFFlat(quantizer, dimension, params["nlist"], metric)
    elif kind == "ivf-sq8":
        index = faiss.IndexIVFScalarQuantizer(quantizer, dimension, params["nlist"],
                                              faiss.ScalarQuantizer.QT_8bit, metric)
    else:
        index = faiss.IndexIVFPQ(quantizer, dimension, params["nlist"], params.get("m", PQ_M), 8, metric)
    index.own_fields = True
    quantizer.this.disown()
    index.cp.niter = KMEANS_ITERATIONS
    sample = min(n, max(params["nlist"] * TRAIN_PER_LIST, 1), TRAIN_MAX)
    rng = np.random.default_rng(seed)
    train = vectors if sample >= n else vectors[np.sort(rng.choice(n, sample, replace=False))]
    with single_threaded():
        index.train(train)
        index.nprobe = params["nprobe"]
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        for start in range(0, n, 65_536):
            index.add_with_ids(vectors[start:start + 65_536], ids[start:start + 65_536])
    return index


@contextmanager
def single_threaded():
    """FAISS's OpenMP k-means spins forever when PyTorch's OpenMP runtime is loaded in the same
    process (seen here: IVF training hung after the encoder had run). One thread avoids it."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def describe(index: faiss.Index, requested: str = "auto", trained_on: int | None = None) -> dict:
    """What `meta.vector_index` records."""
    out = {"kind": kind_of(index), "requested": requested, "metric": "inner_product",
           "params": params_of(index)}
    if trained_on is not None:
        out["trained_on"] = int(trained_on)
    return out
