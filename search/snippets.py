"""A citation's snippet: the window of a passage where the query's words are densest."""
from __future__ import annotations

import re

WIDTH = 260


def _pattern(terms: list[str]) -> re.Pattern | None:
    parts = []
    for term in terms:
        if term.endswith("*"):
            parts.append(r"\b" + re.escape(term[:-1]) + r"\w*")
        else:
            parts.append(r"\b" + r"\s+".join(re.escape(w) for w in term.split()) + r"\b")
    return re.compile("|".join(parts), re.I) if parts else None


def snippet(text: str, terms: list[str], width: int = WIDTH) -> tuple[str, list[tuple[int, int]]]:
    """(snippet, [(start, end) of each highlighted match within the snippet])."""
    flat = re.sub(r"\s+", " ", text).strip()
    rx = _pattern(terms)
    matches = list(rx.finditer(flat)) if rx else []
    if not matches:
        cut = flat[:width]
        return (cut + ("…" if len(flat) > width else "")), []
    best, best_count = 0, 0
    for i, m in enumerate(matches):     # the window starting at each match holding most matches
        # a phrase or name of several words counts for more than a lone word
        count = sum(1 + 4 * len(n.group(0).split()[1:]) for n in matches[i:] if n.end() <= m.start() + width)
        if count > best_count:
            best, best_count = m.start(), count
    start = max(0, best - width // 4)
    if start:
        space = flat.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "…" if start else ""
    body = flat[start:end]
    highlights = [(m.start() - start + len(prefix), m.end() - start + len(prefix))
                  for m in matches if m.start() >= start and m.end() <= end]
    return prefix + body + ("…" if end < len(flat) else ""), highlights
