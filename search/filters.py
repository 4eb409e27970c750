"""Filters that narrow a search to some documents, applied before ranking is cut off."""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.store import Corpus

ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass
class Filters:
    doc_type: str | None = None
    agency: str | None = None
    state: str | None = None
    model: str | None = None
    entity: str | None = None
    after: str | None = None          # ISO date, inclusive
    before: str | None = None         # ISO date, inclusive
    doc: str | None = None            # document id or unique prefix

    def active(self) -> bool:
        return any(v is not None for v in self.__dict__.values())

    def validate(self) -> None:
        """Raise QueryError for a filter value that cannot mean anything."""
        from search.query import QueryError
        for name, value in (("--after", self.after), ("--before", self.before)):
            if value is not None and not ISO_DATE.fullmatch(value.strip()):
                raise QueryError(f"{name} {value!r}: write the date as YYYY, YYYY-MM or YYYY-MM-DD")
        if self.after and self.before and self.after.strip() > self.before.strip() + "~":
            raise QueryError(f"--after {self.after} is later than --before {self.before}")
        for name, value in (("--type", self.doc_type), ("--agency", self.agency), ("--state", self.state),
                            ("--model", self.model), ("--entity", self.entity), ("--doc", self.doc)):
            if value is not None and not value.strip():
                raise QueryError(f"{name} is empty")

    def where(self) -> tuple[str, list]:
        """An SQL condition on `chunks.document_id` and its parameters."""
        conds, params = [], []
        if self.doc_type:
            conds.append("d.doc_type = ?")
            params.append(self.doc_type)
        if self.doc:
            conds.append("d.id LIKE ?")
            params.append(self.doc + "%")
        if self.after:
            conds.append("d.doc_date >= ?")
            params.append(self.after)
        if self.before:
            conds.append("d.doc_date <= ? || '~'")
            params.append(self.before)
        for column, value in (("agency", self.agency), ("state", self.state), ("model", self.model)):
            if value:
                conds.append(f"a.{column} LIKE ?")
                params.append(f"%{value}%")
        if self.entity:
            conds.append("d.id IN (SELECT m.document_id FROM mentions m JOIN entities e ON e.id = m.entity_id"
                         " WHERE e.name LIKE ?)")
            params.append(f"%{self.entity}%")
        if not conds:
            return "", []
        sql = ("chunks.document_id IN (SELECT d.id FROM documents d LEFT JOIN agreements a ON a.document_id = d.id"
               f" WHERE {' AND '.join(conds)})")
        return sql, params

    def chunk_ids(self, corpus: Corpus) -> list[int] | None:
        """Chunk ids that pass, or None when nothing filters."""
        sql, params = self.where()
        if not sql:
            return None
        return [r[0] for r in corpus.conn.execute(f"SELECT chunks.id FROM chunks WHERE {sql}", params)]
