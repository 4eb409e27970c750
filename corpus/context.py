"""A passage's context: what its document is, in a line, stored with the passage.

An appendix page that lists a media contact never says which agreement it belongs to; the
words that identify the agreement (its agency, state, model) are on page 1. So every passage
carries a short line naming its document: the type of document, its title, for an agreement
the agency, state and model, for an email who wrote to whom, the words of its file name, and
the passage's section heading, e.g.

    287(g) JEM agreement: Pinal County Sheriff's Office · Arizona · JEM · PINAL AZ JEM MOA ·
    APPENDIX C PUBLIC INFORMATION POINTS OF CONTACT

It is `chunks.context`, a second column of the FTS5 index (BM25 weighs it apart from the
passage's own text, and a quoted phrase is matched in the text only), and it is embedded with
the passage (`embedding_text`). A title the passage already opens with is not repeated (a
benchmark document whose body starts with its title gets no context at all).
"""
from __future__ import annotations

import json
import re
from email.utils import getaddresses
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:
    from corpus.records import Document
    from corpus.store import Corpus

SEPARATOR = " · "
TYPE_LABELS = {"email": "email", "letter": "letter", "foia_release": "FOIA release", "foia_letter": "FOIA letter"}
FILE_EXTENSIONS = re.compile(r"\.(pdf|docx?|eml|msg|txt|xlsx?|csv|html?|rtf|odt|png|jpe?g|tiff?|zip|mbox)$", re.I)


def file_name_words(file_name: str) -> str:
    """`TEXAS__JimWellsCoSO_WSO_MOA_031725.pdf` -> `TEXAS Jim Wells Co SO WSO MOA 031725`: a
    file name as words (only a real file's: a name without a known extension is an id)."""
    if not FILE_EXTENSIONS.search(file_name or ""):
        return ""
    stem = FILE_EXTENSIONS.sub("", file_name)
    stem = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", stem)
    return re.sub(r"[\s_\-+.%\[\]()]+", " ", stem).strip()


def _people(header: str | None) -> str:
    """Display names of an address header (`"Hughes, Traci (BEGA)" <t@dc.gov>` -> `Hughes, Traci (BEGA)`)."""
    if not header:
        return ""
    return "; ".join(name or address for name, address in getaddresses([header]) if name or address)


def document_context(doc_type: str | None, title: str | None, file_name: str, agreement: dict | None,
                     meta: dict | None) -> list[str]:
    """The parts naming a document (without the section, which is the passage's)."""
    parts = [TYPE_LABELS.get(doc_type or "", ""), title or ""]
    if agreement:
        for key in ("agency", "state", "model"):
            value = agreement.get(key) or ""
            if value and value.lower() not in (title or "").lower():
                parts.append(value)
    if meta and doc_type == "email":
        sender, to = _people(meta.get("from")), _people(meta.get("to"))
        parts += [f"from {sender}" if sender else "", f"to {to}" if to else ""]
    parts.append(file_name_words(file_name))
    return parts


def passage_context(document_parts: list[str], title: str | None, section: str | None, text: str) -> str:
    opening = re.sub(r"\s+", " ", text[:len(title or "") + 40]).strip().lower()
    repeated = bool(title) and opening.startswith(re.sub(r"\s+", " ", title).strip().lower())
    parts = [p for p in document_parts if p and not (repeated and p == title)]
    if section and section.strip():
        parts.append(section)
    return SEPARATOR.join(dict.fromkeys(re.sub(r"\s+", " ", p).strip() for p in parts if p.strip()))


def for_document(doc: "Document") -> list[str]:
    """The context of each of a document's chunks, in order (at ingest)."""
    parts = document_context(doc.doc_type, doc.title, doc.file_name, doc.agreement, doc.meta)
    return [passage_context(parts, doc.title, c.section, c.text) for c in doc.chunks]


def refresh(corpus: "Corpus", doc_ids: Iterable[str] | None = None) -> list[int]:
    """Recompute the stored context of these documents' chunks (all, when None) from what the
    corpus now knows (after `annotate` changed an agreement's agency, say). Returns the ids of
    the chunks whose context changed: their vectors are stale. The FTS5 triggers re-index them."""
    where, params = "", []
    if doc_ids is not None:
        ids = list(doc_ids)
        if not ids:
            return []
        where, params = f"WHERE d.id IN ({','.join('?' * len(ids))})", ids
    documents = corpus.rows("SELECT d.id, d.doc_type, d.title, d.file_name, d.source_meta, a.agency, a.state, a.model"
                            f" FROM documents d LEFT JOIN agreements a ON a.document_id = d.id {where}", params)
    changed: list[tuple[str, int]] = []
    for d in documents:
        agreement = {k: d[k] for k in ("agency", "state", "model")} if d["agency"] or d["model"] else None
        meta = json.loads(d["source_meta"] or "{}") if d["doc_type"] == "email" else None
        parts = document_context(d["doc_type"], d["title"], d["file_name"], agreement, meta)
        for cid, section, text, old in corpus.conn.execute(
                "SELECT id, section, text, context FROM chunks WHERE document_id = ?", [d["id"]]):
            new = passage_context(parts, d["title"], section, text)
            if new != old:
                changed.append((new, cid))
    if changed:
        with corpus.conn:
            corpus.conn.executemany("UPDATE chunks SET context = ? WHERE id = ?", changed)
    return [cid for _, cid in changed]


def embedding_text(context: str | None, text: str) -> str:
    """What the encoder reads for a passage: its context line, then its text."""
    return f"{context}\n{text}" if context else text


def texts_to_embed(corpus: "Corpus", ids: list[int]) -> Iterator[tuple[int, str]]:
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        for cid, context, text in corpus.conn.execute(
                f"SELECT id, context, text FROM chunks WHERE id IN ({marks}) ORDER BY id", part):
            yield cid, embedding_text(context, text)
