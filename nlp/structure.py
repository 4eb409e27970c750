"""Headings of agreements and similar documents: `I. PARTIES`, `A. DESIGNATION OF ...`,
`APPENDIX A` + `STANDARD OPERATING PROCEDURES (SOP)`, also when OCR glues or splits them."""
from __future__ import annotations

import re
from dataclasses import dataclass

ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
SECTION = re.compile(rf"^\s*({ROMAN})\s*[.,]\s*([A-Z][A-Z0-9 ,&/'’()\-]{{2,}})\s*$")
SUBSECTION = re.compile(r"^\s*([A-Z])\s*[.,]\s*([A-Z][A-Z0-9 ,&/'’()\-]{2,})\s*$")
APPENDIX = re.compile(r"^\s*(APPENDIX\s+[A-Z])\b[\s.:\-]*([A-Z][A-Z0-9 ,&/'’()\-]*)?\s*$")
CAPS_LINE = re.compile(r"^\s*[A-Z][A-Z0-9 ,&/'’()\-]{3,}\s*$")


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


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def find_headings(text: str) -> list[Heading]:
    found: list[Heading] = []
    lines = list(_lines(text))
    i = 0
    while i < len(lines):
        pos, line = lines[i]
        stripped = line.strip()
        heading = None
        if (m := APPENDIX.match(stripped)):
            title, end = (m.group(2) or "").strip(), pos + len(line)
            if not title and i + 1 < len(lines) and CAPS_LINE.match(lines[i + 1][1]):
                i += 1
                title, end = lines[i][1].strip(), lines[i][0] + len(lines[i][1])
            heading = Heading(pos, end, 0, re.sub(r"\s+", " ", m.group(1)), title)
        elif (m := SECTION.match(stripped)) and m.group(1) and len(m.group(2).split()) <= 8:
            heading = Heading(pos, pos + len(line), 1, m.group(1), m.group(2).strip())
        elif (m := SUBSECTION.match(stripped)) and len(m.group(2).split()) <= 10 and not re.match(r"^[A-Z]\.\s*[A-Z]\.", stripped):
            heading = Heading(pos, pos + len(line), 2, m.group(1), m.group(2).strip())
        elif re.fullmatch(ROMAN + r"\s*\.", stripped) and stripped[0] in "IVX" and i + 1 < len(lines) \
                and CAPS_LINE.match(lines[i + 1][1]):
            # "I." on one line and "PURPOSE" on the next
            i += 1
            heading = Heading(pos, lines[i][0] + len(lines[i][1]), 1, stripped.rstrip(". "), lines[i][1].strip())
        if heading:
            found.append(heading)
        i += 1
    return found
