"""`readingroom remove`: a document, its children, its passages and their vectors.

The vectors go first, then the rows: a run killed between the two leaves passages without a
vector (the document is still there, so running `remove` again finishes the job), never vectors
of passages that are gone with no document left to name them.
"""
from __future__ import annotations

from corpus.store import Corpus


def remove(corpus: Corpus, doc_id: str) -> dict:
    """Remove the stored document `doc_id` (a full id) and all that hangs off it."""
    from index.sync import open_index
    doomed = [r[0] for r in corpus.conn.execute(
        "WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT d.id FROM documents d JOIN tree ON d.parent_id = tree.id)"
        " SELECT c.id FROM chunks c JOIN tree ON c.document_id = tree.id", [doc_id])]
    vectors = open_index(corpus)
    removed = vectors.remove(doomed)
    vectors.save()
    passages = corpus.remove_document(doc_id)
    return {"passages": len(passages), "vectors": removed}
