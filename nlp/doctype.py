"""What kind of document is this, and what is its title?"""
from __future__ import annotations

import re

from corpus.records import Document

# the title, or (when OCR garbled it: `!VIEMORANDUM`, `Memornndum ofAgreement`) the opening sentence
MOA = re.compile(r"MEMORANDUM\s+OF\s+AGREEMENT|\([A-Za-z]{1,2}O\s?A\)\s+const\w+\s+an\s+agreement\s+between", re.I)
G287 = re.compile(r"287\s*\(\s*g\s*\)|Warrant\s+Service\s+Officer|Jail\s+Enforcement\s+Model|Task\s+Force\s+Model", re.I)
# OCR can garble "287(g)" (`:?87(g)`): an MOA under which ICE delegates immigration powers is one too
DELEGATION = re.compile(r"immigration\s+(?:enforcement\s+)?functions|Immigration\s+and\s+Nationality\s+Act|"
                        r"[:?2]\s?8\s?7\s*\(\s*[gq]\s*\)", re.I)
FOIA = re.compile(r"Freedom\s+of\s+Information|\bFOIA\b", re.I)
RELEASE = re.compile(r"RELEASE\s+IN\s+(?:FULL|PART)|\(b\)\s*\(\s*\d\s*\)")
LETTER = re.compile(r"^\s*(?:Dear\s|Re:|RE:)|Sincerely,", re.M)


def classify(doc: Document) -> str:
    if doc.doc_type:                 # the loader knew (email, archive, mailbox)
        return doc.doc_type
    head = "\n".join(p.text for p in doc.pages[:2])
    if MOA.search(head) and (G287.search(head) or (DELEGATION.search(head) and re.search(r"\bICE\b", head))):
        return "moa"
    if RELEASE.search(head):
        return "foia_release"
    if LETTER.search(head):
        return "foia_letter" if FOIA.search(head) else "letter"
    return "document"


def title(doc: Document) -> str:
    if doc.title:
        return doc.title
    for page in doc.pages[:1]:
        for line in page.text.splitlines():
            line = line.strip()
            if len(line) >= 8 and sum(c.isalpha() for c in line) > len(line) / 2:
                return line[:120]
    return doc.file_name
