"""Pages -> chunks, entity mentions and (for agreements) their facts."""
from __future__ import annotations

import re

from spacy.language import Language

from corpus.records import Document, Mention
from nlp.agreements import extract_agreement
from nlp.chunking import chunk_pages
from nlp.clauses import split_clauses
from nlp.doctype import classify, title
from nlp.linking import (attach_nicknames, department_units, government_acronyms, is_noise, link_entities,
                          listed_acronyms, local_government, propagate_names, release_shorthand,
                          resolve_acronyms, unit_sections)
from nlp.entity_context import person_context
from nlp.entity_types import fix_types, split_bodies
from nlp.normalize import COURTESY, HONORIFICS, STATES, TITLE_BEFORE, canonical, clean
from nlp.pipeline import load_pipeline

KEEP = {"AGENCY", "ORG", "PERSON", "GPE", "LOC", "DATE", "LAW", "PROGRAM_MODEL", "FOIA_EXEMPTION",
        "FOIA_EXEMPTION_BARE", "FOIA_MARKING", "BATES", "EMAIL", "PHONE", "MONEY"}
RENAME = {"LOC": "GPE", "FOIA_EXEMPTION_BARE": "FOIA_EXEMPTION"}
RELEASE_STAMP = re.compile(r"RELEASED?\s+IN\s+(?:FULL|PART)|\(b\)\s*\(\s*[1-9]\s*\)|FOIA", re.I)
BARE_CODE = re.compile(r"(?<![\w.])B[1-9](?:\([A-F]\))?(?![\w.])")
EXEMPTION_CODE = re.compile(r"B?([1-9])(?:\s*\(\s*([A-F])\s*\))?")
WHITESPACE = re.compile(r"\s+")
HEADING_LIKE = re.compile(r"^\s*(?:[A-Z]{1,4}\.\s|Appendix\b|APPENDIX\b|Section\b)")


SOFT_WRAP = 50      # a line at least this long that ends in a line break was wrapped, not ended
LAYOUT_GAP = re.compile(r"[ \t]{3,}|\t")   # columns printed side by side on one line
HEADER_FIELD = re.compile(r"(?:From|To|Cc|CC|Bcc|Date|Sent|Subject)[ \t]*:")   # an email header's next field


def squeeze(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace runs to one space, so that names wrapped across lines are one name to
    spaCy, and keep, for every character of the result, its offset in the original. A break
    after a short line (a signature block, a list, an address) stays a line break, so names on
    successive lines stay apart; a wide gap inside a line (two columns: "Cheryl Mills      Mills,
    Cheryl D", "Name          Date") becomes a tab, so names in neighbouring columns stay apart. A blank
    line always stays a break ("... Calmy-Rey" / "" / "Cheryl, Jake:")."""
    out, where, last = [], [], 0
    for m in WHITESPACE.finditer(text):
        out.append(text[last:m.start()])
        where.extend(range(last, m.start()))
        line = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        hard = "\n" in m.group() and (len(line.strip(" _\t")) < SOFT_WRAP or HEADER_FIELD.match(text, m.end())
                                       or m.group().count("\n") > 1)        # a blank line ends a paragraph
        gap = "\n" not in m.group() and LAYOUT_GAP.fullmatch(m.group()) and line.strip()
        out.append("\n" if hard else "\t" if gap else " ")
        where.append(m.start())
        last = m.end()
    out.append(text[last:])
    where.extend(range(last, len(text)))
    where.append(len(text))
    return "".join(out), where


def _plausible(label: str, text: str, normalized: str | None, known: bool = False) -> bool:
    if label == "DATE":
        return normalized is not None
    if label == "PERSON" and known:        # a name read from an email header ("H", "Lew, Jacob J")
        return True
    if label in ("PERSON", "ORG", "GPE"):
        letters = sum(c.isalpha() for c in text)
        if letters < 2 or letters < len(text) / 2 or "_" in text or "\n" in text.strip():
            return False
    if label == "PERSON":     # headings the model takes for names: "I. Purpose", "Appendix C. For"
        return not HEADING_LIKE.match(text) and any(w[:1].isupper() for w in text.split())
    return True


NAME_SUFFIX = re.compile(r",?[ ](?:Jr|Sr)\.|,?[ ](?:Jr|Sr|II|III|IV)\b")
POSSESSIVE = re.compile(r"['’]s?$")
ACRONYM = re.compile(r"\b[A-Z]{3,}\b(?!-[A-Z][a-z])")     # not a surname in capitals: "BOROR-Urla"
GREETING = re.compile(r"(?:Hi|Hello|Hey|Dear|Thanks|Thank[ ]you|Welcome|Congratulations)[ ,]+")
LIST_MARK = re.compile(r"[\t●•▪]")      # a layout gap or a bullet: never inside a name


def person_span(text: str, s: int, e: int) -> tuple[int, int]:
    """A person's name without the title or honorific printed before it ("Sheriff John Smith",
    "Mr. DENNIS") or a possessive after it, and with a generational suffix ("Louis L. Neal, Jr.")."""
    if (greeting := GREETING.match(text, s, e)) and greeting.end() < e:
        s = greeting.end()                                            # "Hi Waddah."
    if (title := HONORIFICS.match(text[s:e])) and s + title.end() < e:
        s += title.end()
    if (possessive := POSSESSIVE.search(text, s, e)) and possessive.start() > s:
        e = possessive.start()
    if (suffix := NAME_SUFFIX.match(text, e)):
        e = suffix.end()
    if (digits := re.search(r"[ ]\d{1,3}$", text[s:e])):       # a footnote mark: "Crowley, Philip 3"
        e = s + digits.start()
    while e > s and text[e - 1] in " ([\"'-,":                     # "John J. (" before "(BEGA)"
        e -= 1
    return s, e


def person_title(text: str, s: int, name_start: int) -> dict:
    """The title printed with a name, inside the model's span ("Councilmember Charles Allen") or
    just before it ("Sheriff John Smith"): {"title": ...}; a courtesy title alone ("Mr. DENNIS")
    only says the one word is a surname: {"surname": True}."""
    title = clean(text[s:name_start]) if name_start > s else ""
    if not title and (before := TITLE_BEFORE.search(text, max(0, s - 60), s)):
        title = clean(before.group())
    if not title:
        return {}
    if re.fullmatch(COURTESY, title):
        return {"surname": True}
    return {"title": re.sub(r"^" + COURTESY + r"\s+", "", title)}


def _not_a_name(text: str) -> bool:
    """"FOIA Request": a capitalised phrase around an acronym, which names are not."""
    return bool(ACRONYM.search(text)) and not text.isupper()


TOWN_STATE = re.compile(r",[ ]?(?P<state>[A-Z]{2})\b")


def _a_town(text: str, end: int) -> bool:
    """"Taylor, MI": a name followed by a state's postal code is a town's (not "MD" or "PA", also degrees)."""
    return bool((m := TOWN_STATE.match(text, end)) and m.group("state") in STATES.keys() - {"MD", "PA"})


def _common_words(doc: Document) -> None:
    """Drop one-word PERSON mentions that the document also uses as an ordinary lower-case word
    ("Draft meeting minutes ..." beside "publish a draft")."""
    lower = {w for w in re.findall(r"\b[a-z]{3,}\b", doc.text)}
    doc.mentions = [m for m in doc.mentions if not (m.type == "PERSON" and " " not in m.text.strip()
                                                    and m.text.strip().lower() in lower)]


def _parts(label: str, text: str, offset: int) -> list[tuple[int, int]]:
    """Character spans of one mention, of each column of a name run across a layout gap, or of each code in an exemption list ("Ex. 6 and 7(C)",
    "B1,B5"; in "B1,1.4(D)" the 1.4(D) is a classification reason, not an exemption)."""
    if label in ("ORG", "AGENCY", "GPE", "PERSON") and LIST_MARK.search(text):
        # a layout gap (see `squeeze`) or a bullet is never inside a name: "District of Columbia Office of Open
        # Government<gap>Board of Ethics and Government Accountability" is two signature-block columns
        return [(offset + m.start() + len(m.group()) - len(m.group().lstrip()), offset + m.end())
                for m in re.finditer(r"[^\t●•▪]+(?<! )", text) if m.group().strip()]
    if label == "FOIA_EXEMPTION_BARE":
        return [(offset + m.start(), offset + m.end()) for m in BARE_CODE.finditer(text)]
    if label == "FOIA_EXEMPTION" and not text.lstrip().startswith("("):
        codes = list(EXEMPTION_CODE.finditer(text))
        if len(codes) > 1:
            return [(offset + m.start(), offset + m.end()) for m in codes]
    return [(offset, offset + len(text))]


SPAN_CHARS = 100_000      # the most text spaCy reads at once (a page longer than this is read in pieces)


def spans_read(doc: Document) -> list[tuple[int, int, int]]:
    """(page, start, end) of the text the model reads at once: a page whole, so that a name is never cut
    where one passage ends and the next begins ("... State's Attorney or U.S. | Attorney for the Northern
    District"); a longer page in runs of whole passages."""
    spans: list[list[int]] = []
    for c in doc.chunks:
        if spans and spans[-1][0] == c.first_page and c.char_end - spans[-1][1] <= SPAN_CHARS:
            spans[-1][2] = c.char_end
        else:
            spans.append([c.first_page, c.char_start, c.char_end])
    return [tuple(s) for s in spans]


def annotate(doc: Document, nlp: Language | None = None) -> Document:
    nlp = nlp or load_pipeline()
    doc.doc_type = classify(doc)
    doc.chunks = chunk_pages(doc.pages)
    pages = {p.number: p.text for p in doc.pages}
    read = spans_read(doc)
    squeezed = [squeeze(pages[page][s:e]) for page, s, e in read]
    stamped = bool(RELEASE_STAMP.search(doc.text))
    for (page, offset, _), (text, where), parsed in zip(read, squeezed, nlp.pipe((s[0] for s in squeezed), batch_size=64)):
        for ent in parsed.ents:
            if ent.label_ not in KEEP or (ent.label_ == "FOIA_EXEMPTION_BARE" and not stamped):
                continue
            label = RENAME.get(ent.label_, ent.label_)
            for s, e in _parts(ent.label_, ent.text, ent.start_char):
                about = {}
                if label == "PERSON":
                    s0 = s
                    s, e = person_span(text, s, e)
                    about = person_title(text, s0, s)
                    if about.get("title") and " " not in text[s:e].strip():
                        about["surname"] = True       # "President Zuma": a surname, kept alone
                    if _not_a_name(text[s:e]) or _a_town(text, e):
                        continue
                name, normalized = canonical(label, text[s:e], ent.ent_id_)
                if not _plausible(label, text[s:e], normalized, known=bool(ent.ent_id_)):
                    continue
                start, end = offset + where[s], offset + where[e - 1] + 1
                doc.mentions.append(Mention(type=label, text=pages[page][start:end], canonical=name,
                                            normalized=normalized, page=page, start=start, end=end,
                                            chunk_index=doc.chunk_at(page, start), attributes=about))
    doc.mentions = [m for m in doc.mentions if not is_noise(m)]
    _common_words(doc)
    person_context(doc)
    split_bodies(doc)
    fix_types(doc)
    if doc.doc_type == "moa":
        extract_agreement(doc)
        doc.clauses = split_clauses(doc.pages)
    resolve_acronyms(doc, (doc.agreement or {}).get("agency"))
    government_acronyms(doc)
    release_shorthand(doc)
    local_government(doc)
    listed_acronyms(doc)
    fix_types(doc)         # an acronym's full name decides its type too ("Freedom and Justice Party (FJP)")
    department_units(doc)
    unit_sections(doc)
    propagate_names(doc)
    attach_nicknames(doc)
    link_entities(doc)
    doc.title = title(doc)
    if doc.doc_date is None:
        dates = [m.normalized for m in doc.mentions if m.type == "DATE" and len(m.normalized or "") == 10]
        doc.doc_date = (doc.agreement or {}).get("signed_date") or (dates[0] if dates else None)
    return doc
