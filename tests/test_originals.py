"""Originals kept beside the corpus: content-addressed, linked or copied, attachments included."""
from __future__ import annotations

import hashlib

from conftest import EMAIL_WITH_PDF


def test_keep_links_the_file_and_keeps_one_copy_per_content(tmp_path):
    from corpus.originals import keep, kept_path
    source = tmp_path / "a.pdf"
    source.write_bytes(b"%PDF-1.4 the same bytes")
    doc_id = hashlib.sha256(source.read_bytes()).hexdigest()
    corpus = tmp_path / "c.db"
    kept = keep(corpus, doc_id, source.read_bytes(), source)
    assert kept == kept_path(corpus, doc_id) == tmp_path / "c.originals" / doc_id[:2] / doc_id
    assert kept.read_bytes() == source.read_bytes() and kept.stat().st_ino == source.stat().st_ino   # a hard link
    again = tmp_path / "copy-of-a.pdf"
    again.write_bytes(source.read_bytes())
    assert keep(corpus, doc_id, again.read_bytes(), again) == kept and kept.stat().st_ino == source.stat().st_ino


def test_keep_copies_bytes_found_inside_another_file(tmp_path):
    from corpus.originals import kept_path
    from ingest.load import load_bytes
    from ingest.options import IngestOptions
    from corpus.originals import keep
    corpus = tmp_path / "c.db"
    data = EMAIL_WITH_PDF.read_bytes()
    seen = []

    def keeper(doc_id, kept, source):
        seen.append((doc_id, source))
        keep(corpus, doc_id, kept, source)
    docs = [d for d in load_bytes(data, str(EMAIL_WITH_PDF), IngestOptions(ocr="never"), keep=keeper)
            if hasattr(d, "pages")]
    assert len(docs) == 2                                  # the email and its PDF attachment
    for doc in docs:
        kept = kept_path(corpus, doc.id)
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == doc.id
    sources = dict(seen)
    parent = next(d for d in docs if d.parent_id is None)
    child = next(d for d in docs if d.parent_id)
    assert sources[parent.id] == str(EMAIL_WITH_PDF) and sources[child.id] is None


def test_a_request_never_names_a_path(tmp_path):
    import pytest
    from corpus.originals import kept_path
    for bad in ("../../etc/passwd", "a" * 63, "A" * 64, "/" + "a" * 63):
        with pytest.raises(ValueError):
            kept_path(tmp_path / "c.db", bad)


def test_tags_and_notes_outlive_annotate_and_a_remove_and_ingest_again(tmp_path):
    from corpus import marks
    from corpus.records import Document, Page
    from corpus.store import Corpus
    doc = Document(id="ab" * 32, path="x.txt", file_name="x.txt", media_type="text/plain",
                   pages=[Page(1, "The LEA shall serve warrants.")])
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add_document(doc)
        marks.add_tag(corpus, doc.id, "follow-up")
        marks.add_note(corpus, doc.id, 1, "check this")
        corpus.replace_annotations(corpus.stored_document(doc.id))          # what annotate does
        corpus.remove_document(doc.id)
        assert [t["path"] for t in marks.tags(corpus)] == [None]           # kept, waiting for the file
        corpus.add_document(Document(id=doc.id, path="y/x.txt", file_name="x.txt", media_type="text/plain",
                                     pages=[Page(1, "The LEA shall serve warrants.")]))
        assert [(t["tag"], t["path"]) for t in marks.tags(corpus)] == [("follow-up", "y/x.txt")]
        assert [(n["page_number"], n["text"]) for n in marks.notes(corpus, doc.id)] == [(1, "check this")]
