"""Ranking that answers questions: passages know their document, a quoted phrase is required,
names the corpus knows are understood, keyword mode explains a fallback. On the session corpus
of tests/conftest.py (three real MOAs, a FOIA letter, an email)."""
from __future__ import annotations

import json
import shutil
import sqlite3

from typer.testing import CliRunner

from readingroom.cli import app
from search import rank, search

runner = CliRunner()


def first(hits):
    return hits[0].file_name, hits[0].page


def test_passages_carry_their_document_context(corpus):
    row = corpus.rows("SELECT c.context, c.section FROM chunks c JOIN documents d ON d.id = c.document_id"
                      " WHERE d.file_name LIKE 'TEXAS__JimWells%' AND c.first_page = 10")[0]
    for part in ("Jim Wells County Sheriff's Office", "Texas", "WSO", row["section"]):
        assert part in row["context"]
    # the context is its own FTS5 column: the appendix page never says "Texas WSO"...
    text_only = corpus.conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid IN"
                                    " (SELECT id FROM chunks WHERE first_page = 10 AND section LIKE 'APPENDIX C%')",
                                    ['text : ("Alice" AND "WSO")']).fetchone()[0]
    anywhere = corpus.conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid IN"
                                   " (SELECT id FROM chunks WHERE first_page = 10 AND section LIKE 'APPENDIX C%')",
                                   ['"Alice" AND "WSO"']).fetchone()[0]
    assert text_only == 0 and anywhere == 1          # ...but its context does


def test_a_question_naming_the_agency_finds_that_agreements_appendix_page(corpus):
    hits = search(corpus, "Who is the media point of contact for the Jim Wells County agreement, and their email?")
    assert first(hits) == ("TEXAS__JimWellsCoSO_WSO_MOA_031725.pdf", 10)
    assert {"field": "agency", "value": "Jim Wells County Sheriff's Office (Texas)", "documents": 1} in hits.understood
    assert hits[0].ranks.get("document") == 1


def test_a_phrase_quoted_in_a_question_is_required_and_finds_its_document(corpus):
    question = 'Which letter says the department "does not maintain" those records?'
    for mode in ("hybrid", "keyword", "semantic"):
        hits = search(corpus, question, mode=mode)
        assert hits and hits[0].file_name == "Kalven_16-1105_Responsive_Letter.pdf"
        assert all("does not maintain" in " ".join(corpus.rows("SELECT text FROM chunks WHERE id = ?", [h.chunk_id])[0]
                                                   ["text"].split()).lower() for h in hits)
    assert not search(corpus, 'Which agreement says "no such phrase anywhere" about warrants?')


def test_a_persons_exact_name_wins_over_look_alike_pages(corpus):
    question = "Which points of contact page lists Troy Carrillo?"    # every agreement has such pages
    hits = search(corpus, question)
    assert first(hits) == ("FLORIDA__ArcadiaPDFL_TFM_MOA_030425.pdf", 10)
    assert "Troy Carrillo" in hits[0].snippet
    assert {"field": "person", "value": "Troy Carrillo", "documents": 1} in hits.understood


def test_keyword_mode_with_a_question_no_passage_matches_whole_says_so(corpus):
    question = "which agreement lets officers serve warrants on the moon"
    hits = search(corpus, question, mode="keyword")
    assert hits and hits.notice and "moon" in hits.notice and "no passage has all" in hits.notice
    assert search(corpus, "serve warrants", mode="keyword").notice is None       # all words found: no notice
    assert not search(corpus, "NEAR(moon warrants, 3)", mode="keyword")          # strict syntax: no fallback


def test_no_understand_restores_plain_ranking(corpus):
    question = "Who is the media point of contact for the Jim Wells County agreement?"
    plain = search(corpus, question, understand=False)
    assert plain.understood == [] and all("document" not in h.ranks for h in plain)
    assert [h.chunk_id for h in plain] == [c for c, _, _ in rank(corpus, question, "hybrid", 100)][:10]
    assert search(corpus, question).understood


def test_cli_shows_what_it_understood_and_the_notice(ingested):
    path = str(ingested[0])
    table = runner.invoke(app, ["--corpus", path, "search", "media contact for the Jim Wells County agreement",
                                "--limit", "2"])
    assert table.exit_code == 0 and "understood: agency = Jim Wells County Sheriff's Office (Texas)" in table.stdout
    off = runner.invoke(app, ["--corpus", path, "search", "media contact for the Jim Wells County agreement",
                              "--limit", "2", "--no-understand"])
    assert off.exit_code == 0 and "understood" not in off.stdout
    rows = json.loads(runner.invoke(app, ["--corpus", path, "search", "officers serve warrants on the moon",
                                          "--mode", "keyword", "--format", "json"]).stdout)
    assert rows and "moon" in rows[0]["notice"] and rows[0]["understood"] == []


def test_a_corpus_from_before_context_migrates(ingested, tmp_path):
    from corpus.store import Corpus
    from index.sync import check, rebuild
    old = tmp_path / "old.db"
    shutil.copy(ingested[0], old)
    shutil.copy(ingested[0].with_suffix(".faiss"), old.with_suffix(".faiss"))
    with sqlite3.connect(old) as conn:           # as schema 3 left it: no context, FTS5 over text alone
        for statement in ("DROP TRIGGER chunks_ai", "DROP TRIGGER chunks_ad", "DROP TRIGGER chunks_au",
                          "DROP TABLE chunks_fts", "ALTER TABLE chunks DROP COLUMN context",
                          "CREATE VIRTUAL TABLE chunks_fts USING FTS5 (text, content=chunks)",
                          "INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild')",
                          "UPDATE meta SET value = '3' WHERE key = 'schema_version'"):
            conn.execute(statement)
    with Corpus(old) as corpus:
        assert corpus.get_meta("schema_version") == 5
        assert corpus.rows("SELECT count(*) AS n FROM chunks WHERE context LIKE '%Jim Wells%'")[0]["n"] > 10
        assert corpus.conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'context : Alice'").fetchone()[0] == 0
        assert corpus.conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'context : Wells'").fetchone()[0] > 10
        assert any("index rebuild" in n for n in check(corpus).notes)
        done = rebuild(corpus)
        assert done.embedded == done.vectors and not check(corpus).notes


def test_batch_search_runs_every_row_and_reports_bad_ones(ingested, tmp_path):
    import csv
    import io
    queries = tmp_path / "queries.csv"
    queries.write_text('query,mode,state,limit\nFelix Saenz,,,2\nwarrant of removal,keyword,Texas,\nbad "quote,,,\n'
                       'moon cheese,galactic,,\n', encoding="utf-8")
    path = str(ingested[0])
    result = runner.invoke(app, ["--corpus", path, "search", "--batch", str(queries), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [r["row"] for r in found] == [1, 2, 3, 4]
    assert found[0]["results"][0]["file_name"].startswith("TEXAS__JimWells") and found[0]["results"][0]["page"] == 10
    assert len(found[0]["results"]) == 2 and found[0]["understood"][0]["value"] == "Felix Saenz"
    assert found[1]["mode"] == "keyword" and found[1]["filters"] == {"state": "Texas"}
    assert all(h["file_name"].startswith("TEXAS__") for h in found[1]["results"])
    assert "unbalanced quotes" in found[2]["error"] and "unknown mode" in found[3]["error"]
    assert "row 3" in result.stderr and "query 4/4" in result.stderr
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["--corpus", path, "search", "--batch", str(queries), "--format", "csv"]).stdout)))
    assert [r["kind"] for r in rows if r["row"] == "1"] == ["hit", "hit", "summary"]
    assert next(r for r in rows if r["row"] == "1" and r["kind"] == "summary")["documents"] == "1"
    both = runner.invoke(app, ["--corpus", path, "search", "x", "--batch", str(queries)])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_a_question_that_names_things_leans_on_exact_words(corpus):
    from dataclasses import replace

    from readingroom.commands.search import FusionMethod, _fusion
    from search.fusion import DEFAULT, names_things
    assert DEFAULT.naming_keyword_weight == 1.5 and DEFAULT.keyword_weight == 0.4
    assert names_things("a quorum of the board", understood=True)                  # recognised names
    assert names_things("what happened on February 6, 2018", understood=False)     # a number
    assert not names_things("Who wrote to BEGA about the quorum?", understood=False)   # acronyms do not count
    assert names_things("Who wrote to BEGA?", False, ("acronym",)) and not names_things("Hugh Downs", False)

    def ranked(question, fusion=DEFAULT):
        return [c for c, _, _ in rank(corpus, question, "hybrid", 100, fusion=fusion, understand=True)][:20]
    fixed = {w: replace(DEFAULT, keyword_weight=w, naming_keyword_weight=None) for w in (0.4, 1.5)}
    naming = "Who is the media point of contact for the Jim Wells County agreement?"     # an agency, understood
    number = "which agreement cites 8 C.F.R. 287.5 for serving warrants of removal"
    paraphrase = "how long may the jail keep someone after their release date"
    assert ranked(naming) == ranked(naming, fixed[1.5]) != ranked(naming, fixed[0.4])
    assert ranked(number) == ranked(number, fixed[1.5])
    assert ranked(paraphrase) == ranked(paraphrase, fixed[0.4]) != ranked(paraphrase, fixed[1.5])
    # the user's --keyword-weight is a weight for every query
    assert _fusion(FusionMethod.rrf, None, 0.7).naming_keyword_weight is None
    assert _fusion(FusionMethod.rrf, 20, None) == replace(DEFAULT, k=20)


def test_an_agency_its_agreement_contradicts_is_not_understood(corpus):
    from search.understand import recognise

    def fields(question):
        return {r.field: r.value for r in recognise(corpus, question)}
    # a word of an agency's name that is also a place: the model (state) named in full wins
    assert fields("Which jail enforcement agreement was signed near Jim Wells?") == {"model": "JEM"}
    assert fields("Which Florida agreement names a contact in Jim Wells?") == {"state": "Florida"}
    assert fields("the Jim Wells warrant service officer agreement") == \
        {"agency": "Jim Wells County Sheriff's Office (Texas)", "model": "WSO"}
    hits = search(corpus, "Which jail enforcement agreement was signed near Jim Wells?")
    assert {u["field"] for u in hits.understood} == {"model"}


def test_a_name_held_as_two_types_is_read_as_the_corpus_reads_it_most(ingested, tmp_path):
    from corpus.store import Corpus
    from search.understand import recognise
    path = tmp_path / "types.db"
    shutil.copy(ingested[0], path)
    with Corpus(path) as corpus:         # the NER's odd reading, listed first: an organisation named Troy Carrillo
        corpus.conn.execute("INSERT INTO entities (id, type, name) VALUES (-1, 'ORG', 'Troy Carrillo')")
        corpus.conn.commit()
        found = recognise(corpus, "Which page lists Troy Carrillo?")
    assert [(r.field, r.value) for r in found] == [("person", "Troy Carrillo")]


def test_a_name_in_many_documents_names_no_document():
    from search.understand import MAX_NAMED, Recognised, named_documents
    docs = [f"doc{n}" for n in range(MAX_NAMED + 1)]
    assert MAX_NAMED == 10
    assert len(named_documents([Recognised("person", "Hillary Clinton", frozenset(docs[:MAX_NAMED]))])) == MAX_NAMED
    assert named_documents([Recognised("person", "Hillary Clinton", frozenset(docs))]) == {}
