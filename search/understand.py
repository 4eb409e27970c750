"""What a query names, recognised with the corpus's own knowledge (SQLite lookups and word
matching: no model is loaded at query time).

* an agreement's agency, by the words of its name that are not generic (`Pinal` for Pinal
  County Sheriff's Office), its state by name, its 287(g) model by acronym or by name (`jail
  enforcement` is JEM);
* a person the corpus knows (a PERSON entity of two or more words) named in full;
* an agency or office the corpus knows (an AGENCY entity, or an ORG entity written with its
  capitals) named in full, e.g. `Office of the Principal Legal Advisor`.

Each recognition names documents (the agreements that match, the documents that mention the
entity); `named_documents` keeps those that match best. Search uses them as soft evidence (a
third ranking, `search.documents`) and a named person or office as a phrase that ranks; never
as a filter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.store import Corpus

WORD = re.compile(r"[a-z0-9]+")
GENERIC = frozenset("""county sheriff sheriffs s office department police city of the and town township
village borough parish marshal marshals corrections correctional state public safety detention jail
center division bureau services service law enforcement agency authority district regional metro
metropolitan police's dept co so pd""".split())
MODELS = {"JEM": ("jem", "jail enforcement", "jail enforcement model"),
          "WSO": ("wso", "warrant service officer", "warrant service officers", "warrant service"),
          "TFM": ("tfm", "task force", "task force model")}
MAX_NAMED = 10          # more documents than this is no longer a name: no document evidence (README)


@dataclass(frozen=True)
class Recognised:
    field: str                       # agency, state, model, person, office
    value: str                       # as the corpus writes it
    documents: frozenset[str]
    phrase: str | None = None        # words to rank as a phrase (a person's or office's name)
    chunks: frozenset[int] = frozenset()     # the passages that mention it (a person or office)

    def as_dict(self) -> dict:
        return {"field": self.field, "value": self.value, "documents": len(self.documents)}


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("’", "'").replace("'s", "s"))


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return bool(n) and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


class Lexicon:
    """The names a corpus knows, read once per process and corpus version."""

    def __init__(self, corpus: Corpus):
        self.agencies: list[tuple[list[str], str, str | None, str]] = []    # (distinctive words, agency, state, doc)
        self.states: dict[str, set[str]] = {}
        self.models: dict[str, set[str]] = {}
        for doc, agency, state, model in corpus.conn.execute(
                "SELECT document_id, agency, state, model FROM agreements"):
            if agency:
                distinct = [w for w in _words(agency) if w not in GENERIC]
                if state and distinct == _words(state):       # `Florida Department of Corrections`
                    distinct = _words(agency)
                if distinct:
                    self.agencies.append((distinct, agency, state, doc))
            if state:
                self.states.setdefault(state, set()).add(doc)
            if model:
                self.models.setdefault(model.upper(), set()).add(doc)
        self.known_state = set().union(*self.states.values())
        self.known_model = set().union(*self.models.values())
        self.names: dict[str, list[tuple[list[str], str, str, int]]] = {}   # first word -> (words, type, name, id)
        for entity_id, type_, name in corpus.conn.execute(
                "SELECT id, type, name FROM entities WHERE type IN ('PERSON', 'AGENCY', 'ORG')"):
            words = _words(name)
            if len(words) < 2 or any(len(w) < 2 for w in words[:1] + words[-1:]):
                continue
            self.names.setdefault(words[0], []).append((words, type_, name, entity_id))

    def entity_mentions(self, corpus: Corpus, entity_id: int) -> tuple[frozenset[str], frozenset[int]]:
        rows = corpus.conn.execute("SELECT DISTINCT document_id, chunk_id FROM mentions WHERE entity_id = ?",
                                   [entity_id]).fetchall()
        return frozenset(r[0] for r in rows), frozenset(r[1] for r in rows if r[1] is not None)


_cache: dict[str, tuple[tuple, Lexicon]] = {}


def lexicon(corpus: Corpus) -> Lexicon:
    stamp = corpus.conn.execute("SELECT (SELECT count(*) FROM agreements), (SELECT max(id) FROM entities),"
                                " (SELECT count(*) FROM entities)").fetchone()
    key = str(corpus.path)
    if key not in _cache or _cache[key][0] != stamp:
        _cache[key] = (stamp, Lexicon(corpus))
    return _cache[key][1]


def recognise(corpus: Corpus, text: str) -> list[Recognised]:
    """What `text` names that the corpus knows, most specific first."""
    lex = lexicon(corpus)
    words = _words(text)
    fields: list[Recognised] = []
    for state, docs in lex.states.items():
        if _contains(words, _words(state)):
            fields.append(Recognised("state", state, frozenset(docs)))
    for model, names in MODELS.items():
        if model in lex.models and any(_contains(words, n.split()) for n in names):
            fields.append(Recognised("model", model, frozenset(lex.models[model])))
    agencies: dict[str, tuple[int, set[str]]] = {}
    for distinct, agency, state, doc in lex.agencies:
        if _contains(words, distinct):
            agencies.setdefault(agency + (f" ({state})" if state else ""), (len(distinct), set()))[1].add(doc)
    known = {"state": lex.known_state, "model": lex.known_model}
    agencies = {a: (n, docs) for a, (n, docs) in agencies.items() if not _contradicted(docs, fields, known)}
    found: list[Recognised] = []
    if agencies:                       # the longest names win (`Miami-Dade` over `Miami`)
        longest = max(n for n, _ in agencies.values())
        found += [Recognised("agency", a, frozenset(docs)) for a, (n, docs) in agencies.items() if n == longest]
    found += fields
    seen_spans: list[tuple[int, int]] = []
    candidates = []
    for i, word in enumerate(words):
        for entity_words, type_, name, entity_id in lex.names.get(word, ()):
            n = len(entity_words)
            if words[i:i + n] == entity_words:
                if type_ == "ORG" and name not in text:     # an ORG only as written, capitals and all
                    continue
                candidates.append((i, i + n, type_, name, entity_id))
    mentions = _mention_counts(corpus, [c[4] for c in candidates])
    # the longest name first; of one name held as two types (the NER's `Traci Hughes` as a person
    # in 486 mentions and as an organisation in 4), the reading the corpus makes most often
    for start, end, type_, name, entity_id in sorted(candidates, key=lambda c: (c[0] - c[1], -mentions.get(c[4], 0))):
        if any(s < end and start < e for s, e in seen_spans):
            continue            # inside a longer name already taken
        seen_spans.append((start, end))
        field = "person" if type_ == "PERSON" else "office"
        documents, chunks = lex.entity_mentions(corpus, entity_id)
        found.append(Recognised(field, name, documents, phrase=name, chunks=chunks))
    return found


def _mention_counts(corpus: Corpus, entity_ids: list[int]) -> dict[int, int]:
    if len(entity_ids) < 2:
        return {}
    marks = ",".join("?" * len(entity_ids))
    return dict(corpus.conn.execute(f"SELECT entity_id, count(*) FROM mentions WHERE entity_id IN ({marks})"
                                    " GROUP BY entity_id", entity_ids).fetchall())


def _contradicted(agency_docs: set[str], fields: list[Recognised], known: dict[str, set[str]]) -> bool:
    """Do an agency's agreements contradict the state or model the query also names (`fields`)?
    `an OPLA office on Veveras Drive in Jacksonville` in a question about a task force agreement
    names a city, not the Jacksonville Sheriff's Office (whose agreement is a JEM): an agency is
    named by one or two words of its name, often a place as well, while a state or model is
    named in full, the better evidence. Only a known value contradicts (`known`: the agreements
    whose state, model, is known); an agency is then not taken."""
    named: dict[str, set[str]] = {}
    for r in fields:
        named.setdefault(r.field, set()).update(r.documents)
    return any(not agency_docs & docs and agency_docs <= known[field] for field, docs in named.items())


def named_documents(found: list[Recognised]) -> dict[str, float]:
    """{document: how much of what the query names it matches}, for the documents matching
    most (an agency counts 2, a person or office 2, a state or model 1), or {} when that is
    still more than MAX_NAMED documents."""
    score: dict[str, float] = {}
    for r in found:
        weight = 1.0 if r.field in ("state", "model") else 2.0
        for doc in r.documents:
            score[doc] = score.get(doc, 0.0) + weight
    if not score:
        return {}
    best = max(score.values())
    named = {d: s for d, s in score.items() if s == best}
    return named if len(named) <= MAX_NAMED else {}


def describe(found: list[Recognised]) -> str:
    return ", ".join(f"{r.field} = {r.value}" for r in found)
