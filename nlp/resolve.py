"""One entity per real person or agency, across the corpus: which names to merge, and why.

Pure: it reads entity records ({id, type, name, mentions, documents, docs, attributes}) and
returns merges (keep id, merged id, reason) and the ids of lone first names to drop. The caller
applies them (readingroom/entity_resolution.py). Conservative, since a wrong merge is worse
than a missed one:

- PERSON: the same first name and surname, one form with a middle initial ("Traci L. Hughes",
  "Traci Hughes"), unless two different initials exist; the same email address (also for a one-word
  name: "H" writing from Hillary Rodham Clinton's address); a nickname of the same first name
  with the same surname ("Kate Mitchell", "Katherine Mitchell") when they
  share an email address, an agency or a document; a surname alone ("Obama") when one full name
  of that surname is the only or by far the most mentioned one; a name without a middle initial
  ("Jacob Sullivan") when one form with an initial is by far the most mentioned ("Jacob J Sullivan",
  beside the OCR's "Jacob I Sullivan") and the two share a document. A lone first name that is no
  one's surname is dropped: it is never a PERSON on its own.
- AGENCY: an acronym defined anywhere in the corpus ("Board of Ethics and Government
  Accountability (BEGA)") is that agency everywhere, also where the model read it as an ORG; one
  only spelled by an agency's initials is that agency where a document names both;
  names that differ only in case, punctuation or a leading "the" are one; a name run on into the
  text after it, and a short form named beside the full name, join it, but never a rarer run-on
  (`_rarer_run_on`); a one-word name goes to the body the corpus names most, unless it is
  in capitals (an acronym: "TAX").
- Both: a name OCR misread ("Organtzed Crime Division", "Maureen Bigganc") joins the name a document they
  share gives more often.
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict

from nlp.entity_types import is_first_name, same_given_name
from nlp.linking import initialism
from nlp.normalize import PLACE_GOVERNMENT

INITIAL = re.compile(r"^[A-Z]\.?$")
SUFFIX = re.compile(r"^(?:Jr|Sr|II|III|IV)\.?$")
NAME_WORD = re.compile(r"^[A-Z][A-Za-z'’-]+$")
NAME_WORD_OR_INITIAL = re.compile(r"^[A-Z](?:[A-Za-z'’-]+)?$")
DOMINANT = 4          # a surname alone goes to the most mentioned full name only at this many times the rest


def name_parts(name: str) -> tuple[str, list[str], str] | None:
    """(first, middle initials, last) of "Traci L. Hughes", "Louis L. Neal, Jr."; None when the name
    is not two or more capitalised words."""
    words = [w for w in name.replace(",", " ").split() if not SUFFIX.match(w)]
    if len(words) < 2 or not NAME_WORD.match(words[0]) or not NAME_WORD.match(words[-1]):
        return None
    middle = words[1:-1]
    if not all(INITIAL.match(w) or NAME_WORD.match(w) for w in middle):
        return None
    return words[0], [w[0] for w in middle], words[-1]


def _fullest(rows: list[dict]) -> dict:
    return max(rows, key=lambda r: (len(r["name"].split()), len(r["name"]), r["mentions"]))


PLACE = re.compile(r"^(?:the\s+)?(?:D\.?C\.?|District of Columbia|District's|U\.?S\.?|United States|City of Chicago)\s+", re.I)


def _key(name: str) -> str:
    """"D.C. Commission on ..." = "Commission on ...", "Bureau of Organized Crimes" = "... Crime"."""
    name = PLACE.sub("", re.sub(r"^the\s+", "", name.strip(), flags=re.I))
    name = re.sub(r"['’]s\b", "", name)                     # "LEA's Internal Affairs Division" = "LEA Internal ..."
    key = re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).strip()
    return re.sub(r"(?<=[a-z]{3})s\b", "", key)


class Merges:
    """Merges planned so far, as a union-find so that each name ends in one entity."""

    def __init__(self, rows: list[dict]):
        self.rows = {r["id"]: r for r in rows}
        self.parent = {r["id"]: r["id"] for r in rows}
        self.total = {r["id"]: r["mentions"] for r in rows}      # mentions of each root's group
        self.planned: list[tuple[int, int, str]] = []

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            i = self.parent[i]
        return i

    def merge(self, keep: int, other: int, reason: str) -> None:
        keep, other = self.root(keep), self.root(other)
        if keep != other:
            self.parent[other] = keep
            self.total[keep] += self.total[other]
            self.planned.append((keep, other, reason))


def plan_person_merges(rows: list[dict], merges: Merges) -> list[int]:
    """Plan the PERSON merges; returns the ids of lone first names to drop."""
    full = [r for r in rows if name_parts(r["name"])]
    by_first_last: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in full:
        first, _, last = name_parts(r["name"])
        by_first_last[(first.lower(), last.lower())].append(r)
    for (first, last), group in by_first_last.items():
        initials = {tuple(name_parts(r["name"])[1]) for r in group} - {()}
        if len(group) >= 2 and len(initials) > 1:
            _to_dominant_initial(group, merges)
            continue         # "John A. Smith" and "John B. Smith" are two people
        keep = _fullest(group)
        for r in group:
            if r is not keep:
                merges.merge(keep["id"], r["id"], f"same first name and surname as {keep['name']!r}"
                             + (" (with a middle initial)" if initials else ""))
    by_email: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        for email in r["attributes"].get("emails", []):
            by_email[email.lower()].append(r)
    for email, group in by_email.items():
        named = [r for r in group if name_parts(r["name"])]
        one_word = [r for r in group if " " not in r["name"].strip() and NAME_WORD_OR_INITIAL.match(r["name"].strip())]
        if named and len({name_parts(r["name"])[2].lower() for r in named}) == 1:
            keep = _fullest(named)
            for r in named + one_word:      # "H" <hdr22@clintonemail.com> is the Hillary Rodham Clinton who writes from it
                if r is not keep:
                    merges.merge(keep["id"], r["id"], f"same email address {email}")
    by_last: dict[str, list[dict]] = defaultdict(list)
    for r in full:
        by_last[name_parts(r["name"])[2].lower()].append(r)
    for last, group in by_last.items():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                fa, fb = name_parts(a["name"])[0], name_parts(b["name"])[0]
                if fa.lower() == fb.lower() or not same_given_name(fa, fb):
                    continue
                shared = _shared_evidence(a, b)
                if shared:
                    keep, other = (a, b) if len(fa) >= len(fb) else (b, a)
                    merges.merge(keep["id"], other["id"], f"{name_parts(other['name'])[0]} is a short form of "
                                 f"{name_parts(keep['name'])[0]}, same surname, {shared}")
    drop = []
    for r in rows:
        word = r["name"].strip()
        if " " in word or not NAME_WORD.match(word):
            continue
        bearers = [f for f in by_last.get(word.lower(), [])]
        roots = {}
        for f in bearers:
            root = merges.root(f["id"])
            roots[root] = roots.get(root, 0) + f["mentions"]
        if roots:
            ranked = sorted(roots.items(), key=lambda kv: -kv[1])
            if len(ranked) == 1 or ranked[0][1] >= DOMINANT * sum(n for _, n in ranked[1:]):
                keep = merges.rows[ranked[0][0]]
                merges.merge(ranked[0][0], r["id"], f"surname alone; {keep['name']!r} is the "
                             + ("only person of that surname" if len(ranked) == 1 else "most mentioned person of that surname"))
        elif not r["attributes"].get("emails") and (is_first_name(word) or not r["attributes"].get("surname")):
            drop.append(r["id"])      # a first name, or a word no full name and no "Mr." makes a surname
    return drop


def _to_dominant_initial(group: list[dict], merges: "Merges") -> None:
    """"Jacob Sullivan" beside "Jacob J Sullivan" (315 mentions) and its OCR'd "Jacob I Sullivan" (6):
    the name without an initial is the form with an initial mentioned DOMINANT times more than the
    other initials together, when the two share an address, an agency or a document."""
    by_initials: dict[tuple, list[dict]] = defaultdict(list)
    for r in group:
        by_initials[tuple(name_parts(r["name"])[1])].append(r)
    bare = by_initials.pop((), [])
    counts = sorted(((sum(r["mentions"] for r in rows), initials) for initials, rows in by_initials.items()), reverse=True)
    if counts[0][0] < DOMINANT * sum(n for n, _ in counts[1:]):
        return
    keep = _fullest(by_initials[counts[0][1]])
    for r in by_initials[counts[0][1]]:
        if r is not keep:
            merges.merge(keep["id"], r["id"], f"same first name, initial and surname as {keep['name']!r}")
    for r in bare:
        shared = _shared_evidence(keep, r)
        if shared:
            merges.merge(keep["id"], r["id"], f"same first name and surname as {keep['name']!r}, the most "
                         f"mentioned of its forms with a middle initial; {shared}")


def _shared_evidence(a: dict, b: dict) -> str | None:
    emails = set(a["attributes"].get("emails", [])) & set(b["attributes"].get("emails", []))
    if emails:
        return f"same email address {sorted(emails)[0]}"
    agencies = set(a["attributes"].get("agencies", [])) & set(b["attributes"].get("agencies", []))
    if agencies:
        return f"same agency {sorted(agencies)[0]}"
    if a["docs"] & b["docs"]:
        return "named in the same document"
    return None


def _place(name: str) -> str | None:
    """The place a name starts with, if any: "dc" for "D.C. Commission on ...", "chicago", "us"."""
    if not (m := PLACE.match(name.strip())):
        return None
    place = re.sub(r"^the\s+|[^a-z ]", "", m.group().lower()).strip()
    return {"district of columbia": "dc", "districts": "dc", "united states": "us"}.get(place, place.replace(" ", ""))


MIXED_ACRONYM = re.compile(r"(?=(?:.*[A-Z]){2})(?:[A-Z][a-z]?){2,4}")     # "MoJ", "DoS": "MOJ", "DOS"


def plan_agency_merges(rows: list[dict], merges: Merges) -> None:
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if len(_key(r["name"]).split()) >= 2 or r["name"].isupper() or MIXED_ACRONYM.fullmatch(r["name"]):
            by_key[(r["type"], _key(r["name"]))].append(r)
    for group in by_key.values():
        places = {_place(r["name"]) for r in group} - {None}
        if len(places) > 1:      # "DC Department of Human Resources", "City of Chicago Department of ...": two bodies;
            subgroups = [[r for r in group if _place(r["name"]) == place] for place in places]
            for r in group:      # the name without a place is the one whose document it shares, if one is
                if _place(r["name"]) is None:
                    sharing = [members for members in subgroups if any(o["docs"] & r["docs"] for o in members)]
                    if len(sharing) == 1:
                        sharing[0].append(r)
        else:
            subgroups = [group]
        for members in subgroups:
            keep = max(members, key=lambda r: r["mentions"])
            for r in members:
                if r is not keep:
                    merges.merge(keep["id"], r["id"], f"the same name as {keep['name']!r} but for case, "
                                 "punctuation, a plural or the place before it")
    defined: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        for acronym in r["attributes"].get("acronyms", []):
            if acronym != r["name"]:
                defined[acronym].add(merges.root(r["id"]))
    for r in rows:        # the initials of a name no document spells out as an acronym
        if r["type"] == "AGENCY" and (short := initialism(r["name"])):
            defined.setdefault(short, set())
            defined[short + "?"] = defined.get(short + "?", set()) | {merges.root(r["id"])}
    for r in rows:
        name = r["name"].strip()
        owners = defined.get(name, set())
        if not owners and name.isupper():     # initials alone are weaker: the body must be named beside them
            owners = {o for o in defined.get(name + "?", set()) if merges.rows[o]["docs"] & r["docs"]}
        owners = {merges.root(o) for o in owners} - {merges.root(r["id"])}
        if len(owners) > 1:      # "DC Board of Ethics ..." and "Board of Ethics ...": one, if one name is in all
            top = max(owners, key=lambda o: merges.rows[o]["mentions"])
            if all(merges.rows[top]["name"] in merges.rows[o]["name"] for o in owners):
                for o in sorted(owners - {top}):
                    merges.merge(top, o, f"{merges.rows[top]['name']!r} with a prefix; both define {name}")
                owners = {top}
        if len(owners) == 1 and r["type"] == "AGENCY":
            keep = merges.rows[next(iter(owners))]
            how = "as a document defines it" if defined.get(name) else "its initials"
            merges.merge(keep["id"], r["id"], f"acronym of {keep['name']!r}, {how}")
        elif len(owners) == 1 and r["type"] == "ORG" and name.isupper() and defined.get(name) \
                and (keep := merges.rows[next(iter(owners))])["type"] == "AGENCY":
            # "CPD" where its document does not spell it out, which the model read as a company
            merges.merge(keep["id"], r["id"], f"acronym of {keep['name']!r}, as a document defines it")


CORE_BODY = re.compile(r"\b(?:Department|Office|Bureau|Agency|Commission|Board|Council|Committee|Court|Ministry|"
                       r"Police|Sheriff|Division|Unit|Branch|Service|Administration|Authority)\b")
RUN_ON_OK = re.compile(r"^(?:and|of|for|&|on|in|at|to|the)\b", re.I)


def _misread(word: str, right: str) -> bool:
    """"Organtzed" for "Organized", "Bigga" for "Biggane", "}Roti" for "Roti": OCR's reading of a word, if it is
    no word a dictionary knows and close to the other, or the other cut short, or the other with a speck."""
    from wordfreq import zipf_frequency
    word, right = word.lower(), right.lower()
    letters = re.sub(r"[^\w'’-]", "", word)
    return letters == right or (len(word) >= 4 and right.startswith(word)) or (
        zipf_frequency(word, "en") < 1.5 and difflib.SequenceMatcher(None, word, right).ratio() >= 0.75)


def plan_misreadings(rows: list[dict], merges: Merges) -> None:
    """"ORGANTZED CRIME DIVISION" beside "Organized Crime Division", "Maureen Bigganc" beside "Maureen Biggane"
    in one scan: a name OCR misread (each word that differs is `_misread`) joins the name a document it shares
    gives more often; a person's first name must be the same. "Eastern District" never joins "Western District"."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        words = r["name"].split()
        if len(words) >= 2 and not re.search(r"\d", r["name"]) and (
                r["type"] == "AGENCY" and not r["name"].isupper() or r["type"] == "PERSON"):
            groups[(r["type"], len(words), words[0] if r["type"] == "PERSON" else words[-1].lower())].append(r)
    for group in groups.values():
        group.sort(key=lambda r: -r["mentions"])
        for i, r in enumerate(group):
            for keep in group[:i]:
                differ = [(a, b) for a, b in zip(r["name"].split(), keep["name"].split()) if a.lower() != b.lower()]
                if differ and keep["mentions"] > r["mentions"] and keep["docs"] & r["docs"] \
                        and all(_misread(a, b) for a, b in differ):
                    merges.merge(keep["id"], r["id"], f"an OCR misreading of {keep['name']!r}, in a document they share")
                    break


def plan_run_ons(rows: list[dict], merges: Merges) -> None:
    """"Office of Administrative Hearings One Judiciary Square", "Board of Ethics and Government
    Accountability Madam Mayor": an agency's name run on into the next line. Merged into the
    agency when the rest names no body of its own and the agency is mentioned more."""
    names = {r["name"]: r for r in rows if r["type"] == "AGENCY" and len(r["name"].split()) >= 2}
    for r in rows:
        if r["type"] != "AGENCY":
            continue
        words = r["name"].split()
        for cut in range(len(words) - 1, 1, -1):
            head, rest = " ".join(words[:cut]), " ".join(words[cut:])
            found = names.get(head.rstrip(","))
            if found is None and rest in names and len(rest.split()) >= 3 and CORE_BODY.search(head):
                found = names[rest]      # two agencies run together; not "Palm Beach" + "County Sheriff's Office"
            if found and found is not r and found["mentions"] > r["mentions"] and not RUN_ON_OK.match(rest) \
                    and (not CORE_BODY.search(rest) or rest in names) and not PLACE_GOVERNMENT.fullmatch(head) \
                    and not head.endswith(("Embassy", "Consulate")):        # "U.S. Embassy New Delhi": a post
                merges.merge(found["id"], r["id"], f"{found['name']!r} run on into the text after it")
                break


CONNECTORS = {"of", "the", "and", "for", "on", "in", "at", "to", "&"}


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z']+", name.replace("’", "'")) if w.lower() not in CONNECTORS}


def plan_short_forms(rows: list[dict], merges: Merges) -> None:
    """"Ethics Board" beside "Board of Ethics and Government Accountability", "Department of Police"
    beside "Chicago Police Department": a name whose words are all in one other agency's name, named
    in a document with it, is a short form of it when no other agency's name holds them too; never of a
    section ("Organized Crime Division - Administration") when the unit's own name holds them."""
    agencies = [r for r in rows if r["type"] == "AGENCY" and len(_words(r["name"])) >= 2]
    for r in agencies:
        mine = _words(r["name"])
        if r["name"].isupper() or PLACE_GOVERNMENT.fullmatch(r["name"]):     # "City of Chicago" is no short form of its
            continue                                                     # "City of Chicago Department of ..."
        holders: dict[int, list[dict]] = defaultdict(list)
        for o in agencies:
            if o is not r and mine <= _words(o["name"]) and merges.root(o["id"]) != merges.root(r["id"]) \
                    and (mine < _words(o["name"]) or o["mentions"] > r["mentions"]) \
                    and not mine <= _words(o["name"].split(" - ")[0] if " - " in o["name"] else "") \
                    and not _rarer_run_on(o, r, merges):
                holders[merges.root(o["id"])].append(o)
        keep = _dominant(holders, merges)
        if keep and any(o["docs"] & r["docs"] for o in holders[keep["id"]]):
            merges.merge(keep["id"], r["id"], f"a short form of {keep['name']!r}, named in the same document")


def _rarer_run_on(holder: dict, short: dict, merges: Merges) -> bool:
    """"Issues U.S. Department of State 2201 C Street NW" (3 mentions, one document) is a run-on, not
    the full name of "State Department" (1,700): a name mentioned less than the short form, with a
    number in it or from one document only. ("Chicago Police Board", in two documents, is the full
    name of "Police Board", though mentioned less.)"""
    rarer = merges.total[merges.root(holder["id"])] < merges.total[merges.root(short["id"])]
    return rarer and (bool(re.search(r"\d", holder["name"])) or len(holder["docs"]) <= 1)


def _dominant(candidates: dict[int, list[dict]], merges: Merges) -> dict | None:
    """The one candidate (by root), or the one mentioned DOMINANT times more than the rest together."""
    counts = sorted(((merges.total[root], root) for root in candidates), reverse=True)
    if not counts:
        return None
    if len(counts) == 1 or counts[0][0] >= DOMINANT * sum(n for n, _ in counts[1:]):
        return merges.rows[counts[0][1]]
    return None


def plan_generic(rows: list[dict], merges: Merges) -> None:
    """"Council" with no council named in its document: the council the corpus names most, when it
    is named far more than any other."""
    for r in rows:
        if r["type"] != "AGENCY" or " " in r["name"].strip() or r["name"].strip().isupper():
            continue     # "TAX" in "Cihlar, Frank P. (TAX)" is an acronym, not the word of "Office of Tax and Revenue"
        word = r["name"].strip().title()
        holders: dict[int, list[dict]] = defaultdict(list)
        for o in rows:
            if o is not r and o["type"] == "AGENCY" and word in o["name"].split():
                holders[merges.root(o["id"])].append(o)
        keep = _dominant(holders, merges)
        if keep is not None and r["name"].strip().lower() == word.lower():
            merges.merge(keep["id"], r["id"], f"{r['name']!r} alone; {keep['name']!r} is the one the corpus names most")


def plan_initials(rows: list[dict], merges: Merges) -> None:
    """"HRC" (which the model reads as a company) is Hillary Rodham Clinton: an ORG of three or four capitals
    that are the initials of the words of one person's full name (of as many words), where that person is
    named in a document the ORG is in, and no other person of those initials is."""
    docs: dict[int, set[str]] = defaultdict(set)
    for r in rows:
        if r["type"] == "PERSON":
            docs[merges.root(r["id"])] |= r["docs"]
    by_initials: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        words = r["name"].replace(".", " ").split() if r["type"] == "PERSON" else []
        if len(words) in (3, 4) and all(w[:1].isupper() for w in words) and len(words[1]) > 1:
            by_initials["".join(w[0] for w in words)].add(merges.root(r["id"]))
    for r in rows:
        if r["type"] == "ORG" and re.fullmatch(r"[A-Z]{3,4}", r["name"]):
            people = {p for p in by_initials.get(r["name"], set()) if docs[p] & r["docs"]}
            if len(people) == 1 and len(by_initials[r["name"]]) == 1:
                keep = people.pop()
                merges.merge(keep, r["id"], f"the initials of {merges.rows[keep]['name']!r}, named in the same documents")


def plan_merges(rows: list[dict], law_acronyms: frozenset[str] = frozenset()) -> tuple[list[tuple[int, int, str]], list[int]]:
    """(merges as (keep id, merged id, reason), ids of lone first names and of law acronyms to drop).
    `law_acronyms`: the acronyms documents define for a law ("... Comprehensive Code of Conduct of the District
    of Columbia (CCC)"), which the model reads as a company where a document uses them undefined."""
    merges = Merges(rows)
    drop = plan_person_merges([r for r in rows if r["type"] == "PERSON"], merges)
    plan_initials(rows, merges)
    bodies = {a for r in rows if r["type"] in ("AGENCY", "ORG") for a in r["attributes"].get("acronyms", [])}
    drop += [r["id"] for r in rows if r["type"] == "ORG" and r["name"].isupper() and r["name"] in law_acronyms
             and r["name"] not in bodies]
    plan_agency_merges([r for r in rows if r["type"] in ("AGENCY", "ORG")], merges)
    plan_misreadings(rows, merges)
    plan_run_ons(rows, merges)
    plan_short_forms(rows, merges)
    plan_generic(rows, merges)
    return merges.planned, drop
