"""Who signed an agreement, as what, for whom, and when; and the points of contact it names.

Signature blocks come out of PDFs in many orders (form fields, two columns read across, OCR),
so we work from the people the NER found on a signature page and look around each for a title
(the same line, the lines next to it, a `Title:` field) and the nearest date.
"""
from __future__ import annotations

import re

from corpus.records import Document, Mention

TITLES = [
    "Executive Associate Director", "Field Office Director", "Deputy Field Office Director",
    "Assistant Field Office Director", "Acting Director", "Deputy Director", "Assistant Director",
    "Executive Director", "Director", "Acting Sheriff", "Chief Deputy", "Undersheriff", "Sheriff",
    "Chief of Police", "Police Chief", "Deputy Chief", "Assistant Chief", "Chief", "Commissioner",
    "Secretary", "Colonel", "Lieutenant Colonel", "Major", "Captain", "Lieutenant", "Sergeant",
    "City Marshal", "Asst. Marshal", "Marshal", "Mayor", "County Judge", "County Manager",
    "Superintendent", "Warden", "Jail Administrator", "Jail Commander", "Commander",
    "Public Information Officer", "Public Affairs Officer", "Special Agent in Charge",
    "Director of Public Safety", "Public Safety Director", "Administrator", "Attorney General",
]
TITLE = re.compile(r"^\s*(?:Title:?\s*_*\s*)?(" + "|".join(re.escape(t) for t in TITLES) + r")\b", re.I)
PREFIX_TITLE = re.compile(r"(" + "|".join(re.escape(t) for t in TITLES) +
                          r"|Capt\.|Lt\.|Sgt\.|Ssgt\.|SSGT|Cpl\.|Asst\.\s+Marshal)\s*$", re.I)
FEDERAL_TITLE = re.compile(r"Director|Special Agent", re.I)
SIGNATURE_PAGE = re.compile(r"By signing this MOA|For ICE\s*:?\s*$|^\s*Signature\s*:?", re.I | re.M)
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
    pages = {p.number: p.text for p in doc.pages}
    signature_pages = [n for n, t in pages.items() if SIGNATURE_PAGE.search(t) and re.search(r"Signature", t, re.I)]
    contact_pages = [n for n, t in pages.items() if CONTACTS_PAGE.search(t) and n not in signature_pages[:1]]
    people: list[dict] = []
    for role, numbers in (("signatory", signature_pages[:1]), ("point_of_contact", contact_pages)):
        for number in numbers:
            text = pages[number]
            _add_line_names(doc, number, text)
            persons = sorted((m for m in doc.mentions if m.page == number and m.type == "PERSON"),
                             key=lambda m: m.start)
            dates = [m for m in doc.mentions if m.page == number and m.type == "DATE"
                     and len(m.normalized or "") == 10 and not _in_footer(text, m)]
            seen = set()
            for i, m in enumerate(persons):
                if m.canonical in seen or len(m.canonical.split()) < 2:
                    continue
                seen.add(m.canonical)
                title = _title_near(text, m)
                if title:
                    m.attributes.setdefault("titles", [title])
                organization = _organization(text, m, title, agency)
                people.append({"role": role, "name": m.canonical, "title": title, "organization": organization,
                               "signed_date": _date_for(m, persons, dates) if role == "signatory" else None,
                               "page_number": number})
    # a signer also listed as one of the agency's contacts signed for the agency, with that rank
    contacts = {p["name"]: p for p in people if p["role"] == "point_of_contact" and p["organization"] == agency}
    for p in people:
        if p["role"] == "signatory" and p["name"] in contacts:
            p["organization"] = agency
            p["title"] = contacts[p["name"]]["title"] or p["title"]
    return people


def _organization(text: str, m: Mention, title: str | None, agency: str | None) -> str | None:
    window = text[max(0, m.start - 120):m.end + 200]
    federal = re.search(r"Immigration\s*(?:and|&)\s*Customs\s*Enforcement|\bICE\b|Enforcement and Removal", window)
    if title and FEDERAL_TITLE.search(title) and federal:
        return "U.S. Immigration and Customs Enforcement"
    return agency


def _date_for(person: Mention, persons: list[Mention], dates: list[Mention]) -> str | None:
    if not dates:
        return None
    if len(dates) == len(persons):
        return dates[persons.index(person)].normalized
    nearest = min(dates, key=lambda d: abs(d.start - person.start))
    return nearest.normalized


def _in_footer(text: str, m: Mention) -> bool:
    """`Revised 02/15/2025` is the template's date, not a signature's."""
    line_start = text.rfind("\n", 0, m.start) + 1
    return bool(re.search(r"Revised\s*:?\s*$", text[line_start:m.start], re.I))


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
                                    chunk_index=_chunk_of(doc, page, start)))


def _chunk_of(doc: Document, page: int, offset: int) -> int | None:
    for i, c in enumerate(doc.chunks):
        if c.first_page == page and c.char_start <= offset < c.char_end:
            return i
    return None
