"""What the text around a person's name says about them: the title printed before it ("Councilmember
Charles Allen"), and in email headers the agency in brackets and the address after it
("Hughes, Traci (BEGA) <traci.hughes@dc.gov>"). Kept as the mention's attributes `title`,
`agency` and `email`, which the corpus gathers on the person's entity."""
from __future__ import annotations

import re

from corpus.records import Document, Mention
from nlp.entity_types import is_first_name
from nlp.linking import STATE_OFFICES, ruler_acronyms
from nlp.normalize import clean

# after the name: an optional (AGENCY) then an address in <...>, [mailto:...] or (...); a State Department
# office symbol may have parts ("(NEA/IPA)", "(AID/A)") or be one letter ("Shannon, Thomas A (P);")
AGENCY_AFTER = re.compile(r"[ \t]*\((?P<agency>[A-Z][A-Za-z&]{1,11}(?:/[A-Z][A-Za-z0-9]{0,5})*|[A-Z](?=\)[ \t]*(?:[;<\n]|$)))\)")
EMAIL_AFTER = re.compile(r"[ \t]*(?:\([^)\n]{0,30}\)[ \t]*)?['\"]?[ \t]*\n?[ \t]*[<\[(](?:mailto:)?[ \t]*"
                         r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})")
NOT_AGENCY = {"Council"}        # "(Council)" in DC headers: the Council of the District of Columbia


def person_context(doc: Document) -> None:
    """Attach `agency` and `email` to PERSON mentions from what follows them on their page, and
    add the bracketed agency ("(BEGA)") as an AGENCY mention of its own."""
    pages = {p.number: p.text for p in doc.pages}
    added: list[Mention] = []
    taken = {(m.page, m.start): m for m in doc.mentions}
    for m in doc.mentions:
        if m.type != "PERSON":
            continue
        text = pages.get(m.page, "")
        if (found := AGENCY_AFTER.match(text, m.end)) and _an_office(found.group("agency"), doc.doc_type):
            agency = found.group("agency")
            m.attributes["agency"] = ("Council of the District of Columbia" if agency in NOT_AGENCY else
                                      STATE_OFFICES.get(agency) or ruler_acronyms().get(agency, agency))
            start = found.start("agency")
            if (there := taken.get((m.page, start))) is not None:
                if there.type in ("AGENCY", "ORG", "PERSON", "GPE"):
                    there.type, there.canonical = "AGENCY", m.attributes["agency"]
            else:
                taken[(m.page, start)] = m
                added.append(Mention(type="AGENCY", text=agency, canonical=m.attributes["agency"], normalized=None,
                                     page=m.page, start=start, end=found.end("agency"),
                                     chunk_index=doc.chunk_at(m.page, start)))
        if (found := EMAIL_AFTER.match(text, m.end)):
            m.attributes["email"] = found.group("email").lower()
    if added:
        doc.mentions = sorted(doc.mentions + added, key=lambda m: (m.page, m.start))


def _an_office(bracket: str, doc_type: str | None) -> bool:
    """Whether a bracket after a person's name names their office: a one-letter symbol only in a State
    Department release, and never a given name ("Korman, Samuel I. (Shai)")."""
    if len(bracket) == 1:
        return doc_type == "foia_release" and bracket in STATE_OFFICES
    return bracket.isupper() or "/" in bracket or not is_first_name(bracket)


def title_before(text: str, start: int, end: int) -> tuple[int, str | None]:
    """(where the name starts, the title printed before it) for a span `HONORIFICS` may open."""
    from nlp.normalize import HONORIFICS
    if (title := HONORIFICS.match(text[start:end])) and start + title.end() < end:
        return start + title.end(), clean(title.group()) or None
    return start, None
