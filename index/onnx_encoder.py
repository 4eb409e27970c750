"""all-MiniLM-L6-v2 through ONNX Runtime: the same model, exported here from the packaged
weights (never fetched), so a query needs only `tokenizers`, `onnxruntime` and numpy.

The export (made once, at first use or by `readingroom index export-encoder`) is the BERT
transformer alone, traced by `torch.onnx.export` with input_ids, attention_mask and
token_type_ids, batch and sequence axes dynamic. The sentence-transformers modules that follow
it (modules.json: Transformer, Pooling, Normalize) are simple enough to do in numpy exactly as
they do it: mean over the tokens the attention mask keeps, then L2 normalisation. Tokenizing
follows `sentence_bert_config.json`: truncation at its `max_seq_length` (256), padding to the
longest text of the batch. The tokenizer.json in the folder says truncate at 128 and pad to a
fixed 128: trusting it cuts every passage longer than 128 word pieces (the drift, cosine 0.97,
of an earlier quick export), so both are set here.

`onnx-int8` is the same graph with dynamic int8 quantisation of its weights
(onnxruntime.quantization.quantize_dynamic): faster, not the same vectors.

The exports live in a cache folder ($READINGROOM_CACHE, else $XDG_CACHE_HOME/readingroom, else
~/.cache/readingroom) named after the SHA-256 of the model's files, written to a temporary
folder and renamed into place, so a half-written export is never read.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

FILES = ("config.json", "model.safetensors", "tokenizer.json", "modules.json", "sentence_bert_config.json",
         "1_Pooling/config.json")
OPSET = 17
VARIANTS = {"onnx": "model.onnx", "onnx-int8": "model-int8.onnx"}


class ExportError(RuntimeError):
    """The model folder cannot be exported (an unexpected module pipeline, a missing file)."""


def cache_root() -> Path:
    base = os.environ.get("READINGROOM_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "readingroom"
    return Path(base)


def model_hash(model_dir: Path) -> str:
    """SHA-256 over the model's files. Hashing 90 MB takes ~0.25 s, too long for every cold
    query, so the result is remembered under the files' paths, sizes and mtimes."""
    stats = [(str((model_dir / f).resolve()), (model_dir / f).stat().st_size, (model_dir / f).stat().st_mtime_ns)
             for f in FILES if (model_dir / f).exists()]
    stamp = hashlib.sha256(json.dumps(stats).encode()).hexdigest()[:24]
    memo = cache_root() / "hashes" / stamp
    if memo.exists():
        return memo.read_text().strip()
    digest = hashlib.sha256()
    for f in FILES:
        path = model_dir / f
        if path.exists():
            digest.update(f.encode() + b"\0")
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    value = digest.hexdigest()
    _write_atomic(memo, value)
    return value


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


@contextmanager
def _quiet(logger: str):
    """onnxruntime.quantization logs a WARNING advising pre-processing (for conv nets) on
    every run."""
    log = logging.getLogger(logger)
    before = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(before)


def pipeline_config(model_dir: Path) -> dict:
    """What the sentence-transformers modules do, read from their files; refuses a pipeline
    other than transformer, mean pooling, normalise (this encoder does exactly those)."""
    modules = json.loads((model_dir / "modules.json").read_text())
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds != ["Transformer", "Pooling", "Normalize"]:
        raise ExportError(f"{model_dir}: modules {kinds}, expected Transformer, Pooling, Normalize")
    pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text())
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    if modes != ["pooling_mode_mean_tokens"]:
        raise ExportError(f"{model_dir}: pooling {modes}, expected mean tokens only")
    bert = json.loads((model_dir / "sentence_bert_config.json").read_text())
    return {"max_seq_length": int(bert.get("max_seq_length") or 256), "do_lower_case": bool(bert.get("do_lower_case")),
            "dimension": int(pooling["word_embedding_dimension"])}


def export_dir(model_dir: Path | None = None) -> Path:
    from index.encoder import model_path
    model_dir = Path(model_dir or model_path())
    return cache_root() / "encoders" / f"all-MiniLM-L6-v2-{model_hash(model_dir)[:16]}"


def ensure_export(model_dir: Path | None = None) -> Path:
    """The folder holding model.onnx and model-int8.onnx, exported now if not already cached."""
    from index.encoder import model_path
    model_dir = Path(model_dir or model_path())
    target = export_dir(model_dir)
    if all((target / f).exists() for f in VARIANTS.values()):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=".export-"))
    try:
        _export(model_dir, work)
        try:
            os.replace(work, target)
        except OSError:            # another process finished first: keep its export
            if not all((target / f).exists() for f in VARIANTS.values()):
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _export(model_dir: Path, out: Path) -> None:
    """Trace the transformer to ONNX (eager attention: the exporter traces it exactly), then
    quantise a copy. Needs torch and transformers, once."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    config = pipeline_config(model_dir)
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    # a padded row in the example, so the trace records the masking (an all-ones mask may take
    # a shortcut that skips it)
    example = torch.full((2, 16), 1000, dtype=torch.int64)
    mask = torch.ones_like(example)
    mask[1, 9:] = 0
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    with torch.inference_mode(), warnings.catch_warnings(), _quiet("root"):
        warnings.simplefilter("ignore")      # the tracer's notes on shapes it treats as constant
        torch.onnx.export(LastHidden(model), (example, mask, torch.zeros_like(example)), str(out / "model.onnx"),
                          input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
        # int8 weights per output channel, MatMul only (the embedding table stays float32):
        # per-tensor int8 drifted 8x further (mean cosine to PyTorch 0.957 against 0.9945 on
        # 256 BEIR passages)
        quantize_dynamic(str(out / "model.onnx"), str(out / "model-int8.onnx"), weight_type=QuantType.QInt8,
                         per_channel=True, op_types_to_quantize=["MatMul"])
    (out / "export.json").write_text(json.dumps({
        "model_dir": str(model_dir), "model_sha256": model_hash(model_dir), "opset": OPSET,
        "torch": torch.__version__, **config}, indent=2))


class OnnxEncoder:
    """The `Encoder` interface (name, dimension, encode, encode_query) on ONNX Runtime."""

    def __init__(self, variant: str = "onnx", model_dir: str | Path | None = None, threads: int | None = None):
        if variant not in VARIANTS:
            raise ValueError(f"unknown ONNX variant {variant!r}: choose {', '.join(VARIANTS)}")
        import onnxruntime as ort
        from tokenizers import Tokenizer
        from index.encoder import MODEL_NAME, model_path
        model_dir = Path(model_dir or model_path())
        folder = ensure_export(model_dir)
        config = pipeline_config(model_dir)
        self.name, self.key, self.dimension = MODEL_NAME, variant, config["dimension"]
        self.max_length, self.lower = config["max_seq_length"], config["do_lower_case"]
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]"), pad_token="[PAD]")
        self._threads = threads
        self._sessions = {}
        self._ort = ort
        self._path = str(folder / VARIANTS[variant])

    def _session(self, threads: int):
        if threads not in self._sessions:
            options = self._ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            self._sessions[threads] = self._ort.InferenceSession(self._path, options,
                                                                 providers=["CPUExecutionProvider"])
        return self._sessions[threads]

    def _run(self, texts: list[str], threads: int) -> np.ndarray:
        texts = [re.sub(r"\s+", " ", t).strip() for t in texts]
        encodings = self.tokenizer.encode_batch([t.lower() for t in texts] if self.lower else texts)
        ids = np.array([e.ids for e in encodings], dtype="int64")
        mask = np.array([e.attention_mask for e in encodings], dtype="int64")
        tokens = self._session(threads).run(None, {"input_ids": ids, "attention_mask": mask,
                                                   "token_type_ids": np.zeros_like(ids)})[0]
        # sentence_transformers.models.Pooling (mean) and Normalize, in float32 as they run
        weights = mask[:, :, None].astype("float32")
        pooled = (tokens * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.ascontiguousarray(pooled / np.clip(norms, 1e-12, None), dtype="float32")

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors. Batches are made of texts of similar length (as
        sentence-transformers does), so little time goes on padding."""
        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        threads = self._threads or min(2, os.cpu_count() or 1)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dimension), dtype="float32")
        for start in range(0, len(texts), batch_size):
            part = order[start:start + batch_size]
            out[part] = self._run([texts[i] for i in part], threads)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """One query on one thread (fastest when other work holds the cores)."""
        return self._run([text], 1)[0]


def check_texts(model_dir: Path) -> list[str]:
    """Real English text that ships with the model: the paragraphs of its README (short and
    long), and the whole README, which is cut at max_seq_length."""
    readme = (model_dir / "README.md").read_text(encoding="utf-8", errors="replace")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", readme) if len(p.split()) >= 3]
    return paragraphs + [readme]


def export_report(model_dir: Path | None = None) -> dict:
    """Make the exports (if not cached) and measure them against PyTorch: cosine per text."""
    from index.encoder import Encoder, model_path
    model_dir = Path(model_dir or model_path())
    folder = ensure_export(model_dir)
    texts = check_texts(model_dir)
    reference = Encoder(str(model_dir)).encode(texts)
    report = {"folder": str(folder), "texts": len(texts)}
    for variant in VARIANTS:
        cosines = (OnnxEncoder(variant, model_dir).encode(texts) * reference).sum(1)
        report[variant] = {"min_cosine": float(cosines.min()), "mean_cosine": float(cosines.mean())}
    return report
