"""The SQL of near-duplicates (index/duplicates.py finds them, search/collapse.py folds hits):
MinHash signatures of passages and documents, and the clusters they form."""
from __future__ import annotations

from typing import Iterable, Iterator

from corpus.store import Corpus

META_KEY = "duplicates"      # how the stored clusters were found: {threshold, shingle, num_perm, ...}


def _in_batches(ids: list, size: int = 500) -> Iterator[tuple[list, str]]:
    for start in range(0, len(ids), size):
        part = ids[start:start + size]
        yield part, ",".join("?" * len(part))


# -- signatures ----------------------------------------------------------------------------

def passages_without_signature(corpus: Corpus) -> list[int]:
    return [r[0] for r in corpus.conn.execute(
        "SELECT c.id FROM chunks c LEFT JOIN passage_signatures s ON s.chunk_id = c.id"
        " WHERE s.chunk_id IS NULL ORDER BY c.id")]


def documents_without_signature(corpus: Corpus) -> list[str]:
    return [r[0] for r in corpus.conn.execute(
        "SELECT d.id FROM documents d LEFT JOIN document_signatures s ON s.document_id = d.id"
        " WHERE s.document_id IS NULL ORDER BY d.rowid")]


def document_texts(corpus: Corpus, doc_ids: list[str]) -> Iterator[tuple[str, str]]:
    """(document id, its pages' text joined), for each id."""
    for doc_id in doc_ids:
        pages = corpus.conn.execute("SELECT text FROM pages WHERE document_id = ? ORDER BY page_number", [doc_id])
        yield doc_id, "\n".join(r[0] or "" for r in pages)


def store_signatures(corpus: Corpus, passages: Iterable[tuple[int, bytes]] = (),
                     documents: Iterable[tuple[str, bytes]] = ()) -> None:
    with corpus.conn:
        corpus.conn.executemany("INSERT OR REPLACE INTO passage_signatures (chunk_id, signature) VALUES (?, ?)",
                                list(passages))
        corpus.conn.executemany("INSERT OR REPLACE INTO document_signatures (document_id, signature) VALUES (?, ?)",
                                list(documents))


def forget_signatures(corpus: Corpus) -> None:
    with corpus.conn:
        corpus.conn.execute("DELETE FROM passage_signatures")
        corpus.conn.execute("DELETE FROM document_signatures")


def passage_signatures(corpus: Corpus) -> Iterator[tuple[int, bytes]]:
    yield from corpus.conn.execute("SELECT chunk_id, signature FROM passage_signatures ORDER BY chunk_id")


def document_signatures(corpus: Corpus) -> Iterator[tuple[str, bytes]]:
    yield from corpus.conn.execute("SELECT document_id, signature FROM document_signatures ORDER BY document_id")


# -- clusters ------------------------------------------------------------------------------

def replace_clusters(corpus: Corpus, passages: dict[int, int], documents: dict[str, str], found: dict) -> None:
    """Store the clusters found over the whole corpus (member -> cluster), in one transaction."""
    with corpus.conn:
        corpus.conn.execute("DELETE FROM passage_clusters")
        corpus.conn.execute("DELETE FROM document_clusters")
        corpus.conn.executemany("INSERT INTO passage_clusters (chunk_id, cluster) VALUES (?, ?)",
                                sorted(passages.items()))
        corpus.conn.executemany("INSERT INTO document_clusters (document_id, cluster) VALUES (?, ?)",
                                sorted(documents.items()))
    corpus.set_meta(META_KEY, found)


def _clusters_of(corpus: Corpus, table: str, member: str, ids: list) -> dict:
    """{member: cluster} for the members that have a near-duplicate (the rest are left out)."""
    out: dict = {}
    for part, marks in _in_batches(ids):
        out.update(corpus.conn.execute(f"SELECT {member}, cluster FROM {table} WHERE {member} IN ({marks})", part))
    return out


def _members(corpus: Corpus, table: str, member: str, clusters: list) -> dict:
    """{cluster: [members, in order]}."""
    out: dict = {}
    for part, marks in _in_batches(clusters):
        for found, cluster in corpus.conn.execute(
                f"SELECT {member}, cluster FROM {table} WHERE cluster IN ({marks}) ORDER BY {member}", part):
            out.setdefault(cluster, []).append(found)
    return out


def passage_clusters_of(corpus: Corpus, chunk_ids: list[int]) -> dict[int, int]:
    """{chunk id: cluster} for the chunks that have a near-duplicate (the rest are left out)."""
    return _clusters_of(corpus, "passage_clusters", "chunk_id", chunk_ids)


def passage_cluster_members(corpus: Corpus, clusters: list[int]) -> dict[int, list[int]]:
    """{cluster: [chunk ids]}."""
    return _members(corpus, "passage_clusters", "chunk_id", clusters)


def document_clusters_of(corpus: Corpus, doc_ids: list[str]) -> dict[str, str]:
    return _clusters_of(corpus, "document_clusters", "document_id", doc_ids)


def document_cluster_members(corpus: Corpus, clusters: list[str]) -> dict[str, list[str]]:
    return _members(corpus, "document_clusters", "document_id", clusters)


def agreement_keys(corpus: Corpus, doc_ids: list[str]) -> dict[str, tuple]:
    """{document id: what makes it one agreement} for the documents that are agreements (an
    `agreements` row or type moa): its agency, state, model and signing date when the agency and
    model are known (two files of one agreement share them), else the document itself."""
    out: dict[str, tuple] = {}
    for part, marks in _in_batches(doc_ids):
        for row in corpus.conn.execute(
                "SELECT d.id, d.doc_type, a.document_id, a.agency, a.state, a.model, a.signed_date FROM documents d"
                f" LEFT JOIN agreements a ON a.document_id = d.id WHERE d.id IN ({marks})", part):
            doc_id, doc_type, has_row, agency, state, model, signed = row
            if not has_row and doc_type != "moa":
                continue
            known = agency and model
            out[doc_id] = ((agency or "").lower(), (state or "").lower(), (model or "").upper(), signed) if known \
                else (doc_id,)
    return out


def summary(corpus: Corpus) -> dict:
    """Counts of what is stored: clusters and their members, for passages and documents."""
    def count(sql: str) -> int:
        return corpus.conn.execute(sql).fetchone()[0]
    return {"passage_clusters": count("SELECT count(DISTINCT cluster) FROM passage_clusters"),
            "clustered_passages": count("SELECT count(*) FROM passage_clusters"),
            "document_clusters": count("SELECT count(DISTINCT cluster) FROM document_clusters"),
            "clustered_documents": count("SELECT count(*) FROM document_clusters"),
            "passages": count("SELECT count(*) FROM chunks"),
            "documents": count("SELECT count(*) FROM documents")}


def largest_clusters(corpus: Corpus, limit: int) -> list[dict]:
    """The largest passage clusters: size, documents, and their smallest member's file, page and text."""
    return corpus.rows(
        "SELECT pc.cluster, count(*) AS passages, count(DISTINCT c.document_id) AS documents,"
        " (SELECT d.file_name FROM chunks x JOIN documents d ON d.id = x.document_id WHERE x.id = pc.cluster) AS file_name,"
        " (SELECT x.first_page FROM chunks x WHERE x.id = pc.cluster) AS page,"
        " (SELECT substr(x.text, 1, 200) FROM chunks x WHERE x.id = pc.cluster) AS text"
        " FROM passage_clusters pc JOIN chunks c ON c.id = pc.chunk_id GROUP BY pc.cluster"
        " ORDER BY passages DESC, pc.cluster LIMIT ?", [limit])
