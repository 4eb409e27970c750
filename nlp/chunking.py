"""Pages -> passages of about a paragraph: the unit of retrieval.

A chunk never crosses a document and, so that every hit cites one page, never crosses a page.
It starts at a heading where there is one, and otherwise ends at a sentence end once it holds
TARGET_WORDS words (never more than MAX_WORDS). Each chunk's text is an exact slice of its
page's text, so offsets found in it are offsets in the page.
"""
from __future__ import annotations

import re

from corpus.records import Chunk, Page
from nlp.structure import find_headings

TARGET_WORDS = 120
MAX_WORDS = 220
MIN_WORDS = 25          # a shorter tail joins the chunk before it
SENTENCE_END = re.compile(r"[.:;!?][\"”’)]?\s*$")


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


def chunk_pages(pages: list[Page]) -> list[Chunk]:
    chunks: list[Chunk] = []
    section = None
    for page in pages:
        text = page.text
        heading_at = {h.start: h for h in find_headings(text)}
        spans: list[list] = []            # [start, end, words, section]
        start = end = words = None
        for line_start, line_end, line in _lines(text):
            n = len(line.split())
            if line_start in heading_at:
                heading = heading_at[line_start]
                section = heading.text if heading.level < 2 or not section else \
                    f"{section.split(' / ')[0]} / {heading.text}"
                if start is not None and words >= MIN_WORDS:
                    spans.append([start, end, words, current])
                    start = None
            if not n:
                continue
            if start is None:
                start, words, current = line_start, 0, section
            end, words = line_end, words + n
            if words >= MAX_WORDS or (words >= TARGET_WORDS and SENTENCE_END.search(line)):
                spans.append([start, end, words, current])
                start = None
        if start is not None:
            if spans and words < MIN_WORDS:
                spans[-1][1] = end
            else:
                spans.append([start, end, words, current])
        for s, e, _, sec in spans:
            chunks.append(Chunk(first_page=page.number, last_page=page.number, char_start=s, char_end=e,
                                text=text[s:e], section=sec))
    return chunks
