"""The ONNX encoders: the export agrees with PyTorch, a corpus never mixes two encoders, `index
rebuild --encoder` converts, and the search path needs neither torch nor sentence-transformers.

The export is made once per session into a temporary cache (conftest sets READINGROOM_CACHE)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from corpus.store import Corpus
from index.encoder import ENCODER_ENV, load_encoder
from index.sync import EncoderMismatch, check, encoder_key, open_index, recorded_encoder
from readingroom.cli import app
from test_index import copy_corpus

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def rr(corpus_path, *args):
    return runner.invoke(app, ["--corpus", str(corpus_path), *args])


@pytest.fixture(scope="module")
def passages(ingested):
    """Real passages of the sample corpus, the longest first (several exceed 128 word pieces:
    a tokenizer cut at 128, as tokenizer.json says, would change their vectors)."""
    with Corpus(ingested[0]) as corpus:
        texts = [t for _, t in corpus.chunk_texts(corpus.chunk_ids())]
    return sorted(texts, key=len, reverse=True)[:48] + ["ICE", "Who signed for the sheriff?"]


def test_onnx_float32_gives_pytorchs_vectors(passages):
    reference = load_encoder("torch").encode(passages)
    onnx = load_encoder("onnx")
    assert len(onnx.tokenizer.encode(passages[0]).ids) == onnx.max_length == 256   # cut at 256, not 128
    cosine = (onnx.encode(passages) * reference).sum(1)
    assert cosine.min() > 0.9999, cosine.min()
    # the query path: one text, no padding, one thread
    for text, vector in zip(passages[-3:], reference[-3:]):
        assert float(onnx.encode_query(text) @ vector) > 0.9999


def test_onnx_int8_is_close_but_not_the_same(passages):
    reference = load_encoder("torch").encode(passages)
    cosine = (load_encoder("onnx-int8").encode(passages) * reference).sum(1)
    assert 0.97 < cosine.mean() < 0.99999          # drift there is, and it is measured in bench/encoder.py


def test_a_corpus_refuses_a_second_encoder_and_rebuild_converts(ingested, tmp_path, monkeypatch):
    path = copy_corpus(ingested[0], tmp_path)
    extra = tmp_path / "note.txt"
    extra.write_text("The sheriff agreed to nominate three officers for the 287(g) task force training.\n")
    with Corpus(path) as corpus:
        corpus.conn.execute("DELETE FROM meta WHERE key = 'embedding_encoder'")   # as a corpus from before the key
        assert recorded_encoder(corpus) == "torch"
        with pytest.raises(EncoderMismatch, match="made by the torch encoder, not onnx"):
            encoder_key(corpus, "onnx")
        torch_ids, torch_vectors = open_index(corpus).all_vectors()
    monkeypatch.setenv(ENCODER_ENV, "onnx")
    result = rr(path, "--encoder", "onnx", "ingest", str(extra), "--workers", "1")
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "made by the torch encoder, not onnx" in message and "index rebuild --encoder onnx" in message
    assert "Traceback" not in result.output
    with Corpus(path) as corpus:
        assert corpus.counts()["documents"] == len({d for d in corpus.document_ids()})   # nothing added
        assert not corpus.rows("SELECT id FROM documents WHERE file_name = 'note.txt'")

    result = rr(path, "index", "rebuild", "--encoder", "onnx", "--format", "json")
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert done["encoder"] == "onnx" and done["embedded"] == done["vectors"] == len(torch_ids)
    with Corpus(path) as corpus:
        assert corpus.get_meta("embedding_encoder") == "onnx" and check(corpus).ok
        ids, vectors = open_index(corpus).vectors_for(torch_ids.tolist())
        assert ((vectors * torch_vectors).sum(1)).min() > 0.9999
    assert rr(path, "ingest", str(extra), "--workers", "1").exit_code == 0    # onnx now matches
    monkeypatch.setenv(ENCODER_ENV, "torch")
    result = rr(path, "--encoder", "torch", "ingest", str(SAMPLE / "emails" / "Re__Draft_Agenda.msg.eml"))
    assert result.exit_code == 2 and "made by the onnx encoder, not torch" in " ".join(result.output.split())
    monkeypatch.delenv(ENCODER_ENV)
    with Corpus(path) as corpus:        # no choice given: the corpus's own encoder is used
        assert encoder_key(corpus) == "onnx"


def test_search_path_imports_neither_torch_nor_sentence_transformers(ingested):
    load_encoder("onnx")        # the export exists (made once per session)
    code = ("import sys\n"
            "from readingroom.cli import app\n"
            "try:\n"
            f"    app(['--corpus', {str(ingested[0])!r}, 'search', 'who signed for the sheriff', '--format', 'json'])\n"
            "except SystemExit as e:\n"
            "    assert not e.code, e.code\n"
            "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'spacy') if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["ranks"]["semantic"] is not None       # the query was encoded
    assert "HEAVY=\n" in done.stderr, done.stderr
