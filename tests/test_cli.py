"""The command line, as a user runs it: thin over the library, JSON that other tools can read."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import JIM_WELLS
from readingroom.cli import app

runner = CliRunner()


def rr(corpus_path, *args):
    result = runner.invoke(app, ["--corpus", str(corpus_path), *args])
    return result


def test_search_json_schema_and_citation(ingested):
    result = rr(ingested[0], "search", "nominate candidates for ICE training", "--format", "json", "--limit", "3")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert set(hits[0]) >= {"doc_id", "path", "title", "file_name", "page", "chunk_id", "score", "ranks",
                            "snippet", "highlights", "section"}
    assert hits[0]["page"] >= 1 and len(hits[0]["doc_id"]) == 64


def test_search_table_shows_document_page_and_snippet(ingested):
    result = rr(ingested[0], "search", '"Field Office Director"', "--mode", "keyword", "--limit", "2")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())          # the table wraps at the terminal width
    assert " p." in shown and "Field Office Director" in shown


def test_malformed_query_is_a_clear_message_not_a_traceback(ingested):
    result = rr(ingested[0], "search", '"unclosed phrase', "--mode", "keyword")
    assert result.exit_code == 2
    assert "unbalanced quotes" in result.output and "Traceback" not in result.output


def test_entities_json(ingested):
    result = rr(ingested[0], "entities", "--type", "AGENCY", "--format", "json", "--limit", "5")
    rows = json.loads(result.stdout)
    assert rows[0]["name"] == "U.S. Immigration and Customs Enforcement"
    assert all(set(r) >= {"type", "name", "mentions", "documents"} for r in rows)
    assert all(r["type"] == "AGENCY" for r in rows)


def test_extract_prints_entities_without_a_corpus(tmp_path):
    result = runner.invoke(app, ["--corpus", str(tmp_path / "none.db"), "extract", str(JIM_WELLS), "--ocr", "never"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    found = {(e["type"], e["normalized"] or e["text"]) for e in data["entities"]}
    assert ("DATE", "2025-03-25") in found and ("PERSON", "Todd M. Lyons") in found
    first = data["entities"][0]
    assert set(first) >= {"type", "text", "normalized", "page", "start", "end"}
    assert not (tmp_path / "none.db").exists()


def test_extract_offsets_point_into_the_page_text():
    from ingest.load import load_bytes
    from ingest.options import IngestOptions
    result = runner.invoke(app, ["extract", str(JIM_WELLS), "--ocr", "never"])
    data = json.loads(result.stdout)
    doc = list(load_bytes(JIM_WELLS.read_bytes(), str(JIM_WELLS), IngestOptions(ocr="never")))[-1]
    for e in data["entities"]:
        assert doc.pages[e["page"] - 1].text[e["start"]:e["end"]] == e["text"]


def test_errors_and_status(ingested):
    result = rr(ingested[0], "errors", "--format", "json")
    [row] = json.loads(result.stdout)
    assert row["path"].endswith("broken.pdf") and row["stage"] == "load"
    status = json.loads(rr(ingested[0], "status", "--format", "json").stdout)
    assert status["documents"] == 5 and status["vectors"] == status["chunks"]


def test_missing_corpus_is_explained(tmp_path):
    result = rr(tmp_path / "nothing.db", "search", "warrant")
    assert result.exit_code == 2 and "no corpus at" in result.output
