"""Entity merges, splits, renames and retypes in the store, and the user's decisions about them.

Tables (corpus/schema.py): `entity_aliases` lists each name merged into an entity with the
reason (source `auto` or `user`); `entity_decisions` keeps the user's decisions by type and
name, since entity ids change when documents are annotated again.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:        # corpus.store imports this module
    from corpus.store import Corpus

LISTS = {"title": "titles", "titles": "titles", "email": "emails", "emails": "emails",
         "agency": "agencies", "agencies": "agencies", "acronym": "acronyms", "acronyms": "acronyms"}
PRIVATE = {"alias_of"}          # what the NLP stage notes for itself only


def entity_attributes(mention_attributes: dict | None) -> dict:
    """A mention's attributes as an entity keeps them: titles, emails, agencies and acronyms as
    lists (a person has many), the rest as they are."""
    out: dict[str, Any] = {}
    for key, value in (mention_attributes or {}).items():
        if key in PRIVATE or value in (None, "", []):
            continue
        if key in LISTS:
            for v in (value if isinstance(value, list) else [value]):
                if v not in out.setdefault(LISTS[key], []):
                    out[LISTS[key]].append(v)
        else:
            out[key] = value
    return out


def merge_attributes(old: dict, new: dict) -> dict:
    merged = dict(old)
    for key, value in new.items():
        if key in LISTS.values():
            merged[key] = list(dict.fromkeys(list(merged.get(key, [])) + list(value)))
        else:
            merged.setdefault(key, value)
    return merged


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def entity_rows(corpus: Corpus, types: tuple[str, ...]) -> list[dict]:
    """Entities of these types with their mention and document counts, attributes, the forms
    they are printed in and the documents they are in."""
    marks = ",".join("?" * len(types))
    rows = corpus.rows(
        "SELECT e.id, e.type, e.name, e.attributes, count(m.id) AS mentions,"
        " count(DISTINCT m.document_id) AS documents, group_concat(DISTINCT m.document_id) AS docs"
        f" FROM entities e JOIN mentions m ON m.entity_id = e.id WHERE e.type IN ({marks}) GROUP BY e.id", types)
    for r in rows:
        r["attributes"] = json.loads(r["attributes"] or "{}")
        r["docs"] = set((r["docs"] or "").split(","))
    return rows


def find_entity(corpus: Corpus, type_: str, name: str) -> int | None:
    """An entity by type and name, or the entity a name of that type was merged into."""
    row = corpus.conn.execute("SELECT id FROM entities WHERE type = ? AND name = ?", [type_, name]).fetchone()
    if row:
        return row[0]
    row = corpus.conn.execute("SELECT a.entity_id FROM entity_aliases a JOIN entities e ON e.id = a.entity_id"
                              " WHERE a.alias = ? AND (a.alias_type = ? OR e.type = ?) ORDER BY a.id DESC LIMIT 1",
                              [name, type_, type_]).fetchone()
    return row[0] if row else None


def get_entity(corpus: Corpus, entity_id: int) -> dict | None:
    found = corpus.rows("SELECT id, type, name, attributes FROM entities WHERE id = ?", [entity_id])
    if not found:
        return None
    found[0]["attributes"] = json.loads(found[0]["attributes"] or "{}")
    return found[0]


def aliases(corpus: Corpus, entity_id: int) -> list[dict]:
    """The names merged into an entity, with the reason and who decided."""
    return corpus.rows("SELECT alias, alias_type, reason, source FROM entity_aliases WHERE entity_id = ? ORDER BY id",
                       [entity_id])


def merge_entities(corpus: Corpus, keep_id: int, other_id: int, reason: str, source: str = "auto") -> None:
    """Move every mention (and merged name) of `other_id` to `keep_id`, note why, and drop it."""
    if keep_id == other_id:
        return
    keep, other = get_entity(corpus, keep_id), get_entity(corpus, other_id)
    if keep is None or other is None:
        raise KeyError(f"no entity {other_id if keep else keep_id}")
    with corpus.conn:
        corpus.conn.execute("UPDATE mentions SET entity_id = ? WHERE entity_id = ?", [keep_id, other_id])
        corpus.conn.execute("UPDATE entity_aliases SET entity_id = ? WHERE entity_id = ?", [keep_id, other_id])
        _note_alias(corpus, keep_id, other["name"], other["type"], reason, source)
        corpus.conn.execute("UPDATE entities SET attributes = ? WHERE id = ?",
                            [json.dumps(merge_attributes(keep["attributes"], other["attributes"])), keep_id])
        corpus.conn.execute("DELETE FROM entities WHERE id = ?", [other_id])


def _note_alias(corpus: Corpus, entity_id: int, alias: str, alias_type: str, reason: str, source: str) -> None:
    """Inside the caller's transaction; a name noted again (after `annotate`) is noted once."""
    corpus.conn.execute("DELETE FROM entity_aliases WHERE entity_id = ? AND alias = ? AND alias_type = ?",
                        [entity_id, alias, alias_type])
    corpus.conn.execute("INSERT INTO entity_aliases (entity_id, alias, alias_type, reason, source) VALUES (?,?,?,?,?)",
                        [entity_id, alias, alias_type, reason, source])


def drop_entity(corpus: Corpus, entity_id: int) -> int:
    """Delete an entity and its mentions (a lone first name nobody's full name explains)."""
    with corpus.conn:
        n = corpus.conn.execute("DELETE FROM mentions WHERE entity_id = ?", [entity_id]).rowcount
        corpus.conn.execute("DELETE FROM entities WHERE id = ?", [entity_id])
    return n


def split_alias(corpus: Corpus, entity_id: int, alias: str) -> int:
    """Give the mentions of `entity_id` printed as `alias` (case and spacing aside), or merged in
    under that name, an entity of their own named `alias`; returns its id."""
    entity = get_entity(corpus, entity_id)
    if entity is None:
        raise KeyError(f"no entity {entity_id}")
    key = " ".join(alias.split()).lower()
    ids = [r["id"] for r in corpus.rows("SELECT id, text FROM mentions WHERE entity_id = ?", [entity_id])
           if " ".join((r["text"] or "").split()).lower() == key]
    if not ids:
        raise KeyError(f"{entity['name']!r} has no mention printed as {alias!r}")
    with corpus.conn:
        new_id = corpus._entity_id(entity["type"], " ".join(alias.split()), {})
        if new_id == entity_id:
            raise KeyError(f"{alias!r} is the entity's own name")
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            corpus.conn.execute(f"UPDATE mentions SET entity_id = ? WHERE id IN ({','.join('?' * len(part))})",
                                [new_id, *part])
        corpus.conn.execute("DELETE FROM entity_aliases WHERE entity_id = ? AND lower(alias) = ?", [entity_id, key])
    return new_id


def set_entity(corpus: Corpus, entity_id: int, type_: str | None = None, name: str | None = None,
               reason: str = "", source: str = "user") -> int:
    """Rename or retype an entity; if one of that type and name exists, the two become one.
    Returns the id of the entity it now is."""
    entity = get_entity(corpus, entity_id)
    if entity is None:
        raise KeyError(f"no entity {entity_id}")
    type_, name = type_ or entity["type"], name or entity["name"]
    if (type_, name) == (entity["type"], entity["name"]):
        return entity_id
    existing = corpus.conn.execute("SELECT id FROM entities WHERE type = ? AND name = ?", [type_, name]).fetchone()
    if existing:
        merge_entities(corpus, existing[0], entity_id, reason or "renamed to an existing entity", source)
        return existing[0]
    with corpus.conn:
        corpus.conn.execute("UPDATE entities SET type = ?, name = ? WHERE id = ?", [type_, name, entity_id])
        if name != entity["name"]:
            _note_alias(corpus, entity_id, entity["name"], entity["type"], reason, source)
    return entity_id


# -- the user's decisions ----------------------------------------------------------------------

def record_decision(corpus: Corpus, action: str, type_: str, name: str, other_type: str | None = None,
                    other_name: str | None = None, value: str | None = None) -> dict:
    with corpus.conn:
        cur = corpus.conn.execute(
            "INSERT INTO entity_decisions (action, type, name, other_type, other_name, value, decided_at)"
            " VALUES (?,?,?,?,?,?,?)", [action, type_, name, other_type, other_name, value, _now()])
    return decision_rows(corpus, cur.lastrowid)[0]


def decision_rows(corpus: Corpus, decision_id: int | None = None) -> list[dict]:
    where, params = ("WHERE id = ?", [decision_id]) if decision_id is not None else ("", [])
    return corpus.rows("SELECT id, action, type, name, other_type, other_name, value, decided_at"
                       f" FROM entity_decisions {where} ORDER BY id", params)
