"""Headings of agreements and similar documents: `I. PARTIES`, `A. DESIGNATION OF ...`,
`APPENDIX A` + `STANDARD OPERATING PROCEDURES (SOP)`, also when OCR glues or splits them.

Two layers:
- `scan_headings(page_text)` finds every line that *could* be a heading, with what its label
  could mean (a roman section number, a subsection letter, or both, as `I` and `V` can be;
  OCR'd labels such as `Ill.` for III or `8.` for B included). It knows one page only.
- `find_headings(page_text)` keeps the candidates that are headings without further context
  (capitalised titles; a label that is a roman numeral is taken as a section): what chunking
  and the agreement facts need. `nlp.clauses.split_clauses` reads candidates in document order
  instead, and settles the ambiguous ones from the headings before them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
ROMAN_FULL = re.compile(rf"^{ROMAN}$")
# Control characters appear where a font maps tabs oddly ("G.\x03INTERPRETATION"): treat as spaces.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
APPENDIX = re.compile(r"^\s*(APPENDIX)\s*([A-Z1-9])(?![A-Za-z])[\s.:\-–—]*(.*?)\s*$")
# label, then "." (OCR: "..", ",", or nothing before an all-caps title), then the title
LABELLED = re.compile(r"^\s*([IVXil1|]{1,4}L?|[A-Z]|[0-9])\s*(\.{1,2}|,\.?|\s)\s*(\S.*?)?\s*$")
LABEL_ONLY = re.compile(r"^\s*([IVXil1|]{1,5}|[A-Z])\s*\.{1,2}\s*$")
CAPS_LINE = re.compile(r"^\s*[A-Z][A-Z0-9 ,&/'’()\-]{3,}\s*$")
# OCR reads these digits where a subsection letter was printed
DIGIT_LETTER = {"8": "B", "1": "I", "6": "G", "0": "D", "5": "S"}
MAX_TITLE_WORDS = 12


@dataclass
class Heading:
    start: int          # offset of the heading's first character in the page text
    end: int            # offset just past the heading (and its continuation line)
    level: int          # 0 appendix, 1 section, 2 subsection
    label: str          # "IV", "A", "APPENDIX A"
    title: str          # "RESPONSIBILITIES"

    @property
    def text(self) -> str:
        return f"{self.label}. {self.title}".strip(". ") if self.level else f"{self.label} {self.title}".strip()


@dataclass
class Candidate:
    """A line that could be a heading, and the readings of its label."""
    start: int
    end: int
    printed: str                 # the heading as printed (lines joined by a space)
    title: str
    appendix: str | None = None  # "A" for APPENDIX A
    roman: int | None = None     # the label read as a roman section number
    letter: str | None = None    # the label read as a subsection letter
    caps: bool = True            # the title is capitalised (title case titles are weaker evidence)
    digit: bool = False          # the label was a digit read as a letter ("8." for B)
    label: str = ""
    extra: dict = field(default_factory=dict)


def roman_value(label: str) -> int | None:
    label = label.upper()
    if not label or not ROMAN_FULL.match(label):
        return None
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(label):
        v = values[ch]
        total += -v if i + 1 < len(label) and values[label[i + 1]] > v else v
    return total


def to_roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def caps_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def is_caps_title(text: str) -> bool:
    """An all-caps heading title, tolerating OCR's stray lower-case letters (`RESPONSmILITY`)."""
    letters = sum(c.isalpha() for c in text)
    return (letters >= 3 and caps_ratio(text) >= 0.7 and len(text.split()) <= MAX_TITLE_WORDS
            and not text.rstrip().endswith((".", ";", ":")) and text.strip()[:1].isalpha())


def is_title_case(text: str) -> bool:
    """`Complaint and Allegation Reporting Procedures`: most longer words capitalised."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z']*", text)]
    long_words = [w for w in words if len(w) > 3]
    return (bool(words) and text.strip()[:1].isalpha() and words[0][0].isupper() and len(words) <= MAX_TITLE_WORDS and long_words
            and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.6
            and not text.rstrip().endswith((".", ";", ",")))


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def clean_title(title: str) -> str:
    return re.sub(r"\s+", " ", CONTROL.sub(" ", title)).strip(" .:-–—")


def scan_headings(text: str) -> list[Candidate]:
    found: list[Candidate] = []
    lines = [(pos, CONTROL.sub(" ", line)) for pos, line in _lines(text)]
    i = 0
    while i < len(lines):
        pos, line = lines[i]
        stripped = line.strip()
        # the next line with text (OCR puts a blank line between "APPENDIX B" and its title)
        j = i + 1
        while j < len(lines) and j <= i + 2 and not lines[j][1].strip():
            j += 1
        nxt = lines[j][1].strip() if j < len(lines) else ""
        cand = None
        if (m := APPENDIX.match(stripped)):
            title, end, printed = m.group(3), pos + len(line), stripped
            if not title and is_caps_title(nxt):
                i = j
                title, end, printed = nxt, lines[i][0] + len(lines[i][1]), f"{stripped} {nxt}"
            if not title or is_caps_title(title) or is_title_case(title):
                letter = DIGIT_LETTER.get(m.group(2), m.group(2))
                cand = Candidate(pos, end, printed, clean_title(title), appendix=letter,
                                 label=f"APPENDIX {letter}")
        elif (m := LABEL_ONLY.match(stripped)) and is_caps_title(nxt) and not LABELLED.match(nxt) \
                and not APPENDIX.match(nxt):
            # "V." on one line and "REPORTING AND DOCUMENTATION" on the next
            cand = _labelled(pos, lines[j][0] + len(lines[j][1]), m.group(1), nxt,
                             f"{stripped} {nxt}", True)
            if cand:
                i = j
        elif (m := LABELLED.match(stripped)) and m.group(3):
            label, sep, title = m.group(1), m.group(2), m.group(3)
            caps = is_caps_title(title)
            # a label with no period is only believable before an all-caps title ("A COMPLAINT ...")
            if (caps or is_title_case(title)) and (sep.strip() or (caps and len(title.split()) >= 2)):
                cand = _labelled(pos, pos + len(line), label, title, stripped, caps)
        if cand:
            # a title broken over two lines: "A. DESIGNATION OF AUTHORIZED" + "FUNCTIONS"
            if cand.caps and i + 1 < len(lines):
                cont = lines[i + 1][1].strip()
                after = lines[i + 2][1].strip() if i + 2 < len(lines) else ""
                if (cont and is_caps_title(cont) and len(cont.split()) <= 3 and len(cand.title.split()) >= 2
                        and not LABELLED.match(cont) and not APPENDIX.match(cont) and not LABEL_ONLY.match(cont)
                        and (re.search(r"\b(?:OF|AND|THE|TO|FOR|IN|ON|BY|,)$", cand.title)
                             or (after and caps_ratio(after) < 0.5))):
                    i += 1
                    cand.title = clean_title(f"{cand.title} {cont}")
                    cand.printed = f"{cand.printed} {cont}"
                    cand.end = lines[i][0] + len(lines[i][1])
            cand.printed = clean_title(cand.printed) if not cand.appendix else re.sub(r"\s+", " ", cand.printed).strip()
            found.append(cand)
        i += 1
    return found


def _labelled(start: int, end: int, label: str, title: str, printed: str, caps: bool) -> Candidate | None:
    title = clean_title(title)
    if not title or sum(c.isalpha() for c in title) < 3 or re.match(r"^[A-Z]\s?[.,;?]", title):
        return None   # "C.M. Cronen", "U.S. Immigration": initials, not a label
    cand = Candidate(start, end, printed, title, caps=caps)
    if label.isdigit() and len(label) == 1:
        if label in DIGIT_LETTER and caps:
            cand.letter, cand.digit = DIGIT_LETTER[label], True
            if label == "1":
                cand.roman = 1
        else:
            return None
    else:
        normal = label.replace("l", "I").replace("i", "I").replace("1", "I").replace("|", "I")
        if len(normal) >= 2 and normal.endswith("L"):
            normal = normal[:-1] + "I"          # "VIIL." is VIII as OCR reads it
        cand.roman = roman_value(normal)
        if len(label) == 1 and label.isalpha() and label.isupper():
            cand.letter = label
        if cand.roman is None and cand.letter is None:
            return None
    cand.label = label
    return cand


def find_headings(text: str) -> list[Heading]:
    """Headings recognisable on one page alone (see the module's docstring)."""
    found: list[Heading] = []
    for c in scan_headings(text):
        if c.appendix:
            found.append(Heading(c.start, c.end, 0, f"APPENDIX {c.appendix}", c.title))
        elif not c.caps or c.digit:
            continue
        elif c.roman is not None and (c.letter is None or c.letter in "IVX"):
            found.append(Heading(c.start, c.end, 1, to_roman(c.roman), c.title))
        elif c.letter:
            found.append(Heading(c.start, c.end, 2, c.letter, c.title))
    return found
