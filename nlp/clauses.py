"""An agreement's pages -> its clauses: sections (`IV. RESPONSIBILITIES`), lettered subsections
(`A. DESIGNATION OF AUTHORIZED FUNCTIONS`) and appendices, each with its heading as printed, its
page and its text.

Page-level heading candidates come from `nlp.structure.scan_headings`; here they are read in
document order, which settles what one page cannot:
- `I. CML RIGHTS STANDARDS` after subsection `H` is subsection I, not section one;
- `8. COMMUNICATION` after subsection `A` is subsection B read wrongly by OCR;
- a section whose label OCR lost (`sfK` + `MODIFICATIONS TO THIS MOA`) is taken when its title is
  one of the template headings (`KNOWN_TITLES`) and the numbering around it leaves a gap for it.
Running headers and footers (agency name, "Rev 2/14/25 3", page numbers) are removed from the
clause texts so that they do not show up as differences between agreements. Appendices are kept
whole: their inner numbering (1., 2., A., B.) is lists more often than headings.
"""
from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz, process

from corpus.records import Page
from nlp.structure import CONTROL, Candidate, is_caps_title, scan_headings, to_roman

# Headings of the ICE templates (JEM, WSO, TFM; 2009-2025), used only to recognise a heading whose
# label OCR destroyed and to spell keys the same way when OCR garbled a title. The clause keys
# themselves are learned from the corpus (reports.align).
KNOWN_TITLES = [
    "PARTIES", "PURPOSE", "AUTHORITY", "POLICY", "RESPONSIBILITIES", "DESIGNATION OF AUTHORIZED FUNCTIONS",
    "NOMINATION OF PERSONNEL", "TRAINING OF PERSONNEL", "CERTIFICATION AND AUTHORIZATION",
    "COSTS AND EXPENDITURES", "ICE SUPERVISION", "INTERPRETATION SERVICES", "LIABILITY AND RESPONSIBILITY",
    "CIVIL RIGHTS STANDARDS", "REPORTING AND DOCUMENTATION", "COMPLAINT PROCEDURES", "COMMUNICATION",
    "COMMUNITY OUTREACH", "RELEASE OF INFORMATION TO THIRD PARTIES", "MODIFICATIONS TO THIS MOA",
    "MODIFICATION OF THIS MOA", "POINTS OF CONTACT", "EFFECTIVE DATE AND TERMINATION OF THIS MOA",
    "EFFECTIVE DATE, SUSPENSION, AND TERMINATION OF THIS MOA", "TRAINING AND ASSIGNMENTS",
    "RESOLUTION OF LOCAL CHARGES", "REPORTING REQUIREMENTS", "STANDARD OPERATING PROCEDURES (SOP)",
    "STANDARD OPERATING PROCEDURE (SOP)", "COMPLAINT PROCEDURE", "PUBLIC INFORMATION POINTS OF CONTACT",
    "ASSIGNMENTS", "DURATION AND TERMINATION OF THIS MOA", "COLLATERAL ISSUES",
]
_KNOWN_SQUEEZED = {re.sub(r"[^A-Z]", "", t): t for t in KNOWN_TITLES}
PREAMBLE_KEY = "preamble"
BOILERPLATE_SHARE = 0.4      # a line at the top or bottom of this share of pages is a running header/footer
EDGE_LINES = 4               # how many lines at each end of a page can be header or footer


def _squeeze(title: str) -> str:
    return re.sub(r"[^A-Z]", "", title.upper())


def known_title(title: str, cutoff: float = 80) -> str | None:
    """The template heading an (OCR'd) title stands for: `CML RIGHTS STANDARDS`, `EFFECTlYE DATE
    AND TERMJNA TION OF THIS MOA`, `MODIFICATIONS TO Tms MOA` -> the template's spelling."""
    squeezed = _squeeze(title)
    if not squeezed:
        return None
    if squeezed in _KNOWN_SQUEEZED:
        return _KNOWN_SQUEEZED[squeezed]
    best = process.extractOne(squeezed, list(_KNOWN_SQUEEZED), scorer=fuzz.ratio, score_cutoff=cutoff)
    return _KNOWN_SQUEEZED[best[0]] if best else None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def heading_key(title: str, level: int) -> str:
    """A normalised heading slug: `training-of-personnel`, `appendix/complaint-procedure`. Appendix
    letters differ between models (the SOP is appendix A of a WSO agreement, the points of contact
    appendix A of a TFM one), so the key leaves the letter out."""
    name = known_title(title) or re.sub(r"\s+", " ", title).strip()
    name = re.sub(r"\((?:SOP)\)|\bOF THIS MOA\b|\bTO THIS MOA\b", "", name.upper())
    name = re.sub(r"\bMODIFICATIONS?\b", "MODIFICATIONS", name)
    name = re.sub(r"\bPROCEDURES?\b", "PROCEDURES", name)
    key = slug(name) or "untitled"
    return f"appendix/{key}" if level == 0 else key


# -- running headers and footers ---------------------------------------------------------------

def _line_signature(line: str) -> str:
    return re.sub(r"[^a-z]", "", line.lower())


def boilerplate_signatures(pages: list[Page]) -> set[str]:
    """Lines found at the top or bottom of many pages, digits ignored ("Rev 2/14/25 3")."""
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln for ln in page.text.split("\n") if ln.strip()]
        edge = lines[:EDGE_LINES] + lines[-EDGE_LINES:]
        counts.update({_line_signature(ln) for ln in edge} - {""})
    need = max(3, BOILERPLATE_SHARE * len(pages))
    return {sig for sig, n in counts.items() if n >= need and len(sig) <= 80}


def _clean_page(text: str, boilerplate: set[str]) -> str:
    lines = CONTROL.sub(" ", text).split("\n")
    keep = [True] * len(lines)
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    edges = set(nonblank[:EDGE_LINES] + nonblank[-EDGE_LINES:])
    for i in edges:
        stripped = lines[i].strip()
        if _line_signature(stripped) in boilerplate or re.fullmatch(r"(?:Page\s*)?\d{1,3}(?:\s*of\s*\d{1,3})?", stripped, re.I):
            keep[i] = False
    return "\n".join(ln for ln, k in zip(lines, keep) if k)


SIGNING = re.compile(r"By\s*signing\s*this\s*MOA.{0,400}?allowed\s*by\s*law\s*\.?", re.S | re.I)


def strip_signature_block(text: str) -> str:
    """Drop the signature block after "By signing this MOA ... to the fullest extent allowed by law.":
    names, titles and dates are filled in per agreement (the `signatories` table has them) and
    would make every final clause a variant of its own."""
    m = SIGNING.search(text)
    return text[:m.end()].rstrip() if m else text


# -- reading candidates in order ---------------------------------------------------------------

class _Sequence:
    """What the headings so far say the next ones can be."""

    def __init__(self):
        self.section = 0               # last section number
        self.letter: str | None = None  # last subsection letter
        self.in_appendix = False

    def expected_letter(self) -> str:
        return chr(ord(self.letter) + 1) if self.letter else "A"

    def judge(self, c: Candidate) -> tuple[int, str] | None:
        """(level, label) if the candidate is a heading here, else None."""
        if c.appendix:
            self.in_appendix, self.letter = True, None
            return 0, f"APPENDIX {c.appendix}"
        if self.in_appendix or not c.caps:
            return None
        if not re.match(r"^\s*\S{1,5}?\s*[.,]", c.printed) and not known_title(c.title):
            return None          # "M CRONE N": a label without its period must head a template title
        expected = self.expected_letter()
        as_section = c.roman is not None and self.section < c.roman <= self.section + 3 and not c.digit
        as_letter = c.letter is not None and self.section > 0 and (
            c.letter == expected or (not c.digit and c.letter > (self.letter or "@") and c.roman is None))
        if as_section and as_letter:
            # `I` after `H`, `V` after `U`: the letter when it is the very next one, unless the
            # section number is the very next one too and the letter is not
            as_section = c.roman == self.section + 1 and c.letter != expected
            as_letter = not as_section
        if as_section:
            self.section, self.letter = c.roman, None
            return 1, to_roman(c.roman)
        if c.letter and c.letter != expected and self.section > 0 and known_title(c.title):
            # a template title under a misread letter ("H. NOMINATION OF PERSONNEL" for B)
            self.letter = expected
            return 2, expected
        if as_letter:
            self.letter = c.letter
            return 2, c.letter
        if c.letter == "A" and not c.digit and c.roman is None and self.section > 0:
            self.letter = "A"          # a new run of subsections
            return 2, "A"
        return None


def _title_only(lines: list[tuple[int, str]], i: int) -> str | None:
    """A template heading standing alone on its line, its label lost or garbled."""
    line = lines[i][1].strip()
    # a garbled label before the title ("IH. AUTHORITY", "¥. REPORTING AND DOCUMENTATION")
    title = re.sub(r"^\S{1,4}?[.,]\s*", "", line)
    if not is_caps_title(title):
        return None
    found = known_title(title, cutoff=92)
    if not found:
        return None
    # the line before must not be a sentence running into this one
    prev = next((ln.strip() for _, ln in reversed(lines[:i]) if ln.strip()), "")
    if prev and not re.search(r"[.:;]\s*$", prev) and len(prev.split()) > 2:
        return None
    return found


def split_clauses(pages: list[Page]) -> list[dict]:
    """The clauses of an agreement, in order: dicts with `heading` (as printed), `level` (0 appendix,
    1 section, 2 subsection), `position`, `page_number`, `text` and `key` (a normalised heading
    slug; alignment across agreements assigns the canonical per-model key later). Text before the
    first heading is a clause too (`preamble`, level 1) when there is any."""
    boilerplate = boilerplate_signatures(pages)
    cleaned = [_clean_page(page.text, boilerplate) for page in pages]
    found: list[tuple[int, Candidate]] = []
    for index, text in enumerate(cleaned):
        cands = scan_headings(text)
        pos, lines = 0, []
        for line in text.split("\n"):
            lines.append((pos, line))
            pos += len(line) + 1
        for i, (start, line) in enumerate(lines):
            if any(c.start <= start < c.end for c in cands):
                continue
            title = _title_only(lines, i)
            if title:   # a template heading on its own line, its label lost
                printed, first = line.strip(), start
                prev = next(((p, ln) for p, ln in reversed(lines[:i]) if ln.strip()), None)
                if prev and len(prev[1].strip()) <= 5 and not prev[1].strip().endswith(".") \
                        and not any(c.start <= prev[0] < c.end for c in cands):
                    # what is left of the label ("sfK" for "VI."): part of the heading as printed
                    printed, first = f"{prev[1].strip()} {printed}", prev[0]
                cands.append(Candidate(first, start + len(line), printed, title, label="",
                                       extra={"title_only": True}))
        found.extend((index, c) for c in sorted(cands, key=lambda c: c.start))
    seq = _Sequence()
    marks: list[tuple] = []     # (page index, start, end, printed, title, level, label)
    for n, (index, c) in enumerate(found):
        following = [f for _, f in found[n + 1:n + 4]]
        judged = None if c.extra.get("title_only") else seq.judge(c)
        if judged is None and (c.extra.get("title_only") or (c.caps and known_title(c.title, cutoff=90))):
            # a template title whose label OCR garbled ("Il. AUTHORITY" after "II. PURPOSE")
            judged = _judge_title_only(seq, following)
        if judged:
            level, label = judged
            marks.append((index, c.start, c.end, c.printed, c.title, level, label))
    clauses: list[dict] = []

    def add(heading: str, title: str, level: int, page_index: int, parts: list[str]):
        body = strip_signature_block("\n".join(p.strip("\n") for p in parts if p.strip()).strip())
        key = PREAMBLE_KEY if heading == "" else heading_key(title, level)
        clauses.append({"heading": heading, "level": level, "position": len(clauses),
                        "page_number": pages[page_index].number if pages else 1, "text": body, "key": key})

    # slice the cleaned pages between consecutive headings
    bounds = marks + [(len(pages), 0, 0, None, None, None, None)]
    first_page, first_start = (marks[0][0], marks[0][1]) if marks else (len(pages), 0)
    preamble = [cleaned[i] for i in range(first_page)] + ([cleaned[first_page][:first_start]] if first_page < len(pages) else [])
    if any(p.strip() for p in preamble):
        add("", "", 1, 0, preamble)
    for (pi, _s, end, printed, title, level, label), nxt in zip(marks, bounds[1:]):
        npi, nstart = nxt[0], nxt[1]
        parts = []
        if npi == pi:
            parts.append(cleaned[pi][end:nstart])
        else:
            parts.append(cleaned[pi][end:])
            parts.extend(cleaned[i] for i in range(pi + 1, min(npi, len(pages))))
            if npi < len(pages):
                parts.append(cleaned[npi][:nstart])
        add(printed, title, level, pi, parts)
    return clauses


def _judge_title_only(seq: _Sequence, following: list[Candidate]) -> tuple[int, str] | None:
    """A template heading without a readable label (never inside an appendix): the gap in the
    numbering of the headings after it says whether it is the next section or the next
    subsection; with no gap to go by, it continues the run it is in."""
    nxt = next((f for f in following if not f.extra.get("title_only")), None)
    if seq.in_appendix:
        return None
    if seq.section == 0:
        if nxt is None or nxt.roman not in (2, 3) or nxt.digit:
            return None
        seq.section, seq.letter = 1, None
        return 1, "I"
    expected = seq.expected_letter()
    subsection = seq.letter is not None
    if nxt is not None and (nxt.roman == seq.section + 2 or (nxt.letter == "A" and nxt.roman is None)):
        subsection = False
    elif nxt is not None and nxt.letter and seq.letter and ord(nxt.letter) == ord(expected) + 1:
        subsection = True
    elif nxt is not None and nxt.roman == seq.section + 1:
        if not seq.letter:
            # numbered twice as printed ("XV. COMPLAINT PROCEDURES", "XV. CIVIL RIGHTS STANDARDS")
            return 1, to_roman(seq.section)
        subsection = True
    if subsection:
        seq.letter = expected
        return 2, expected
    seq.section, seq.letter = seq.section + 1, None
    return 1, to_roman(seq.section)
