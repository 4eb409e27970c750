"""The facts of a 287(g) agreement: the agency party, its state, the model, dates, sections."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

from corpus.records import Document
from nlp.linking import link_agency
from nlp.normalize import FIELD_OFFICES, canonical_agency, normalize_date, normalize_state
from nlp.signature_block import block_agency
from nlp.signatories import extract_people, signature_dates
from nlp.structure import find_headings

FEDERAL = re.compile(r"^(?:U\.S\.|United States|ICE|DHS|Department of Homeland|Enforcement and Removal|"
                     r"Homeland Security|Federal|Office of|Immigration and Customs)")
# a name cut short (OCR, a line break): "County Sheriff's Office" for "St. Mary's County Sheriff's Office"
FRAGMENT = re.compile(r"^(?:County|Sheriff|Police|Office|Department|Dept|City|State|Jail|Detention|Corrections|"
                      r"Law\s+Enforcement|Agency|Services)\b", re.I)
# a unit inside the party, never the party itself: "the LEA's Internal Affairs Division"; nor is a court, which
# the civil-rights clauses cite ("the Supreme Court's" holding); nor ICE's field office or legal office ("Miami
# Field Office", "Orlando Office of Chief Counsel") or a role the agreement asks the party to name ("Designated
# Accreditation Authority")
SUBUNIT = re.compile(r"^LEA\b|\bInternal\s+Affairs\b|\b(?:Division|Unit|Section)$|\bCourts?\b|\bField\s+Office\b|"
                     r"\bOffice\s+of\s+(?:the\s+)?(?:Principal\s+Legal\s+Advisor|Chief\s+Counsel)\b|^Designated\b", re.I)
QUOTES = "“”\"'‘’ "
# the opening sentence names the party: "... an agreement between U.S. Immigration and Customs
# Enforcement (ICE), a component of the Department of Homeland Security (DHS), and the X, hereinafter ..."
OPENING = re.compile(r"agreement\s+between\s+(?:U\.\s?S\.|United\s+States)\s+Immigration\s+(?:and|&)\s+Customs\s+"
                     r"Enforcement\s*\(ICE\)\s*,?\s*(?:a\s+component\s+of\s+the\s+\S+\s+of\s+Homeland\s+"
                     r"Security\s*\(DHS\)\s*,?\s*)?and\s+(?:the\s+)?(?P<party>(?-i:[A-Z])[^,()“”\"_]{3,120}?)\s*"
                     r"(?:\(|,|hereinafter\b|pursuant\b)", re.I)
REVISED = re.compile(r"\bRev(?:ised|\.)?\s*:?\s*(\d{1,2}/\d{1,2}/\d{2,4})", re.I)


def extract_agreement(doc: Document) -> None:
    mentions = doc.mentions
    models = Counter(m.canonical for m in mentions if m.type == "PROGRAM_MODEL" and m.page <= 2) \
        or _model_from_wording(doc.text)
    def party(m) -> bool:
        name = m.canonical.strip(QUOTES)          # "“Law Enforcement Agency" is the form's wording, not a name
        return (m.type == "AGENCY" and not FEDERAL.match(name) and not FRAGMENT.match(name)
                and not SUBUNIT.search(name))
    parties = [m.canonical for m in mentions if party(m)]
    first_page = [m.canonical for m in mentions if party(m) and m.page == 1]
    agency = (first_page or parties or [None])[0]
    if not agency:
        agency = _completed(doc.text, [m.canonical for m in mentions if m.type == "AGENCY"
                                       and FRAGMENT.match(m.canonical) and not FEDERAL.match(m.canonical)])
    agency = agency or _opening_party(doc) or _filled_in_party(doc) or block_agency(doc)
    if agency and parties:
        # the party is named again and again (footers): prefer the most frequent non-federal agency
        agency = Counter(parties).most_common(1)[0][0] if Counter(parties)[agency] < 2 else agency
    if agency and not link_agency(agency):
        # the same agency written another way ("Police Services" / "Police Svs Dept") may be
        # the way ICE's list writes it: prefer that wording
        first = agency.split()[0]
        agency = next((p for p, _ in Counter(parties).most_common() if p.split()[0] == first and link_agency(p)), agency)
    opening = _opening_party(doc)
    if agency and opening and (_joined_name(agency, opening) or _other_body(agency, opening)):
        agency = opening       # the opening sentence's party, where the NER split it or found some other body
    if agency and (m := re.search(r"\b([A-Z][a-z]+)-\s*" + re.escape(agency.split()[0]) + r"\b", doc.text)):
        agency = f"{m.group(1)}-{agency}"    # the NER's `Dade Sheriff's Office` is `Miami-Dade ...`
    state = _state(doc, agency)
    revised = REVISED.search(doc.text)
    sections = [h.text for p in doc.pages for h in find_headings(p.text) if h.level <= 1]
    people = extract_people(doc, agency)
    doc.signatories = people
    # the agreement binds when the last party signs: the latest date of the signature block
    signed = sorted({p["signed_date"] for p in people if p["role"] == "signatory" and p["signed_date"]}
                    | set(signature_dates(doc)))
    model = models.most_common(1)[0][0] if models else None
    listed = link_agency(agency, state) if agency else []
    revision = normalize_date(revised.group(1)) if revised else None
    ice_dates = sorted({r["signed"] for r in listed if r.get("signed") and (not model or r["model"] == model)})
    doubtful = [d for d in signed if not plausible_signing(d, revision, ice_dates)]
    signed = [d for d in signed if d not in doubtful]
    facts = {"ice_list": [{k: r[k] for k in ("state", "county", "model", "signed", "status")} for r in listed]}
    if doubtful:        # a misread date (OCR, a typo in the form): shown as a doubtful reading, never as the date
        facts["doubtful_signed_dates"] = doubtful
    if not signed and ice_dates:     # the document's date is unreadable: ICE's list's, labelled as such
        facts["signed_date_ice_list"] = ice_dates[-1]
    doc.agreement = {
        "agency": agency,
        "state": state or _listed_state(listed, model, signed[-1] if signed else None),
        "model": model,
        "signed_date": signed[-1] if signed else None,     # the agreement binds when the last party signs
        "revision_date": revision,
        "sections": sections,
        "facts": facts,
    }
    for p in people:
        if p.get("signed_date") in doubtful:
            p["signed_date"] = None          # kept in facts.doubtful_signed_dates
    if agency:
        doc.title = f"287(g) {doc.agreement['model'] or ''} agreement: {agency}".replace("  ", " ")


def plausible_signing(day: str, revision: str | None, ice_dates: list[str], today: date | None = None) -> bool:
    """A signing date can be believed: not in the future, not before the template it signs was
    revised (60 days' grace), not years after it, and within two years of a date ICE lists."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return False
    if when > (today or date.today()):
        return False
    if revision:
        rev = date.fromisoformat(revision) if len(revision) == 10 else None
        if rev and not (-60 <= (when - rev).days <= 3 * 365):
            return False
    listed = [date.fromisoformat(d) for d in ice_dates if len(d) == 10]
    return not listed or any(abs((when - d).days) <= 2 * 365 for d in listed)


# a line that is nothing but an agency's name, as a fill-in form's value comes out
FILLED_IN = re.compile(r"^\s*(?:the\s+)?(?P<name>(?-i:[A-Z])[\w.'’&\- ]{3,80}?\b(?:Department|Dept\.?|Office|Division|"
                       r"Guard|Police|Public\s+Safety|Bureau|Patrol|Corrections|Agency|Marshal'?s?\s+Office)"
                       r"(?:\s+of\s+[\w.'’ ]{3,40}?)?)\s*(?:\([A-Z]{2,8}\))?\s*$", re.I | re.M)


# a name printed cleanly (no OCR specks, pipes or control characters): the opening sentence's party can be trusted
CLEAN_NAME = re.compile(r"[A-Z][\w .,'’&-]*[\w.]")


def _joined_name(agency: str, opening: str) -> bool:
    """The opening sentence names the party in full where the NER split it at an "and": "Oklahoma Bureau of
    Narcotics" is "Oklahoma Bureau of Narcotics and Dangerous Drugs Control" (clean text only, no OCR specks)."""
    return (agency != opening and agency in opening and re.search(r"\s(?:and|&)\s", opening.replace(agency, " ")) is not None
            and CLEAN_NAME.fullmatch(opening) is not None)


GENERIC_WORDS = {"county", "sheriff", "sheriff's", "sheriffs", "office", "department", "police", "city", "town", "of",
                 "the", "and", "state", "services", "public", "safety", "corrections", "jail", "detention", "center"}


def _other_body(agency: str, opening: str) -> bool:
    """The party read from the mentions ("Steering Committee") shares no word of its own with the clean party
    the opening sentence names ("DeSoto County Sheriff's Office"), and ICE's list does not know it."""
    def own(name: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z’']*", name)} - GENERIC_WORDS
    return (CLEAN_NAME.fullmatch(opening) is not None and not FEDERAL.match(opening)
            and not FRAGMENT.match(opening) and not SUBUNIT.search(opening) and not (own(agency) & own(opening))
            and not link_agency(agency))


def _filled_in_party(doc: Document) -> str | None:
    """The party of a form whose opening sentence has a blank for it: the form's value, printed
    on a line of its own on the first page (`Daytona Beach Shores Dept. of Public Safety`)."""
    if not doc.pages:
        return None
    for m in FILLED_IN.finditer(doc.pages[0].text):
        name = " ".join(m["name"].split())
        if not FEDERAL.match(name) and not re.search(r"Homeland|Immigration|Customs|\bICE\b|\bDHS\b", name) \
                and not FRAGMENT.match(name) and len(name.split()) >= 2:
            return canonical_agency(name)
    return None


def _listed_state(listed: list[dict], model: str | None, signed: str | None) -> str | None:
    """The state of the agency in ICE's list, when the list settles it: every entry of that
    name is in one state, or one state's entry has this agreement's model (and, if that leaves
    several, was signed within a week of it: ICE's date and the signature block's differ by days)."""
    for keep in (lambda r: True, lambda r: r["model"] == model,
                 lambda r: r["model"] == model and signed and r["signed"] and _days(r["signed"], signed) <= 7):
        states = {r["state"] for r in listed if keep(r)}
        if len(states) == 1:
            return states.pop()
        if not states:
            return None
    return None


def _days(a: str, b: str) -> int:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return 10 ** 6


def _opening_party(doc: Document) -> str | None:
    """The party as the agreement's opening sentence names it, for when the NER found none."""
    head = " ".join(" ".join(p.text for p in doc.pages[:2]).split())
    found = OPENING.search(head)
    if not found or re.match(r"(?:hereinafter|pursuant|law\s+enforcement\s+agency)\b", found["party"], re.I):
        return None
    return canonical_agency(found["party"].strip())


def _state(doc: Document, agency: str | None) -> str | None:
    """The agency's state: from its name (`..., AL`, `Florida Department of ...`, a footer's
    `..., IN`), else the state the text names often that ICE's list has the agency in (or, for
    a name ICE's list has in one state, that state), else the state of ICE's field office for
    the agreement, else the state the text names most."""
    if agency and (m := re.search(r",\s*([A-Z]{2})\s*$", agency)):
        return normalize_state(m.group(1))
    # the states the text names, less ICE's address (Washington, DC; `500 12th St SW`),
    # street addresses (`Pennsylvania Avenue`) and case names (Garrity v. New Jersey)
    laws = [(m.page, m.start, m.end) for m in doc.mentions if m.type == "LAW"]
    states = Counter(m.normalized for m in doc.mentions if m.type == "GPE" and m.normalized
                     and not re.match(r"District of Columbia|Washington", m.normalized)
                     and not any(p == m.page and s <= m.start < e for p, s, e in laws)
                     and "v." not in _line_of(doc, m) and not _street(doc, m))
    offices = _field_office_states(doc.text)
    listed: set[str] = set()
    if agency:
        if (state := _state_in_name(agency)):
            return state
        if (state := _state_after_name(doc.text, agency)):
            return state
        listed = {r["state"] for r in link_agency(agency)}
        named = Counter({s: n for s, n in states.items() if s in listed})
        if named:
            return named.most_common(1)[0][0]
        if len(listed) == 1 and (not offices or listed <= offices):
            return listed.pop()
        if len(listed & offices) == 1:
            return (listed & offices).pop()
    if len(offices) == 1:
        return next(iter(offices))
    if offices:
        states = Counter({s: n for s, n in states.items() if s in offices}) or states
    return states.most_common(1)[0][0] if states else None


FIELD_OFFICE = re.compile(r"\b(" + "|".join(re.escape(k) for k in FIELD_OFFICES) + r")\s+Field\s+Office\b")


def _field_office_states(text: str) -> set[str]:
    """The states of the ICE field office the agreement names most (`the FOD in the Miami Field Office`)."""
    named = Counter(m.group(1) for m in FIELD_OFFICE.finditer(text))
    return set(FIELD_OFFICES[named.most_common(1)[0][0]]) if named else set()


def _street(doc: Document, m) -> bool:
    text = doc.pages[m.page - 1].text if m.page <= len(doc.pages) else ""
    return bool(re.match(r"\s+(?:Ave|Avenue|St|Street|Blvd|Boulevard|Road|Rd|Drive|Dr)\b", text[m.end:m.end + 12]))


def _completed(text: str, fragments: list[str]) -> str | None:
    """A name the NER cut short, completed from the text: "County Sheriff's Office" is
    "St. Mary's County Sheriff's Office" where the text prints that."""
    for fragment, _ in Counter(fragments).most_common(2):
        words = re.findall(r"[A-Za-z]+", fragment)
        name = r"[^A-Za-z\n]{1,3}".join(re.escape(w) for w in words)
        found = Counter(" ".join(m.group(1).split()) for m in re.finditer(
            r"((?:St\.\s+|[A-Z][a-z]+['’]?s?\s+){1,3})" + name, text) if not FRAGMENT.match(m.group(1)))
        found = Counter({k: v for k, v in found.items() if not re.match(r"(?:The|For|By|And|Of|To)\b", k)})
        if found:
            return f"{found.most_common(1)[0][0]} {fragment}"
    return None


def _state_in_name(agency: str) -> str | None:
    """A state the agency's name holds: `Florida Department of ...`, `Wells Maine Police
    Department`; not `Washington County Sheriff's Office` (in Utah or Florida) or `Kansas City`."""
    parts = agency.split()
    for first in range(len(parts)):
        for words in (3, 2, 1):
            after = " ".join(parts[first + words:first + words + 1])
            if first + words > len(parts) or re.match(r"(?:County|City|Township|Town|Parish|Borough|Village)\b", after):
                continue
            if (state := normalize_state(" ".join(parts[first:first + words]))) and len(state) > 2:
                return state
    return None


def _state_after_name(text: str, agency: str) -> str | None:
    """The state printed after the agency's name, as footers and signature blocks print it:
    `Hamilton County Sheriff's Office, IN`, `St. Mary's County Sheriff's Office - Maryland`,
    `WAUPACA COUNTY SHERIFF'S OFFICE, WAUPACA, WI`, `WOOD COUNTY SHERIFF'S OFFICE, WISCONSIN RAPIDS, WI`,
    and as opening sentences do: `the Oconee County Sheriffs Office, SC , hereinafter`."""
    words = re.findall(r"[A-Za-z]+", agency)
    if len(words) < 2:
        return None
    name = r"[^A-Za-z\n]{0,3}".join(re.escape(w) for w in words)
    votes: Counter = Counter()
    for m in re.finditer(name + r"[ \t]*[,\-–][ \t]*(?:[A-Za-z.]+(?:[ \t]+[A-Za-z.]+){0,2}[ \t]*,[ \t]*)?"
                         r"([A-Za-z][A-Za-z. ]{1,20}?)[ \t]*(?:\n|$|\d|,|\(|hereinafter\b)",
                         text, re.I):
        if (state := normalize_state(m.group(1).strip(" ."))):
            votes[state] += 1
    return votes.most_common(1)[0][0] if votes else None


def _line_of(doc: Document, m) -> str:
    text = doc.pages[m.page - 1].text if m.page <= len(doc.pages) else ""
    return text[text.rfind("\n", 0, m.start) + 1:text.find("\n", m.end) if "\n" in text[m.end:] else len(text)]


# the 2019-2020 WSO template says what it does (custodial transfers) rather than its name;
# a `Drug Task Force` in a contact's title is not the task force model
MODEL_WORDING = {"JEM": r"jail\s+enforcement", "TFM": r"task\s+force",
                 "WSO": r"warrant\s+service|custodial\s+transfer"}


def _model_from_wording(text: str) -> Counter:
    """Older templates (2019-2020 WSO) never name their model: count what the text says it does."""
    counts = Counter({model: len(re.findall(rx, text, re.I)) for model, rx in MODEL_WORDING.items()})
    counts = +counts
    if not counts and re.search(r"warrants?\s+of\s+removal", text, re.I) and re.search(r"custodial\s+transfer", text, re.I):
        counts["WSO"] = 1
    return counts
