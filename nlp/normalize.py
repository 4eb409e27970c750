"""Canonical names and normalised values for entities."""
from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as dateparser

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
}
STATE_NAMES = {name.lower(): name for name in STATES.values()}

# ICE ERO field offices and the states of their areas of responsibility
FIELD_OFFICES = {
    "Atlanta": {"Georgia", "North Carolina", "South Carolina"}, "Baltimore": {"Maryland"},
    "Boston": {"Massachusetts", "Maine", "New Hampshire", "Vermont", "Rhode Island", "Connecticut"},
    "Buffalo": {"New York"}, "Chicago": {"Illinois", "Indiana", "Wisconsin", "Missouri", "Kentucky", "Kansas"},
    "Dallas": {"Texas", "Oklahoma"}, "Denver": {"Colorado", "Wyoming"}, "Detroit": {"Michigan", "Ohio"},
    "El Paso": {"Texas", "New Mexico"}, "Houston": {"Texas"}, "Los Angeles": {"California"},
    "Miami": {"Florida"}, "New Orleans": {"Louisiana", "Mississippi", "Alabama", "Arkansas", "Tennessee"},
    "New York": {"New York"}, "Newark": {"New Jersey"},
    "Philadelphia": {"Pennsylvania", "Delaware", "West Virginia"}, "Phoenix": {"Arizona"},
    "Salt Lake City": {"Utah", "Idaho", "Montana", "Nevada"}, "San Antonio": {"Texas"},
    "San Diego": {"California"}, "San Francisco": {"California", "Hawaii"},
    "Seattle": {"Washington", "Oregon", "Alaska"}, "St. Paul": {"Minnesota", "Iowa", "Nebraska", "North Dakota",
                                                                 "South Dakota"},
    "Washington": {"Virginia"},
}

# a place's government, as a body's name starts with it ("City of Chicago Department of Human Resources", "DC ...")
PLACE_GOVERNMENT = re.compile(r"(?:the\s+)?(?:City|County|State|Village|Town|Commonwealth|Government|District)\s+of\s+.+|"
                              r".+\s+(?:Government|County)|D\.?C\.?|District of Columbia|U\.?S\.?|United States")

STATE_ABBREVIATIONS = {**{k.lower(): v for k, v in STATES.items()},
                       "fla.": "Florida", "tex.": "Texas", "ala.": "Alabama", "calif.": "California"}

AGENCY_FIXES = [
    (r"\bSher+if+'?s?\s*’?s?\s+Office\b", "Sheriff's Office"),
    (r"\bSher+if+'?s?\s*’?s?\s+Department\b", "Sheriff's Department"),
    (r"\bSheriffs Office\b", "Sheriff's Office"),
    (r"\bDept\.?(?=\s|$)", "Department"),
    (r"\bSvc?s\.?(?=\s|$)", "Services"),
    (r"\bCo\.(?=\s)", "County"),
    (r"\bPD$", "Police Department"),
    (r"\bSO$", "Sheriff's Office"),
    (r"\bMarshal\s*'?s\s+Office\b", "Marshal's Office"),
]
COURTESY = r"(?:Mr|Mrs|Ms|Miss|Mx|Mme|Dr|Hon)\.?"     # not a title worth keeping, but it marks a surname
TITLE = (r"(?:CM\s+|(?<![\d:]\s)(?:PM|FM)\s+|(?:Mr|Mrs|Ms|Mme|Dr|Hon|Sgt|Ssgt|SSGT|Lt|Capt|Cpl|Det|Insp|Asst|Dep|Supt|Col|Maj|Gen|Sen|Rep|Gov|Amb|Pres|Prof)\.?\s+|"
         r"(?:Sheriff|Captain|Lieutenant|Sergeant|Chief|Deputy|Director|Acting Director|Marshal|City Marshal|"
         r"Major|Colonel|Commander|Officer|Agent|Special Agent|Judge|Commissioner|Secretary|Undersheriff|"
         r"Jailer|Warden|Superintendent|Interim Superintendent|Mayor|Governor|Senator|Representative|President|"
         r"Vice President|Prime Minister|Foreign Minister|Minister|Deputy Secretary|Assistant Secretary|"
         r"Under Secretary|Special Envoy|Envoy|Congressman|Congresswoman|Speaker|Professor|Reverend|"
         r"Councilmember|Council Member|Councilman|Councilwoman|Chief Judge|Administrative Law Judge|"
         r"General Counsel|Deputy General Counsel|Inspector General|Attorney General|Attorney|"
         r"Chairman|Chairwoman|Chairperson|Chair|Ambassador|Assistant Chief|Deputy Chief|"
         r"Field Office Director|Assistant Director|Executive Director|Administrator)\s+)")
HONORIFICS = re.compile(rf"^{TITLE}+")
TITLE_BEFORE = re.compile(rf"(?<![A-Za-z]){TITLE}+$")     # a title printed just before a name


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip(" ,;:.-\n\t")


def normalize_date(text: str) -> str | None:
    """ISO 8601 (`2025-03-25`, or `2025-03` when the day is not given); None if not a date."""
    text = clean(text)
    if not re.search(r"\d", text) or len(text) > 40:
        return None
    if re.fullmatch(r"(19|20)\d{2}", text):
        return None          # a year alone is a citation's or a statute's, not a date to index
    text = re.sub(r"^(\d{4})\.(\d{2})\.(\d{2})$", r"\1-\2-\3", text)
    try:
        a = dateparser.parse(text, default=datetime(1900, 1, 1), fuzzy=False)
        b = dateparser.parse(text, default=datetime(1904, 2, 2), fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.year != b.year or not 1900 < a.year < 2100:
        return None          # no year given
    if a.month != b.month:
        return None          # a year alone, written oddly
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}"
    return a.date().isoformat()


def normalize_state(text: str) -> str | None:
    """`Texas`, `TX`, `Tex.` -> `Texas`. Two-letter codes count only in capitals: `La Paz` is no
    Louisiana, `in` no Indiana."""
    cleaned = clean(text)
    key = cleaned.lower()
    if key in STATE_NAMES:
        return STATE_NAMES[key]
    if len(cleaned) == 2 and not cleaned.isupper():
        return None
    return STATE_ABBREVIATIONS.get(key)


def canonical_agency(text: str) -> str:
    name = clean(text)
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    # "CPD's Bureau of Organized Crime": the unit's name without its agency's acronym
    name = re.sub(r"^[A-Z]{2,6}['’]s\s+(?=(?:Bureau|Office|Division|Unit|Section|Department)\b)", "", name)
    name = re.sub(r",?\s+(?:[A-Z]{2})$", "", name) if re.search(r"\b(?:Office|Department|Police|Jail|Center)\s*,?\s+[A-Z]{2}$", name) else name
    if len(name) > 6 and name.upper() == re.sub(r"\b(?:of|on|for|the|and)\b", lambda m: m.group().upper(), name):    # "BUREAU of ..."
        name = re.sub(r"(?<=\s)(?:Of|On|For|The|And)\b", lambda m: m.group().lower(), name.title()).replace("'S ", "'s ")
    # a form's "Board Of Elections", "City Of Chicago": the small words of a name in lower case
    name = re.sub(r"(?<=[a-z] )(?:Of|For|The)(?= [A-Z])", lambda m: m.group().lower(), name)
    for pattern, repl in AGENCY_FIXES:
        name = re.sub(pattern, repl, name)
    return name


def canonical_person(text: str) -> str:
    name = clean(text)
    name = HONORIFICS.sub("", name)
    if name.isupper():
        name = name.title()
    return name


def canonical_law(text: str) -> str:
    law = clean(text)
    law = re.sub(r"U\.?\s?S\.?\s?C\.?(?:A\.?)?", "U.S.C.", law)
    law = re.sub(r"C\.?\s?F\.?\s?R\.?", "C.F.R.", law)
    law = re.sub(r"\s*(§§?)\s*", r" \1 ", re.sub(r"§\s*§", "§§", law))
    law = re.sub(r"\s*\(\s*", "(", law)
    law = re.sub(r"\s*\)", ")", law)
    law = re.sub(r"\)\s+\(", ")(", law)
    law = re.sub(r"(\d)\(", r"\1(", law)
    return re.sub(r"\s+", " ", law).strip()


def canonical_exemption(text: str) -> str:
    """`(b)(7)(C)`, `B7(C)`, `Ex. 7(C)` -> `(b)(7)(C)`; lists keep their first code (spans are split upstream)."""
    m = re.search(r"([1-9])\s*\)?\s*(?:\(\s*([A-F])\s*\))?", re.sub(r"^\(\s*b\s*\)", "", clean(text)))
    if not m:
        return clean(text)
    return f"(b)({m.group(1)})" + (f"({m.group(2)})" if m.group(2) else "")


def canonical(label: str, text: str, entity_id: str = "") -> tuple[str, str | None]:
    """(canonical name, normalised value) for a mention."""
    if entity_id:                          # the ruler's pattern id is the canonical name
        return entity_id, entity_id
    if label == "DATE":
        iso = normalize_date(text)
        return (iso or clean(text)), iso
    if label == "AGENCY" or label == "ORG":
        return canonical_agency(text), None
    if label == "PERSON":
        return canonical_person(text), None
    if label == "GPE":
        if re.fullmatch(r"\s*Washington,?\s+D\.?\s?C\.?\s*", text):
            return "Washington, D.C.", "Washington, D.C."
        state = normalize_state(text)
        return (state or clean(text)), state
    if label == "LAW":
        law = canonical_law(text)
        return law, law
    if label == "FOIA_EXEMPTION":
        code = canonical_exemption(text)
        return code, code
    if label == "FOIA_MARKING":
        return clean(text).lower(), clean(text).lower()
    if label == "EMAIL":
        return clean(text).lower(), clean(text).lower()
    if label == "PHONE":
        digits = re.sub(r"\D", "", text)
        return (f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else clean(text)), digits
    return clean(text), None
