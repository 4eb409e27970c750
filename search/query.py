"""Keyword queries: FTS5's own syntax when the user writes it, plain words otherwise.

Supported: `"exact phrase"`, `AND` / `OR` / `NOT`, `NEAR(a b, 10)`, prefix `warrant*`,
parentheses. Anything else (a citation such as `8 U.S.C. § 1357(g)`) is searched as a
phrase of its words. A malformed query gets a `QueryError` that says what is wrong.
"""
from __future__ import annotations

import re

OPERATORS = re.compile(r'"|\bAND\b|\bOR\b|\bNOT\b|\bNEAR\(|\w\*')
WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset("""a an and are as at be by for from has have in is it its of on or that the
this to was were will with what which who whom how when where why does do did
can could would should must shall i me my we our you your he him his she her they them their
these those there than then but if into not no so such about also been being any some""".split())


class QueryError(ValueError):
    pass


def uses_syntax(query: str) -> bool:
    return bool(OPERATORS.search(query))


def check_syntax(query: str) -> None:
    if query.count('"') % 2:
        raise QueryError('unbalanced quotes: every " needs a closing "')
    depth = 0
    for ch in re.sub(r'"[^"]*"', "", query):
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            raise QueryError("a ')' closes nothing")
    if depth:
        raise QueryError("a '(' is never closed")
    bare = re.sub(r'"[^"]*"', " x ", query).strip()
    if re.match(r"^(AND|OR|NOT)\b", bare) or re.search(r"\b(AND|OR|NOT)\s*$", bare):
        raise QueryError("AND, OR and NOT go between two terms, e.g. warrant AND detainer")
    if re.search(r"\b(AND|OR|NOT)\s+(AND|OR|NOT)\b", bare):
        raise QueryError("two operators in a row")
    for m in re.finditer(r"NEAR\(([^)]*)\)", query):
        if not re.fullmatch(r'\s*(?:"[^"]*"|\w+\*?)(?:\s+(?:"[^"]*"|\w+\*?))+\s*(?:,\s*\d+\s*)?', m.group(1)):
            raise QueryError("NEAR needs two or more terms and an optional distance: NEAR(warrant arrest, 10)")


def to_fts(query: str, any_term: bool = False, plain: bool = False) -> str:
    """The FTS5 MATCH expression for a user's query.

    With operators or quotes, the user's syntax is used as written (after a check). Without,
    the words are ANDed (keyword mode) or ORed (`any_term`, for the keyword side of hybrid
    search, where a natural-language question should still find passages)."""
    query = query.strip()
    if not query:
        raise QueryError("the query is empty")
    if uses_syntax(query) and not plain:
        check_syntax(query)
        # quote bare tokens FTS5 would reject (e.g. 1357(g) inside an AND query)
        if re.search(r"\(\s*\)", re.sub(r'"[^"]*"', "", query)):
            raise QueryError("empty parentheses: put terms inside, e.g. (warrant OR detainer)")
        return re.sub(TOKEN, _fts_token, query)
    words = WORD.findall(query)
    if any_term:
        kept = [w for w in words if w.lower() not in STOPWORDS] or words
        return " OR ".join(f'"{w}"' for w in kept)
    if not words:
        raise QueryError("the query has no words to search for")
    return " ".join(f'"{w}"' for w in words)


# a phrase | an operator | a prefix | NEAR's ", distance" | any other run of characters
TOKEN = re.compile(r'("[^"]*")|\b(AND|OR|NOT|NEAR)\b|(\w+\*)|(,\s*\d+\s*(?=\)))|([^\s()",]+)|(,)')


def _fts_token(m: re.Match) -> str:
    if m.group(5):
        return _quote_token(m.group(5))     # quote bare tokens FTS5 would reject, e.g. 1357(g)
    if m.group(6):
        return " "
    return m.group(0)


def _quote_token(token: str) -> str:
    words = WORD.findall(token)
    if not words:
        return ""
    return '"' + " ".join(words) + '"'


def terms(query: str, plain: bool = False) -> list[str]:
    """Words to highlight (and, `plain`, to search for): the query's phrases and words, without
    operators or stopwords."""
    if plain:
        words = WORD.findall(query)
        kept = [w for w in words if w.lower() not in STOPWORDS] or words
        return list(dict.fromkeys(kept))
    cleaned = re.sub(r"\b(AND|OR|NOT|NEAR)\b|,\s*\d+\s*\)", " ", query)
    phrases = re.findall(r'"([^"]+)"', cleaned)
    rest = re.sub(r'"[^"]*"', " ", cleaned)
    words = [w for w in re.findall(r"\w+\*?", rest) if w.lower().rstrip("*") not in STOPWORDS]
    return phrases + words


def plain_text(query: str) -> str:
    """A syntax query as text for the encoder: the words, without operators, quotes or stars.
    Words after NOT are left out (the meaning to look for does not include them)."""
    without_not = re.sub(r'\bNOT\s+("[^"]*"|\([^)]*\)|\w+\*?)', " ", query)
    cleaned = re.sub(r"\b(AND|OR|NEAR)\b|,\s*\d+\s*\)|[\"()*]", " ", without_not)
    return re.sub(r"\s+", " ", cleaned).strip() or re.sub(r'[\"()*]', " ", query).strip()
