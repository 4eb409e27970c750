"""A query, read once into a value every stage uses (`Query.parse`).

Two readings:
* strict: FTS5's own syntax, used as written, when the query has explicit operators (`AND`,
  `OR`, `NOT`, `NEAR(...)`, a trailing `*`, parentheses) or is nothing but quoted phrases.
  Only passages that match it are returned. It is matched against the passage's own text
  (not its context line), so it means what the page says.
* a natural question: its words rank. A phrase quoted inside it (`which letter says the
  department "does not maintain" those records`) is required and exact (in the passage's
  text); the rest of the question ranks and does not filter.

Anything FTS5 would reject inside strict syntax (a citation such as `1357(g)`) is searched as a
phrase of its words. A malformed strict query gets a `QueryError` that says what is wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# operators or a prefix. Parentheses alone are prose ("the Broome County Sheriff's Office (New
# York)"), and FTS5 groups nothing without an operator; with one they group.
STRICT_MARKS = re.compile(r'\bAND\b|\bOR\b|\bNOT\b|\bNEAR\(|\w\*')
# a citation's one-word bracket (`1357(g)`, `(b)(6)`) groups nothing
ONE_WORD_GROUP = re.compile(r'("[^"]*")|\(\s*([^\s()",]+)\s*\)')
FTS_PART = re.compile(r'"[^"]*"|NEAR\(|[()]|[^\s()"]+')
PHRASE = re.compile(r'"([^"]*)"')
WORD = re.compile(r"\w+", re.UNICODE)
BODY = "text"               # the FTS5 column of the passage's own text (the other is `context`)
STOPWORDS = frozenset("""a an and are as at be by for from has have in is it its of on or that the
this to was were will with what which who whom how when where why does do did
can could would should must shall i me my we our you your he him his she her they them their
these those there than then but if into not no so such about also been being any some""".split())


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Query:
    raw: str
    strict: bool                        # FTS5 syntax as written
    phrases: tuple[str, ...] = ()       # quoted phrases: required, exact, in the passage's text
    words: tuple[str, ...] = ()         # the words outside phrases, stop words dropped (unless all are)
    all_words: tuple[str, ...] = ()     # every word outside phrases (keyword mode ANDs them)
    expression: str = ""                # strict: the checked FTS5 expression
    understood: tuple = field(default=(), compare=False)   # search.understand.Recognised: names rank as phrases

    @classmethod
    def parse(cls, raw: str, plain: bool = False) -> "Query":
        """`plain`: words only, whatever the characters (benchmark queries are not syntax)."""
        text = raw.strip()
        if not text:
            raise QueryError("the query is empty")
        if plain:
            words = WORD.findall(text)
            return cls(raw, False, (), tuple(_content(words)), tuple(words))
        if text.count('"') % 2:
            raise QueryError('unbalanced quotes: every " needs a closing "')
        phrases = tuple(p.strip() for p in PHRASE.findall(text) if WORD.search(p))
        rest = PHRASE.sub(" ", text)
        if STRICT_MARKS.search(rest) or (phrases and not WORD.search(rest)) or (not phrases and '"' in text):
            _check_syntax(text)
            return cls(raw, True, phrases, (), (), _to_fts(text))
        words = WORD.findall(rest)
        return cls(raw, False, phrases, tuple(_content(words)), tuple(words))

    # -- what each stage reads -------------------------------------------------------------

    @property
    def embed_text(self) -> str:
        """The text for the encoder: the words, without operators, quotes or stars (words after
        NOT are left out: the meaning looked for does not include them)."""
        if not self.strict:
            return re.sub(r"\s+", " ", self.raw.replace('"', " ")).strip()
        without_not = re.sub(r'\bNOT\s+("[^"]*"|\([^)]*\)|\w+\*?)', " ", self.raw)
        cleaned = re.sub(r"\b(AND|OR|NEAR)\b|,\s*\d+\s*\)|[\"()*]", " ", without_not)
        return re.sub(r"\s+", " ", cleaned).strip() or re.sub(r'[\"()*]', " ", self.raw).strip()

    @property
    def highlight(self) -> list[str]:
        """Phrases and words to mark in snippets (a prefix keeps its `*`)."""
        if not self.strict:
            names = [r.phrase for r in self.understood if r.phrase]
            return list(dict.fromkeys(list(self.phrases) + names + list(self.words)))
        cleaned = re.sub(r"\b(AND|OR|NOT|NEAR)\b|,\s*\d+\s*\)", " ", self.raw)
        rest = PHRASE.sub(" ", cleaned)
        words = [w for w in re.findall(r"\w+\*?", rest) if w.lower().rstrip("*") not in STOPWORDS]
        return list(self.phrases) + words

    @property
    def required(self) -> str | None:
        """The FTS5 condition every hit must meet: the strict expression, or the quoted phrases
        (in the passage's text); None when nothing is required."""
        if self.strict:
            return f"{BODY} : ({self.expression})"
        if self.phrases:
            return " AND ".join(f'{BODY} : {_phrase(p)}' for p in self.phrases)
        return None

    def match_all(self) -> str:
        """Keyword mode's plain reading: every word and phrase must appear (AND)."""
        if self.strict:
            return self.required
        parts = [f'{BODY} : {_phrase(p)}' for p in self.phrases] + [_phrase(w) for w in self.all_words]
        if not parts:
            raise QueryError("the query has no words to search for")
        return " AND ".join(parts)

    def with_any(self, any_terms: str | None) -> str | None:
        """The required part ANDed with an OR of terms that rank (`any_terms`, from the
        index's vocabulary). A phrase is also among the ranking terms, so every passage with
        the phrase qualifies whether or not it has another word of the question."""
        names = [_phrase(r.phrase) for r in self.understood if r.phrase and WORD.search(r.phrase)]
        if self.required is None:
            return " OR ".join(names + ([any_terms] if any_terms else [])) or None
        ranking = " OR ".join([_phrase(p) for p in self.phrases] + names + ([f"({any_terms})"] if any_terms else []))
        return f"{self.required} AND ({ranking})" if ranking else self.required

    @property
    def multi_word(self) -> bool:
        return len(self.all_words) + len(self.phrases) > 1


def _content(words: list[str]) -> list[str]:
    kept = [w for w in words if w.lower() not in STOPWORDS] or words
    return list(dict.fromkeys(kept))


def _phrase(text: str) -> str:
    return '"' + " ".join(WORD.findall(text)) + '"'


def _check_syntax(query: str) -> None:
    depth = 0
    for ch in PHRASE.sub("", query):
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            raise QueryError("a ')' closes nothing")
    if depth:
        raise QueryError("a '(' is never closed")
    bare = PHRASE.sub(" x ", query).strip()
    if re.match(r"^(AND|OR|NOT)\b", bare) or re.search(r"\b(AND|OR|NOT)\s*$", bare):
        raise QueryError("AND, OR and NOT go between two terms, e.g. warrant AND detainer")
    if re.search(r"\b(AND|OR|NOT)\s+(AND|OR|NOT)\b", bare):
        raise QueryError("two operators in a row")
    for m in re.finditer(r"NEAR\(([^)]*)\)", query):
        if not re.fullmatch(r'\s*(?:"[^"]*"|\w+\*?)(?:\s+(?:"[^"]*"|\w+\*?))+\s*(?:,\s*\d+\s*)?', m.group(1)):
            raise QueryError("NEAR needs two or more terms and an optional distance: NEAR(warrant arrest, 10)")
    if re.search(r"\(\s*\)", PHRASE.sub("", query)):
        raise QueryError("empty parentheses: put terms inside, e.g. (warrant OR detainer)")


# a phrase | an operator | a prefix | NEAR's ", distance" | any other run of characters
TOKEN = re.compile(r'("[^"]*")|\b(AND|OR|NOT|NEAR)\b|(\w+\*)|(,\s*\d+\s*(?=\)))|([^\s()",]+)|(,)')


def _to_fts(query: str) -> str:
    """The user's syntax as an FTS5 expression: operators, phrases and prefixes kept, any other
    token quoted (FTS5 would reject `1357(g)` or `x:y` bare)."""
    query = ONE_WORD_GROUP.sub(lambda m: m.group(1) or f" {m.group(2)} ", query.strip())
    return _and_beside_groups(re.sub(TOKEN, _fts_token, query))


def _and_beside_groups(expression: str) -> str:
    """FTS5 wants an explicit AND beside a group: `warrant (arrest OR detainer)` is a syntax
    error as written, `"warrant" AND ("arrest" OR "detainer")` is what the user meant."""
    out: list[str] = []
    for part in FTS_PART.findall(expression):
        if out:
            before = out[-1]
            ends = before == ")" or (before not in ("(", "NEAR(", "AND", "OR", "NOT") and not before.startswith(","))
            starts = part in ("(", "NEAR(") or (part not in (")", "AND", "OR", "NOT") and not part.startswith(","))
            if ends and starts and (part in ("(", "NEAR(") or before == ")"):
                out.append("AND")
        out.append(part)
    return re.sub(r"\( ", "(", re.sub(r" ([),])", r"\1", " ".join(out))).replace("NEAR( ", "NEAR(")


def _fts_token(m: re.Match) -> str:
    if m.group(1):
        return _phrase(m.group(1)) if WORD.search(m.group(1)) else m.group(1)
    if m.group(5):
        words = WORD.findall(m.group(5))
        return '"' + " ".join(words) + '"' if words else ""
    if m.group(6):
        return " "
    return m.group(0)


def terms(raw: str) -> list[str]:
    """The phrases and words to mark for a query as typed ([] for one that does not parse): what
    the web app outlines on a page image."""
    try:
        return Query.parse(raw).highlight
    except QueryError:
        return []
