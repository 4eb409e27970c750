"""Search on real documents: FTS5 syntax, clear errors, every filter, fusion, grouping, similar,
output formats. Uses the session corpus of tests/conftest.py."""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest
from typer.testing import CliRunner

from readingroom.cli import app
from search import Filters, QueryError, rank, search, similar
from search.engine import keyword_ranking
from search.fusion import Fusion, fuse, rrf, weighted
from search.query import Query

runner = CliRunner()


def rr(corpus_path, *args):
    return runner.invoke(app, ["--corpus", str(corpus_path), *args])


def text_of(corpus, chunk_id: int) -> str:
    return " ".join(corpus.rows("SELECT text FROM chunks WHERE id = ?", [chunk_id])[0]["text"].split())


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def doc_id_of(corpus, pattern: str) -> str:
    return corpus.rows("SELECT id FROM documents WHERE file_name LIKE ?", [pattern])[0]["id"]


# -- query syntax ----------------------------------------------------------------------------

def test_query_is_read_once_strict_syntax_or_a_question():
    q = Query.parse("NEAR(warrant arrest, 10)")
    assert q.strict and q.expression == 'NEAR("warrant" "arrest", 10)' and q.required.startswith("text : (")
    assert Query.parse('"serve warrants" AND jail').expression == '"serve warrants" AND "jail"'
    assert Query.parse("warrant* NOT removal").expression == 'warrant* NOT "removal"'
    assert Query.parse("detainer OR (warrant AND 1357(g))").expression == '"detainer" OR ("warrant" AND "1357" "g")'
    # FTS5 rejects a group beside a term without AND: it is put in, as the user meant
    assert Query.parse("warrant (arrest OR detainer)").expression == '"warrant" AND ("arrest" OR "detainer")'
    # a parenthetical in a question is prose, not grouping (a question from the development set)
    assert not Query.parse("What phone number does the Broome County Sheriff's Office (New York) give?").strict
    assert Query.parse('"shall not be disclosed"').strict          # nothing but a phrase: exact
    plain = Query.parse("warrants of arrest")
    assert not plain.strict and plain.match_all() == '"warrants" AND "of" AND "arrest"'
    assert plain.words == ("warrants", "arrest") and plain.required is None
    assert Query.parse('say "hi', plain=True).all_words == ("say", "hi")            # benchmark queries
    cited = Query.parse("what does exemption (b)(6) of 8 U.S.C. 1357(g) cover")   # citations are not syntax
    assert not cited.strict and "1357" in cited.words


def test_a_phrase_quoted_in_a_question_is_required_and_the_rest_ranks():
    q = Query.parse('Which letter says the department "does not maintain" those records?')
    assert not q.strict and q.phrases == ("does not maintain",)
    assert q.required == 'text : "does not maintain"'
    assert "letter" in q.words and "department" in q.words and "maintain" not in q.words
    assert q.with_any('"letter" OR "records"') == \
        'text : "does not maintain" AND ("does not maintain" OR ("letter" OR "records"))'
    assert q.embed_text == "Which letter says the department does not maintain those records?"


def test_exact_phrase(corpus):
    hits = search(corpus, '"warrant of removal"', mode="keyword", limit=20)
    assert hits
    for h in hits:
        assert "warrant of removal" in text_of(corpus, h.chunk_id).lower()


def test_and_or_not(corpus):
    both = {h.chunk_id for h in search(corpus, "removal AND arrest", mode="keyword", limit=200)}
    either = {h.chunk_id for h in search(corpus, "removal OR arrest", mode="keyword", limit=200)}
    only = {h.chunk_id for h in search(corpus, "removal NOT arrest", mode="keyword", limit=200)}
    assert both and only and both < either and only < either and not (both & only)
    for cid in both:
        assert {"removal", "arrest"} <= set(words_of(text_of(corpus, cid)))
    for cid in only:
        words = set(words_of(text_of(corpus, cid)))
        assert "removal" in words and "arrest" not in words


def test_near_respects_the_distance(corpus):
    near = search(corpus, "NEAR(training officers, 3)", mode="keyword", limit=100)
    assert near
    for h in near:
        words = words_of(text_of(corpus, h.chunk_id))
        a = [i for i, w in enumerate(words) if w == "training"]
        b = [i for i, w in enumerate(words) if w == "officers"]
        assert min(abs(i - j) for i in a for j in b) <= 4
    wide = search(corpus, "NEAR(training officers, 50)", mode="keyword", limit=100)
    assert len(wide) > len(near)


def test_prefix(corpus):
    hits = search(corpus, "warrant*", mode="keyword", limit=50)
    assert any("warrants" in words_of(text_of(corpus, h.chunk_id)) for h in hits)
    assert all(any(w.startswith("warrant") for w in words_of(text_of(corpus, h.chunk_id))) for h in hits)
    assert any(h.snippet[s:e].lower().startswith("warrant") for h in hits for s, e in h.highlights)


def test_hybrid_with_syntax_is_exact(corpus):
    """Exact when asked: a phrase in hybrid mode returns only passages holding the phrase,
    ordered by fusing BM25 and meaning."""
    hits = search(corpus, '"shall not be disclosed"', mode="hybrid", limit=20)
    keyword = search(corpus, '"shall not be disclosed"', mode="keyword", limit=20)
    assert hits and {h.chunk_id for h in hits} == {h.chunk_id for h in keyword}
    assert all("shall not be disclosed" in text_of(corpus, h.chunk_id).lower() for h in hits)
    assert all(h.ranks["keyword"] and h.ranks["semantic"] for h in hits)


@pytest.mark.parametrize("query, message", [
    ('"unclosed phrase', "unbalanced quotes"),
    ("(warrant OR detainer", "never closed"),
    ("warrant OR detainer)", "closes nothing"),
    ("AND warrant", "between two terms"),
    ("warrant NOT", "between two terms"),
    ("warrant AND OR detainer", "two operators"),
    ("NEAR(warrant, 5)", "NEAR needs two or more terms"),
    ("warrant AND ()", "empty parentheses"),
    ("   ", "empty"),
])
@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
def test_malformed_queries_say_what_is_wrong(corpus, query, message, mode):
    with pytest.raises(QueryError, match=message):
        search(corpus, query, mode=mode)


@pytest.mark.parametrize("query", ['"" AND x', "NEAR(a b, 10) OR", "a AND - b", "x:y AND z", "* AND a",
                                   "§ 1357(g) AND (b)(6)", '"a" NEAR b', "OR", "^warrant AND b"])
def test_odd_queries_give_hits_or_a_query_error_never_sql_errors(corpus, query):
    for mode in ("keyword", "hybrid"):
        try:
            search(corpus, query, mode=mode)
        except QueryError as err:
            assert "sqlite" not in str(err).lower() and str(err)
        except sqlite3.Error as err:   # pragma: no cover - the failure this test exists for
            pytest.fail(f"{query!r} leaked an SQL error: {err}")


def test_bad_filter_values_are_query_errors(corpus):
    with pytest.raises(QueryError, match="YYYY"):
        search(corpus, "warrant", filters=Filters(after="March 2025"))
    with pytest.raises(QueryError, match="later than"):
        search(corpus, "warrant", filters=Filters(after="2025-03-01", before="2024-01-01"))
    with pytest.raises(QueryError, match="unknown mode"):
        search(corpus, "warrant", mode="fuzzy")


# -- filters ---------------------------------------------------------------------------------

def facts(corpus, chunk_id: int) -> dict:
    return corpus.rows("SELECT d.id, d.doc_type, d.doc_date, a.agency, a.state, a.model FROM chunks c"
                       " JOIN documents d ON d.id = c.document_id LEFT JOIN agreements a ON a.document_id = d.id"
                       " WHERE c.id = ?", [chunk_id])[0]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_each_filter_holds_in_every_mode(corpus, mode):
    agreement = corpus.rows("SELECT * FROM agreements WHERE model = 'WSO'")[0]
    dated = corpus.rows("SELECT id, doc_date FROM documents WHERE doc_date IS NOT NULL ORDER BY doc_date")
    assert agreement["state"] and len(dated) >= 2
    query = "officers training" if mode != "keyword" else "officers"
    cases = {
        "type": (Filters(doc_type="moa"), lambda f: f["doc_type"] == "moa"),
        "agency": (Filters(agency="Jim Wells"), lambda f: "Jim Wells" in f["agency"]),
        "state": (Filters(state=agreement["state"]), lambda f: f["state"] == agreement["state"]),
        "model": (Filters(model="TFM"), lambda f: f["model"] == "TFM"),
        "after": (Filters(after=dated[-1]["doc_date"][:10]), lambda f: f["doc_date"] >= dated[-1]["doc_date"][:10]),
        "before": (Filters(before=dated[0]["doc_date"][:10]), lambda f: f["doc_date"][:10] <= dated[0]["doc_date"][:10]),
        "doc": (Filters(doc=agreement["document_id"][:10]), lambda f: f["id"] == agreement["document_id"]),
    }
    for name, (filters, holds) in cases.items():
        hits = search(corpus, query, mode=mode, limit=15, filters=filters)
        assert hits, name
        assert all(holds(facts(corpus, h.chunk_id)) for h in hits), name


def test_entity_filter_keeps_documents_that_mention_it(corpus):
    hits = search(corpus, "officers", mode="hybrid", limit=30, filters=Filters(entity="Todd M. Lyons"))
    docs = {r["document_id"] for r in corpus.rows(
        "SELECT m.document_id FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.name = 'Todd M. Lyons'")}
    assert hits and docs and {h.doc_id for h in hits} <= docs


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_filters_apply_before_the_cut_off(corpus, mode):
    """The FOIA letter is never among the top hits for this query; filtered to it, the search
    still returns its best `limit` passages instead of the few that survive a later cut."""
    kalven = doc_id_of(corpus, "Kalven%")
    if mode == "keyword":      # a word of the letter that the agreements use more
        query = next(w for w in ("records", "information", "request", "officers")
                     if keyword_ranking(corpus, w, 1, Filters(doc=kalven))
                     and all(h.doc_id != kalven for h in search(corpus, w, mode=mode, limit=5)))
    else:
        query = "law enforcement officers authority"
    unfiltered = search(corpus, query, mode=mode, limit=5)
    assert all(h.doc_id != kalven for h in unfiltered)
    filtered = rank(corpus, query, mode, 100, Filters(doc=kalven))
    ids = [cid for cid, _, _ in filtered]
    if mode == "keyword":
        expected = [cid for cid, _ in keyword_ranking(corpus, query, 1000, Filters(doc=kalven))]
        assert ids == expected and ids
    else:
        assert len(ids) == len(corpus.rows("SELECT id FROM chunks WHERE document_id = ?", [kalven]))
    hits = search(corpus, query, mode=mode, limit=2, filters=Filters(doc=kalven))
    assert len(hits) == min(2, len(ids)) and all(h.doc_id == kalven for h in hits)


def test_filter_that_nothing_passes_gives_no_hits(corpus):
    assert search(corpus, "warrant", filters=Filters(doc_type="no-such-type")) == []
    assert search(corpus, "warrant", mode="semantic", filters=Filters(state="Atlantis")) == []


# -- fusion ----------------------------------------------------------------------------------

def test_rrf_formula_k_and_weights():
    rankings = {"keyword": [(1, 9.0), (2, 5.0)], "semantic": [(2, 0.9), (3, 0.8)]}
    fused = rrf(rankings, k=60, weights={"keyword": 0.5, "semantic": 1.0})
    scores = {cid: score for cid, score, _ in fused}
    assert scores[1] == pytest.approx(0.5 / 61)
    assert scores[2] == pytest.approx(0.5 / 62 + 1 / 61)
    assert scores[3] == pytest.approx(1 / 62)
    assert [c for c, _, _ in fused] == [2, 3, 1]
    assert dict((c, r) for c, _, r in fused)[2] == {"keyword": 2, "semantic": 1}
    # k decides how much a top rank counts: with k=0 keyword's #1 beats semantic's #2
    assert [c for c, _, _ in rrf(rankings, k=0, weights={"keyword": 1, "semantic": 1})][:2] == [2, 1]
    with pytest.raises(ValueError):
        rrf(rankings, k=-1)


def test_weighted_fusion_normalises_each_side():
    rankings = {"keyword": [(1, 10.0), (2, 5.0)], "semantic": [(2, 0.9), (3, 0.5)]}
    scores = {c: s for c, s, _ in weighted(rankings, {"keyword": 0.3, "semantic": 1.0})}
    assert scores[1] == pytest.approx(0.3)                 # BM25 10/10, no semantic
    assert scores[2] == pytest.approx(0.3 * 0.5 + 1.0)     # BM25 5/10, cosine at the list's top
    assert scores[3] == pytest.approx(0.0)                 # cosine at the list's bottom
    with pytest.raises(ValueError):
        fuse(rankings, Fusion(method="borda"))


def test_hybrid_scores_are_the_documented_fusion_of_the_two_sides(corpus):
    fusion = Fusion(method="rrf", k=60, keyword_weight=0.5, semantic_weight=1.0)
    hits = search(corpus, "who pays for the training of officers", mode="hybrid", limit=10, fusion=fusion)
    assert any(h.ranks["keyword"] and h.ranks["semantic"] for h in hits)
    for h in hits:
        expected = sum(w / (60 + h.ranks[side]) for side, w in (("keyword", 0.5), ("semantic", 1.0)) if h.ranks[side])
        assert h.score == pytest.approx(expected, abs=1e-6)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_hybrid_finds_what_either_side_ranks_first(corpus):
    query = "authority to serve warrants of arrest"
    fused = [cid for cid, _, _ in rank(corpus, query, "hybrid", 100)][:10]
    semantic_top = rank(corpus, query, "semantic", 100)[0][0]
    keyword_top = rank(corpus, query, "keyword", 100, keyword_any=True)[0][0]
    assert semantic_top in fused and keyword_top in fused


# -- grouping, similar, output -----------------------------------------------------------------

def test_by_document_gives_best_passage_and_count(corpus):
    passages = search(corpus, "detainer", mode="keyword", limit=500)
    grouped = search(corpus, "detainer", mode="keyword", limit=50, by_document=True)
    assert len({h.doc_id for h in grouped}) == len(grouped) == len({h.doc_id for h in passages})
    for g in grouped:
        mine = [h for h in passages if h.doc_id == g.doc_id]
        assert g.matches == len(mine) and g.chunk_id == mine[0].chunk_id


def test_similar_finds_other_agreements_not_itself(corpus):
    jim_wells = doc_id_of(corpus, "TEXAS__JimWells%")
    hits = similar(corpus, jim_wells[:12], limit=5)
    assert hits and all(h.doc_id != jim_wells for h in hits)
    assert len({h.doc_id for h in hits}) == len(hits)
    doc_types = {facts(corpus, h.chunk_id)["doc_type"] for h in hits[:2]}
    assert doc_types == {"moa"}                         # the other MOAs share its template
    page = similar(corpus, jim_wells, page=8, limit=3, by_document=False)
    assert page and all(h.source["page"] in (7, 8) for h in page)
    with pytest.raises(QueryError, match="no passages on page 999"):
        similar(corpus, jim_wells, page=999)
    with pytest.raises(QueryError, match="no document"):
        similar(corpus, "0" * 64)


def test_search_json_csv_and_table(ingested):
    result = rr(ingested[0], "search", "warrant service officer", "--format", "json", "--limit", "3",
                "--model", "WSO")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert set(hits[0]) >= {"rank", "doc_id", "path", "title", "page", "last_page", "chunk_id", "score",
                            "ranks", "snippet", "highlights", "matches", "section", "file_name"}
    assert set(hits[0]["ranks"]) == {"keyword", "semantic", "document"}     # the question names the WSO model
    result = rr(ingested[0], "search", "warrant service officer", "--format", "csv", "--limit", "3")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3 and (rows[0]["keyword_rank"] != "" or rows[0]["semantic_rank"] != "")
    result = rr(ingested[0], "search", "warrant", "--by-document", "--mode", "keyword", "--limit", "2")
    assert result.exit_code == 0 and "passages" in result.output and " p." in result.output


def test_cli_errors_are_one_line(ingested):
    for args in (["search", "NOT warrant"], ["search", "warrant", "--after", "yesterday"],
                 ["similar", "nosuchdoc"], ["search", "warrant", "--limit", "0"]):
        result = rr(ingested[0], *args)
        assert result.exit_code == 2, (args, result.output)
        assert "error:" in result.output and "Traceback" not in result.output
    result = rr(ingested[0], "search", "warrant", "--type", "nothing-has-this-type")
    assert result.exit_code == 0 and "no document passes these filters" in result.output


def test_similar_cli(ingested, corpus):
    jim_wells = doc_id_of(corpus, "TEXAS__JimWells%")
    result = rr(ingested[0], "similar", jim_wells[:12], "--page", "8", "--format", "json", "--limit", "2")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2 and all(r["doc_id"] != jim_wells and r["source"]["page"] for r in rows)


def test_or_side_finds_inflections_and_drops_common_words_on_a_budget(corpus, monkeypatch):
    import search.engine as engine
    from corpus import search_sql
    variants = engine.stem_variants(corpus, "warrants")
    assert {"warrant", "warrants"} <= set(variants) and all(df > 0 for df in variants.values())
    full = engine.any_term_match(corpus, ["warrants", "ice"])
    assert '"warrant"' in full and '"ice"' in full
    rare = search_sql.document_frequencies(corpus, ["warrant", "warrants"])
    monkeypatch.setattr(engine, "POSTINGS_BUDGET", sum(rare.values()))
    monkeypatch.setattr(engine, "POSTINGS_MAX", sum(rare.values()))
    assert '"ice"' not in engine.any_term_match(corpus, ["warrants", "ice"])     # ICE is everywhere
    monkeypatch.setattr(engine, "POSTINGS_MAX", 1)
    monkeypatch.setattr(engine, "POSTINGS_BUDGET", 1)
    assert engine.any_term_match(corpus, ["warrants", "ice"]) is None              # all words common
    assert rank(corpus, "warrants ice", "hybrid", 20)                             # meaning alone


def test_or_side_takes_inflections_not_derivations():
    from search.engine import inflections, lemmas
    assert {"definitions"} <= inflections("definition")
    assert not {"definite", "definitely", "definitive"} & inflections("definition")
    assert {"states", "stated", "stating"} <= inflections("state") and "stat" not in inflections("state")
    assert "stop" in lemmas("stopped") and "agency" in lemmas("agencies") and "cause" in lemmas("causes")
    assert "use" in lemmas("used") and "us" not in lemmas("used") and "make" in lemmas("making")
    assert {"warrant", "warranted", "warranting"} <= inflections("warrants")


def test_hybrid_encoding_the_query_meanwhile_ranks_as_with_the_vector_given(corpus):
    from search.engine import encode_query
    for query, text in (("who may serve a warrant of arrest", "who may serve a warrant of arrest"),
                        ('"warrant of arrest" OR detainer', "warrant of arrest detainer")):
        assert Query.parse(query).embed_text == text
        given = rank(corpus, query, "hybrid", 50, query_vector=encode_query(text))
        assert [c for c, _, _ in rank(corpus, query, "hybrid", 50)] == [c for c, _, _ in given]
