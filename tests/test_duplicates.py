"""Near-duplicates: found at ingest (index/duplicates.py), folded by search (search/collapse.py).
Documents are made in the test and stored directly (keyword search needs no vectors)."""
from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from corpus.records import Chunk, Document, Page
from corpus.store import Corpus
from index.duplicates import find_duplicates, jaccard, shingles
from readingroom.cli import app
from search import Filters, search

QUOTED = ("The quorum package is intended to address what was likely an oversight when the Council increased "
          "the size of the Ethics Board from three members to five members. The emergency declaration, the "
          "emergency bill and the temporary bill would raise the quorum from two members to three members, so "
          "that two members may confer informally without holding a meeting under the Open Meetings Act. "
          "Please let me know whether the Councilmember would introduce it at the next legislative meeting.")
PREAMBLE = " ".join(f"Item {n}: the budget office needs the fiscal impact statement before reading {n}."
                    for n in range(12)) + " "
POSTSCRIPT = " ".join(f"Session {n}: the annual training calendar lists the lobbyist deadline {n}."
                      for n in range(12))
OTHER_POSTSCRIPT = " ".join(f"Note {n}: the parking garage on Fourth Street closes early on day {n}."
                            for n in range(12))
TEMPLATE = ("The participating law enforcement agency will ensure that its personnel designated under this "
            "agreement complete the mandatory training, observe the terms of this memorandum, and report every "
            "encounter to the supervising officer of Immigration and Customs Enforcement in writing.")


def _doc(name: str, pages: list[str], doc_type: str = "email") -> Document:
    doc_id = hashlib.sha256((name + "".join(pages)).encode()).hexdigest()
    doc = Document(id=doc_id, path=f"/records/{name}", file_name=name, media_type="text/plain",
                   pages=[Page(number=n, text=t) for n, t in enumerate(pages, 1)], title=name, doc_type=doc_type)
    doc.chunks = [Chunk(first_page=n, last_page=n, char_start=0, char_end=len(t), text=t)
                  for n, t in enumerate(pages, 1)]
    doc.mentions, doc.agreement, doc.signatories, doc.clauses = [], None, [], []
    return doc


def _agreement(name: str, agency: str, text: str) -> Document:
    doc = _doc(name, [text], doc_type="moa")
    doc.agreement = {"agency": agency, "state": "Texas", "model": "WSO", "signed_date": "2025-03-17"}
    return doc


@pytest.fixture(scope="module")
def dupes(tmp_path_factory):
    path = tmp_path_factory.mktemp("dupes") / "dupes.db"
    docs = [
        _doc("original.eml", [QUOTED]),
        _doc("reply.eml", ["Agreed. " + "\n> ".join(QUOTED.split(". "))]),    # the message, quoted, plus a word
        _doc("forward.eml", [PREAMBLE + QUOTED]),                               # the message cut with other text
        _doc("later.eml", [QUOTED + " " + OTHER_POSTSCRIPT]),
        _doc("unrelated.eml", ["The board approved the minutes of the July meeting without a quorum call."]),
        _agreement("jim_wells.pdf", "Jim Wells County Sheriff's Office", TEMPLATE),
        _agreement("crenshaw.pdf", "Crenshaw County Sheriff's Office", TEMPLATE),
        _agreement("jim_wells_rescanned.pdf", "Jim Wells County Sheriff's Office", TEMPLATE + " "),
        _doc("release_a.pdf", [QUOTED, POSTSCRIPT], doc_type="foia_release"),
        _doc("release_b.pdf", [QUOTED, POSTSCRIPT + " Page 2 of 2"], doc_type="foia_release"),
    ]
    with Corpus(path) as corpus:
        for doc in docs:
            corpus.add_document(doc)
        summary = find_duplicates(corpus)
    return path, summary


def _names(hit) -> list[str]:
    return [hit.file_name] + [c["file_name"] for c in hit.collapsed]


def test_shingles_ignore_case_punctuation_and_quoting():
    assert shingles("One two, three four five six") == {"one two three four five", "two three four five six"}
    assert shingles("> One TWO\n> three four five") == shingles("one two three four five")
    assert shingles("too short") == {"too short"} and shingles("") == set()
    assert jaccard(shingles(QUOTED), shingles("Agreed. " + QUOTED)) > 0.9


def test_clusters_are_stored(dupes):
    path, summary = dupes
    with Corpus(path) as corpus:
        assert summary.stored["passage_clusters"] >= 2 and summary.stored["document_clusters"] >= 1
        clusters = {r["file_name"]: r["cluster"] for r in corpus.rows(
            "SELECT d.file_name, p.cluster FROM passage_clusters p JOIN chunks c ON c.id = p.chunk_id"
            " JOIN documents d ON d.id = c.document_id WHERE c.first_page = 1")}
        assert clusters["original.eml"] == clusters["reply.eml"] == clusters["release_a.pdf"]
        assert "forward.eml" not in clusters and "unrelated.eml" not in clusters    # not near-identical whole
        assert clusters["jim_wells.pdf"] == clusters["crenshaw.pdf"]         # the text is: search decides
        again = find_duplicates(corpus)
        assert again.signed_passages == 0 and again.stored == summary.stored     # signatures are kept


def test_two_emails_quoting_one_message_collapse_into_one_hit(dupes):
    with Corpus(dupes[0]) as corpus:
        hits = search(corpus, "quorum Open Meetings Act", mode="keyword", limit=10)
        plain = search(corpus, "quorum Open Meetings Act", mode="keyword", limit=10, collapse=False)
    assert len(plain) == 6 and len(hits) == 1
    assert sorted(_names(hits[0])) == sorted(h.file_name for h in plain)
    folded = hits[0].collapsed[0]
    assert set(folded) == {"doc_id", "path", "file_name", "title", "page", "last_page", "chunk_id"}


def test_passages_of_different_agreements_are_not_collapsed(dupes):
    with Corpus(dupes[0]) as corpus:
        hits = search(corpus, "mandatory training supervising officer", mode="keyword", limit=10)
    by_name = {h.file_name: h for h in hits}
    assert {"jim_wells.pdf", "crenshaw.pdf"} <= set(by_name)            # two agreements: two hits
    # two files of one agreement (same agency, state, model, signing date) do fold
    assert len(hits) == 2
    first = by_name.get("jim_wells.pdf") or by_name["jim_wells_rescanned.pdf"]
    assert {c["file_name"] for c in first.collapsed} <= {"jim_wells.pdf", "jim_wells_rescanned.pdf"}
    assert not by_name["crenshaw.pdf"].collapsed


def test_near_identical_documents_collapse_by_document(dupes):
    with Corpus(dupes[0]) as corpus:
        hits = search(corpus, "annual training calendar lobbyist", mode="keyword", limit=10, by_document=True)
        plain = search(corpus, "annual training calendar lobbyist", mode="keyword", limit=10, by_document=True,
                       collapse=False)
    names = [h.file_name for h in hits]
    assert {"release_a.pdf", "release_b.pdf"} <= {h.file_name for h in plain}
    assert len(hits) == len(plain) - 1
    release = next(h for h in hits if h.file_name.startswith("release_"))
    assert [c["file_name"] for c in release.collapsed] == [({"release_a.pdf", "release_b.pdf"} - set(names)).pop()]


def test_filters_narrow_the_listed_duplicates(dupes):
    with Corpus(dupes[0]) as corpus:
        hits = search(corpus, "quorum Open Meetings Act", mode="keyword", limit=10, filters=Filters(doc_type="email"))
    assert len(hits) == 1
    assert {c["file_name"] for c in hits[0].collapsed} | {hits[0].file_name} == \
        {"original.eml", "reply.eml", "forward.eml", "later.eml"}


def test_cli_collapse_json_table_and_no_collapse(dupes):
    runner = CliRunner()
    args = ["--corpus", str(dupes[0]), "search", "quorum Open Meetings Act", "--mode", "keyword"]
    hits = json.loads(runner.invoke(app, args + ["--format", "json"]).stdout)
    assert len(hits) == 1 and len(hits[0]["collapsed"]) == 5
    plain = json.loads(runner.invoke(app, args + ["--format", "json", "--no-collapse"]).stdout)
    assert len(plain) == 6 and all(h["collapsed"] == [] for h in plain)
    table = runner.invoke(app, args).stdout
    assert "and 5 near-identical in:" in " ".join(table.split())
    result = runner.invoke(app, ["--corpus", str(dupes[0]), "duplicates", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"]["passage_clusters"] >= 2


def test_removing_a_document_forgets_its_signatures_and_clusters(dupes, tmp_path):
    import shutil
    path = tmp_path / "copy.db"
    shutil.copy(dupes[0], path)
    with Corpus(path) as corpus:
        doc = corpus.rows("SELECT id FROM documents WHERE file_name = 'reply.eml'")[0]["id"]
        corpus.remove_document(doc)
        left = corpus.rows("SELECT count(*) AS n FROM passage_signatures s LEFT JOIN chunks c ON c.id = s.chunk_id"
                           " WHERE c.id IS NULL")[0]["n"]
        assert left == 0
        hits = search(corpus, "quorum Open Meetings Act", mode="keyword", limit=10)
        assert "reply.eml" not in _names(hits[0])


def test_web_search_shows_the_collapsed_hit_with_links(dupes, tmp_path):
    import shutil

    from starlette.testclient import TestClient

    from web.app import create_app
    path = tmp_path / "web.db"
    shutil.copy(dupes[0], path)
    with TestClient(create_app(path)) as client:
        page = client.get("/search", params={"q": "quorum Open Meetings Act", "mode": "keyword"}).text
        assert page.count('class="hit"') == 1 and "and 5 near-identical in:" in page
        assert page.count('<a href="/doc/') == 5 and "collapse=0" in page     # the 5 folded, linked
        each = client.get("/search", params={"q": "quorum Open Meetings Act", "mode": "keyword", "collapse": "0"}).text
        assert each.count('class="hit"') == 6 and "near-identical" not in each
        hits = client.get("/api/search", params={"q": "quorum Open Meetings Act", "mode": "keyword"}).json()
        assert len(hits) == 1 and len(hits[0]["collapsed"]) == 5


@pytest.fixture(scope="module")
def embedded(dupes, tmp_path_factory):
    """The near-duplicates corpus with vectors (for `similar`)."""
    import shutil

    from index.sync import sync
    path = tmp_path_factory.mktemp("embedded") / "vectors.db"
    shutil.copy(dupes[0], path)
    with Corpus(path) as corpus:
        sync(corpus)
    return path


def test_similar_folds_near_identical_documents_as_search_does(embedded):
    from search import similar
    path = embedded
    with Corpus(path) as corpus:
        source = corpus.rows("SELECT id FROM documents WHERE file_name = 'unrelated.eml'")[0]["id"]
        plain = similar(corpus, source, limit=10, collapse=False)
        folded = similar(corpus, source, limit=10)
        passages = similar(corpus, source, limit=10, by_document=False)
        plain_passages = similar(corpus, source, limit=10, by_document=False, collapse=False)
    assert {"release_a.pdf", "release_b.pdf"} <= {h.file_name for h in plain}
    release = [h for h in folded if h.file_name.startswith("release_")]
    assert len(release) == 1 and [c["file_name"] for c in release[0].collapsed] == \
        [({"release_a.pdf", "release_b.pdf"} - {release[0].file_name}).pop()]
    assert sorted(n for h in folded for n in _names(h)) == sorted(h.file_name for h in plain)
    assert len(passages) < len(plain_passages) and any(h.collapsed for h in passages)
    assert all(c["doc_id"] != source for h in passages for c in h.collapsed)
    runner = CliRunner()
    args = ["--corpus", str(path), "similar", source[:12], "--format", "json"]
    assert len(json.loads(runner.invoke(app, args).stdout)) == len(folded)
    assert len(json.loads(runner.invoke(app, args + ["--no-collapse"]).stdout)) == len(plain)


def test_similar_never_lists_the_source_among_its_duplicates(embedded):
    from search import similar
    with Corpus(embedded) as corpus:
        source = corpus.rows("SELECT id FROM documents WHERE file_name = 'release_a.pdf'")[0]["id"]
        for by_document in (True, False):
            hits = similar(corpus, source, limit=10, by_document=by_document)
            assert all(source not in [h.doc_id] + [c["doc_id"] for c in h.collapsed] for h in hits)


def test_batch_summary_counts_the_documents_folded_into_a_hit(dupes, tmp_path):
    import csv
    import io
    queries = tmp_path / "queries.csv"
    queries.write_text("query,mode\nquorum Open Meetings Act,keyword\n", encoding="utf-8")
    runner = CliRunner()
    args = ["--corpus", str(dupes[0]), "search", "--batch", str(queries)]
    folded = json.loads(runner.invoke(app, args + ["--format", "json"]).stdout)[0]
    plain = json.loads(runner.invoke(app, args + ["--format", "json", "--no-collapse"]).stdout)[0]
    assert folded["hits"] == 1 and plain["hits"] == 6
    assert folded["documents"] == plain["documents"] == 6
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, args + ["--format", "csv"]).stdout)))
    assert next(r for r in rows if r["kind"] == "summary")["documents"] == "6"
