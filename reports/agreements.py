"""The agreements a report covers, read from the corpus: facts, pages and clauses.

Clauses come from the `clauses` table when ingest filled it, and are split from the stored pages
otherwise (`nlp.clauses.split_clauses`), so a report works on any corpus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.records import Page
from corpus.store import Corpus
from nlp.clauses import heading_key, split_clauses
from nlp.normalize import normalize_state

MODELS = ("JEM", "WSO", "TFM")
MODEL_WORDS = [("WSO", re.compile(r"Warrant\s*Service\s*Officer", re.I)),
               ("TFM", re.compile(r"Task\s*Force\s*Model", re.I)),
               ("JEM", re.compile(r"Jail\s*Enforcement\s*Model", re.I))]
MODEL_IN_NAME = re.compile(r"(?<![A-Z])(WSO|TFM|JEM)(?![A-Z])")
AGREEMENT_OPENING = re.compile(r"Memo\S{0,12}\s*of\s*Agree", re.I)
LABEL = re.compile(r"^\s*(?:APPENDIX\s*[A-Z0-9]\b|[IVXl1|]{1,5}\b|[A-Z0-9]\b)?\s*[.,]{0,2}\s*")


@dataclass
class Agreement:
    document_id: str
    path: str
    file_name: str
    agency: str | None
    state: str | None
    model: str
    signed_date: str | None
    pages: list[Page] = field(default_factory=list)
    clauses: list[dict] = field(default_factory=list)
    clauses_from: str = "table"          # table | split

    @property
    def year(self) -> str:
        return (self.signed_date or "")[:4] or "unknown"

    @property
    def label(self) -> str:
        return f"{self.agency or self.file_name} ({self.state or '?'})"


def title_of(heading: str) -> str:
    """`IV. RESPONSIBILITIES` -> `RESPONSIBILITIES`; `APPENDIX B COMPLAINT PROCEDURE` -> `COMPLAINT PROCEDURE`."""
    return LABEL.sub("", heading or "", count=1).strip() or (heading or "")


def guess_model(model: str | None, first_pages: str, file_name: str) -> str:
    if model and model.upper() in MODELS:
        return model.upper()
    for name, pattern in MODEL_WORDS:
        if pattern.search(first_pages):
            return name
    m = MODEL_IN_NAME.search(file_name)
    return m.group(1) if m else "UNKNOWN"


def load_agreements(corpus: Corpus, model: str | None = None, state: str | None = None,
                    signed_after: str | None = None) -> list[Agreement]:
    rows = corpus.conn.execute(
        "SELECT d.id, d.path, d.file_name, d.doc_date, a.agency, a.state, a.model, a.signed_date,"
        " a.effective_date, d.doc_type = 'moa' OR a.document_id IS NOT NULL"
        " FROM documents d LEFT JOIN agreements a ON a.document_id = d.id ORDER BY d.path").fetchall()
    want_state = (normalize_state(state) or state).lower() if state else None
    out: list[Agreement] = []
    for doc_id, path, file_name, doc_date, agency, st, mdl, signed, effective, is_moa in rows:
        if not is_moa:
            # OCR noise can hide an agreement from the document-type classifier: its opening still
            # says what it is ("Memornndum ofAgreement", "Memorand1.nn of Agreement")
            first = "\n".join(t or "" for (t,) in corpus.conn.execute(
                "SELECT text FROM pages WHERE document_id = ? AND page_number <= 2", [doc_id]))
            if not AGREEMENT_OPENING.search(first[:3000]):
                continue
        pages = [Page(number=n, text=t or "") for n, t in corpus.conn.execute(
            "SELECT page_number, text FROM pages WHERE document_id = ? ORDER BY page_number", [doc_id])]
        first = "\n".join(p.text for p in pages[:2])
        agreement = Agreement(doc_id, path, file_name, agency, st,
                              guess_model(mdl, first, file_name), signed or effective or doc_date, pages)
        if model and agreement.model != model.upper():
            continue
        if want_state and (agreement.state or "").lower() != want_state:
            continue
        if signed_after and not (agreement.signed_date and agreement.signed_date >= signed_after):
            continue
        stored = corpus.conn.execute(
            "SELECT key, heading, level, position, page_number, text FROM clauses WHERE document_id = ?"
            " ORDER BY position", [doc_id]).fetchall()
        if stored:
            agreement.clauses = [{"key": k, "heading": h, "level": lv, "position": pos, "page_number": pg,
                                  "text": t or ""} for k, h, lv, pos, pg, t in stored]
        else:
            agreement.clauses, agreement.clauses_from = split_clauses(pages), "split"
        for clause in agreement.clauses:
            # the stored key may be a slug or an earlier canonical key: recompute the slug
            clause["slug"] = "preamble" if not clause["heading"] else heading_key(title_of(clause["heading"]), clause["level"])
        out.append(agreement)
    return out
