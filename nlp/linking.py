"""From mentions to entities an investigator can rely on.

- Acronyms defined in the text ("the Jim Wells County Sheriff's Office (JWCSO)", "the law
  enforcement agency (LEA)"), or formed from the initials of an agency the document names
  ("CPD" beside "Chicago Police Department"), are agencies wherever they occur in that
  document, and resolve to the full name. Every standalone `LEA` is an agency (the party).
- A person named in full ("Hughes, Traci", "Joe Lockhart") is the same person where the
  document later uses the first name or the surname alone ("Traci", "Lockhart").
- Forms that are not entities here (MOA, SOP, "Appendix A" as a person) are dropped.
- Law-enforcement agencies link to ICE's participating-agency spreadsheets (bundled as a
  gazetteer) for state, county, model and signing date.
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from corpus.records import Document, Mention
from nlp.normalize import PLACE_GOVERNMENT, canonical_agency

PATTERNS = resources.files("nlp") / "patterns"
DEFINED = re.compile(r"^\s*\(\s*(?:the\s+)?[\"“”']?\s*([A-Z][A-Za-z&.]{1,11})\s*[\"“”']?\s*\)")
# acronyms an ICE agreement uses undefined, by the template's own spelling elsewhere ("DHS OIG")
AGREEMENT_ACRONYMS = {"OIG": "DHS Office of Inspector General"}
LEA = re.compile(r"(?:law\s+enforcement\s+agency|Law\s+Enforcement\s+Agency)[\"“”']?\s*\(\s*[\"“”']?(LEA)[\"“”']?\s*\)")


@lru_cache(maxsize=4)
def pattern_sets(file_name: str) -> dict[str, frozenset[str]]:
    """A word-list file of nlp/patterns/ as sets (keys starting with `_` are comments)."""
    data = json.loads((PATTERNS / file_name).read_text())
    return {k: frozenset(v) for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def ruler_acronyms() -> dict[str, str]:
    """{"USUN": "U.S. Mission to the United Nations"}: the agencies the entity ruler knows by one token."""
    rows = (json.loads(line) for line in (PATTERNS / "entity_ruler.jsonl").read_text().splitlines() if line.strip())
    return {r["pattern"][0]["ORTH"]: r["id"] for r in rows if r["label"] == "AGENCY" and isinstance(r["pattern"], list)
            and len(r["pattern"]) == 1 and "ORTH" in r["pattern"][0] and r.get("id")}


def not_entities() -> dict[str, frozenset[str]]:
    return pattern_sets("not_entities.json")


def is_noise(m: Mention) -> bool:
    stop = not_entities()
    text = m.text.strip()
    return text in stop["any"] or text in stop.get(m.type, ()) or m.canonical in stop.get(m.type, ())


SMALL_WORDS = {"of", "the", "and", "&", "for", "on", "in", "at"}
RETYPABLE = {"AGENCY", "ORG", "PERSON", "GPE"}     # what the general model calls an unknown acronym


def initialism(name: str) -> str | None:
    """`Chicago Police Department` -> `CPD`, `Jim Wells County Sheriff's Office` -> `JWCSO`;
    None for names of fewer than three capitalised words."""
    letters = []
    for word in re.split(r"[\s/-]+", name.strip()):
        if not word or word.lower() in SMALL_WORDS:
            continue
        if not word[0].isupper():
            return None
        letters.append(word[0])
    return "".join(letters) if len(letters) >= 3 else None


def acronym_fits(acronym: str, name: str) -> bool:
    """Whether `acronym` can stand for `name`: its letters are, in order, initials of the name's
    words ("JWCSO" for "Jim Wells County Sheriff's
    Office", "BEGA" for "Board of Ethics and Government Accountability"); "(BEGA)" after the
    person "Hughes, Traci" is her agency, not her acronym."""
    initials = [w[0].upper() for w in re.split(r"[\s/.-]+", name.strip()) if w and w[0].isalpha()]
    letters = [c for c in acronym.upper() if c.isalpha()]
    if not letters:
        return False
    i = 0
    for c in letters:
        while i < len(initials) and initials[i] != c:
            i += 1
        if i == len(initials):
            return False
        i += 1
    return True


def _occurrences(text: str, pattern: str):
    return re.finditer(r"(?<![\w.@/-])(?:" + pattern + r")(?![\w@/-]|\.\w)", text)


def _label_occurrences(doc: Document, names: dict[str, tuple[str, str]], retypable: set[str]) -> None:
    """Label every whole-word match of each key of `names` ({regex: (type, canonical)}), in order,
    in the document's pages. An occurrence inside a mention of another type is left alone, unless
    that mention is one of `retypable` and lies within the occurrence; then it is replaced."""
    if not names:
        return
    by_page: dict[int, list[Mention]] = {}
    for m in doc.mentions:
        by_page.setdefault(m.page, []).append(m)
    drop: set[int] = set()
    for page in doc.pages:
        here = by_page.get(page.number, [])
        for surface, (label, full) in names.items():
            for found in _occurrences(page.text, surface):
                start, end = found.span()
                text = found.group()
                overlapping = [m for m in here if m.start < end and start < m.end and id(m) not in drop]
                same = [m for m in overlapping if m.type == label and (m.start, m.end) == (start, end)]
                if same:
                    for m in same:
                        m.canonical = full
                    continue
                if any(m.type not in retypable or m.start < start or m.end > end for m in overlapping):
                    continue
                drop.update(id(m) for m in overlapping)
                new = Mention(type=label, text=text, canonical=full, normalized=None, page=page.number,
                              start=start, end=end, chunk_index=doc.chunk_at(page.number, start))
                if label in ("AGENCY", "ORG") and text != full:
                    new.attributes["acronym"] = text
                here.append(new)
                doc.mentions.append(new)
    if drop:
        doc.mentions = [m for m in doc.mentions if id(m) not in drop]
    doc.mentions.sort(key=lambda m: (m.page, m.start))


def resolve_acronyms(doc: Document, party: str | None = None) -> None:
    """Label every occurrence of an agency's acronym as that agency: acronyms defined in the
    document ("... Sheriff's Office (JWCSO)"), the initials of an agency it names in full, and the
    generic `LEA` (the agreement's party when known, else left as `LEA`); in an agreement, also the
    template's undefined `OIG`. An acronym takes its full name's type: that of "Quadrennial Diplomacy
    and Development Review (QDDR)", a report the model read as an ORG, is no agency's."""
    pages = {p.number: p.text for p in doc.pages}
    defined: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for m in doc.mentions:
        if m.type in ("AGENCY", "ORG"):
            after = pages.get(m.page, "")[m.end:m.end + 20]
            found = DEFINED.match(after)
            if found and found.group(1) != m.text.strip() and len(found.group(1)) < len(m.canonical) \
                    and acronym_fits(found.group(1), m.canonical):
                defined.setdefault(found.group(1), m.canonical)
                kinds.setdefault(found.group(1), m.type)
    for m in doc.mentions:
        if m.type == "AGENCY" and (short := initialism(m.canonical)) and short not in defined \
                and re.search(r"(?<![\w.@/-])" + short + r"(?![\w@/-])", doc.text):
            defined[short] = m.canonical
    defined["LEA"] = party if party and LEA.search(doc.text) else defined.get("LEA", "LEA")
    for m in doc.mentions:       # spans the model or the ruler labelled already
        full = defined.get(m.text.strip())
        if full and m.type in RETYPABLE:
            m.type, m.canonical = kinds.get(m.text.strip(), "AGENCY"), full
            m.attributes["acronym"] = m.text.strip()
    _label_occurrences(doc, {re.escape(short): (kinds.get(short, "AGENCY"), full) for short, full in defined.items()},
                       RETYPABLE)
    if doc.doc_type == "moa":
        for m in doc.mentions:
            if m.type == "AGENCY" and m.canonical in AGREEMENT_ACRONYMS:
                m.canonical = AGREEMENT_ACRONYMS[m.canonical]


def government_acronyms(doc: Document) -> None:
    """A State Department cable's "GOL", "GOB", "GoH": the Government of Libya, of Bangladesh, of Haiti, where
    that is the one country of those initials the document names ("GOP" stays the party, as the ORG list says)."""
    known = pattern_sets("entity_types.json")
    by_key: dict[str, set[str]] = {}
    for country in known.get("COUNTRIES", ()):
        if re.search(r"\b" + re.escape(country) + r"\b", doc.text):
            key = "GO" + "".join(w[0] for w in country.split() if w[0].isupper())
            by_key.setdefault(key, set()).add(country)
    names = {form: ("AGENCY", f"Government of {next(iter(found))}") for key, found in by_key.items()
             for form in (key, "Go" + key[2:]) if len(found) == 1 and form not in known["ORG"]
             and re.search(r"(?<![\w.@/-])" + form + r"(?![\w@/-])", doc.text)}
    _label_occurrences(doc, names, RETYPABLE)
    for m in doc.mentions:
        if m.type == "AGENCY" and m.text.strip() in names:
            m.attributes["acronym"] = m.text.strip()


# the one-letter symbols of the State Department's principal offices, as its releases print them in headers
STATE_OFFICES = {"S": "Office of the Secretary of State", "D": "Office of the Deputy Secretary of State",
                 "P": "Office of the Under Secretary of State for Political Affairs",
                 "E": "Office of the Under Secretary of State for Economic Affairs",
                 "M": "Office of the Under Secretary of State for Management",
                 "R": "Office of the Under Secretary of State for Public Diplomacy and Public Affairs",
                 "T": "Office of the Under Secretary of State for Arms Control and International Security",
                 "G": "Office of the Under Secretary of State for Democracy and Global Affairs",
                 "F": "Office of the Director of U.S. Foreign Assistance", "H": "Bureau of Legislative Affairs",
                 "L": "Office of the Legal Adviser", "C": "Office of the Counselor of the Department of State"}
# the State Department's office symbols, by their offices' names ("S/CRS" beside "the Office of the Coordinator
# for Reconstruction and Stabilization")
OFFICE_SYMBOLS = {"S/CRS": "Office of the Coordinator for Reconstruction and Stabilization",
                  "S/SRAP": "Office of the Special Representative for Afghanistan and Pakistan",
                  "S/ES-O": "Operations Center", "S/ES": "Executive Secretariat", "S/P": "Policy Planning Staff",
                  "S/CT": "Office of the Coordinator for Counterterrorism",
                  "S/GAC": "Office of the U.S. Global AIDS Coordinator", "A/GIS": "Office of Global Information Services",
                  "A/GIS/IPS": "Office of Information Programs and Services", "AID/A": "USAID Office of the Administrator"}
# the State Department's shorthand in its releases: "calling thru Ops", "Ops has his contact info" (not "photo
# ops" nor "covert ops": lower case only where a call goes through it), and its offices' symbols
RELEASE_SHORTHAND = {r"Ops(?:[ ]Center)?": ("AGENCY", "Operations Center"),
                     **{rf"(?<={word}[ ])ops": ("AGENCY", "Operations Center") for word in ("thru", "through", "via", "into", "with")},
                     **{re.escape(symbol): ("AGENCY", name) for symbol, name in OFFICE_SYMBOLS.items()}}


def release_shorthand(doc: Document) -> None:
    """Offices a State Department release names by its own shorthand (`RELEASE_SHORTHAND`)."""
    if doc.doc_type == "foia_release":
        _label_occurrences(doc, RELEASE_SHORTHAND, RETYPABLE)


PLACE_BODY = re.compile(r"(?:[Tt]he\s+)?(?:City|County|State|Village|Town)\s+[Oo]f\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?")
LOCATIVE = re.compile(r"\b(?:in|at|near|from|to|for|across|throughout|around|outside|inside|into)\s+(?:the\s+)?\Z", re.I)
CITY = re.compile(r"City of [A-Z][a-z]+(?: (?!Department|Office|Police|Board)[A-Z][a-z]+)?")
STATE_ATTORNEY_GENERAL = re.compile(r"(?:Office of the )?(?P<state>[A-Z][a-z]+(?: [A-Z][a-z]+)?) Attorney General(?:['’]s Office)?")
ATTORNEY_GENERAL = re.compile(r"(?:the )?(?:Office of the Attorney General|Attorney General['’]s Office)")


def _placed_names(names: set[str]) -> dict[str, str]:
    """{"Department of Human Resources": "City of Chicago Department of Human Resources"}: a body's name
    of three words or more that the document also gives with its one place before it."""
    placed: dict[str, set[str]] = {}
    for full in names:
        for short in names:
            if len(short.split()) >= 3 and full.endswith(" " + short) \
                    and PLACE_GOVERNMENT.fullmatch(full[:-len(short)].strip()):
                placed.setdefault(short, set()).add(full)
    return {short: fulls.pop() for short, fulls in placed.items() if len(fulls) == 1}


def local_government(doc: Document) -> None:
    """A letter's short names for the places it names, read as investigators read them (not in
    agreements, whose "the City" may be the other party's):
    - a body it also names with its place is that place's: "the Department of Human Resources" after
      "City of Chicago Department of Human Resources";
    - "the City" is the one city government it names ("City of Chicago", also inside a department's name),
      as letters define it: "The City switched to a new system";
    - "Office of the Attorney General" is the one state's it names: Illinois's, beside "the Illinois
      Attorney General's Public Access Counselor"."""
    if doc.doc_type == "moa":
        return
    agencies = [m for m in doc.mentions if m.type == "AGENCY"]
    for short, full in _placed_names({m.canonical for m in agencies}).items():
        for m in agencies:
            if m.canonical == short:
                m.canonical = full
    cities = {c.group() for m in agencies if (c := CITY.match(m.canonical))}
    if len(cities) == 1:
        _label_occurrences(doc, {r"(?<=\b[Tt]he )City(?! of\b)": ("AGENCY", cities.pop())}, RETYPABLE)
        for m in doc.mentions:
            if m.attributes.get("acronym") == "City":      # a defined term, not an acronym
                del m.attributes["acronym"]
    for m in doc.mentions:      # "The City of Chicago has retained ...", "the State of Louisiana issued": the government
        if m.type == "GPE" and PLACE_BODY.fullmatch(m.text) and not LOCATIVE.search(
                doc.page_text(m.page), max(0, m.start - 12), m.start):
            m.type, m.canonical = "AGENCY", canonical_agency(m.text)
    states = {f"Office of the {a.group('state')} Attorney General" for m in agencies
              if (a := STATE_ATTORNEY_GENERAL.fullmatch(m.canonical))}
    if len(states) == 1:
        state = states.pop()
        for m in agencies:
            if ATTORNEY_GENERAL.fullmatch(m.canonical) or STATE_ATTORNEY_GENERAL.fullmatch(m.canonical):
                m.canonical = state


POLICE = re.compile(r"\b(?:Police|Sheriff|Organized Crime|Detectives?|Patrol)\b")
DEPARTMENT_UNIT = re.compile(r"(?:[A-Z][a-z]+ ){1,3}(?:Group|Section|Unit)")


def _police_document(doc: Document) -> bool:
    return any(m.type == "AGENCY" and POLICE.search(m.canonical) for m in doc.mentions)


def department_units(doc: Document) -> None:
    """"Administrative Support Group", "Technical Services Group": in a police or sheriff's document, a group,
    section or unit named in capitals without a company's suffix is one of the department's units."""
    if not _police_document(doc):
        return
    business = pattern_sets("entity_types.json")["BUSINESS_WORDS"]
    for m in doc.mentions:
        if m.type == "ORG" and DEPARTMENT_UNIT.fullmatch(m.canonical) and not set(m.canonical.split()) & business:
            m.type = "AGENCY"


def unit_sections(doc: Document) -> None:
    """A police unit's administration section, which its records name as a unit of its own: "Organized Crime
    Division - Administration", "BOC Administration", "Administration-OCD" (by the document's acronym for the
    unit). Named "<unit> - Administration" (not "Drug Enforcement Administration": no unit of the document)."""
    if not _police_document(doc):
        return
    units = {m.text.strip(): m.canonical for m in doc.mentions
             if m.type == "AGENCY" and re.search(r"\b(?:Division|Bureau)\b", m.canonical)}
    names = {}
    for text, unit in units.items():
        names[re.escape(text) + r"[ ]?(?:[-–—,][ ]?|[ ])Administration(?![ ]+of\b)"] = ("AGENCY", f"{unit} - Administration")
        if text.isupper() and len(text) <= 5:
            names[rf"Administration[ ]?[-–—][ ]?(?i:{re.escape(text)})"] = ("AGENCY", f"{unit} - Administration")
    _label_occurrences(doc, names, RETYPABLE)


ACRONYM = r"[A-Z]{2,6}(?:/[A-Z]{2,6})?"          # "COPA/IPRA": two names of one body
ACRONYM_LIST = re.compile(rf"\b{ACRONYM}(?:,[ ]?{ACRONYM})*(?:,?[ ](?:or|and)[ ]{ACRONYM}\b|(?:,[ ]?{ACRONYM})+,[ ]etc\b)")


def listed_acronyms(doc: Document) -> None:
    """"Agency of investigator (IAD, BIA, OPS, or IPRA, etc)", "(BIA, COPA/IPRA, OIG, FBI, etc.)": acronyms
    listed with an agency the document names are agencies too, unless one is an organisation's, by the word
    lists or as the document defines it ("FBI, CIA and NATO"; "SCAF and MB" after "Muslim Brotherhood (MB)")."""
    agencies = {m.text.strip() for m in doc.mentions if m.type == "AGENCY"}
    orgs = pattern_sets("entity_types.json")["ORG"] | {m.text.strip() for m in doc.mentions
                                                       if m.type == "ORG" and m.attributes.get("acronym")}
    names = {}
    for page in doc.pages:
        for found in ACRONYM_LIST.finditer(page.text):
            items = re.findall(r"[A-Z]{2,6}", found.group())
            if agencies & set(items) and not orgs & set(items):
                names.update({item: ("AGENCY", item) for item in items if item not in agencies})
    for m in doc.mentions:
        if m.text.strip() in names and m.type in RETYPABLE:
            m.type, m.canonical = "AGENCY", m.text.strip()
    _label_occurrences(doc, names, RETYPABLE)


NAME_PART = re.compile(r"[A-Z][a-z][A-Za-z'’-]+|[A-Z]{2,}(?:-[A-Z][A-Za-z]+)?")     # "Hughes", "BOROR-Urla"


def propagate_names(doc: Document) -> None:
    """Label the bare first names and surnames of people the document names in full (two or more
    words), as those people: "Traci" after "Hughes, Traci", "Lockhart" after "Joe Lockhart". A
    part shared by two people is left alone."""
    owners: dict[str, dict[tuple[str, str], str]] = {}     # part -> {(first, last): fullest name}
    for m in doc.mentions:
        parts = m.canonical.replace(",", " ").split()
        if m.type != "PERSON" or len(parts) < 2 or "\n" in m.text.strip() \
                or not all(re.fullmatch(r"[A-Z][A-Za-z.'’-]*", p) for p in parts):
            continue
        who = (parts[0], parts[-1])
        first_surname = parts[-1].split("-")[0]      # in capitals, it stands for both: "Mr. HERNANDEZ", "Hernandez"
        for part in set(who) | ({first_surname, first_surname.title()} if first_surname.isupper() else set()):
            if NAME_PART.fullmatch(part) and part.lower() not in not_entities().get("name_parts", ()):
                known = owners.setdefault(part, {})
                known[who] = max(known.get(who, ""), m.canonical, key=len)
    people = {who: full for known in owners.values() for who, full in known.items()}
    names = {re.escape(first) + r"(?:[ ][A-Z]\.?)?[ ]" + re.escape(last): ("PERSON", full)
             for (first, last), full in people.items()}          # "Vanessa Natale", "Waddah M. Kittab"
    names.update({re.escape(part): ("PERSON", next(iter(full.values())))
                  for part, full in owners.items() if len(full) == 1})
    _label_occurrences(doc, names, {"PERSON", "GPE", "ORG"})


# -- the gazetteer ----------------------------------------------------------------------------

def _key(name: str) -> str:
    name = name.lower().replace("’", "'")
    name = re.sub(r"\bsher+if+'?s?\b", "sheriff", name)
    name = re.sub(r"\b(the|of|'s|s)\b|[^a-z0-9 ]", " ", name)
    return " ".join(name.split())


@lru_cache(maxsize=1)
def gazetteer() -> list[dict[str, str]]:
    path = resources.files("corpus") / "gazetteer" / "agencies.csv"
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["key"] = _key(row["agency"])
    return rows


def link_agency(name: str, state: str | None = None) -> list[dict[str, str]]:
    """Gazetteer rows (one per model) for an agency name, fuzzily matched; best first."""
    from rapidfuzz import fuzz, process
    rows = [r for r in gazetteer() if not state or r["state"] == state]
    if not rows:
        return []
    choices = {i: r["key"] for i, r in enumerate(rows)}
    best = process.extractOne(_key(name), choices, scorer=fuzz.token_sort_ratio, score_cutoff=90)
    if not best:
        return []
    key = best[0]
    return [r for r in rows if r["key"] == key]


def link_entities(doc: Document) -> None:
    """Attach gazetteer facts to the agency mentions that match ICE's list."""
    states = Counter(m.normalized for m in doc.mentions if m.type == "GPE" and m.normalized)
    state = states.most_common(1)[0][0] if states else None
    cache: dict[str, list] = {}
    for m in doc.mentions:
        if m.type != "AGENCY" or not re.search(r"Sheriff|Police|Correction|Patrol|Jail|Detention|Marshal|"
                                               r"Bureau|Public Safety|Constable", m.canonical):
            continue
        if m.canonical not in cache:
            cache[m.canonical] = link_agency(m.canonical, state) or link_agency(m.canonical)
        rows = cache[m.canonical]
        if rows:
            m.attributes.update({"state": rows[0]["state"], "county": rows[0]["county"],
                                 "ice_list": [{k: r[k] for k in ("model", "signed", "status")} for r in rows]})


def attach_nicknames(doc: Document) -> None:
    """A lone first name that is a nickname of exactly one person the document names in full is
    that person: "Kate" beside "Mitchell, Katherine", "Jack" signing under "From: Grimaldi, John J.".
    """
    from nlp.entity_types import same_given_name
    people = {}
    for m in doc.mentions:
        parts = m.canonical.split()
        if m.type == "PERSON" and len(parts) >= 2 and NAME_PART.fullmatch(parts[0]):
            people.setdefault(m.canonical, parts[0])
    for m in doc.mentions:
        word = m.canonical.strip()
        if m.type != "PERSON" or " " in word or not NAME_PART.fullmatch(word) or m.attributes.get("surname"):
            continue
        fits = {full for full, first in people.items() if same_given_name(word, first)}
        firsts = {people[f] for f in fits}
        if len(firsts) == 1 and len(fits) <= 2:     # "John J. Grimaldi" and "John Grimaldi" are one
            m.canonical = max(sorted(fits), key=len)
            m.attributes["alias_of"] = m.canonical
