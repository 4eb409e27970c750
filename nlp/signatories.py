"""Who signed an agreement, as what, for whom, and when; and the points of contact it names.

Signatures: read from the agreement's signature block by `nlp.signature_block`.

Points of contact: the people the NER (and a name-line rule) finds on the contacts appendix,
with a title near each.
"""
from __future__ import annotations

import re

from corpus.records import Document, Mention
from nlp.signature_block import ICE_NAME, TITLES, block_items, first_last, read_signers, signature_page, surname

TITLE = re.compile(r"^\s*(?:Title:?\s*_*\s*)?(" + "|".join(re.escape(t) for t in TITLES) + r")\b", re.I)
PREFIX_TITLE = re.compile(r"(" + "|".join(re.escape(t) for t in TITLES) +
                          r"|Capt\.|Lt\.|Sgt\.|Ssgt\.|SSGT|Cpl\.|Asst\.\s+Marshal)\s*$", re.I)
NAME_CHARS = re.compile(r"[^\W\d_](?:[^\W\d_]|[.,'’\- ])+")    # not OCR's `Shei Dai L& Falle+h`
FEDERAL_TITLE = re.compile(r"Director|Special Agent", re.I)
CONTACTS_PAGE = re.compile(r"^\s*(?:APPENDIX\s+[A-D]\s*)?(?:PUBLIC\s+INFORMATION\s+)?POINTS?\s+OF\s+CONTACTS?\s*$", re.M)


def _title_near(text: str, m: Mention) -> str | None:
    """A title printed with the person: before the name on its line, or on the lines after it."""
    line_start = text.rfind("\n", 0, m.start) + 1
    before = text[line_start:m.start].replace("_", " ")
    if (found := PREFIX_TITLE.search(before.strip())):
        return _tidy(found.group(1))
    if m.text != m.canonical and (found := PREFIX_TITLE.search(m.text[:len(m.text) - len(m.canonical)].strip() or "~")):
        return _tidy(found.group(1))
    rest = text[m.end:m.end + 160]
    same_line = rest.split("\n", 1)[0]
    if (found := re.match(r"^\s*,\s*(.+)$", same_line)) and (t := TITLE.match(found.group(1))):
        return _tidy(t.group(1))
    for line in rest.split("\n")[1:4]:
        if not line.strip() or re.fullmatch(r"[\s_]*", line):
            continue
        if (t := TITLE.match(line)):
            return _tidy(t.group(1))
        if re.match(r"^\s*(Date|Signature|Name)\b", line, re.I):
            continue
        break
    return None


def _tidy(title: str) -> str:
    title = " ".join(title.split())
    expand = {"capt.": "Captain", "lt.": "Lieutenant", "sgt.": "Sergeant", "ssgt.": "Staff Sergeant",
              "ssgt": "Staff Sergeant", "cpl.": "Corporal"}
    return expand.get(title.lower(), title if not title.isupper() else title.title())


def extract_people(doc: Document, agency: str | None) -> list[dict]:
    """The signatories (role `signatory`) and the points of contact (`point_of_contact`)."""
    pages = {p.number: p.text for p in doc.pages}
    people = signatories(doc, agency)
    signed_on = (signature_page(doc) or (None, 0))[0]
    contact_pages = [n for n, t in pages.items() if CONTACTS_PAGE.search(t) and n != signed_on]
    for number in contact_pages:
        text = pages[number]
        _add_line_names(doc, number, text)
        persons = sorted((m for m in doc.mentions if m.page == number and m.type == "PERSON"), key=lambda m: m.start)
        seen = set()
        for m in persons:
            if m.canonical in seen or len(m.canonical.split()) < 2 or not NAME_CHARS.fullmatch(m.canonical):
                continue
            seen.add(m.canonical)
            title = _title_near(text, m)
            if title:
                m.attributes.setdefault("titles", [title])
            people.append({"role": "point_of_contact", "name": m.canonical, "title": title,
                           "organization": _organization(text, m, title, agency), "signed_date": None,
                           "page_number": number, "source": "text"})
    # a signer also listed as one of the agency's contacts signed for the agency, with that rank
    # (the same person: `David E. Vincent` signs, `David Vincent` is the contact)
    contacts = {first_last(p["name"]): p for p in people if p["role"] == "point_of_contact" and p["organization"] == agency}
    for p in people:
        if p["role"] == "signatory" and first_last(p["name"]) in contacts and p["organization"] != ICE_NAME:
            p["organization"] = agency
            p["title"] = p["title"] or contacts[first_last(p["name"])]["title"]
    return people


def signatories(doc: Document, agency: str | None) -> list[dict]:
    """The signers of the agreement's signature block, each printed name with a PERSON mention;
    and those the page's text lost that its ink-free second reading finds (no mention: their
    offsets are not in the page's text)."""
    found = signature_page(doc)
    if not found:
        return []
    number, offset = found
    page = doc.pages[number - 1]
    signers = read_signers(block_items(page.text, offset))
    for s in signers:
        if s.printed:
            _mark_person(doc, number, s)
    return [{"role": "signatory", "name": s.name, "title": _party_title(s.title, s.party == "ICE"),
             "organization": ICE_NAME if s.party == "ICE" else agency,
             "signed_date": s.date, "page_number": number, "source": source}
            for source, found in (("text", signers), ("reread", _lost_signers(signers, page.signature_text)))
            for s in found]


ICE_ONLY_TITLE = re.compile(r"Acting\s+Director|Field\s+Office\s+Director|Executive\s+Associate\s+Director|"
                            r"Director\s+or\s+designee|Enforcement\s+and\s+Removal", re.I)
AGENCY_TITLE = re.compile(r"\b(?:Sheriff|Chief\s+of\s+Police|Police\s+Chief|Attorney\s+General|Jailer|Warden|"
                          r"Commissioner|Colonel|Superintendent|Secretary\s+of\s+(?!Homeland))", re.I)


def _party_title(title: str | None, ice: bool) -> str | None:
    """A title that belongs to the signer's party, else none: ICE's "Acting Director" is never the
    agency's signer's title, nor "Sheriff" ICE's."""
    if not title:
        return title
    if not ice and ICE_ONLY_TITLE.search(title) and not AGENCY_TITLE.search(title):
        return None
    if ice and AGENCY_TITLE.search(title) and not ICE_ONLY_TITLE.search(title):
        return None
    return title


def _lost_signers(found: list, signature_text: str | None) -> list:
    """Signers of a party the page's text has no printed name for, as the block's ink-free
    re-reading (`Page.signature_text`) prints them: a name with its title under it."""
    if not signature_text:
        return []
    parties = {s.party == "ICE" for s in found if s.printed}
    surnames = {surname(s.name) for s in found}
    known = [first_last(s.name) for s in found]

    def same_person(name: str) -> bool:      # `Dean A. DeSch` cut short in the text is `Dean A. DeSchfyver`
        first, last = first_last(name)
        return last in surnames or any(first == f and (last.startswith(k) or k.startswith(last)) for f, k in known if k)

    # a re-reading's scribble can pass for a short name (`ZA RA`): its names have real words
    items = [i for i in block_items(signature_text, 0) if i.kind != "name" or all(
        len(w.strip(".,")) >= 3 or re.fullmatch(r"(?:[A-Z]\.)+", w) for w in i.value.split())]
    return [s for s in read_signers(items)
            if s.printed and s.title and s.title_line == s.line + 1 and (s.party == "ICE") not in parties
            and not same_person(s.name)]


def signature_dates(doc: Document) -> list[str]:
    """Every full date in the signature block (the `Date:` fields and digital stamps), sorted."""
    found = signature_page(doc)
    if not found:
        return []
    number, offset = found
    items = block_items(doc.pages[number - 1].text, offset)
    return sorted(i.date for i in items if i.kind in ("date", "digital") and i.date and len(i.date) == 10)


def _mark_person(doc: Document, page: int, s) -> None:
    """A signer's printed name is a PERSON mention, with the title it was printed with."""
    end = s.start + len(s.name)
    for m in doc.mentions:
        if m.page == page and m.type == "PERSON" and m.start < end and s.start < m.end:
            if s.title:
                m.attributes.setdefault("titles", [s.title])
            return
    surface = doc.pages[page - 1].text[s.start:end]
    doc.mentions.append(Mention(type="PERSON", text=surface or s.name, canonical=s.name, normalized=None,
                                page=page, start=s.start, end=end,
                                chunk_index=doc.chunk_at(page, s.start),
                                attributes={"titles": [s.title]} if s.title else {}))


def _organization(text: str, m: Mention, title: str | None, agency: str | None) -> str | None:
    window = text[max(0, m.start - 120):m.end + 200]
    federal = re.search(r"Immigration\s*(?:and|&)\s*Customs\s*Enforcement|\bICE\b|Enforcement and Removal", window)
    if title and FEDERAL_TITLE.search(title) and federal:
        return "U.S. Immigration and Customs Enforcement"
    return agency


NAME_LINE = re.compile(r"^[ \t_]*(?:(?P<title>" + "|".join(re.escape(t) for t in TITLES) +
                       r"|Capt\.|Lt\.|Sgt\.|Ssgt\.|SSGT|Cpl\.|Asst\.\s+Marshal)\s+)?"
                       r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z'’\-]+){1,2})[ \t]*$", re.M | re.I)
NOT_NAME = re.compile(r"\b(Office|Department|Dept|Director|Enforcement|Operations|Security|Affairs|Washington|"
                      r"County|Sheriff|Police|Agency|Signature|Title|Date|Name|Revised|Appendix|Immigration|"
                      r"Customs|Homeland|Public|Information|Contact|Program|Street|Avenue|Road|Suite|Center|Digitally|Signed|Deputy|Chief)\b", re.I)


def _add_line_names(doc: Document, page: int, text: str) -> None:
    """A signature block or contact list prints names alone on a line (or after a rank), where the
    statistical model often misses them: take such lines as people."""
    taken = [(m.start, m.end) for m in doc.mentions if m.page == page]
    for found in NAME_LINE.finditer(text):
        name = found.group("name")
        start, end = found.start("name"), found.end("name")
        if NOT_NAME.search(name) or name.isupper() or any(s < end and start < e for s, e in taken):
            continue
        doc.mentions.append(Mention(type="PERSON", text=name, canonical=" ".join(name.split()), normalized=None,
                                    page=page, start=start, end=end,
                                    chunk_index=doc.chunk_at(page, start)))
