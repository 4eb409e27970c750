"""Facts worth flagging on their own, per agreement: present, absent or changed.

A flag is found either by its clause key (any key whose slug contains one of `keys`) or by a
phrase (`pattern`, spaced loosely so OCR's dropped spaces do not hide it). It is `changed` when
the clause holding it is a substantive variant of that clause's reference text, `present` when
it is the standard text (or near it), `absent` when neither key nor phrase is found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from reports.text import display_text, quantities


@dataclass(frozen=True)
class Flag:
    name: str
    label: str
    keys: tuple[str, ...] = ()
    pattern: str | None = None


FLAGS = [
    Flag("non_disclosure", "Non-disclosure (\"shall not be disclosed\")", pattern=r"shall\s*not\s*be\s*disclosed"),
    Flag("public_records", "State public-records carve-out", pattern=r"public\s*records?\s*law"),
    Flag("termination", "Duration and termination terms", keys=("termination", "duration")),
    Flag("reimbursement", "Reimbursement terms", pattern=r"reimburs"),
    Flag("civil_rights", "Civil-rights standards", keys=("civil-rights",),
         pattern=r"civil\s*rights\s*(?:laws|statutes|standards)"),
    Flag("language_access", "Language access (interpreters)", keys=("interpretation",),
         pattern=r"\binterpreters?\b"),
    Flag("complaint_procedure", "Complaint procedure", keys=("complaint",)),
]


def _snippet(text: str, start: int, end: int, width: int = 90) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b].strip() + ("…" if b < len(text) else "")


def flag_agreement(clauses: list[dict]) -> dict[str, dict]:
    """clauses: this agreement's placed clauses, each {"key", "status", "variant", "text",
    "page_number", "heading"} in order. Returns {flag: {"status", "key", "page", "value", "snippet"}}."""
    out = {}
    for flag in FLAGS:
        hits = []
        if flag.keys:
            hits = [(c, None) for c in clauses
                    if c["key"] and any(k in c["key"].split("/")[-1] for k in flag.keys)]
        if not hits and flag.pattern:
            rx = re.compile(flag.pattern, re.I)
            for c in clauses:
                m = rx.search(display_text(c["text"]))
                if m:
                    hits.append((c, m))
        if not hits:
            out[flag.name] = {"status": "absent", "key": None, "variant": None, "page": None, "heading": None,
                              "value": None, "snippet": None}
            continue
        # the clause that shows the flag best: a changed one if any is changed
        c, m = next((h for h in hits if h[0]["status"] == "variant"), hits[0])
        text = display_text(c["text"])
        value = None
        if flag.name in ("termination", "reimbursement"):
            qs = [q["text"] for h, _ in hits for q in quantities(display_text(h["text"]))
                  if q["unit"] in ("days", "years", "months", "dollars")]
            value = ", ".join(dict.fromkeys(qs)) or None
        snippet = _snippet(text, m.start(), m.end()) if m else _snippet(text, 0, 0, 180)
        status = "changed" if c["status"] == "variant" else ("added" if c["status"] == "added" else "present")
        out[flag.name] = {"status": status, "key": c["key"], "variant": c.get("variant"),
                          "page": c["page_number"], "heading": c["heading"], "value": value, "snippet": snippet}
    return out
