"""The signature block of a 287(g) agreement, read line by line.

The block after "By signing this MOA ..." comes out of PDFs in many orders: printed `Name /
Title / Agency` stacks, form fields whose labels and values are separated, two columns read
across a row, digital-signature stamps ("Digitally signed by ... Date: 2025.03.18"),
shifted-font labels, OCR noise. `block_items` turns its lines into labelled items;
`read_signers` takes a name from a line that looks like a person's name (or from a digital
stamp when none is printed), its title from the lines under it (or, for a `Title` no stack
claimed, by party: ICE's titles go to ICE's signer), its party from ICE's agency line or the
`For ICE:` label, and its date from the stamp, the `Date` line above it or the one below.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus.records import Document
from nlp.normalize import normalize_date

ICE_NAME = "U.S. Immigration and Customs Enforcement"

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

# field labels of the signature form; some fonts shift every glyph by 29 code points, so that
# `Name` comes out as `1DPH` and `____` as `BBBB`: such lines are shifted back before reading
LABEL = re.compile(r"(?:For\s+the\s+LEA|For\s+ICE|Date|Signa\w{3,5}|Name|Title|Agency)\s*[:;.,·]?", re.I)
LABEL_START = re.compile(r"^\s*(?P<label>For\s+the\s+LEA|For\s+ICE|Date|Signa\w{3,5}|Name|Title|Agency)\b\s*[:;.,·]?\s*", re.I)
SIGNING = re.compile(r"By\s+signing\s+this\s+(?:MOA|agreement)", re.I)
DIGITAL = re.compile(r"D[il1]g[il1]ta[il1][il1]y\s*s[il1]g\S*\s*by\b\s*(?P<rest>.*)", re.I)
STAMP_DATE = re.compile(r"((?:19|20)\d{2})[.\-/]([0-9OD]{2})[.\-/]([0-9OD]{2})")
DATE_IN_TEXT = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*\d{4}\b")
RULE = re.compile(r"[_\-–—=~|.·•]{2,}|B{6,}")
ICE_ORG = re.compile(r"Immigration|Customs|Enforcement\s+and\s+Removal|Homeland\s+Security|\bICE\b|\bERO\b", re.I)
AGENCY_WORD = re.compile(r"\b(?:Office|Department|Dept|Bureau|Agency|Center|Division)\b", re.I)
ORG_WORD = re.compile(r"\b(?:Office|Department|Dept|Enforcement|Sheriff'?s|Police|Security|Operations|Corrections|"
                      r"Bureau|Agency|Center|Customs|Patrol|Division|Commission|County|City|State)\b", re.I)
# OCR's and typists' spellings of a title, as the title
MISSPELT = {"sherif": "Sheriff", "sherrif": "Sheriff", "sherriff": "Sheriff"}
TITLE_WORDS = TITLES + list(MISSPELT) + ["Jailer", "Attorney General", "Interim Director", "Acting Executive Associate Director",
                        "Assistant Director", "Executive Associate Director", "Associate Director"]
TITLE_LINE = re.compile(r"^(?:(?:Acting|Interim|Deputy|Assistant|Associate|Executive|Senior|Texas|State|"
                        r"[A-Z][a-z]+\s+County)\s+)*(?:" + "|".join(re.escape(t) for t in TITLE_WORDS) + r")\b", re.I)
# titles that, in these agreements, only ICE's signer holds
ICE_TITLE = re.compile(r"Acting\s+Director|Deputy\s+Director|Associate\s+Director|Assistant\s+Director|Field\s+Office\s+Director|"
                       r"Director\s+or\s+designee|Special\s+Agent|Enforcement", re.I)
_PART = r"(?:[A-Z][A-Za-z'’\-]*[a-z][A-Za-z'’\-]*|[A-Z]{2,}(?:['’\-][A-Z]+)?)"
_INITIALS = r"(?:[A-Z]\s?[.?]\s?){1,3}"
PERSON_LINE = re.compile(rf"^(?:{_INITIALS}|{_PART}\s+)(?:(?:{_INITIALS}|[A-Z]\s+|{_PART}\s+))*{_PART}"
                         r"(?:,?\s+(?:II|III|IV|Jr\.?|Sr\.?))?$")
NOT_PERSON = re.compile(r"\b(?:Office|Department|Dept|Director|Enforcement|Operations|Security|Affairs|Washington|"
                        r"County|Sheriff|Police|Agency|Signature|Title|Date|Name|Revised|Appendix|Immigration|"
                        r"Customs|Homeland|Public|Information|Contact|Program|Street|Avenue|Road|Suite|Center|"
                        r"Digitally|Signed|Deputy|Chief|Attorney|General|Commissioner|Secretary|Jailer|"
                        r"Corrections|Safety|Bureau|Investigation|State|Acting|Interim|Designee|Enforcemen|Sign|Here|Witness|"
                        r"ICE|LEA)\b", re.I)


@dataclass
class Item:
    line: int                   # line number in the block
    kind: str                   # name | title | org | date | digital
    value: str | None = None
    date: str | None = None     # for a date, and for a digital signature's time stamp
    ice: bool = False           # an org line of ICE's, or a name printed under `For ICE:`
    party: str | None = None    # "LEA" | "ICE" from a `For ...:` label on the name's line
    start: int = 0              # offset of the value in the page text
    col: int | None = None      # the column of a line that held both columns' fields


def _unshift(line: str) -> str:
    """`1DPH BBBB` -> `Name ____` (a font that maps every glyph 29 code points down)."""
    shifted = "".join(chr(ord(c) + 29) if 33 <= ord(c) + 29 < 127 and c != " " else c for c in line)
    return shifted if LABEL_START.match(shifted) or re.match(r"^_+$", shifted.strip()) else line


def signature_page(doc: Document) -> tuple[int, int] | None:
    """(page number, offset where the signature block starts), or None."""
    for page in doc.pages:
        if (m := SIGNING.search(page.text)):
            # the block starts after the paragraph that begins "By signing this MOA"
            end = page.text.find("law.", m.end())
            start = end + 4 if 0 <= end - m.end() < 400 else page.text.find("\n", m.end()) + 1
            return page.number, start
    for page in doc.pages:
        if re.search(r"^\s*For\s+the\s+LEA\s*:?", page.text, re.M | re.I) and re.search(r"Signature", page.text):
            return page.number, 0
    return None


def block_items(text: str, offset: int) -> list[Item]:
    """Read the signature block line by line into names, titles, organisations and dates.

    The block is the page from `offset` on, and also the short lines at the top of the page
    before its first line of prose: a form's filled-in values can come first in the page's text."""
    items: list[Item] = []
    headers: list[Item] = []          # `For the LEA:` / `For ICE:` column headings, in order
    lines, pos = [], 0
    for raw in text[:offset].split("\n") if offset else []:
        if len(raw.split()) >= 8 or SIGNING.search(raw):
            break
        lines.append((pos, raw))
        pos += len(raw) + 1
    pos = offset
    for raw in text[offset:].split("\n"):
        lines.append((pos, raw))
        pos += len(raw) + 1
    digital: Item | None = None
    n = -1
    for line_start, raw in lines:
        if not raw.strip():
            continue
        n += 1                      # lines are counted without the blank ones
        line = _unshift(raw)
        if digital is not None:     # the name of a digital signature runs on until its `Date:`
            if (stamp := STAMP_DATE.search(line)) or re.match(r"^\s*Date\s*:", line, re.I):
                digital.date = _stamp_date(stamp) if stamp else None
                digital = None
                continue
            digital.value = f"{digital.value} {line.strip()}"
            if n - digital.line > 3:
                digital = None
            continue
        # a line may hold both columns' fields ("Name: A. Smith Name: B. Jones")
        segments = re.split(r"(?<=\S)\s+(?=(?:For\s+the\s+LEA|For\s+ICE|Date|Name|Title|Agency)\s*[:;.,])", line)
        for col, seg in enumerate(segments):
            party = None
            while (m := LABEL_START.match(seg)):
                label = m.group("label").lower()
                party = "LEA" if "lea" in label else "ICE" if "ice" in label else party
                seg = seg[m.end():]
            seg_start = line_start + raw.find(seg.strip()[:8]) if seg.strip() else line_start
            value = " ".join(RULE.sub(" ", seg).split()).strip(" ,;:|~_")
            if party:
                headers.append(Item(n, "header", party=party))
            if not value:
                continue
            if (m := DIGITAL.search(value)):
                digital = Item(n, "digital", m.group("rest"), start=seg_start)
                items.append(digital)
                if (stamp := STAMP_DATE.search(value)):
                    digital.date, digital = _stamp_date(stamp), None
                continue
            if re.search(r"Revised|^Rev\b", value, re.I):
                continue
            if (stamp := STAMP_DATE.search(value)):
                items.append(Item(n, "date", date=_stamp_date(stamp)))
                continue
            if re.search(r"\d", value):
                if re.search(r"[A-Za-z]{3}", value):
                    value = re.sub(r"\b(\d) (\d)\b", r"\1\2", value)     # OCR's `JAN 2 2 2020`
                # two columns' dates on one line: "02/28/2025 March 5, 2025"
                parts = DATE_IN_TEXT.findall(value)   # also a date among OCR noise: "—March 17, 2025-> ="
                for part in parts or [value]:
                    date = normalize_date(part)
                    if date and len(date) == 10 and 2005 <= int(date[:4]) <= 2035:
                        # a `Date:` field of one column of a line that holds both columns
                        items.append(Item(n, "date", date=date, col=col if len(segments) > 1 else None))
                continue
            if TITLE_LINE.match(value) and len(value.split()) <= 8 and not AGENCY_WORD.search(value.partition(",")[0]):
                items.append(Item(n, "title", _title_text(value), ice=bool(ICE_ORG.search(value))))
            elif PERSON_LINE.match(name := _ocr_name(value)) and not NOT_PERSON.search(name) and len(name.split()) <= 5:
                items.append(Item(n, "name", _person_text(name), party=party, start=seg_start))
            elif ORG_WORD.search(value):
                items.append(Item(n, "org", value, ice=bool(ICE_ORG.search(value))))
    # the order of the column headings tells the parties of two names read across a row
    order = [h.party for h in headers]
    if "LEA" in order and "ICE" in order:
        items.append(Item(-1, "columns", value=",".join(sorted(set(order), key=order.index))))
    return items


def _stamp_date(m: re.Match) -> str | None:
    year, month, day = (g.replace("O", "0").replace("D", "0") for g in m.groups())
    return normalize_date(f"{year}-{month}-{day}")


def _title_text(value: str) -> str:
    """The title as printed, less an agency after a comma (`Sheriff, Brevard County`)."""
    head, _, tail = value.partition(",")
    if tail and ORG_WORD.search(tail) and not re.fullmatch(r"\s*Enforcement\s*", tail):
        value = head
    value = " ".join(value.split()).rstrip(" =|~_-—:;,")          # OCR's `Sheriff =`
    value = MISSPELT.get(value.lower(), value)
    return value.title() if value.isupper() else value


def _ocr_name(value: str) -> str:
    """A printed name with OCR's specks taken off: quotes at its ends, a lone lower-case letter
    between its parts (`David f A. Falletti”`)."""
    value = value.strip("\"'“”‘’ ").replace("€", "c")      # OCR's `S€ott`
    return re.sub(r"(?<=[A-Za-z.]) [a-z](?= [A-Z])", "", value)


def _person_text(value: str) -> str:
    value = re.sub(r"\s*\?\s*", ". ", value)                   # OCR's `C.M?Cronen`
    value = re.sub(r"([A-Z])\s+\.", r"\1.", value)             # `C.M . Cronen`
    value = " ".join(value.split())
    if value.replace(".", "").replace(",", "").isupper():
        value = " ".join(w if len(w.rstrip(".")) == 1 or w in ("II", "III", "IV") else w.title() for w in value.split())
    return value


def surname(name: str) -> str:
    words = [w for w in re.split(r"[\s,]+", name) if w and w not in ("II", "III", "IV", "Jr", "Jr.", "Sr", "Sr.")]
    return words[-1].strip(".").lower() if words else ""


def first_last(name: str) -> tuple[str, str]:
    """(first name, surname), lower case: `David E. Vincent` and `David Vincent` are one person."""
    return name.split()[0].lower(), surname(name)


@dataclass
class Signer:
    name: str
    line: int
    start: int
    printed: bool
    party: str | None = None
    title: str | None = None
    title_line: int | None = None
    date: str | None = None
    ice_org: bool = False


def read_signers(items: list[Item]) -> list[Signer]:
    """Who signed, as what and when, from the items of a signature block.

    Printed names come with the lines stacked under them (`Name / Title / Agency`); names of
    two columns read across a row come in pairs, and so do the titles and dates of that row;
    a digital signature's name and time stamp belong to the printed name with its surname,
    or stand alone where no name is printed.
    """
    signers = [Signer(i.value, i.line, i.start, True, party=i.party) for i in items if i.kind == "name"]
    for d in (i for i in items if i.kind == "digital"):
        words = [w for w in re.split(r"[\s,]+", d.value or "") if w]
        same = next((s for s in signers if surname(s.name) and any(surname(s.name) in w.lower() for w in words)), None)
        if same:
            same.date = same.date or d.date
            continue
        seen, kept = set(), []
        for w in words:                          # the appearance repeats the name's parts
            if w.lower() not in seen and re.match(r"^[A-Z]", w):
                seen.add(w.lower())
                kept.append(w)
        name = _person_text(" ".join(kept))
        if len(kept) >= 2 and PERSON_LINE.match(name) and not NOT_PERSON.search(name):
            signers.append(Signer(name, d.line, d.start, False, date=d.date))
    signers.sort(key=lambda s: s.line)
    claimed: set[int] = set()
    titles = Counter(i.value for i in items if i.kind == "title")
    shared = {t: n > 1 and bool(ICE_TITLE.search(t)) for t, n in titles.items()}
    names_at = sorted({s.line for s in signers if s.printed})

    def next_name_after(line: int) -> int:
        return next((n for n in names_at if n > line), 10 ** 6)

    # two names in a row, nothing but labels between: two columns read across
    rows: list[list[Signer]] = []
    printed = [s for s in signers if s.printed]
    for s in printed:
        between = [i for i in items if (rows and rows[-1][-1].line < i.line < s.line) and i.kind != "name"]
        if rows and not between and s.line - rows[-1][-1].line <= 2:
            rows[-1].append(s)
        else:
            rows.append([s])
    columns = next((i.value.split(",") for i in items if i.kind == "columns"), None)
    for row in rows:
        if len(row) == 2 and columns and not any(s.party for s in row):
            for s, party in zip(row, columns):
                s.party = party
        if len(row) == 1:
            s = row[0]
            stop = next_name_after(s.line)
            stack = []
            for i in items:
                if s.line < i.line < min(stop, s.line + 9):
                    if i.kind == "digital":
                        break
                    stack.append(i)
            s.ice_org = any(i.kind == "org" and i.ice for i in stack)
            for i in stack:
                # the same ICE title in both columns is one form field shared by both parties
                # (ICE's entry shows in the agency's column too): it is not the agency signer's
                if i.kind == "title" and id(i) not in claimed and not (
                        shared.get(i.value) and s.party != "ICE" and not s.ice_org):
                    s.title, s.title_line = i.value, i.line
                    claimed.add(id(i))
                    break
        else:
            stop = next_name_after(row[-1].line)
            titles = [i for i in items if row[-1].line < i.line < min(stop, row[-1].line + 8) and i.kind == "title"]
            ice_orgs = [i for i in items if row[-1].line < i.line < min(stop, row[-1].line + 10) and i.kind == "org"]
            _by_column(row, titles, claimed)
            if any(o.ice for o in ice_orgs) and not any(s.party for s in row):
                # the ICE column is the one whose agency line is ICE's
                for s, o in zip(row, ice_orgs):
                    s.ice_org = o.ice
            dates = [i for i in items if i.kind == "date" and i.line < row[0].line
                     and i.line > max([n for n in names_at if n < row[0].line] or [-1])]
            if len(dates) >= len(row):
                for s, d in zip(row, dates[-len(row):]):
                    s.date = s.date or d.date
                    claimed.add(id(d))
            else:
                for d in dates:
                    if d.col is not None and d.col < len(row) and not row[d.col].date:
                        row[d.col].date = d.date
                        claimed.add(id(d))
    for s in signers:
        s.party = s.party or ("ICE" if s.ice_org or (s.title and ICE_TITLE.search(s.title)) else None)
    # titles no stack claimed: an ICE title to ICE's signer, another to the agency's
    for i in items:
        if i.kind != "title" or id(i) in claimed:
            continue
        ice = bool(ICE_TITLE.search(i.value))
        if ice and not shared.get(i.value) and not any(s.party == "ICE" for s in signers):
            for s in sorted((s for s in signers if s.printed and s.title is None), key=lambda s: abs(s.line - i.line)):
                s.party = "ICE"          # ICE's title, and no one else is ICE's signer
                break
        for s in sorted((s for s in signers if s.title is None and s.printed), key=lambda s: abs(s.line - i.line)):
            if (s.party == "ICE") == ice or (s.party is None and not ice):
                s.title, s.title_line, s.party = i.value, i.line, s.party or ("ICE" if ice else None)
                claimed.add(id(i))
                break
    # dates: the one printed just above a name (the `Date:` field sits over the name), else the
    # one just below it; a date beside a title goes with that title's holder
    dates = [i for i in items if i.kind == "date" and id(i) not in claimed]
    for s in signers:
        if s.date or not s.printed:
            continue
        before = [d for d in dates if s.line - 3 <= d.line < s.line and id(d) not in claimed
                  and not any(d.line < n < s.line for n in names_at)]
        if before:
            s.date = before[-1].date
            claimed.add(id(before[-1]))
    for s in signers:
        if s.date or s.title_line is None:
            continue
        beside = [d for d in dates if abs(d.line - s.title_line) == 1 and id(d) not in claimed]
        if beside:
            s.date = beside[0].date
            claimed.add(id(beside[0]))
    for s in signers:
        if s.date or not s.printed:
            continue
        stop = next_name_after(s.line)
        after = [d for d in dates if s.line < d.line < min(stop, s.line + 5) and id(d) not in claimed]
        if after:
            s.date = after[0].date
            claimed.add(id(after[0]))
    return _merged(signers)


def _merged(signers: list[Signer]) -> list[Signer]:
    """One signer per person: `Michael Ewing` (a signature's appearance) is `Michael S. Ewing`."""
    kept: list[Signer] = []
    for s in signers:
        key = first_last(s.name)
        same = next((k for k in kept if first_last(k.name) == key), None)
        if same is None:
            kept.append(s)
            continue
        if len(s.name) > len(same.name):
            same.name, same.start, same.printed = s.name, s.start, s.printed
        same.title, same.title_line = same.title or s.title, same.title_line if same.title else s.title_line
        same.date, same.party = same.date or s.date, same.party or s.party
    return kept


def block_agency(doc: Document) -> str | None:
    """The agency party as its signature block prints it (`Agency:` field or the line under the
    title), for when the text names it nowhere the NER can find: the first non-ICE agency line."""
    found = signature_page(doc)
    if not found:
        return None
    number, offset = found
    for i in block_items(doc.pages[number - 1].text, offset):
        if i.kind == "org" and not i.ice and AGENCY_WORD.search(i.value) and not TITLE_LINE.match(i.value):
            name = re.sub(r"\s*[,;\-–]\s*(?:[A-Z]{2}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s*$", "", i.value)
            if len(name.split()) >= 2 and not re.search(r"\d", name):
                return name
    return None


def _by_column(row: list[Signer], titles: list[Item], claimed: set[int]) -> None:
    """Titles of a row of names: ICE's title to the name under `For ICE:`, the rest in order."""
    left = list(titles)
    for s in row:
        if s.party == "ICE":
            t = next((t for t in left if ICE_TITLE.search(t.value)), None)
        elif s.party == "LEA":
            t = next((t for t in left if not ICE_TITLE.search(t.value)), None)
        else:
            t = left[0] if left else None
        if t:
            s.title, s.title_line = t.value, t.line
            left.remove(t)
            claimed.add(id(t))
