"""The vector index: kinds chosen by size and recorded, incremental add and remove, `index check`
catching broken indexes, rebuilds, and `readingroom eval` on a small BEIR folder. Real FAISS,
SQLite and MiniLM throughout; corpora are built in the test (small) or copied from the session
corpus."""
from __future__ import annotations

import json
import shutil

import faiss
import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from corpus.records import Chunk, Document, Page
from corpus.store import Corpus
from index import kinds
from index.sync import check, open_index, rebuild, sync
from index.vectors import VectorIndex
from readingroom.cli import app
from search import Filters, search, similar

runner = CliRunner()

SENTENCES = [
    "The sheriff's office shall nominate officers for training in immigration enforcement.",
    "ICE will pay for the training of participating officers at the federal academy.",
    "A warrant of removal authorizes the arrest of an alien in the jail.",
    "The county jail holds detainees on an immigration detainer for up to 48 hours.",
    "Records responsive to your Freedom of Information Act request are enclosed.",
    "Portions of the records are withheld under exemption (b)(6) to protect privacy.",
    "The city council voted on the quorum legislation on Tuesday.",
    "Please find the draft agenda for next week's meeting attached.",
    "The agreement may be terminated by either party with written notice.",
    "Complaints about officer conduct go to the Office of Professional Responsibility.",
    "Officers must carry their credentials while performing 287(g) functions.",
    "The steering committee reviews the program's performance every year.",
]


def rr(corpus_path, *args):
    return runner.invoke(app, ["--corpus", str(corpus_path), *args])


def small_corpus(path, docs: int = 6, per_doc: int = 2) -> Corpus:
    """`docs` documents of `per_doc` one-sentence pages each, stored and embedded."""
    corpus = Corpus(path)
    for d in range(docs):
        texts = [SENTENCES[(d * per_doc + i) % len(SENTENCES)] + f" (document {d}, part {i})" for i in range(per_doc)]
        corpus.add_document(Document(
            id=f"{d:02d}" + "ab" * 31, path=f"/tmp/doc{d}.txt", file_name=f"doc{d}.txt", media_type="text/plain",
            doc_type="letter" if d % 2 else "email", doc_date=f"2020-0{1 + d % 9}-15",
            pages=[Page(i + 1, t) for i, t in enumerate(texts)],
            chunks=[Chunk(i + 1, i + 1, 0, len(t), t) for i, t in enumerate(texts)]))
    sync(corpus)
    return corpus


def copy_corpus(src, dest_dir):
    """A private copy of the session corpus (database and FAISS file) to change freely."""
    with Corpus(src) as c:
        c.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    dest = dest_dir / "copy.db"
    shutil.copy(src, dest)
    shutil.copy(src.with_suffix(".faiss"), dest.with_suffix(".faiss"))
    return dest


# -- kinds -----------------------------------------------------------------------------------

def test_kind_is_chosen_by_size():
    assert kinds.auto_kind(50_000) == "flat" and kinds.auto_kind(2_000_000) == "ivf"
    p = kinds.default_params("ivf", 1_000_000)
    assert p["nlist"] == 4096 and p["nprobe"] == 64
    assert kinds.default_params("ivf", 100)["nlist"] == 2          # never more lists than k-means can fill
    assert kinds.default_params("ivf-pq", 1_000_000)["m"] == kinds.PQ_M


@pytest.mark.parametrize("kind", kinds.KINDS)
def test_every_kind_finds_the_stored_vectors(corpus, kind):
    vectors = open_index(corpus)
    ids, stored = vectors.all_vectors()
    # a few thousand real-looking vectors: the corpus's own, and noisy copies of them
    rng = np.random.default_rng(0)
    noisy = stored[rng.integers(0, len(stored), 3000)] + rng.normal(0, 0.02, (3000, stored.shape[1])).astype("float32")
    faiss.normalize_L2(noisy)
    all_ids = np.concatenate([ids, 10_000_000 + np.arange(3000)])
    index = kinds.build(kind, all_ids, np.vstack([stored, noisy]), {"nlist": 16, "nprobe": 4} if kind != "flat" else None)
    v = VectorIndex("/nonexistent.faiss", stored.shape[1], index=index)
    assert v.kind == kind and len(v) == len(all_ids)
    assert sorted(v.ids().tolist()) == sorted(all_ids.tolist())
    top = [v.search(stored[i], 1)[0][0] for i in range(0, len(ids), 7)]
    found = np.mean([t == ids[i] for t, i in zip(top, range(0, len(ids), 7))])
    assert found >= (1.0 if kind in ("flat", "ivf") else 0.6)   # chunks can be near duplicates
    got, back = v.vectors_for(ids[:5].tolist())
    assert got == ids[:5].tolist() and back.shape == (5, stored.shape[1])
    if kind in kinds.LOSSLESS:
        assert np.allclose(back, stored[:5])
    # removal takes every copy of an id, and filtered search stays inside the filter
    v.add([int(ids[0])], stored[:1])
    assert v.remove([int(ids[0]), int(ids[1])]) == 3
    assert not set(v.ids().tolist()) & {int(ids[0]), int(ids[1])}
    allowed = ids[2:6].tolist()
    assert {c for c, _ in v.search(stored[2], 10, allowed)} == set(allowed)
    assert all(c != ids[2] for c, _ in v.search(stored[2], 10, exclude=[int(ids[2])]))


# -- incremental add and remove ----------------------------------------------------------------

def test_ingest_adds_vectors_without_rebuilding_and_remove_takes_them_away(ingested, tmp_path):
    from readingroom.ingesting import ingest
    path = copy_corpus(ingested[0], tmp_path)
    with Corpus(path) as corpus:
        before_ids, before_vectors = open_index(corpus).all_vectors()
        summary = ingest(corpus, [SAMPLE / "emails" / "Re__Draft_Agenda.msg.eml"])
        assert summary.documents >= 1 and summary.embedded == summary.chunks > 0   # only the new ones
        after = open_index(corpus)
        assert len(after) == len(before_ids) + summary.chunks
        got, vectors = after.vectors_for(before_ids.tolist())
        assert np.array_equal(vectors, before_vectors)          # old vectors untouched
        assert check(corpus).ok
        doc = corpus.rows("SELECT id FROM documents WHERE file_name = 'Re__Draft_Agenda.msg.eml'")[0]["id"]
        hits = search(corpus, "draft agenda", mode="semantic", limit=3)
        assert hits[0].doc_id == doc
    result = rr(path, "remove", doc[:10], "--format", "json")
    assert result.exit_code == 0, result.output
    removed = json.loads(result.stdout)
    assert removed["passages"] == removed["vectors"] == summary.chunks
    with Corpus(path) as corpus:
        assert check(corpus).ok and len(open_index(corpus)) == len(before_ids)
        assert all(h.doc_id != doc for h in search(corpus, "draft agenda", limit=20))
    assert rr(path, "index", "check").exit_code == 0


def test_ivf_index_add_remove_search_similar(tmp_path):
    with small_corpus(tmp_path / "c.db", docs=8, per_doc=6) as corpus:
        done = rebuild(corpus, kind="ivf", params={"nlist": 4, "nprobe": 4})
        assert done.kind == "ivf" and done.embedded == 0           # reused the stored vectors
        meta = corpus.get_meta("vector_index")
        assert meta["kind"] == "ivf" and meta["params"] == {"nlist": 4, "nprobe": 4} and meta["trained_on"] == 48
        doc0 = "00" + "ab" * 31
        top = search(corpus, "nominate officers for training", mode="semantic", limit=1)[0]
        assert SENTENCES[0] in top.snippet
        removed = corpus.remove_document(doc0)
        vectors = open_index(corpus)
        assert vectors.remove(removed) == 6
        vectors.save()
        assert check(corpus).ok
        corpus.add_document(Document(id="ff" * 32, path="/tmp/new.txt", file_name="new.txt", media_type="text/plain",
                                     pages=[Page(1, "Detainers are honoured for 48 hours.")],
                                     chunks=[Chunk(1, 1, 0, 36, "Detainers are honoured for 48 hours.")]))
        sync(corpus)
        found = check(corpus)
        assert found.ok and found.kind == "ivf" and found.vectors == 43
        assert search(corpus, "how long is a detainer honoured", mode="semantic", limit=1)[0].doc_id == "ff" * 32
        assert all(h.doc_id != "01" + "ab" * 31 for h in similar(corpus, "01" + "ab" * 31, limit=5))
        hits = search(corpus, "officers", mode="semantic", limit=50, filters=Filters(doc_type="letter"))
        assert hits and all(h.doc_id[1] in "1357" for h in hits)


def test_flat_index_switches_to_ivf_when_the_corpus_grows(tmp_path, monkeypatch):
    monkeypatch.setattr(kinds, "AUTO_IVF_AT", 40)
    with small_corpus(tmp_path / "c.db", docs=6, per_doc=5) as corpus:
        assert open_index(corpus).kind == "flat"                    # 30 passages
        for d in range(6, 10):
            text = SENTENCES[d] + f" (later document {d})"
            corpus.add_document(Document(id=f"{d:02d}" + "cd" * 31, path=f"/x{d}", file_name=f"x{d}",
                                         media_type="text/plain", pages=[Page(1, text)],
                                         chunks=[Chunk(1, 1, 0, len(text), text)] * 3))
        sync(corpus)
        found = check(corpus)
        meta = corpus.get_meta("vector_index")
        assert found.ok and found.kind == "ivf" and meta["kind"] == "ivf" and meta["requested"] == "auto"
        assert meta["trained_on"] == 42


def test_compressed_kind_is_recorded_and_kept(tmp_path):
    with small_corpus(tmp_path / "c.db", docs=8, per_doc=6) as corpus:
        done = rebuild(corpus, kind="ivf-sq8", params={"nlist": 2})
        assert done.kind == "ivf-sq8"
        assert corpus.get_meta("vector_index")["requested"] == "ivf-sq8"
        top = search(corpus, "pay for the training of participating officers", mode="semantic", limit=1)[0]
        assert SENTENCES[1] in top.snippet
        with pytest.raises(ValueError, match="needs at least 256"):
            rebuild(corpus, kind="ivf-pq")
        with pytest.raises(ValueError, match="unknown index kind"):
            rebuild(corpus, kind="hnsw")


# -- index check on broken indexes ---------------------------------------------------------------

def broken(corpus, how: str) -> None:
    vectors = open_index(corpus)
    ids, stored = vectors.all_vectors()
    if how == "orphan":
        vectors.add([999_999], stored[:1])
    elif how == "duplicate":
        vectors.add([int(ids[3])], stored[3:4])
    elif how == "missing":
        vectors.remove([int(ids[5])])
    if how == "garbage":
        corpus.vectors_path.write_bytes(b"not a faiss index at all")
        return
    if how == "wrong kind":
        corpus.set_meta("vector_index", dict(corpus.get_meta("vector_index"), kind="ivf-pq"))
        return
    vectors.save()


@pytest.mark.parametrize("how, field", [("orphan", "orphans"), ("duplicate", "duplicates"), ("missing", "missing"),
                                        ("garbage", "problems"), ("wrong kind", "problems")])
def test_index_check_catches_a_broken_index(tmp_path, how, field):
    path = tmp_path / "c.db"
    small_corpus(path).close()
    assert rr(path, "index", "check").exit_code == 0
    with Corpus(path) as corpus:
        broken(corpus, how)
        found = check(corpus)
        assert not found.ok and getattr(found, field)
    result = rr(path, "index", "check", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report[field]
    table = rr(path, "index", "check")
    assert table.exit_code == 1 and "MISMATCH" in table.output and "Traceback" not in table.output
    fixed = rr(path, "index", "rebuild")
    assert fixed.exit_code == 0, fixed.output
    with Corpus(path) as corpus:
        assert check(corpus).ok and len(open_index(corpus)) == 12
        if how not in ("garbage",):
            assert rebuild(corpus).embedded == 0


# -- eval --------------------------------------------------------------------------------------

def test_score_run_metrics():
    from readingroom.evaluating import score_run
    qrels = {"a": 2, "b": 1, "c": 0, "d": 1}
    m = score_run(["x", "b", "a"], qrels)
    dcg = 1 / np.log2(3) + 2 / np.log2(4)
    idcg = 2 / np.log2(2) + 1 / np.log2(3) + 1 / np.log2(4)
    assert m["ndcg@10"] == pytest.approx(dcg / idcg)
    assert m["recall@10"] == pytest.approx(2 / 3) and m["mrr@10"] == pytest.approx(0.5)
    assert score_run(["c"], qrels)["mrr@10"] == 0.0          # judged but not relevant


def test_eval_on_a_small_beir_folder(tmp_path):
    folder = tmp_path / "tiny"
    (folder / "qrels").mkdir(parents=True)
    with open(folder / "corpus.jsonl", "w") as f:
        for i, s in enumerate(SENTENCES):
            f.write(json.dumps({"_id": f"d{i}", "title": "", "text": s}) + "\n")
    queries = {"q1": "who pays for officer training", "q2": "withheld records privacy exemption",
               "q3": "how long can the jail hold someone on a detainer"}
    with open(folder / "queries.jsonl", "w") as f:
        for q, t in queries.items():
            f.write(json.dumps({"_id": q, "text": t}) + "\n")
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td0\t1\nq2\td5\t1\nq3\td3\t1\n")
    result = rr(tmp_path / "unused.db", "eval", str(folder), "--corpus-dir", str(tmp_path / "ev"), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["queries"] == 3 and report["documents"] == len(SENTENCES)
    for mode in ("keyword", "semantic", "hybrid"):
        assert set(report["results"][mode]) == {"ndcg@10", "recall@10", "recall@100", "mrr@10"}
        assert 0 <= report["results"][mode]["ndcg@10"] <= 1
    assert report["results"]["semantic"]["mrr@10"] > 0.8       # MiniLM finds these
    assert report["results"]["hybrid"]["recall@100"] == 1.0
    again = rr(tmp_path / "unused.db", "eval", str(folder), "--corpus-dir", str(tmp_path / "ev"), "--format", "json")
    assert json.loads(again.stdout)["results"] == report["results"]      # reused, same numbers
    bad = rr(tmp_path / "unused.db", "eval", str(tmp_path))
    assert bad.exit_code == 2 and "not a BEIR folder" in bad.output


def test_query_encoding_gives_the_passage_encoders_vector():
    """encode_query runs the model's three steps itself; it must give what encode gives."""
    from index.encoder import load_encoder
    encoder = load_encoder()
    texts = ["Who may serve a warrant of arrest for immigration violations?", "B. F. Skinner",
             "detainer " * 400]                                 # longer than the model reads
    for text in texts:
        query = encoder.encode_query(text)
        assert query.dtype == np.float32 and query.shape == (encoder.dimension,)
        assert np.abs(query - encoder.encode([text])[0]).max() < 1e-5
    assert np.dot(encoder.encode_query(texts[0]), encoder.encode_query(texts[1])) < 0.9
