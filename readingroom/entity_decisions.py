"""The user has the last word on entities: merge, split, rename, retype.

Each call changes the corpus at once and is kept as a decision, by type and name (ids change
when documents are annotated again), in the table `entity_decisions`. `resolve_entities`
replays the decisions, in the order they were made, after every `annotate` and `ingest`, so
that they outlast both; `decisions` lists them. The web app calls these functions as they are.
"""
from __future__ import annotations

from corpus import entity_store as store
from corpus.store import Corpus

TYPES = ("PERSON", "AGENCY", "ORG", "GPE", "LAW", "DATE", "PROGRAM_MODEL", "FOIA_EXEMPTION", "FOIA_MARKING",
         "BATES", "EMAIL", "PHONE", "MONEY")


class DecisionError(ValueError):
    """A decision that cannot be made: no such entity, alias or type."""


def _entity(corpus: Corpus, entity_id: int) -> dict:
    found = store.get_entity(corpus, int(entity_id))
    if found is None:
        raise DecisionError(f"no entity with id {entity_id}")
    return found


def merge(corpus: Corpus, keep_id: int, other_id: int) -> dict:
    """Make `other_id` part of `keep_id`: its mentions and names become the kept entity's.
    Returns the kept entity ({id, type, name, attributes})."""
    keep, other = _entity(corpus, keep_id), _entity(corpus, other_id)
    if keep["id"] == other["id"]:
        raise DecisionError("an entity cannot be merged with itself")
    store.merge_entities(corpus, keep["id"], other["id"], "merged by the user", "user")
    store.record_decision(corpus, "merge", keep["type"], keep["name"], other["type"], other["name"])
    return _entity(corpus, keep["id"])


def split(corpus: Corpus, entity_id: int, alias: str) -> int:
    """Give the mentions printed as `alias` an entity of their own, and keep them apart from
    then on; returns the new entity's id."""
    entity = _entity(corpus, entity_id)
    try:
        new_id = store.split_alias(corpus, entity["id"], alias)
    except KeyError as err:
        raise DecisionError(err.args[0]) from None
    store.record_decision(corpus, "split", entity["type"], entity["name"], entity["type"], " ".join(alias.split()))
    return new_id


def rename(corpus: Corpus, entity_id: int, name: str) -> dict:
    """Give an entity another canonical name (the old one stays as an alias)."""
    entity = _entity(corpus, entity_id)
    name = " ".join(name.split())
    if not name:
        raise DecisionError("a name cannot be empty")
    new_id = store.set_entity(corpus, entity["id"], name=name, reason="renamed by the user")
    store.record_decision(corpus, "rename", entity["type"], entity["name"], value=name)
    return _entity(corpus, new_id)


def retype(corpus: Corpus, entity_id: int, type_: str) -> dict:
    """Give an entity another type (PERSON, AGENCY, ORG, ...)."""
    entity = _entity(corpus, entity_id)
    type_ = type_.upper()
    if type_ not in TYPES:
        raise DecisionError(f"unknown type {type_}; one of {', '.join(TYPES)}")
    new_id = store.set_entity(corpus, entity["id"], type_=type_, reason=f"retyped by the user from {entity['type']}")
    store.record_decision(corpus, "retype", entity["type"], entity["name"], value=type_)
    return _entity(corpus, new_id)


def decisions(corpus: Corpus) -> list[dict]:
    """Every decision, oldest first: {id, action, type, name, other_type, other_name, value, decided_at}."""
    return store.decision_rows(corpus)


def replay(corpus: Corpus) -> list[dict]:
    """Apply the stored decisions again (after annotate or ingest rebuilt the entities), in
    order; returns those that found nothing to act on (their entity is not in the corpus now)."""
    idle = []
    for d in store.decision_rows(corpus):
        found = store.find_entity(corpus, d["type"], d["name"])
        try:
            if found is None:
                raise KeyError(d["name"])
            if d["action"] == "merge":
                other = store.find_entity(corpus, d["other_type"], d["other_name"])
                if other is None:
                    raise KeyError(d["other_name"])
                store.merge_entities(corpus, found, other, "merged by the user", "user")
            elif d["action"] == "split":
                store.split_alias(corpus, found, d["other_name"])
            elif d["action"] == "rename":
                store.set_entity(corpus, found, name=d["value"], reason="renamed by the user")
            elif d["action"] == "retype":
                store.set_entity(corpus, found, type_=d["value"], reason=f"retyped by the user from {d['type']}")
        except KeyError:
            idle.append(d)
    return idle


def find(corpus: Corpus, name: str, type_: str | None = None) -> dict | list[dict] | None:
    """The entity a user means by `name`: an id, an exact name (any case), or a name merged into
    one; a list when several entities fit."""
    if name.isdigit() and (found := store.get_entity(corpus, int(name))):
        return found
    type_sql, params = ("AND type = ?", [type_]) if type_ else ("", [])
    rows = corpus.rows(f"SELECT id FROM entities WHERE lower(name) = lower(?) {type_sql} ORDER BY id", [name, *params])
    if not rows:
        rows = corpus.rows("SELECT DISTINCT a.entity_id AS id FROM entity_aliases a JOIN entities e ON e.id = a.entity_id"
                           f" WHERE lower(a.alias) = lower(?) {type_sql.replace('type', 'e.type')}", [name, *params])
    found = [store.get_entity(corpus, r["id"]) for r in rows]
    return None if not found else found[0] if len(found) == 1 else found


def describe(corpus: Corpus, name: str, type_: str | None = None) -> dict | None:
    """`Corpus.entity` (documents, aliases as printed, related entities) plus `merged`: the names
    merged into it, each with the reason and who decided ({alias, alias_type, reason, source})."""
    found = find(corpus, name, type_)
    exact = found if isinstance(found, dict) else None
    entity = corpus.entity(exact["name"], exact["type"]) if exact else corpus.entity(name, type_)
    if entity:
        entity["merged"] = store.aliases(corpus, entity["id"])
    return entity
