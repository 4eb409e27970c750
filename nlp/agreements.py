"""The facts of a 287(g) agreement: the agency party, its state, the model, dates, sections."""
from __future__ import annotations

import re
from collections import Counter

from corpus.records import Document
from nlp.linking import link_agency
from nlp.normalize import normalize_date, normalize_state
from nlp.signatories import extract_people
from nlp.structure import find_headings

FEDERAL = re.compile(r"^(?:U\.S\.|United States|ICE|DHS|Department of Homeland|Enforcement and Removal|"
                     r"Homeland Security|Federal|Office of|Immigration and Customs)")
REVISED = re.compile(r"Revised\s*:?\s*(\d{1,2}/\d{1,2}/\d{2,4})", re.I)


def extract_agreement(doc: Document) -> None:
    mentions = doc.mentions
    models = Counter(m.canonical for m in mentions if m.type == "PROGRAM_MODEL" and m.page <= 2) \
        or _model_from_wording(doc.text)
    parties = [m.canonical for m in mentions if m.type == "AGENCY" and not FEDERAL.match(m.canonical)]
    first_page = [m.canonical for m in mentions if m.type == "AGENCY" and m.page == 1
                  and not FEDERAL.match(m.canonical)]
    agency = (first_page or parties or [None])[0]
    if agency and parties:
        # the party is named again and again (footers): prefer the most frequent non-federal agency
        agency = Counter(parties).most_common(1)[0][0] if Counter(parties)[agency] < 2 else agency
    state = _state(doc, agency)
    revised = REVISED.search(doc.text)
    sections = [h.text for p in doc.pages for h in find_headings(p.text) if h.level <= 1]
    people = extract_people(doc, agency)
    doc.signatories = people
    signed = sorted(p["signed_date"] for p in people if p["role"] == "signatory" and p["signed_date"])
    listed = link_agency(agency, state) if agency else []
    doc.agreement = {
        "agency": agency,
        "state": state or (listed[0]["state"] if listed else None),
        "model": models.most_common(1)[0][0] if models else None,
        "signed_date": signed[-1] if signed else None,     # the agreement binds when the last party signs
        "revision_date": normalize_date(revised.group(1)) if revised else None,
        "sections": sections,
        "facts": {"ice_list": [{k: r[k] for k in ("state", "county", "model", "signed", "status")} for r in listed]},
    }
    if agency:
        doc.title = f"287(g) {doc.agreement['model'] or ''} agreement: {agency}".replace("  ", " ")


def _state(doc: Document, agency: str | None) -> str | None:
    """The agency's state: from its name (`..., AL`, `Florida Department of ...`), else from
    ICE's list when the agency is in one state only, else the state the document names most."""
    if agency and (m := re.search(r",\s*([A-Z]{2})\s*$", agency)):
        return normalize_state(m.group(1))
    listed: set[str] = set()
    if agency:
        for words in (3, 2, 1):
            if (state := normalize_state(" ".join(agency.split()[:words]))) and len(state) > 2:
                return state
        listed = {r["state"] for r in link_agency(agency)}
        if len(listed) == 1:
            return listed.pop()
    # the states the text names, less ICE's address (Washington, DC) and case names (Garrity v. New Jersey)
    laws = [(m.page, m.start, m.end) for m in doc.mentions if m.type == "LAW"]
    states = Counter(m.normalized for m in doc.mentions if m.type == "GPE" and m.normalized
                     and m.normalized not in ("District of Columbia", "Washington")
                     and not any(p == m.page and s <= m.start < e for p, s, e in laws)
                     and "v." not in _line_of(doc, m))
    if listed:   # an agency name several states share: the one the text names
        states = Counter({s: n for s, n in states.items() if s in listed}) or states
    return states.most_common(1)[0][0] if states else None


def _line_of(doc: Document, m) -> str:
    text = doc.pages[m.page - 1].text if m.page <= len(doc.pages) else ""
    return text[text.rfind("\n", 0, m.start) + 1:text.find("\n", m.end) if "\n" in text[m.end:] else len(text)]


MODEL_WORDING = {"JEM": r"jail\s+enforcement", "TFM": r"task\s+force", "WSO": r"warrant\s+service"}


def _model_from_wording(text: str) -> Counter:
    """Older templates (2019-2020 WSO) never name their model: count what the text says it does."""
    counts = Counter({model: len(re.findall(rx, text, re.I)) for model, rx in MODEL_WORDING.items()})
    counts = +counts
    if not counts and re.search(r"warrants?\s+of\s+removal", text, re.I) and re.search(r"custodial\s+transfer", text, re.I):
        counts["WSO"] = 1
    return counts
