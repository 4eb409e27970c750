"""The facts of a 287(g) agreement: the agency party, its state, the model, dates, sections."""
from __future__ import annotations

import re
from collections import Counter

from corpus.records import Document
from nlp.normalize import normalize_date
from nlp.structure import find_headings

FEDERAL = re.compile(r"^(?:U\.S\.|United States|ICE|DHS|Department of Homeland|Enforcement and Removal|"
                     r"Homeland Security|Federal|Office of|Immigration and Customs)")
REVISED = re.compile(r"Revised\s*:?\s*(\d{1,2}/\d{1,2}/\d{2,4})", re.I)


def extract_agreement(doc: Document) -> None:
    mentions = doc.mentions
    models = Counter(m.canonical for m in mentions if m.type == "PROGRAM_MODEL" and m.page <= 2)
    parties = [m.canonical for m in mentions if m.type == "AGENCY" and not FEDERAL.match(m.canonical)]
    first_page = [m.canonical for m in mentions if m.type == "AGENCY" and m.page == 1
                  and not FEDERAL.match(m.canonical)]
    agency = (first_page or parties or [None])[0]
    if agency and parties:
        # the party is named again and again (footers): prefer the most frequent non-federal agency
        agency = Counter(parties).most_common(1)[0][0] if Counter(parties)[agency] < 2 else agency
    states = Counter(m.normalized for m in mentions if m.type == "GPE" and m.normalized)
    revised = REVISED.search(doc.text)
    sections = [h.text for p in doc.pages for h in find_headings(p.text) if h.level <= 1]
    signature_pages = [p.number for p in doc.pages if re.search(r"By signing this MOA|For ICE:?\s*$|Signature", p.text, re.M)]
    signed = sorted({m.normalized for m in mentions if m.type == "DATE" and m.page in signature_pages[:1]
                     and len(m.normalized or "") == 10})
    doc.agreement = {
        "agency": agency,
        "state": states.most_common(1)[0][0] if states else None,
        "model": models.most_common(1)[0][0] if models else None,
        "signed_date": signed[-1] if signed else None,
        "revision_date": normalize_date(revised.group(1)) if revised else None,
        "sections": sections,
    }
    if agency:
        doc.title = f"287(g) {doc.agreement['model'] or ''} agreement: {agency}".replace("  ", " ")
