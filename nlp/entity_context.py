"""What the text around a person's name says about them: the title printed before it ("Councilmember
Charles Allen"), and in email headers the agency in brackets and the address after it
("Hughes, Traci (BEGA) <traci.hughes@dc.gov>"). Kept as the mention's attributes `title`,
`agency` and `email`, which the corpus gathers on the person's entity."""
from __future__ import annotations

import re

from corpus.records import Document, Mention
from nlp.normalize import clean

# after the name: an optional (AGENCY) then an address in <...>, [mailto:...] or (...)
AGENCY_AFTER = re.compile(r"[ \t]*\((?P<agency>[A-Z][A-Za-z&]{1,11})\)")
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
        if (found := AGENCY_AFTER.match(text, m.end)):
            agency = found.group("agency")
            m.attributes["agency"] = "Council of the District of Columbia" if agency in NOT_AGENCY else agency
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


def title_before(text: str, start: int, end: int) -> tuple[int, str | None]:
    """(where the name starts, the title printed before it) for a span `HONORIFICS` may open."""
    from nlp.normalize import HONORIFICS
    if (title := HONORIFICS.match(text[start:end])) and start + title.end() < end:
        return start + title.end(), clean(title.group()) or None
    return start, None
