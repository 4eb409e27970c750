"""Types that mean what they say, decided from the name and its context after NER.

- AGENCY: any government or public body, at any level, in any country (a sheriff's office, DC's
  Board of Ethics and Government Accountability, the State Department, a foreign ministry).
- ORG: companies, parties, NGOs, international bodies, non-public hospitals and schools, media.
- PERSON: a person's name, never a lone first name (that is only an alias of a full name the
  document gives), a building, a subject-line fragment, a product or a business. Titles printed
  before a name are kept as the person's `title`, never in the name.

The word lists live in nlp/patterns/entity_types.json; first names come from gender-guesser's
dictionary of given names, nicknames from the `nicknames` package.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from corpus.records import Document, Mention
from nlp.linking import pattern_sets

LAST_FIRST = re.compile(r"(?P<last>[A-Z][A-Za-z'’-]+), (?P<first>[A-Z][a-z][A-Za-z'’-]*)(?: [A-Z]\.?)?")
WORD = re.compile(r"[A-Za-z][A-Za-z.'’&-]*")
HEADER_WORDS = {"CC", "Cc", "BCC", "FW", "FWD", "Fwd", "RE"}
NOT_IN_NAMES = re.compile(r"[:/@\d\u200b]|https?|www\.")       # "Website:", "Sid 1.http://latimesblogs..."
# "Lenda P. Washington", "L. Webb": an initial makes the name a person's, though its surname is a word
MIDDLE_INITIAL = re.compile(r"[A-Z][a-z]+ [A-Z]\. [A-Z][a-z][A-Za-z'’-]+")
PERSON_LIKE = re.compile(r"[A-Z][a-z]+(?: [A-Z]\.)?(?: [A-Z][a-z][A-Za-z'’-]+){1,2}")


def lists() -> dict[str, frozenset[str]]:
    return pattern_sets("entity_types.json")


# demonyms whose country no suffix rule finds
DEMONYMS = {"British": "United Kingdom", "French": "France", "Dutch": "Netherlands", "Swiss": "Switzerland",
            "Greek": "Greece", "Turkish": "Turkey", "Danish": "Denmark", "Swedish": "Sweden", "Spanish": "Spain",
            "Polish": "Poland", "Irish": "Ireland", "Filipino": "Philippines", "Afghan": "Afghanistan",
            "Uzbek": "Uzbekistan", "Kazakh": "Kazakhstan", "Tajik": "Tajikistan", "Kyrgyz": "Kyrgyzstan",
            "Thai": "Thailand", "Finnish": "Finland", "Norwegian": "Norway", "Burmese": "Myanmar",
            "Saudi": "Saudi Arabia", "Emirati": "United Arab Emirates", "Somali": "Somalia", "Peruvian": "Peru",
            "American": "United States", "German": "Germany", "Dominican": "Dominican Republic"}
DEMONYM_ENDINGS = (("ese", "a"), ("ese", ""), ("ese", "on"), ("ian", "ia"), ("ian", "a"), ("ian", "e"), ("ian", "y"),
                   ("ian", ""), ("ean", "ea"), ("an", "a"), ("an", "o"), ("an", "y"), ("an", ""), ("n", ""), ("i", ""))


@lru_cache(maxsize=1024)
def country_of(demonym: str) -> str | None:
    """"Libyan" -> "Libya", "Uzbek" -> "Uzbekistan", "British" -> "United Kingdom", "Ugandan" -> "Uganda";
    None for no one country. A country's name found by its ending, else the one country its stem starts."""
    if demonym in DEMONYMS:
        return DEMONYMS[demonym]
    countries = lists()["COUNTRIES"]
    for ending, country_ending in DEMONYM_ENDINGS:
        if demonym.endswith(ending) and (country := demonym[:-len(ending)] + country_ending) in countries:
            return country
    for suffix in ("ian", "an", "n", "ese", "i", "ish"):
        stem = demonym[:-len(suffix)] if demonym.endswith(suffix) else ""
        if len(stem) >= 4 and (found := [c for c in countries if c.startswith(stem) and len(c) - len(stem) <= 3]):
            return min(found)
    return None


@lru_cache(maxsize=1)
def _given_names():
    import gender_guesser.detector
    return gender_guesser.detector.Detector(case_sensitive=False)


@lru_cache(maxsize=4096)
def is_first_name(word: str) -> bool:
    """A given name in gender-guesser's dictionary ("Traci", "LaTonya"; also "Dennis", "Clinton")."""
    return len(word) > 1 and word.isalpha() and _given_names().get_gender(word) != "unknown"


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer
    return NickNamer()


@lru_cache(maxsize=4096)
def same_given_name(a: str, b: str) -> bool:
    """"Kate" and "Katherine", "Jack" and "John", "Bill" and "William": one is a nickname of the
    other (or they share a formal name)."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    nn = _nicknamer()
    forms_a = {a} | nn.canonicals_of(a)
    forms_b = {b} | nn.canonicals_of(b)
    return b in forms_a or a in forms_b or bool(forms_a & forms_b - {a, b})


STRONG_ORG = {"Inc", "Inc.", "LLC", "L.L.C.", "Ltd", "Ltd.", "Corp", "Corp.", "Corporation", "Company", "LLP", "PLC",
              "Party", "party", "Brotherhood", "Foundation"}


# a public school (an AGENCY, as the city's schools are), named as American public schools are; not a private one
PUBLIC_SCHOOL = re.compile(r"\b(?:Elementary|Middle|High|Junior[ ]High|Senior[ ]High)[ ]School(?:[ ]Academy)?$|\bEducation[ ]Campus$|"
                           r"\bPublic[ ]Schools$")
PRIVATE_SCHOOL = re.compile(r"\b(?:Catholic|Christian|Friends|Day|Preparatory|Prep|Episcopal|Jesuit|Lutheran|Hebrew|"
                            r"Islamic|(?<!School )Academy|St\.|Saint|Private)\b")   # not "Jefferson Middle School Academy"
# a mission of the United States abroad, whatever body it is accredited to
US_MISSION = re.compile(r"(?:U\.S\.|US|United[ ]States|American)[ ](?:Mission|Embass(?:y|ies)|Consulate|Delegation)\b")
# the last word of a name that says the body is an association of its members, whatever words come before it
ORG_HEADS = {"Coalition", "Alliance", "Institute", "Association", "Foundation", "Society", "Network", "Federation",
             "Movement", "Club", "Brotherhood", "Partners", "Associates"}
# "Government" with an everyday word before it is a topic ("as they apply to Open Government"), not a government
GOVERNMENT_OK = {"Federal", "National", "State", "City", "County", "Local", "Provincial", "Regional", "Interim",
                 "Transitional", "Central", "District", "Municipal", "Tribal", "Military", "Unity", "Coalition"}


def _topic_government(name: str) -> bool:
    words = [w for w in WORD.findall(name) if w not in ("the", "The", "of")]
    if len(words) != 2 or words[-1] != "Government" or words[0] in lists()["AGENCY_WORDS"]:
        return False
    from wordfreq import zipf_frequency
    return any(w not in GOVERNMENT_OK and not w.isupper() and zipf_frequency(w.lower(), "en") >= 4.5
               for w in words[:-1])


def body_type(name: str) -> str | None:
    """AGENCY or ORG for the name of a body, when its name says which; None when it does not."""
    known = lists()
    name = name.strip()
    bare = re.sub(r"^(?:the|The)\s+", "", name)
    for n in (name, bare):
        if n in known["ORG"]:
            return "ORG"
        if n in known["AGENCY"]:
            return "AGENCY"
    if US_MISSION.match(bare):
        return "AGENCY"                  # "U.S. Mission to the United Nations": the United States', not the UN's
    words = set(WORD.findall(name))
    if re.match(r"(?:the\s+|The\s+)?(?:" + "|".join(map(re.escape, sorted(known["INTERNATIONAL_PREFIXES"]))) + r")\s",
                name) and words & (known["AGENCY_WORDS"] | known["ORG_WORDS"] | {"Assembly"}):
        return "ORG"                     # "European Parliament", "UN Human Rights Council": international bodies
    if WORD.findall(name)[-1:] and WORD.findall(name)[-1] in ORG_HEADS:
        return "ORG"                     # "DC Open Government Coalition", "National Sheriffs' Association"
    if words & STRONG_ORG or re.search(r"\bBoard of (?:Directors|Trustees)\b", name):   # a company's board               # "Wackenhut Services, Inc", "Freedom and Justice Party"
        return "ORG"
    if PUBLIC_SCHOOL.search(name) and not PRIVATE_SCHOOL.search(name):
        return "AGENCY"                  # "Ballou High School", "Hendley Elementary School": a city's public schools
    if words & known["AGENCY_WORDS"] or name.endswith(("Service Processing Center", "Port of Entry")) \
            or re.search(r"\b(?:State Assembly|General Assembly|State Senate|House of Delegates)$", name):
        return "AGENCY"     # "Boca Raton Police Services Department", "Krome North Service Processing Center" (ICE's own
                            # detention centre), "Paso Del Norte Port of Entry", "California State Assembly"
    if words & known["ORG_WORDS"]:
        return "ORG"
    return None


# a name's last word of two letters: a surname (Chinese, Korean, Vietnamese) or a generational suffix
SHORT_SURNAMES = {"Li", "Lo", "Lu", "Wu", "Xu", "Yu", "Ma", "He", "Hu", "Ng", "Ho", "Ko", "Oh", "Im", "An", "Vu", "Do",
                  "Le", "Ly", "Ip", "Au", "Yi", "Ye", "Bo", "Jr", "Sr", "Ii", "Iv", "Vi"}


def person_problem(name: str, header: bool = False) -> str | None:
    """Why a PERSON name is no person's name: 'facility', 'business' or 'not a name'; None if fine.
    A name from an email header ("Sampson, Erie") is not doubted for holding an everyday word."""
    known = lists()
    words = name.replace(",", " ").split()
    if not words or words[0] in ("The", "A", "An", "THE") or NOT_IN_NAMES.search(name) \
            or (len(words) > 1 and re.fullmatch(r"[A-Z]\.?", words[-1])) or set(words) & HEADER_WORDS:
        return "not a name"              # "John J" (cut before "(BEGA)"), "Will CC Huma"
    if not header and len(words) > 1 and (any(re.search(r"[a-z]\.[a-z]", w) for w in words) or (
            len(words[-1]) <= 2 and words[-1].title() not in SHORT_SURNAMES)):
        return "not a name"              # OCR's "Vw Vw", "Vod Yd", "Qe.nw" (but "Quan Li", "Anh Vu")
    if len(words) > 1 and words[-1] in known["FACILITY_WORDS"]:
        return "facility"
    if any(w.rstrip(".") in known["BUSINESS_WORDS"] for w in words[1:]) or (
            len(words) > 1 and re.search(r"[a-z]s$", words[0]) and not is_first_name(words[0])
            and words[-1] in known["BUSINESS_WORDS"]):
        return "business"
    if any(w.strip(".") in known["NOT_NAME_WORDS"] for w in words[1:]) or words[0] in known["BUSINESS_WORDS"]:
        return "not a name"
    if not header and len(words) > 1 and not is_first_name(words[0]) and not MIDDLE_INITIAL.fullmatch(name) \
            and not re.fullmatch(r"[A-Z]\.", words[0]) and any(_common(w) and not is_first_name(w) for w in words):
        return "not a name"              # "Lung Cancer", "Web Maintenance Editor", "Resilient DC"
    return None


def garbled(name: str) -> bool:
    """OCR's reading of handwriting, a seal or a smudge ("Witeay Degqenl", "Wwlute ond"): two words or more,
    none a first name, an initial or a word people often write (Zipf 2.5: "Hernandez" is, "Degqenl" is not)."""
    from wordfreq import zipf_frequency
    words = name.replace(",", " ").split()
    return len(words) >= 2 and not any(is_first_name(w) or re.fullmatch(r"[A-Z]\.?", w)
                                       or zipf_frequency(w.lower(), "en") >= 2.5 for w in words)


def _common(word: str) -> bool:
    """An everyday English word ("cancer", "editor"), or a short acronym ("DC")."""
    from wordfreq import zipf_frequency
    return (word.isupper() and len(word) <= 3) or zipf_frequency(word.lower(), "en") >= 3.5


SOLE_TITLES = {"Sheriff", "Marshal", "Constable", "Mayor", "Governor", "Superintendent", "Commissioner"}
GENERIC = {"Board", "Council", "Office", "Department", "Committee", "Commission", "Agency", "Bureau", "Government", "Authority",
           "Administration", "Court", "Ministry", "Embassy", "Division", "Unit", "Section", "Branch", "Field Office",
           "Contract Detention Facility", "Regional Jail", "Detention Center", "County Jail", "Government Ethics"}
# the State Department's release stamp around its name: "UNCLASSIFIED U.S. Department of State Case No"
STAMP_AROUND = re.compile(r"^(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|RELEASE IN (?:FULL|PART))\s+|\s+Case\s+No\.?$|"
                          r"^(?:Attorney\s+)?General['’]s\s+")      # "(Attorney) General's Public Access Counselor"
# "Secretary's Outer Office": a room of the schedule; "Unit of Assignment", "Agency of Investigator": a form's fields
BODY_NOT_WORDS = {"Decision", "Draft", "DRAFT", "Quorum", "Subject", "Resolution", "Declaration", "Notice", "Agenda", "Minutes",
                  "Payment", "Request", "Presentation", "PowerPoint", "Hearing", "Report", "Memo", "Period", "Room",
                  "Subscription", "Wondercamp", "Outer", "List", "Letter", "Please", "Annual", "Invoice", "Inv",
                  "Assignment", "Investigator"}
SHORT_NAMES = {"Council", "Board", "Commission"}      # what a document calls its council, board, commission
TITLE_OF = re.compile(r"^(?:(?:Acting|Deputy|Assistant|Vice|Executive)\s+)?(?:Chair(?:man|woman|person)?|Director|"
                      r"Secretary|Head|Members?|President|Commissioner|General Counsel|Staff|Superintendent|Chief)"
                      r"(?:\s+of\s+(?:the\s+)?|,\s+)")
TRAILING_SMALL = re.compile(r"(?:\s+(?:or|and|&))+$")     # "Department of\nProcurement or"; "Court of" stays cut short
BODY_HEADS = r"(?:Council|Court|Department|Office|Board|Commission|Committee|Agency|Bureau|Ministry|Police|Embassy|Division)"
# one body's name: head last ("Superior Court") or head first ("Department of Law")
ONE_BODY = re.compile(rf"(?:the\s+|The\s+)?(?:(?:[A-Z][\w'’.-]*\s+)*{BODY_HEADS}|{BODY_HEADS}\s+(?:of|on|for)\s+"
                      rf"(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:of\s+|the\s+)*[A-Z][\w'’.-]*)*)")
# one body named head first after its place or acronym, its name holding "and": "DC Commission on Selection and
# Tenure", "CPD's Bureau of Organized Crime" (the second of two bodies run together with "and")
PLACED_BODY = re.compile(rf"(?:the\s+|The\s+)?(?:[A-Z][\w'’.-]*\s+){{0,2}}{BODY_HEADS}\s+(?:of|on|for)\s+(?:the\s+)?"
                         rf"[A-Z][\w'’.-]*(?:\s+(?:of\s+|the\s+|and\s+|&\s+)*[A-Z][\w'’.-]*)*")
LIST_SEP = re.compile(r",\s+|\s+(?:and|&)\s+")
TITLE_WORD = re.compile(r"(?:(?:Acting|Deputy|Assistant)\s+)?(?:Superintendent|Director|Chief|Commissioner|Secretary)")


def body_problem(name: str) -> bool:
    """A body's name cut short or run into other text: "Board of", "Katherine (Council", a
    generic word alone ("Board")."""
    name = name.strip()
    words = set(name.split())
    return (name[:1].islower() or _topic_government(name) or (name.split() or [''])[-1] in TOPIC_TAIL or "(" in name or ":" in name or " - " in name or bool(words & BODY_NOT_WORDS)
            or bool(re.search(r"\s\d+$", name)) or ")" in name
            or bool(re.search(r"\b(?:of|the|and|for|on|in|at|to|Of|The|And|For)$", name)))


ACRONYM_DEFINED = r"(?P<full>[A-Za-z][\w'’-]*(?:\s+[A-Za-z&][\w'’-]*){{0,9}})\s*\(\s*(?:the\s+)?[\"“”']?{}[\"“”']?\s*\)"


PLAIN_WORD = re.compile(r"(?<![\w./@-])[a-z][a-z]+(?![\w/@-]|\.\w)")


def lower_words(doc: Document) -> frozenset[str]:
    """The words the document prints in lower case in its prose (not in an address: "facebook.com")."""
    return frozenset(PLAIN_WORD.findall(doc.text))


def _everyday(words: list[str], lower: frozenset[str]) -> bool:
    """"Technical Support", "Start Date", "Western Intelligence": every word (small words aside) an everyday
    word, which the document also prints in lower case, or a very common one ("Basic Technical Support")
    when the document prints one of them in lower case."""
    from wordfreq import zipf_frequency
    content = [w.lower() for w in words if w.lower() not in ("of", "the", "and", "for", "on", "in", "to", "a", "&")]
    if not content or any(len(w) < 3 for w in content):
        return False
    return all(w in lower and _common(w) for w in content) or (
        any(w in lower for w in content) and all(zipf_frequency(w, "en") >= 4.0 for w in content))


def _shouted(doc: Document, m: Mention) -> bool:
    """An everyday word in a run of capitals (a licence's "... PEN-LINK DISCLAIMS ALL OTHER WARRANTIES,
    EXPRESS OR IMPLIED"): the model reads such words as names."""
    page = doc.page_text(m.page)

    def caps(text: str) -> bool:
        letters = [c for c in text if c.isalpha()]
        return len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.9
    return caps(page[max(0, m.start - 40):m.start]) or caps(page[m.end:m.end + 40])


def no_body(doc: Document, m: Mention, lower: frozenset[str] = frozenset()) -> str | None:
    """Why a name the model read as an ORG or AGENCY names no body; None if it may.
    - an address: "Pennsylvania Ave", "S. Michigan Avenue", "Fifth Floor", "N.W.", "Lincoln NE";
    - a place: "TX", "MEXICO", "KABUL" (a country, a state, or a place the document labels a place);
    - a person's title: "Legislative Counsel" (after "Michael Porcello |"), "DAS", an "RN";
    - an everyday word the document also prints in lower case: "Customer", "Executive", "Boards";
    - alt text, a publication or a code: "DC Flag", "DC Register", "D.C. Code §", "Sections 1.4";
    - an acronym the document defines as no body's: "Comprehensive Code of Conduct ... (CCC)",
      "emergency medical services (EMS)"."""
    known = lists()
    name = m.canonical.strip()
    words = WORD.findall(name)
    if (text := m.text.strip()).isupper() and len(text) >= 4 and _word(text.lower()) and _shouted(doc, m):
        return "everyday word"           # an invoice's "UNIT COST", not the COST (the ruler's acronym)
    if not words or name in known["ORG"] or name in known["AGENCY"]:
        return None
    last = words[-1].rstrip(".")
    if name in known["COMPASS"] or (len(words) > 1 and words[-1] in known["COMPASS"]) \
            or (len(words) > 1 and last in known["STREET_WORDS"]):
        return "address"
    page = doc.page_text(m.page)
    if re.search(r"\d[.\-]\d|§|\d{4}", name) or re.match(r"\s*§", page[m.end:m.end + 4]) \
            or re.fullmatch(r"X-[\w-]+|[A-Z][a-z]+(?:-[A-Z][a-z]+){2,}", name):
        return "a code or a number"      # "DC Code Section 1-909.01", "6B DCMR § 1803.6", a mail header's field
    if last in known["NOT_BODY_TAILS"] or name in known["TITLE_ABBREVIATIONS"] or words[0] in known["TITLE_ABBREVIATIONS"] \
            or (len(words) == 1 and words[0] in SOLE_TITLES):
        return "not a body"              # ("the Sheriff's used vehicle": an officer, not the office)
    if len(words) == 1 and name.endswith("s") and re.sub(r"(?:ies|s)$", lambda e: "y" if e.group() == "ies" else "",
                                                          name).title() in GENERIC:
        return "generic plural"          # "Boards"
    if (generic := re.fullmatch(r"[A-Z]\.\s+(\w+)", name)) and generic.group(1) in GENERIC:
        return "a list's letter and a generic word"      # "J. Unit of assignment of investigator"
    if m.type == "ORG" and len(words) == 1 and (name in known["ORG_WORDS"] or name.title() in known["ORG_WORDS"]):
        return "a generic word"          # "Bank" alone, "LTD" alone
    if m.type != "ORG" or body_type(name):
        return None
    if "/" in name and name.split("/")[0].upper() in known["AGENCY"]:
        m.type = "AGENCY"                # "Sachar, Alon (NEA/IPA)": an office of a known bureau
        m.canonical = m.text.strip() if m.text.strip().isupper() else name
        return None
    if last in known["TITLE_WORDS"]:
        return "title"
    from nlp.normalize import STATES
    if name.title() in known["COUNTRIES"] or name.title() in STATES.values() or name in STATES \
            or (len(words) == 1 and country_of(name)):
        return "place"                   # "TX", "MEXICO", "Ugandan"
    if any(g.type == "GPE" and g.text.strip().lower() == name.lower() for g in doc.mentions):
        return "place"
    caps = m.text.strip().isupper()
    if len(words) == 1 and not caps and (name.lower() in lower or _everyday_word(name)):
        return "everyday word"           # "Customer", "Executive", "Software"
    if len(words) == 1 and caps and len(name) >= 4 and (name.lower() in lower and _common(name.lower()) or
                                                         _shouted(doc, m) and _word(name.lower())):
        return "everyday word"           # "DISCLAIMS", "LIABILITY"
    if len(words) > 1 and _everyday(words, lower):
        return "everyday words"          # "Technical Support", "Small Business", "Start Date"
    if name.isupper() and 2 <= len(name) <= 8:
        defined = re.search(ACRONYM_DEFINED.format(re.escape(name)), doc.text)
        if defined:
            full = " ".join(w for w in defined.group("full").split())
            from nlp.linking import acronym_fits
            tail = _fitting_tail(full, name, acronym_fits)
            if tail and " " in tail and body_type(tail) is None:
                if LAW_WORD.search(tail):        # "Comprehensive Code of Conduct ... (CCC)": the law's acronym
                    from nlp.normalize import canonical_law
                    named = re.search(r"(?:[A-Z][\w'’-]*\s+(?:(?:of|the|and|for|on|&)\s+)*)*" + re.escape(tail.split()[-1])
                                      + r"$", full)
                    m.type, m.canonical = "LAW", canonical_law(named.group() if named else tail)
                    m.normalized = m.canonical
                    m.attributes["acronym"] = name
                    return None
                return "acronym of no body"
    return None


def _word(word: str) -> bool:
    """A word of English at all ("disclaims"), not a company's coinage ("pen-link")."""
    from wordfreq import zipf_frequency
    return zipf_frequency(word, "en") >= 2.0


def _everyday_word(word: str) -> bool:
    """A word of everyday English ("executive", "customer"), far more common than a company's name."""
    from wordfreq import zipf_frequency
    return zipf_frequency(word.lower(), "en") >= 4.5


LAW_WORD = re.compile(r"\b(?:Act|Code|Law|Bill|Regulations?|Ordinance|Statute|Amendment)\b")


def _fitting_tail(full: str, acronym: str, fits) -> str | None:
    """The shortest last words of `full` whose initials the acronym is."""
    words = full.split()
    for k in range(1, len(words) + 1):
        tail = " ".join(words[-k:])
        if words[-k].lower() in ("of", "the", "and", "for", "on", "&"):
            continue
        if fits(acronym, tail):
            return tail
    return None


def _person_read_as_org(name: str) -> bool:
    """"Rahm Emanuel" labelled ORG: a given name and a surname (which may be a word, as Walker is, but
    not an everyday one: not "Will Power"), no word of a body or a business."""
    words = name.split()
    from wordfreq import zipf_frequency
    return bool(PERSON_LIKE.fullmatch(name)) and is_first_name(words[0]) and person_problem(name) is None \
        and zipf_frequency(words[-1].lower(), "en") < 4.5 and name not in lists()["ORG"]


TITLE_BELOW = re.compile(r"[ \t]{0,3}(?:(?:Acting|Interim|Deputy|Assistant|Executive)\s+)?(?:Mayor|Superintendent|Director|"
                         r"Chief|Commissioner|Governor|Secretary|President|Sheriff|Chair(?:man|woman|person)?|"
                         r"Alderman|Councilmember|Inspector General|General Counsel|Attorney General)\b")


def _titled_below(doc: Document, m: Mention) -> bool:
    """"Rahm Emanuel" over "Mayor" in a letterhead's column: two or three capitalised words (no word of a body
    or a business) with a person's title under them, at the same place on the next line."""
    name = re.sub(r"['’]s$", "", m.canonical)
    if not PERSON_LIKE.fullmatch(name) or person_problem(name) is not None or name in lists()["ORG"]:
        return False
    page = doc.page_text(m.page)
    line_start = page.rfind("\n", 0, m.start) + 1
    line_end = page.find("\n", m.start)
    if line_end < 0 or "\n" in page[m.start:m.end]:
        return False
    column = m.start - line_start
    for _ in range(2):           # the title's line, or the one after it ("Rahm Emanuel" / department line / "Mayor")
        below_end = page.find("\n", line_end + 1)
        below = page[line_end + 1:below_end if below_end >= 0 else len(page)]
        if column <= len(below) and TITLE_BELOW.match(below, column):
            return True
        if below_end < 0:
            break
        line_end = below_end
    return False


def _header_person(text: str) -> str | None:
    """"Sampson, Erie" (an email header's Last, First) -> "Erie Sampson"."""
    m = LAST_FIRST.fullmatch(text.strip())
    if m and is_first_name(m.group("first")) and body_type(text) is None:
        return f"{m.group('first')} {m.group('last')}"
    return None


# where a body's name the model ran on ends: a blank line, an address after it ("U.S. Department of State\n2201 C
# Street NW"), a lower-case fragment ("... Accountability p:"); and an everyday word or a stamp's letters before a
# well-known body ("Issues U.S. Department of State", "DEPART State Department", "AGNA U.S. Embassy")
BLANK_LINE = re.compile(r"[ \t]*\n[ \t]*\n\s*")
ADDRESS = re.compile(r"\s+(?:\d{1,5}(?:\s+[NSEW]\.?)?\s+[A-Z]|\d{1,5}\s*$|\n\s*\d)")
LOWER_TAIL = re.compile(r"(?:\s+(?!(?:of|and|the|for|on|in|at|to|or|de|du|la)\b)[a-z][^\s]{0,3})+\s*$")
KNOWN_BODY = re.compile(r"(?:U\.S\.|United States|State Department|Department of State)(?!\w)")
TOPIC_TAIL = {"Review", "Strategy", "Initiative", "Dialogue", "Summit", "Conference", "Plan", "Roundtable",
              "Forum", "Retreat", "Talks", "Response"}


def _trim_body(m: Mention) -> None:
    """Cut a body's name where the model ran it on into the next line, an address or a fragment."""
    text = m.text
    cut = len(text)
    if (blank := BLANK_LINE.search(text)) and body_type(text[:blank.start()]) and \
            not re.search(r"\b(?:of|and|the|for|on|&)\s*$", text[:blank.start()]):
        cut = blank.start()
    if (address := ADDRESS.search(text, 0, cut)) and address.start() > 0 and body_type(text[:address.start()]):
        cut = address.start()
    if (lower := LOWER_TAIL.search(text[:cut])) and lower.start() > 0:
        cut = lower.start()
    if (topic := re.search(r"\s+(\w+)\s*$", text[:cut])) and topic.group(1) in TOPIC_TAIL \
            and body_type(text[:topic.start()]) == "AGENCY":
        cut = topic.start()            # a heading's "U.S. Government Response to ...": the government
    lead = 0
    if (known := KNOWN_BODY.search(text, 0, cut)) and known.start() > 0:
        before = [w for w in text[:known.start()].split() if w not in ("the", "The")]
        if len(before) == 1 and (
                before[0].isupper() and len(before[0]) >= 4 or _common(before[0]) and before[0][:1].isupper()
                and not body_type(before[0])):
            lead = known.start()
    if cut < len(text) or lead:
        from nlp.normalize import canonical_agency
        m.text = text[lead:cut].rstrip()
        m.start, m.end = m.start + lead, m.start + lead + len(m.text)
        m.canonical = canonical_agency(m.text)


COMPANY_SUFFIX = re.compile(r"(?:,[ \t]*|[ \t]+)(?:Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Corp\.?|Co\.)(?:,?[ \t]+Inc\b\.?)?(?![\w-])")
RUN_ON_SUFFIX = re.compile(r"(.+?,?\s+(?:Inc|LLC|Ltd|Corp)\.?)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\s*$")
UNIT_CODES = re.compile(r"(?:\s+(?:&\s+|and\s+)?[A-Z]{1,2}-?\d+[A-Z]?)+$")
COMPANY_END = re.compile(r",[ \t]*(?:Inc\.?|LLC|Ltd\.?|N\.A\.|NA)$")
BANK_SUFFIX = re.compile(r",[ \t]*(?:N\.A\.|NA)(?![\w.-])")


def _company_suffix(doc: Document, m: Mention) -> None:
    """A company's name with the suffix the model left out: "Sam Macaluso & Associates, Inc.",
    "Ray O'Herron Co., Inc.", "Wachovia Bank, NA" (the fullest form, as the document prints it)."""
    page = doc.page_text(m.page)
    if page[m.start:m.end] != m.text:
        return
    found = COMPANY_SUFFIX.match(page, m.end)
    if not found and m.text.rstrip().endswith("Bank"):
        found = BANK_SUFFIX.match(page, m.end)
    if found and not (m.text.rstrip(".").endswith(("Inc", "LLC", "Ltd", "Corp")) and found.group().strip(" ,.") in
                      ("Inc", "LLC", "Ltd", "Corp")):
        from nlp.normalize import canonical_agency
        m.end = found.end()
        m.text = page[m.start:m.end]
        m.canonical = canonical_agency(m.text)


def fix_types(doc: Document) -> None:
    """Retype or drop the mentions whose type the name or its context contradicts."""
    keep: list[Mention] = []
    generic: list[Mention] = []
    lower = lower_words(doc)
    header_agencies = {m.attributes["agency"] for m in doc.mentions
                       if m.type == "PERSON" and isinstance(m.attributes.get("agency"), str)}
    scanned = {p.number for p in doc.pages if p.method in ("ocr", "text+ocr")}
    words = Counter(re.findall(r"[\w'’-]+", doc.text.lower())) if scanned else Counter()
    for m in doc.mentions:
        if m.type == "PERSON" and m.page in scanned and garbled(m.canonical) and words[m.canonical.split()[-1].lower()] < 2:
            continue           # once in a scan, no word a name's or a word's: OCR noise (a detainee's name recurs)
        if m.type in ("AGENCY", "ORG"):
            _trim_body(m)
            m.canonical = STAMP_AROUND.sub("", m.canonical).strip() or m.canonical
            if (title := TITLE_OF.match(m.canonical)):      # "Chair of the Board of ..." names the board
                m.canonical = m.canonical[title.end():]
            if (small := TRAILING_SMALL.search(m.canonical)) and small.start() > 0:
                m.canonical = m.canonical[:small.start()]
        if m.type in ("AGENCY", "ORG") and re.sub(r"^(?:the|The)\s+", "", m.canonical.strip()).title() in GENERIC:
            generic.append(m)
            continue
        if m.type in ("AGENCY", "ORG"):
            if (possessive := re.search(r"['’]s$", m.text)) and re.search(r"['’]s$", m.canonical):
                m.end -= len(possessive.group())          # "the Ethics Board’s": the Ethics Board
                m.text, m.canonical = m.text[:possessive.start()], m.canonical[:-2]
            if m.type == "ORG":
                _company_suffix(doc, m)
                if (run_on := RUN_ON_SUFFIX.match(m.text)) and body_type(run_on.group(1)) == "ORG":
                    m.text = run_on.group(1)         # "AT & T Services, Inc. Subpoena Center"
                    m.end = m.start + len(m.text)
                    from nlp.normalize import canonical_agency
                    m.canonical = canonical_agency(m.text)
                if re.fullmatch(r"(?:[A-Z]\.){1,5}[A-Z]\.?", m.canonical):
                    m.canonical = m.canonical.replace(".", "")       # "U.N." is the UN
                if (codes := UNIT_CODES.search(m.canonical)) and codes.start() > 0:
                    m.canonical = m.canonical[:codes.start()]       # "Simply Storage Units E90 & E86"
            if body_problem(m.canonical) or no_body(doc, m, lower):
                continue
            if m.type == "LAW":
                keep.append(m)
                continue
            if m.type == "ORG" and m.text.strip() in header_agencies:
                m.type = "AGENCY"            # "Sampson, Erie (DCRB)": the acronym in a header is the agency
            if not m.attributes.get("acronym") and (person := _header_person(m.text)):
                m.type, m.canonical = "PERSON", person
            elif not m.attributes.get("acronym") and " " not in m.text.strip() \
                    and is_first_name(m.text.strip()) and body_type(m.text) is None and not m.text.isupper():
                m.type = "PERSON"            # "Traci", "Alana": a first name, never a body
            elif (found := body_type(m.canonical) or body_type(m.text)):
                m.type = found
            elif m.type == "ORG" and (_person_read_as_org(re.sub(r"['’]s$", "", m.canonical)) or _titled_below(doc, m)):
                m.type = "PERSON"            # "Rahm Emanuel" beside a letterhead's column of offices
                if (possessive := re.search(r"['’]s$", m.text)):      # "Mary Oates Walker’s tenure"
                    m.end -= len(possessive.group())
                    m.text, m.canonical = m.text[:possessive.start()], re.sub(r"['’]s$", "", m.canonical)
        elif m.type == "PERSON":
            problem = person_problem(m.canonical, header="," in m.text or "email" in m.attributes
                                     or "agency" in m.attributes)
            if problem == "business":
                m.type = "ORG"
            elif problem:
                continue
            elif (found := body_type(m.canonical)) and m.canonical in lists()[found]:
                m.type = found               # "White House", "Hamas" read as people
        keep.append(m)
    grown = [(m.page, m.start, m.end) for m in keep if m.type == "ORG" and COMPANY_END.search(m.text)]
    keep = [m for m in keep if not any(p == m.page and a < m.end and m.start < b and (a, b) != (m.start, m.end)
                                       and m.type in ("ORG", "AGENCY") for p, a, b in grown)]   # "NA" of "Wachovia Bank, NA"
    doc.mentions = sorted(keep + _named_bodies(generic, keep), key=lambda m: (m.page, m.start))


def split_bodies(doc: Document) -> None:
    """Bodies named in one breath, each a mention of its own (before `fix_types`): "The Council and
    Superior Court", "Superintendent, Department of Law, Department of Procurement"; not "Board of
    Ethics and Government Accountability", whose parts are not each a body's name."""
    out = []
    for m in doc.mentions:
        parts = None
        if m.type in ("AGENCY", "ORG"):
            parts = (_body_list(m.text) if LIST_SEP.search(m.text) else None) or _run_together(m.text)
        if not parts:
            out.append(m)
            continue
        for start, end in parts:
            text = m.text[start:end]
            from nlp.normalize import canonical_agency
            out.append(Mention(type=m.type, text=text, canonical=canonical_agency(text),
                               normalized=None, page=m.page, start=m.start + start, end=m.start + end,
                               chunk_index=m.chunk_index, attributes={}))
    doc.mentions = out


RUN_TOGETHER = re.compile(rf"^(?P<a>(?:the\s+|The\s+)?(?:[A-Z][\w'’.-]*\s+(?:(?:of|and|&|the)\s+)*)*?"
                          rf"{BODY_HEADS}(?:\s+(?:of|on|for)\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:(?:of|and|&|the)\s+)*"
                          rf"[A-Z][\w'’.-]*)*?)?)\s+(?P<b>{BODY_HEADS}\s+(?:of|on|for)\s+.+?)(?:\s+[a-z]\S{{0,3}})?$")


HEAD_FIRST = re.compile(rf"{BODY_HEADS}\s+(?:of|on|for)\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:(?:of|and|&|the)\s+)*[A-Z][\w'’.-]*)*")


def _run_together(text: str) -> list[tuple[int, int]] | None:
    """"District of Columbia Office of Open Government Board of Ethics and Government Accountability p"
    (a signature block's two lines run together): the spans of the two bodies, when the first is a
    body's name of its own (so "Cook County Department of Corrections" stays one)."""
    found = RUN_TOGETHER.match(text.strip())
    if not found or not HEAD_FIRST.fullmatch(found.group("b")) \
            or re.match(r"Office of (?:the )?Inspector General", found.group("b")):    # a department's own OIG
        return None
    lead = len(text) - len(text.lstrip())
    return [(lead + found.start("a"), lead + found.end("a")), (lead + found.start("b"), lead + found.end("b"))]


def _body_list(text: str) -> list[tuple[int, int]] | None:
    """The spans of the bodies of a list ("A, B and C"), when every item is one (a title may lead)."""
    spans, last = [], 0
    for sep in list(LIST_SEP.finditer(text)) + [None]:
        end = sep.start() if sep else len(text.rstrip())
        item = text[last:end]
        lead = len(item) - len(item.lstrip())
        spans.append((last + lead, end))
        last = sep.end() if sep else last
    if spans and TITLE_WORD.fullmatch(text[spans[0][0]:spans[0][1]]):
        spans = spans[1:]
    if len(spans) < 2 or not all(ONE_BODY.fullmatch(text[a:b]) for a, b in spans):
        return _two_bodies(text)
    return spans


def _two_bodies(text: str) -> list[tuple[int, int]] | None:
    """"Office of Administrative Hearings and DC Commission on Selection and Tenure", "CPD's Bureau of Organized
    Crime and Finance Division": two bodies joined by the first "and" after which a body's name begins (not
    "Board of Ethics and Government Accountability": "Government Accountability" is none)."""
    for sep in re.finditer(r"\s+(?:and|&)\s+", text):
        left, right = text[:sep.start()], text[sep.end():].rstrip()
        one = lambda part: ONE_BODY.fullmatch(part) or PLACED_BODY.fullmatch(part)     # noqa: E731
        if one(left.strip()) and one(right) and re.search(BODY_HEADS, right.split(" of ")[0].split(" on ")[0]):
            lead = len(left) - len(left.lstrip())
            return [(lead, sep.start()), (sep.end(), sep.end() + len(right))]
    return None


def _named_bodies(generic: list[Mention], named: list[Mention]) -> list[Mention]:
    """"the Council" is the one council the document names in full ("Council of the District of
    Columbia"); with none or several, it is no entity."""
    out = []
    for m in generic:
        word = re.sub(r"^(?:the|The)\s+", "", m.canonical.strip()).title()
        bodies = {n.canonical for n in named if n.type == "AGENCY" and word in n.canonical.split()}
        if word in SHORT_NAMES and (len(bodies) == 1 or (word == "Council" and not bodies)):
            m.type, m.canonical = "AGENCY", bodies.pop() if bodies else word    # the corpus may know which council
            out.append(m)
    return out
