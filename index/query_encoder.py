"""The query's vector, for search: all-MiniLM-L6-v2 on ONNX Runtime (float32), whichever encoder
made the corpus's vectors.

A cold `readingroom search` spent 5.5 of its 6.9 s importing torch and sentence-transformers to
encode ten words. The float32 export gives PyTorch's vectors to a cosine of 1 - 1e-7 (max
absolute difference 2e-7 per component; bench/encoder.py), so a query encoded by it is the query
torch would have encoded, and needs only `tokenizers` and `onnxruntime` (0.2 s to import). For
a corpus of int8 vectors the float32 query is used too, at a small cost: msmarco nDCG@10 0.7909
against 0.7935 with int8 queries (bench/encoder.py). Following the corpus would need the corpus in
`search.engine.encode_query`'s callers.
"""
from __future__ import annotations

import numpy as np

QUERY_ENCODER = "onnx"


def encode_query(text: str) -> np.ndarray:
    from index.encoder import load_encoder
    return load_encoder(QUERY_ENCODER).encode_query(text)
