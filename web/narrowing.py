"""Facets: what the current query's candidates are, counted by document, and the filters that
narrow a search to one value. The filters are exact (a facet's count must be what clicking it
gives) and run inside search's own filtering, before the ranking is cut off."""
from __future__ import annotations

from dataclasses import dataclass, fields

from corpus.store import Corpus
from search.filters import Filters

REDACTED = 0.005        # a page this much covered by black boxes counts as redacted
ENTITY_TYPES = ("AGENCY", "PERSON", "ORG", "GPE")
TOP = 12                # values shown per facet


@dataclass
class Narrowing(Filters):
    """search.Filters with exact values (a state `Kansas` is not `Arkansas`) and the facets the
    CLI lacks: year, an entity by id, redacted or not, a tag."""
    year: str | None = None
    entity_id: int | None = None
    exemption_id: int | None = None
    redacted: str | None = None          # "yes" | "no"
    tag: str | None = None

    PARAMS = ("type", "agency", "state", "model", "year", "entity", "exemption", "redacted", "tag")

    @classmethod
    def from_params(cls, params) -> "Narrowing":
        def get(name):
            value = params.get(name)
            return value.strip()[:200] if value and value.strip() else None

        def number(name):
            value = get(name)
            return int(value) if value and value.isdigit() and len(value) < 10 else None
        redacted = get("redacted")
        year = get("year")
        return cls(doc_type=get("type"), agency=get("agency"), state=get("state"), model=get("model"),
                   year=year if year and year.isdigit() and len(year) == 4 else None,
                   entity_id=number("entity"), exemption_id=number("exemption"),
                   redacted=redacted if redacted in ("yes", "no") else None, tag=get("tag"))

    def active(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))

    def where(self) -> tuple[str, list]:
        conds, params = [], []
        for column, value in (("d.doc_type", self.doc_type), ("a.agency", self.agency), ("a.state", self.state),
                              ("a.model", self.model), ("substr(d.doc_date, 1, 4)", self.year)):
            if value is not None:
                conds.append(f"{column} = ?")
                params.append(value)
        for value in (self.entity_id, self.exemption_id):
            if value is not None:
                conds.append("d.id IN (SELECT document_id FROM mentions WHERE entity_id = ?)")
                params.append(value)
        if self.redacted:
            conds.append(("" if self.redacted == "yes" else "NOT ") +
                         "EXISTS (SELECT 1 FROM pages p WHERE p.document_id = d.id AND p.redacted_fraction >= ?)")
            params.append(REDACTED)
        if self.tag is not None:
            conds.append("d.id IN (SELECT document_id FROM tags WHERE tag = ?)")
            params.append(self.tag)
        if not conds:
            return "", []
        return ("chunks.document_id IN (SELECT d.id FROM documents d LEFT JOIN agreements a ON a.document_id = d.id"
                f" WHERE {' AND '.join(conds)})", params)


def facets(corpus: Corpus, doc_ids: list[str]) -> dict[str, list[dict]]:
    """{facet: [{value, label, count}]} over these documents, counts being documents."""
    if not doc_ids:
        return {}
    corpus.conn.execute("CREATE TEMP TABLE IF NOT EXISTS web_candidates (id TEXT PRIMARY KEY)")
    with corpus.conn:
        corpus.conn.execute("DELETE FROM temp.web_candidates")
        corpus.conn.executemany("INSERT OR IGNORE INTO temp.web_candidates VALUES (?)", [(d,) for d in doc_ids])
    c = "(SELECT id FROM temp.web_candidates)"

    def grouped(sql: str, params=()) -> list[dict]:
        return [{"value": r[0], "label": r[1], "count": r[2]} for r in corpus.conn.execute(sql, list(params))
                if r[0] is not None and r[0] != ""]

    out = {
        "type": grouped(f"SELECT doc_type, doc_type, count(*) n FROM documents WHERE id IN {c}"
                        f" GROUP BY doc_type ORDER BY n DESC LIMIT {TOP}"),
        "model": grouped(f"SELECT model, model, count(*) n FROM agreements WHERE document_id IN {c}"
                         f" GROUP BY model ORDER BY n DESC LIMIT {TOP}"),
        "state": grouped(f"SELECT state, state, count(*) n FROM agreements WHERE document_id IN {c}"
                         f" GROUP BY state ORDER BY n DESC, state LIMIT {TOP}"),
        "agency": grouped(f"SELECT agency, agency, count(*) n FROM agreements WHERE document_id IN {c}"
                          f" GROUP BY agency ORDER BY n DESC, agency LIMIT {TOP}"),
        "year": grouped(f"SELECT substr(doc_date, 1, 4) y, substr(doc_date, 1, 4), count(*) n FROM documents"
                        f" WHERE id IN {c} GROUP BY y ORDER BY y DESC LIMIT {TOP}"),
        "exemption": grouped(f"SELECT e.id, e.name, count(DISTINCT m.document_id) n FROM mentions m"
                             f" JOIN entities e ON e.id = m.entity_id WHERE e.type = 'FOIA_EXEMPTION'"
                             f" AND m.document_id IN {c} GROUP BY e.id ORDER BY n DESC, e.name LIMIT {TOP}"),
        "redacted": grouped(
            "SELECT v, v, count(*) FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM pages p WHERE p.document_id = d.id"
            f" AND p.redacted_fraction >= ?) THEN 'yes' ELSE 'no' END v FROM documents d WHERE d.id IN {c})"
            " GROUP BY v ORDER BY v DESC", [REDACTED]),
        "entity": grouped(f"SELECT e.id, e.name || ' (' || e.type || ')', count(DISTINCT m.document_id) n"
                          f" FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.type IN"
                          f" ({','.join('?' * len(ENTITY_TYPES))}) AND m.document_id IN {c}"
                          f" GROUP BY e.id ORDER BY n DESC, e.name LIMIT {TOP}", ENTITY_TYPES),
        "tag": grouped(f"SELECT tag, tag, count(*) n FROM tags WHERE document_id IN {c}"
                       f" GROUP BY tag ORDER BY n DESC, tag LIMIT {TOP}"),
    }
    return {k: v for k, v in out.items() if v}


LABELS = {"type": "Document type", "model": "287(g) model", "state": "State", "agency": "Agency", "year": "Year",
          "exemption": "FOIA exemption", "redacted": "Redacted", "entity": "Entity", "tag": "Tag"}


def label_of(corpus: Corpus, name: str, value) -> str:
    """How an active filter reads ("Entity: Todd M. Lyons")."""
    if name in ("entity", "exemption"):
        row = corpus.conn.execute("SELECT name FROM entities WHERE id = ?", [value]).fetchone()
        return row[0] if row else f"#{value}"
    return str(value)
