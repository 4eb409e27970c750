"""One entity per real person or agency across the corpus, then the user's decisions.

Run after every `annotate` and `ingest` (the NLP stage sees one document at a time; this sees
them all): merges the names `nlp.resolve` pairs up, recording why, drops lone first names no
full name explains, and replays the user's decisions (readingroom/entity_decisions.py).
"""
from __future__ import annotations

from corpus import entity_store as store
from corpus.store import Corpus
from nlp.resolve import plan_merges
from readingroom import entity_decisions


def resolve_entities(corpus: Corpus) -> dict:
    """{merged, dropped, decisions, idle_decisions}: what was done."""
    rows = store.entity_rows(corpus, ("PERSON", "AGENCY", "ORG"))
    vetoed = {(d["type"], d["name"], d["other_name"]) for d in entity_decisions.decisions(corpus)
              if d["action"] == "split"}
    law_acronyms = frozenset(a for r in store.entity_rows(corpus, ("LAW",)) for a in r["attributes"].get("acronyms", []))
    merges, drop = plan_merges(rows, law_acronyms)
    by_id = {r["id"]: r for r in rows}
    done = 0
    for keep, other, reason in merges:
        k, o = by_id[keep], by_id[other]
        if (k["type"], k["name"], o["name"]) in vetoed:
            continue             # the user split this name off: it stays apart
        store.merge_entities(corpus, keep, other, reason)
        done += 1
    for entity_id in drop:
        store.drop_entity(corpus, entity_id)
    idle = entity_decisions.replay(corpus)
    return {"merged": done, "dropped": len(drop), "decisions": len(entity_decisions.decisions(corpus)),
            "idle_decisions": idle}
