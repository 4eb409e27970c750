"""Clause text for comparison: normalised display text, OCR-proof fingerprints, quantities.

Three levels of sameness (see reports.variants):
- `display_text`: whitespace collapsed, words broken by a line-end hyphen joined, curly quotes
  straightened, fill-in blanks (`____`) dropped, the agency's own name replaced by `[LEA]`;
- `word_key` / `fingerprint`: on top of that, case, punctuation and the usual OCR confusions
  ignored (`l`/`1`/`I`, `0`/`O`, `rn`/`m`, `rm`/`nn` as in "perfonned", words run together as in
  "ofthis"): two texts with the same fingerprint are "identical after normalisation";
- `quantities`: the numbers that carry terms (days, hours, years, percent, dollars).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from nlp.normalize import STATES

HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad]\s*\n\s*(\w)")
SOFT_HYPHEN = re.compile(r"\u00ad\s*")
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "`": "'", "–": "-", "—": "-", "\u00a0": " "})
BLANKS = re.compile(r"_{3,}")
PHONE = re.compile(r"\(?\b\d{3}\)?[\s.\-}]*\d{3}[\s.\-]\d{4}\b")
SPACES = re.compile(r"\s+")
LEA_SUFFIX = (r"(?:County\s+)?(?:Sheriff[’'`]?s?\s+Office|Sheriffs?\s+Department|Police\s+Department|Police\s+Dept\.?|"
              r"Department\s+of\s+Corrections?|Department\s+of\s+Public\s+Safety|County\s+Jail|"
              r"Detention\s+Center|Correctional\s+(?:Center|Facility)|Marshal[’']?s?\s+Office|"
              r"Criminal\s+Justice\s+Authority|Sheriff)")
LEA_NAME = re.compile(rf"\b(?:[A-Z][A-Za-z.'’\-]+\s+){{1,5}}{LEA_SUFFIX}(?:\s*\([A-Z]{{2,6}}\))?(?:,\s*[A-Z]{{2}}\b)?")


LEA_STATE = re.compile(r"\[LEA\],?\s*(?:" + "|".join(sorted(STATES)) + r")\b(?!\s*\d)")


def agency_pattern(names: list[str]) -> re.Pattern | None:
    """The agency's own names (from the agreement's facts), spaced and apostrophed loosely."""
    alts = []
    for name in names:
        words = re.findall(r"[A-Za-z0-9]+", name or "")
        if len(words) >= 2:
            alts.append(r"[\s'’`]*".join(re.escape(w) for w in words) + r"s?")
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.I) if alts else None


NOT_AGENCY = {"MOA", "ICE", "DHS", "OHS", "LEA", "INA", "SOP", "FOD", "FOO", "OPR", "ERO", "HSI", "JIC", "DOJ",
              "OPLA", "POC", "POCS", "FTCA", "USC", "CFR", "NTA", "ISA", "IT", "JEM", "WSO", "TFM", "LE", "US", "PIO"}


def agency_acronyms(first_pages: str) -> re.Pattern | None:
    """The short names an agreement gives its agency ("... Sheriff's Office (BCSO)"): some
    agreements use them where the template says "LEA", which is a fill-in, not a change of terms."""
    found = {a for a in re.findall(r"\(([A-Z][A-Z&]{1,6})\)", first_pages) if a not in NOT_AGENCY}
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, found))) + r")\b") if found else None


def display_text(text: str, agency: re.Pattern | None = None, acronyms: re.Pattern | None = None) -> str:
    text = text.translate(QUOTES)
    text = HYPHEN_BREAK.sub(r"\1\2", text)
    text = SOFT_HYPHEN.sub("", text)
    text = BLANKS.sub(" ", text)
    if agency is not None:
        text = agency.sub("[LEA]", text)
    text = LEA_NAME.sub("[LEA]", text)
    text = LEA_STATE.sub("[LEA]", text)
    if acronyms is not None:
        text = acronyms.sub("LEA", text)
    text = PHONE.sub("[PHONE]", text)
    return SPACES.sub(" ", text).strip()


_OCR_CHARS = str.maketrans({"1": "i", "l": "i", "|": "i", "!": "i", "0": "o", "5": "s"})


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """A word as OCR-proof comparison key: lower case, letters and digits only, confusions folded."""
    w = re.sub(r"[^a-z0-9$%]", "", word.lower())
    if not any(c.isalpha() for c in w):
        return w                      # numbers stay numbers: 48 and 72 must differ
    w = w.translate(_OCR_CHARS)
    return w.replace("rn", "m").replace("rm", "nn")


def words(text: str) -> list[str]:
    return text.split()


@lru_cache(maxsize=20_000)
def fingerprint(text: str) -> str:
    """Identical after normalisation: also blind to spaces OCR dropped or added ("ofthis")."""
    return "".join(word_key(w) for w in words(text))


# -- quantities -------------------------------------------------------------------------------

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                "twenty-four": 24, "thirty": 30, "forty": 40, "forty-five": 45, "forty-eight": 48,
                "sixty": 60, "seventy": 70, "seventy-two": 72, "ninety": 90, "hundred": 100}
_NUM = r"(\d{1,3}(?:,\d{3})*(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
QUANTITY = re.compile(
    r"(?<![^\s(])" + _NUM + r"(?:\s*\(\s*\d+\s*\))?[\s\-]*(?:calendar\s+|business\s+|working\s+)?"
    r"(days?|hours?|years?|months?|weeks?|minutes?|percent|per\s*cent|%)(?![a-z])", re.I)
DOLLARS = re.compile(r"\$\s?(\d[\d,]*(?:\.\d{2})?)")
UNITS = {"day": "days", "hour": "hours", "year": "years", "month": "months", "week": "weeks",
         "minute": "minutes", "percent": "percent", "per cent": "percent", "%": "percent"}


def _value(token: str) -> float:
    token = token.lower()
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    return float(token.replace(",", ""))


def quantities(text: str) -> list[dict]:
    """[{"value": 48, "unit": "hours", "text": "48 hours", "at": offset}, ...] in order."""
    found = []
    for m in QUANTITY.finditer(text):
        unit = re.sub(r"\s+", " ", m.group(2).lower()).rstrip("s") if m.group(2) != "%" else "%"
        unit = UNITS.get(unit, UNITS.get(unit + "s", unit))
        found.append({"value": _num(_value(m.group(1))), "unit": unit, "text": m.group(0), "at": m.start()})
    for m in DOLLARS.finditer(text):
        found.append({"value": _num(float(m.group(1).replace(",", "") or 0)), "unit": "dollars",
                      "text": m.group(0), "at": m.start()})
    return sorted(found, key=lambda q: q["at"])


def _num(v: float):
    return int(v) if float(v).is_integer() else v


def quantity_changes(reference: str, variant: str) -> list[dict]:
    """The term-bearing numbers that differ: [{"unit": "hours", "reference": [48], "variant": [72]}]."""
    ref = Counter((q["unit"], q["value"]) for q in quantities(reference))
    var = Counter((q["unit"], q["value"]) for q in quantities(variant))
    removed, added = ref - var, var - ref
    units = sorted({u for u, _ in removed} | {u for u, _ in added})
    return [{"unit": u,
             "reference": sorted(v for (uu, v), n in removed.items() if uu == u for _ in range(n)),
             "variant": sorted(v for (uu, v), n in added.items() if uu == u for _ in range(n))}
            for u in units]
