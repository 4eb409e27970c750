"""One clause key's texts -> variants, each with a word-level redline against the reference.

- Identical: the same fingerprint (reports.text: whitespace, hyphenation, agency names, case,
  punctuation and common OCR confusions ignored).
- Near-identical: at most NEAR_WORDS changed words, or NEAR_SHARE of the reference's words if that
  is more (so 3 words in clauses up to 300 words, 5 in a 500-word one; OCR misreadings are not counted as changed words at all), and no term-bearing number
  (days, hours, years, months, percent, dollars) different. This absorbs OCR misreadings and a
  filled-in office address; it never absorbs "48 hours" -> "72 hours".
- Substantively different: anything else.
A variant is a group of near-identical texts; the reference (`v1`) is the one most agreements use,
or the text supplied as template. Each agreement's clause is `standard` (identical to the
reference), `near-standard` (near-identical to it) or `variant` (in another group).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from difflib import SequenceMatcher

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from reports.text import display_text, fingerprint, quantity_changes, word_key, words

NEAR_WORDS = 3
NEAR_SHARE = 0.01
CONTEXT_WORDS = 10           # words of unchanged text kept around each change in a redline


@dataclass
class Member:
    document_id: str
    display: str
    fingerprint: str
    page_number: int | None
    heading: str


@dataclass
class Variant:
    id: str
    display: str                     # the representative text (the commonest spelling in the group)
    fingerprint: str
    members: list[Member] = field(default_factory=list)
    template: bool = False           # seeded from --template
    redline: list[list[str]] = field(default_factory=list)       # [[op, text], ...] against the reference
    changed_words: int = 0
    similarity: float = 1.0          # difflib ratio of the words against the reference
    numbers: list[dict] = field(default_factory=list)


@lru_cache(maxsize=20_000)
def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Words as printed and their OCR-blind keys, leaving out words that are only punctuation or
    a lone letter (bullets: "•", or "x" and "o" from symbol fonts; stray marks)."""
    shown, keys = [], []
    for w in words(text):
        k = word_key(w)
        if k and not (len(k) == 1 and k.isalpha() and k not in "ai"):   # bullets read as "x", "o", "e"
            shown.append(w)
            keys.append(k)
    return shown, keys


def _ocr_noise(old: list[str], new: list[str]) -> bool:
    """A changed stretch that is OCR misreading, not wording: the same letters but for a few
    (`supetvision`, `FOO` for FOD, `jaiVcorrectional`), or the same letters spaced differently
    (`ofthis`), and never a different number."""
    a, b = "".join(old), "".join(new)
    if re.sub(r"\D", "", a) != re.sub(r"\D", "", b):
        return False
    if a == b:
        return True
    if max(len(old), len(new)) > 3:
        return False
    return Levenshtein.distance(a, b) <= max(1, int(0.15 * max(len(a), len(b))))


def compare(reference: str, other: str) -> tuple[list[list[str]], int, float]:
    """Word-level redline of `other` against `reference` (words compared OCR-blind, shown as
    printed): ([[op, text]...], changed words, similarity). Stretches that differ only by OCR
    noise are shown as the other text prints them and not counted as changes."""
    ref_words, ref_keys = _tokens(reference)
    oth_words, oth_keys = _tokens(other)
    matcher = SequenceMatcher(None, ref_keys, oth_keys, autojunk=False)
    ops, changed, same = [], 0, 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and _ocr_noise(ref_keys[i1:i2], oth_keys[j1:j2])):
            same += max(i2 - i1, j2 - j1)
            if ops and ops[-1][0] == "equal":
                ops[-1][1] += " " + " ".join(oth_words[j1:j2])
            else:
                ops.append(["equal", " ".join(oth_words[j1:j2])])
            continue
        changed += max(i2 - i1, j2 - j1)
        if i2 > i1:
            ops.append(["delete", " ".join(ref_words[i1:i2])])
        if j2 > j1:
            ops.append(["insert", " ".join(oth_words[j1:j2])])
    total = max(len(ref_keys), len(oth_keys)) or 1
    return ops, changed, round(same / total, 4)


def is_near(reference: str, other: str) -> tuple[bool, int]:
    ref_len = max(1, len(words(reference)))
    budget = max(NEAR_WORDS, int(NEAR_SHARE * ref_len))
    if fuzz.ratio(fingerprint(reference), fingerprint(other), score_cutoff=80) < 80:
        return False, -1
    _, changed, _ = compare(reference, other)
    return changed <= budget and not quantity_changes(reference, other), changed


def condense(ops: list[list[str]], context: int = CONTEXT_WORDS) -> list[list[str]]:
    """Long unchanged stretches shortened to their ends: `... last ten words`."""
    out = []
    for n, (op, text) in enumerate(ops):
        if op != "equal":
            out.append([op, text])
            continue
        w = text.split()
        first, last = n == 0, n == len(ops) - 1
        keep_head = 0 if first else context
        keep_tail = 0 if last else context
        if len(w) <= keep_head + keep_tail + 3:
            out.append([op, text])
        else:
            head, tail = " ".join(w[:keep_head]), " ".join(w[len(w) - keep_tail:]) if keep_tail else ""
            out.append([op, " ".join(x for x in (head, "…", tail) if x)])
    return out


def group_variants(members: list[Member], template_text: str | None = None) -> list[Variant]:
    """Variants of one clause key, reference first (`v1`), then by how many agreements use them."""
    by_fp: dict[str, list[Member]] = {}
    for m in members:
        by_fp.setdefault(m.fingerprint, []).append(m)
    groups: list[Variant] = []
    if template_text is not None:
        shown = display_text(template_text)
        groups.append(Variant("", shown, fingerprint(shown), template=True))
    for fp in sorted(by_fp, key=lambda f: (-len(by_fp[f]), f)):
        ms = by_fp[fp]
        shown = Counter(m.display for m in ms).most_common(1)[0][0]
        for g in groups:
            if g.fingerprint == fp or is_near(g.display, shown)[0]:
                g.members.extend(ms)
                break
        else:
            groups.append(Variant("", shown, fp, members=list(ms)))
    reference = groups[0] if template_text is not None else max(groups, key=lambda g: len(g.members))
    rest = sorted((g for g in groups if g is not reference), key=lambda g: (-len(g.members), g.fingerprint))
    ordered = [reference] + rest
    for i, g in enumerate(ordered, 1):
        g.id = f"v{i}"
        if g is reference:
            continue
        ops, g.changed_words, g.similarity = compare(reference.display, g.display)
        g.redline = condense(ops)
        g.numbers = quantity_changes(reference.display, g.display)
    return ordered


def status_of(member: Member, variant: Variant, reference: Variant) -> str:
    if variant is not reference:
        return "variant"
    return "standard" if member.fingerprint == reference.fingerprint else "near-standard"
