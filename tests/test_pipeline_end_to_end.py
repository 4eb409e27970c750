"""The whole pipeline on real agreements: ingest, entities, search, through the library."""
from __future__ import annotations

from corpus.store import Corpus
from index.sync import check
from search import Filters, search


def test_ingest_summary_counts_real_work(ingested):
    _, summary = ingested
    assert summary.files == 6
    assert summary.documents == 5                      # the broken PDF fails
    assert summary.ocr_pages == 2                      # the scanned FOIA letter
    assert summary.repaired_pages >= 1                 # Jim Wells' shifted-font signature page
    assert summary.embedded == summary.chunks > 50
    [failure] = summary.errors
    assert failure.path.endswith("broken.pdf") and failure.stage == "load"
    assert "PDF" in failure.reason


def test_failure_is_recorded_in_ingest_errors(corpus):
    rows = corpus.errors()
    assert [r["path"].rsplit("/", 1)[-1] for r in rows] == ["broken.pdf"]


def test_reingesting_adds_nothing(ingested, sample_folder):
    from readingroom.ingesting import ingest
    path, _ = ingested
    with Corpus(path) as corpus:
        before = corpus.counts()
        again = ingest(corpus, [sample_folder])
        after = corpus.counts()
    assert again.documents == 0 and again.skipped == 5
    assert {k: v for k, v in before.items()} == {k: v for k, v in after.items()}


def test_every_chunk_has_one_vector(corpus):
    found = check(corpus)
    assert found.ok and found.vectors == found.chunks


def test_scanned_page_was_ocrd_with_confidence(corpus):
    rows = corpus.rows("SELECT p.page_number, p.method, p.ocr_confidence, p.text FROM pages p "
                       "JOIN documents d ON d.id = p.document_id WHERE d.file_name LIKE 'Kalven%'")
    assert [r["method"] for r in rows] == ["ocr", "ocr"]
    assert all(r["ocr_confidence"] > 70 for r in rows)
    assert "Freedom of Information" in rows[0]["text"] or "FOIA" in rows[0]["text"]


def test_agreement_parties_signatory_and_date_are_entities(corpus):
    doc = corpus.rows("SELECT id FROM documents WHERE file_name LIKE 'TEXAS__JimWells%'")[0]["id"]
    names = {(r["type"], r["name"]) for r in corpus.rows(
        "SELECT DISTINCT e.type, e.name FROM mentions m JOIN entities e ON e.id = m.entity_id "
        "WHERE m.document_id = ?", [doc])}
    assert ("AGENCY", "Jim Wells County Sheriff's Office") in names
    assert ("AGENCY", "U.S. Immigration and Customs Enforcement") in names
    assert ("PERSON", "Todd M. Lyons") in names          # ICE's signatory
    assert ("DATE", "2025-03-25") in names               # the date ICE signed
    assert ("LAW", "8 U.S.C. § 1357(g)") in names
    assert ("PROGRAM_MODEL", "WSO") in names


def test_warrant_service_search_finds_appendix_a(corpus):
    hits = search(corpus, "authority to serve warrants of arrest and warrants of removal on aliens in jail",
                  mode="hybrid", limit=5, filters=Filters(model="WSO"))
    assert hits
    top = hits[0]
    assert top.file_name.startswith("TEXAS__JimWells")
    assert top.page == 8 and "APPENDIX A" in (top.section or "")


def test_keyword_phrase_is_exact(corpus):
    hits = search(corpus, '"shall not be disclosed"', mode="keyword", limit=20)
    assert hits and all("shall not be disclosed" in " ".join(
        corpus.rows("SELECT text FROM chunks WHERE id = ?", [h.chunk_id])[0]["text"].split()) for h in hits)
    assert all(any(h.snippet[s:e].lower() == "shall not be disclosed" for s, e in h.highlights) for h in hits)


def test_agreements_table_has_the_facts(corpus):
    rows = {r["model"]: r for r in corpus.rows("SELECT * FROM agreements")}
    assert set(rows) == {"WSO", "TFM", "JEM"}
    assert rows["WSO"]["agency"] == "Jim Wells County Sheriff's Office"
    assert rows["TFM"]["agency"].startswith("Arcadia Police")
    assert rows["WSO"]["revision_date"] == "2025-02-15"
