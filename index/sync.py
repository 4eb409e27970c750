"""Keep the FAISS file in step with SQLite: embed what is missing, drop what is gone, and pick the
index kind by the corpus's size.

`meta.vector_index` records what the file holds: {"kind", "requested", "metric", "params",
"trained_on"}. `meta.embedding_encoder` records which encoder made the vectors (`torch`, `onnx`,
`onnx-int8`; a corpus from before the key is `torch`): vectors from two encoders in one index
are refused (`EncoderMismatch`); `rebuild(encoder=...)` converts. `requested` is "auto" (flat below `kinds.AUTO_IVF_AT` vectors, IVF above: the
switch happens in `sync`, from the stored vectors, without embedding again) or a kind a user
chose with `index rebuild --index-kind`.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from corpus.context import texts_to_embed
from corpus.store import Corpus
from index import kinds
from index.encoder import ENCODER_ENV, MODEL_NAME, Encoder, default_key, load_encoder
from index.vectors import IndexFileError, VectorIndex

SAVE_EVERY = 2048       # vectors between saves: an interruption loses at most this much work
META_KEY = "vector_index"
STALE_KEY = "vectors_without_context"     # set by the schema migration that added chunks.context
ENCODER_KEY = "embedding_encoder"


class EncoderMismatch(ValueError):
    """Vectors from one encoder would be added to an index made by another."""


def recorded_encoder(corpus: Corpus) -> str | None:
    """Which encoder made this corpus's vectors; None before any."""
    key = corpus.get_meta(ENCODER_KEY)
    if key is None and corpus.get_meta("embedding_dimension") is not None:
        return "torch"        # corpora from before the key: torch was the only encoder
    return key


def encoder_key(corpus: Corpus, key: str | None = None) -> str:
    """Which encoder adds vectors to this corpus: `key`, else $READINGROOM_ENCODER, else the one
    that made its vectors, else the default. Refuses one that would mix (call it before long
    work, so the refusal comes first)."""
    wanted = key or (default_key() if os.environ.get(ENCODER_ENV) else recorded_encoder(corpus) or default_key())
    check_encoder(corpus, wanted)
    return wanted


def encoder_for(corpus: Corpus, key: str | None = None):
    return load_encoder(encoder_key(corpus, key))


def check_encoder(corpus: Corpus, key: str, vectors: VectorIndex | None = None) -> None:
    recorded = recorded_encoder(corpus)
    if recorded is None or recorded == key:
        return
    if vectors is not None and len(vectors) == 0:
        corpus.set_meta(ENCODER_KEY, key)       # nothing stored yet: the corpus takes this one
        return
    raise EncoderMismatch(f"{corpus.path}: its vectors were made by the {recorded} encoder, not {key}; "
                          f"mixing the two is refused: use --encoder {recorded}, or convert with "
                          f"`readingroom index rebuild --encoder {key}`")


def open_index(corpus: Corpus, encoder: Encoder | None = None) -> VectorIndex:
    dimension = corpus.get_meta("embedding_dimension")
    if dimension is None:
        encoder = encoder or encoder_for(corpus)
        dimension = encoder.dimension
        corpus.set_meta("embedding_model", encoder.name)
        corpus.set_meta("embedding_dimension", dimension)
        corpus.set_meta(ENCODER_KEY, encoder.key)
    recorded, current = corpus.get_meta("embedding_model"), encoder.name if encoder else MODEL_NAME
    if recorded and recorded != current and corpus.vectors_path.exists():
        raise IndexFileError(corpus.vectors_path, f"vectors made by {recorded}, this readingroom embeds with {current}",
                             "run `readingroom index rebuild --reembed`")
    vectors = VectorIndex(corpus.vectors_path, dimension)
    if corpus.get_meta(META_KEY) is None:
        corpus.set_meta(META_KEY, kinds.describe(vectors.index))
    return vectors


_search_cache: dict[str, tuple[tuple[int, int], VectorIndex]] = {}


def open_for_search(corpus: Corpus) -> VectorIndex:
    """The index, read once per process and again only when the file changes (a 1M-vector
    file takes seconds to read; a query should not)."""
    path = corpus.vectors_path
    if not path.exists() and corpus.conn.execute("SELECT 1 FROM chunks LIMIT 1").fetchone():
        # a missing file is a fault to name, not an empty index that answers "no hits"
        raise IndexFileError(path, "the vector index is missing, so semantic search cannot run",
                             "run `readingroom index rebuild`, or search with --mode keyword")
    stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else (0, 0)
    cached = _search_cache.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    vectors = open_index(corpus)
    _search_cache[str(path)] = (stamp, vectors)
    return vectors


@dataclass
class Check:
    chunks: int
    vectors: int
    missing: list[int]          # chunks without a vector
    orphans: list[int]          # vectors without a chunk
    duplicates: list[int]       # chunk ids with more than one vector
    problems: list[str] = field(default_factory=list)    # unreadable file, meta that disagrees
    kind: str | None = None
    notes: list[str] = field(default_factory=list)       # advice, not errors

    @property
    def ok(self) -> bool:
        return not (self.missing or self.orphans or self.duplicates or self.problems)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "kind": self.kind, "chunks": self.chunks, "vectors": self.vectors,
                "missing": self.missing, "orphans": self.orphans, "duplicates": self.duplicates,
                "problems": self.problems, "notes": self.notes}


def check(corpus: Corpus, vectors: VectorIndex | None = None) -> Check:
    """Do SQLite and FAISS agree: one vector per chunk, no orphan ids, the kind `meta` records?"""
    chunk_ids = np.asarray(corpus.chunk_ids(), dtype="int64")
    if vectors is None:
        try:
            vectors = open_index(corpus)
        except IndexFileError as err:
            return Check(chunks=len(chunk_ids), vectors=0, missing=chunk_ids.tolist(), orphans=[],
                         duplicates=[], problems=[str(err)])
    ids = vectors.ids()
    unique, counts = np.unique(ids, return_counts=True)
    found = Check(chunks=len(chunk_ids), vectors=len(ids),
                  missing=np.setdiff1d(chunk_ids, unique).tolist(),
                  orphans=np.setdiff1d(unique, chunk_ids).tolist(),
                  duplicates=unique[counts > 1].tolist(), kind=vectors.kind)
    recorded = corpus.get_meta(META_KEY) or {}
    if recorded.get("kind") and recorded["kind"] != vectors.kind:
        found.problems.append(f"meta records a {recorded['kind']} index, the file holds {vectors.kind}")
    dimension = corpus.get_meta("embedding_dimension")
    if dimension is not None and int(dimension) != vectors.index.d:
        found.problems.append(f"meta records dimension {dimension}, the file holds {vectors.index.d}")
    trained_on = recorded.get("trained_on")
    if trained_on and len(ids) > 8 * trained_on:
        found.notes.append(f"the {vectors.kind} index was trained on {trained_on} vectors and now holds "
                           f"{len(ids)}: `readingroom index rebuild` retrains it")
    if corpus.get_meta(STALE_KEY):
        found.notes.append("the vectors were made before passages carried their document's context: "
                           "`readingroom index rebuild` embeds them again")
    requested = recorded.get("requested", "auto")
    if requested == "auto" and vectors.kind == "flat" and len(ids) >= kinds.AUTO_IVF_AT:
        found.notes.append("large enough for an IVF index: the next ingest or `index rebuild` switches")
    return found


def encode_chunks(corpus: Corpus, chunk_ids: list[int], encoder: Encoder,
                  on_batch: Callable[[int], None] | None = None) -> tuple[list[int], np.ndarray]:
    ids, parts, batch_ids, batch_texts = [], [], [], []

    def flush():
        parts.append(encoder.encode(batch_texts))
        ids.extend(batch_ids)
        if on_batch:
            on_batch(len(batch_ids))
        batch_ids.clear()
        batch_texts.clear()

    for chunk_id, text in texts_to_embed(corpus, chunk_ids):
        batch_ids.append(chunk_id)
        batch_texts.append(text)
        if len(batch_ids) >= 256:
            flush()
    if batch_ids:
        flush()
    return ids, (np.vstack(parts) if parts else np.zeros((0, encoder.dimension), "float32"))


def embed_chunks(corpus: Corpus, vectors: VectorIndex, chunk_ids: list[int], encoder: Encoder,
                 on_batch: Callable[[int], None] | None = None) -> int:
    """Embed and add these chunks, saving as it goes. Returns how many were added."""
    if chunk_ids:
        check_encoder(corpus, encoder.key, vectors)
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

    for chunk_id, text in texts_to_embed(corpus, chunk_ids):
        batch.append((chunk_id, text))
        if len(batch) >= 256:
            flush()
    if batch:
        flush()
    vectors.save()
    return added


def target_kind(corpus: Corpus, n: int, current: str) -> str:
    requested = (corpus.get_meta(META_KEY) or {}).get("requested", "auto")
    if requested != "auto":
        return requested
    wanted = kinds.auto_kind(n)
    return current if current != "flat" and wanted == "flat" else wanted   # never shrink back by itself


def _record(corpus: Corpus, vectors: VectorIndex, requested: str, trained_on: int | None) -> None:
    corpus.set_meta(META_KEY, kinds.describe(vectors.index, requested, trained_on))


def sync(corpus: Corpus, encoder: Encoder | None = None, vectors: VectorIndex | None = None,
         on_batch: Callable[[int], None] | None = None) -> Check:
    """Make FAISS hold exactly one vector per chunk, and switch a flat index that has grown past
    `kinds.AUTO_IVF_AT` to IVF. Returns the state found before syncing."""
    vectors = vectors or open_index(corpus, encoder)
    found = check(corpus, vectors)
    if found.orphans or found.duplicates:
        vectors.remove(found.orphans + found.duplicates)
    if found.missing or found.duplicates:
        embed_chunks(corpus, vectors, sorted(set(found.missing + found.duplicates)),
                     encoder or encoder_for(corpus), on_batch)
    wanted = target_kind(corpus, len(vectors), vectors.kind)
    if wanted != vectors.kind and vectors.kind in kinds.LOSSLESS and _trainable(wanted, len(vectors)):
        ids, stored = vectors.all_vectors()
        vectors.replace(kinds.build(wanted, ids, stored))
        meta = corpus.get_meta(META_KEY) or {}
        _record(corpus, vectors, meta.get("requested", "auto"), len(ids))
    vectors.save()
    return found


def _trainable(kind: str, n: int) -> bool:
    return kind == "flat" or n >= (256 if kind == "ivf-pq" else 39)


@dataclass
class Rebuilt:
    vectors: int
    embedded: int           # passages embedded again (0 when the stored vectors were reused)
    kind: str
    params: dict
    seconds: float
    encoder: str = "torch"


def rebuild(corpus: Corpus, encoder: Encoder | None = None, on_batch=None, kind: str | None = None,
            reembed: bool = False, params: dict | None = None) -> Rebuilt:
    """Build the index again, as `kind` ("auto" or one of `kinds.KINDS`; default: what meta
    requests). Stored vectors are reused when the current index keeps them exactly (flat, ivf),
    `reembed` is false and `encoder` is the one that made them; passages without one are
    embedded. An `encoder` other than the recorded one converts: every passage is embedded
    again with it, and the corpus records it. Vectors made before passages carried their
    context (a migrated corpus) are always embedded again."""
    started = time.monotonic()
    recorded = recorded_encoder(corpus)
    encoder = encoder or load_encoder(os.environ.get(ENCODER_ENV) or recorded or None)
    reembed = reembed or bool(corpus.get_meta(STALE_KEY)) or (recorded is not None and encoder.key != recorded)
    requested = kind or (corpus.get_meta(META_KEY) or {}).get("requested", "auto")
    if requested != "auto" and requested not in kinds.KINDS:
        raise ValueError(f"unknown index kind {requested!r}: choose auto or one of {', '.join(kinds.KINDS)}")
    chunk_ids = np.asarray(corpus.chunk_ids(), dtype="int64")
    reembed = reembed or corpus.get_meta("embedding_model") not in (None, encoder.name if encoder else MODEL_NAME)
    if reembed:   # perhaps with another model than the stored vectors': record the one used now
        encoder = encoder or load_encoder()
        corpus.set_meta("embedding_model", encoder.name)
        corpus.set_meta("embedding_dimension", encoder.dimension)
    try:
        current = open_index(corpus, encoder)
    except IndexFileError:
        current = None
    ids = np.zeros(0, "int64")
    stored = None
    if current is not None and not reembed and current.kind in kinds.LOSSLESS:
        ids, stored = current.all_vectors()
        keep = np.isin(ids, chunk_ids)
        ids, stored = ids[keep], stored[keep]
        ids, first = np.unique(ids, return_index=True)          # one copy of a duplicated id
        stored = stored[first]
    missing = np.setdiff1d(chunk_ids, ids).tolist()
    embedded = 0
    if missing:
        new_ids, new_vectors = encode_chunks(corpus, missing, encoder, on_batch)
        embedded = len(new_ids)
        ids = np.concatenate([ids, np.asarray(new_ids, dtype="int64")])
        stored = new_vectors if stored is None or not len(stored) else np.vstack([stored, new_vectors])
    dimension = int(corpus.get_meta("embedding_dimension"))
    if stored is None:
        stored = np.zeros((0, dimension), "float32")
    build_kind = kinds.auto_kind(len(ids)) if requested == "auto" else requested
    if not _trainable(build_kind, len(ids)):
        raise ValueError(f"an {build_kind} index needs at least {256 if build_kind == 'ivf-pq' else 39} "
                         f"passages to train on; the corpus has {len(ids)}")
    index = kinds.build(build_kind, ids, stored, params)
    vectors = VectorIndex(corpus.vectors_path, dimension, index=index)
    vectors.dirty = True
    vectors.save()
    corpus.set_meta(ENCODER_KEY, encoder.key)
    _record(corpus, vectors, requested, len(ids) if build_kind != "flat" else None)
    corpus.set_meta(STALE_KEY, False)
    return Rebuilt(vectors=len(vectors), embedded=embedded, kind=vectors.kind, encoder=encoder.key,
                   params=kinds.params_of(vectors.index), seconds=round(time.monotonic() - started, 2))
