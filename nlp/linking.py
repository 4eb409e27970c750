"""From mentions to entities an investigator can rely on.

- Acronyms defined in the text ("the Jim Wells County Sheriff's Office (JWCSO)", "the law
  enforcement agency (LEA)") resolve to the full name within that document.
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

PATTERNS = resources.files("nlp") / "patterns"
DEFINED = re.compile(r"^\s*\(\s*(?:the\s+)?[\"“”']?\s*([A-Z][A-Za-z&.]{1,11})\s*[\"“”']?\s*\)")
LEA = re.compile(r"(?:law\s+enforcement\s+agency|Law\s+Enforcement\s+Agency)[\"“”']?\s*\(\s*[\"“”']?(LEA)[\"“”']?\s*\)")


@lru_cache(maxsize=1)
def not_entities() -> dict[str, frozenset[str]]:
    data = json.loads((PATTERNS / "not_entities.json").read_text())
    return {k: frozenset(v) for k, v in data.items() if not k.startswith("_")}


def is_noise(m: Mention) -> bool:
    stop = not_entities()
    text = m.text.strip()
    return text in stop["any"] or text in stop.get(m.type, ()) or m.canonical in stop.get(m.type, ())


def resolve_acronyms(doc: Document, party: str | None = None) -> None:
    """Give mentions of an acronym the full name it was defined as in this document."""
    pages = {p.number: p.text for p in doc.pages}
    defined: dict[str, str] = {}
    for m in doc.mentions:
        if m.type in ("AGENCY", "ORG"):
            after = pages.get(m.page, "")[m.end:m.end + 20]
            found = DEFINED.match(after)
            if found and found.group(1) != m.text.strip() and len(found.group(1)) < len(m.canonical):
                defined.setdefault(found.group(1), m.canonical)
    if party and LEA.search(doc.text):
        defined["LEA"] = party
    if not defined:
        return
    for m in doc.mentions:
        full = defined.get(m.text.strip())
        if full and m.type in ("AGENCY", "ORG", "PERSON", "GPE"):
            m.type, m.canonical = "AGENCY", full
            m.attributes["acronym"] = m.text.strip()


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
