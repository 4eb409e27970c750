"""The reading room's routes and its safety, through Starlette's TestClient on a real ingested
corpus (the session's sample corpus, copied so that tags and notes written here stay here)."""
from __future__ import annotations

import re
import shutil

import pytest
from starlette.testclient import TestClient

from conftest import HOSTILE_NAME, JIM_WELLS_ID, copy_corpus


@pytest.fixture(scope="module")
def client(web_corpus):
    from web.app import create_app
    with TestClient(create_app(web_corpus)) as c:
        yield c


def _csrf(client, url) -> str:
    page = client.get(url)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _doc_id(client, name: str) -> str:
    from corpus.store import Corpus
    with Corpus(client.app.state.room.corpus_path) as corpus:
        return corpus.rows("SELECT id FROM documents WHERE file_name = ?", [name])[0]["id"]


def test_every_page_is_served_with_a_strict_policy(client):
    for url in ("/", "/status", "/search?q=warrants+of+removal", "/agreements", "/entities", "/marks",
                f"/doc/{JIM_WELLS_ID}?page=8", "/api/status"):
        r = client.get(url)
        assert r.status_code == 200, url
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "https://" not in client.get("/search?q=warrant").text.replace("https://schema", "")


def test_status_counts_and_errors(client, ingested):
    s = client.get("/api/status").json()
    assert s["documents"] >= 6 and s["pages"] > 20 and s["vectors"] == s["chunks"]
    assert s["embedding_model"] and s["vector_index"]["kind"] == "flat"
    assert any(e["path"].endswith("broken.pdf") for e in s["errors"])
    assert "broken.pdf" in client.get("/status").text


def test_search_api_has_the_cli_schema_and_facets_narrow(client):
    hits = client.get("/api/search", params={"q": "warrants of removal", "mode": "keyword"}).json()
    assert hits and {"rank", "doc_id", "path", "title", "file_name", "page", "last_page", "chunk_id", "score",
                     "section", "snippet", "highlights", "ranks", "matches", "source"} <= set(hits[0])
    facets = client.get("/api/search/facets", params={"q": "warrants of removal", "mode": "keyword"}).json()
    model = {f["value"]: f["count"] for f in facets["facets"]["model"]}
    assert model.get("WSO") == 2 and model.get("TFM") == 1
    narrowed = client.get("/api/search", params={"q": "warrants of removal", "mode": "keyword", "model": "TFM"}).json()
    assert narrowed and {h["doc_id"] for h in narrowed} < {h["doc_id"] for h in hits}
    assert all("Arcadia" in h["file_name"] for h in narrowed)
    csv = client.get("/search.csv", params={"q": "warrants of removal", "mode": "keyword"}).text
    assert csv.splitlines()[0].startswith("rank,doc_id,path") and len(csv.splitlines()) == len(hits) + 1


def test_a_malformed_query_is_one_line_not_a_crash(client):
    r = client.get("/search", params={"q": '"unbalanced', "mode": "keyword"})
    assert r.status_code == 200 and 'id="error"' in r.text
    assert client.get("/api/search", params={"q": '"unbalanced', "mode": "keyword"}).status_code == 400


def test_the_hit_is_outlined_on_an_ocrd_page(client):
    kalven = _doc_id(client, "Kalven_16-1105_Responsive_Letter.pdf")
    page = client.get(f"/doc/{kalven}", params={"page": 1, "q": "Freedom of Information"}).text
    assert 'class="hitbox"' in page and "OCR word boxes" in page
    image = client.get(f"/doc/{kalven}/page/1.png", params={"dpi": 100})
    assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_hit_is_outlined_on_a_text_layer_page(client):
    page = client.get(f"/doc/{JIM_WELLS_ID}", params={"page": 8, "q": "warrants of removal"}).text
    assert 'class="hitbox"' in page and "text layer" in page
    boxes = re.findall(r'class="hitbox" x="([\d.]+)" y="([\d.]+)"', page)
    assert boxes and all(0 <= float(x) <= 1 and 0 <= float(y) <= 1 for x, y in boxes)


def test_traversal_and_malformed_ids_are_404(client):
    for url in ("/doc/../../../../etc/passwd", "/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/doc/121d8621",
                "/doc/" + "a" * 5000, f"/doc/{JIM_WELLS_ID}/page/0.png", f"/doc/{JIM_WELLS_ID}/page/11.png",
                f"/doc/{JIM_WELLS_ID}/page/99999999999999999999.png", f"/doc/{JIM_WELLS_ID}/page/-1.png",
                f"/doc/{JIM_WELLS_ID}/page/1.png?dpi=100000", f"/doc/{JIM_WELLS_ID}/page/1.png?dpi=..%2f",
                f"/doc/{JIM_WELLS_ID}?page=99999999", "/entity/0", "/entity/abc", "/entity/" + "9" * 40,
                "/static/../web/app.py", "/static/%2e%2e/app.py", "/api/doc/..%2f..%2fetc"):
        assert client.get(url).status_code == 404, url


def test_injected_markup_renders_inert(client):
    hostile = _doc_id(client, HOSTILE_NAME)
    page = client.get(f"/doc/{hostile}").text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    results = client.get("/search", params={"q": "pwned", "mode": "keyword"}).text
    assert "<script>alert" not in results and "&lt;img src=x" in results
    token = _csrf(client, f"/doc/{hostile}")
    r = client.post(f"/doc/{hostile}/note", data={"csrf": token, "page": "1", "text": "<script>alert(2)</script>"},
                    headers={"origin": "http://testserver"}, follow_redirects=False)
    assert r.status_code == 303
    assert "<script>alert(2)" not in client.get(f"/doc/{hostile}").text
    assert "&lt;script&gt;alert(2)" in client.get("/marks").text


def test_writes_need_the_csrf_token_and_the_same_origin(client):
    url = f"/doc/{JIM_WELLS_ID}/tag"
    assert client.post(url, data={"tag": "x"}, headers={"origin": "http://testserver"}).status_code == 403
    token = _csrf(client, f"/doc/{JIM_WELLS_ID}")
    assert client.post(url, data={"csrf": token, "tag": "x"}, headers={"origin": "http://evil.example"}).status_code == 403
    assert client.post(url, data={"csrf": token, "tag": "x"}).status_code == 403          # no origin at all
    ok = client.post(url, data={"csrf": token, "tag": "follow-up"}, headers={"origin": "http://testserver"},
                     follow_redirects=False)
    assert ok.status_code == 303
    assert any(t["document_id"] == JIM_WELLS_ID and t["tag"] == "follow-up" for t in client.get("/api/tags").json())
    bad = client.post(url, data={"csrf": token, "tag": "<b>"}, headers={"origin": "http://testserver"})
    assert bad.status_code == 400


def test_a_token_is_required_off_localhost(web_corpus):
    from web.app import create_app
    with TestClient(create_app(web_corpus, token="s3cret")) as c:
        assert c.get("/status").status_code == 401
        assert c.get("/api/search?q=warrant").status_code == 401
        assert c.get("/status", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/status", headers={"authorization": "Bearer s3cret"}).status_code == 200
        r = c.get("/status?token=s3cret", follow_redirects=False)
        assert r.status_code == 303 and "token" not in r.headers["location"]
        assert c.get("/status").status_code == 200        # the cookie now carries it


def test_serve_refuses_another_host_without_a_token(web_corpus):
    from web.app import ServeError, serve
    with pytest.raises(ServeError, match="--token"):
        serve(web_corpus, host="0.0.0.0", port=0, token=None)


def test_entity_and_agreement_pages(client):
    lyons = client.get("/api/entities", params={"type": "PERSON"}).json()
    found = next(e for e in lyons if e["name"] == "Todd M. Lyons")
    entity = client.get(f"/api/entity/{found['id']}").json()
    assert entity["name"] == "Todd M. Lyons" and any(d["document_id"] == JIM_WELLS_ID for d in entity["documents"])
    assert JIM_WELLS_ID in client.get(f"/entity/{found['id']}").text
    rows = client.get("/api/agreements", params={"model": "WSO"}).json()
    assert JIM_WELLS_ID in [r["document_id"] for r in rows] and {r["model"] for r in rows} == {"WSO"}
    page = client.get("/agreements").text
    signer = re.search(rf'href="/doc/{JIM_WELLS_ID}\?page=(\d+)[^"]*">Todd M. Lyons', page)
    assert signer, "the signatory links to the page it signed"
    signed = client.get(f"/doc/{JIM_WELLS_ID}", params={"page": signer.group(1), "q": '"Todd M. Lyons"'}).text
    assert "Lyons" in re.search(r'<pre class="pagetext" id="pagetext">(.*?)</pre>', signed, re.S).group(1)
    assert client.get("/agreements.csv").text.startswith("document_id,path,agency")


def test_the_original_is_kept_and_downloaded(client, web_corpus):
    from corpus.originals import kept_path
    assert kept_path(web_corpus, JIM_WELLS_ID).exists()
    r = client.get(f"/doc/{JIM_WELLS_ID}/original")
    assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
    assert "attachment" in r.headers["content-disposition"] and r.content[:5] == b"%PDF-"


def test_the_viewer_says_when_the_original_is_gone(ingested, tmp_path):
    from corpus.store import Corpus
    from web.app import create_app
    path = copy_corpus(ingested[0], tmp_path)
    shutil.rmtree(tmp_path / "web.originals")
    with Corpus(path) as corpus:        # as if the files had moved away
        corpus.conn.execute("UPDATE documents SET path = '/nonexistent/' || file_name")
        corpus.conn.commit()
    with TestClient(create_app(path)) as c:
        page = c.get(f"/doc/{JIM_WELLS_ID}").text
        assert 'id="original-gone"' in page and 'id="no-image"' in page
        assert c.get(f"/doc/{JIM_WELLS_ID}/page/1.png").status_code == 404
        assert c.get(f"/doc/{JIM_WELLS_ID}/original").status_code == 404


def test_redactions_are_marked_and_faceted(client):
    letter = _doc_id(client, "redacted_letter.pdf")
    page = client.get(f"/doc/{letter}").text
    assert 'class="redaction"' in page and 'id="redacted"' in page and "(b)(6)" in page
    facets = client.get("/api/search/facets", params={"q": "withheld", "mode": "keyword"}).json()["facets"]
    assert {"value": "yes", "label": "yes", "count": 1} in facets["redacted"]
    assert any(f["label"] == "(b)(6)" for f in facets["exemption"])
    only = client.get("/api/search", params={"q": "withheld", "mode": "keyword", "redacted": "yes"}).json()
    assert {h["doc_id"] for h in only} == {letter}


def test_tags_and_notes_on_the_command_line(web_corpus):
    import csv
    import io
    import json

    from typer.testing import CliRunner

    from corpus import marks
    from corpus.store import Corpus
    from readingroom.cli import app
    with Corpus(web_corpus) as corpus:
        marks.add_tag(corpus, JIM_WELLS_ID, "Legal-Review ")
        marks.add_note(corpus, JIM_WELLS_ID, 9, "signature, check the date")
    runner = CliRunner()
    tags = json.loads(runner.invoke(app, ["--corpus", str(web_corpus), "tags", "--tag", "legal-review",
                                          "--format", "json"]).output)
    assert [(t["document_id"], t["tag"]) for t in tags] == [(JIM_WELLS_ID, "legal-review")]
    out = runner.invoke(app, ["--corpus", str(web_corpus), "notes", "--doc", JIM_WELLS_ID[:12], "--page", "9",
                              "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and rows[-1]["text"] == "signature, check the date" and rows[-1]["page_number"] == "9"
    bad = runner.invoke(app, ["--corpus", str(web_corpus), "tags", "--tag", "<b>"])
    assert bad.exit_code == 2


def test_an_entity_is_merged_and_split_again_in_the_browser_forms(client):
    people = client.get("/api/entities", params={"type": "PERSON"}).json()
    keep, other = (next(e for e in people if e["name"] == n) for n in ("Todd M. Lyons", people[-1]["name"]))
    assert keep["id"] != other["id"]
    token = _csrf(client, f"/entity/{keep['id']}")
    assert client.post(f"/entity/{keep['id']}/merge", data={"other": other["name"]},
                       headers={"Origin": "http://testserver"}).status_code == 403      # no CSRF token
    merged = client.post(f"/entity/{keep['id']}/merge", data={"csrf": token, "other": other["name"]},
                         headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert merged.status_code == 303
    page = client.get(f"/entity/{keep['id']}").text
    assert other["name"] in re.search(r'<ul id="entity-merged">(.*?)</ul>', page, re.S).group(1)
    assert "merged by the user" in page
    assert client.get(f"/api/entity/{other['id']}").status_code == 404            # one entity now
    split = client.post(f"/entity/{keep['id']}/split", data={"csrf": token, "alias": other["name"]},
                        headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert split.status_code == 303
    again = client.get(split.headers["location"].replace("/entity/", "/api/entity/")).json()
    assert again["name"] == other["name"] and again["id"] != keep["id"]
    from corpus.store import Corpus
    from readingroom.entity_decisions import decisions
    with Corpus(client.app.state.room.corpus_path) as corpus:
        assert [d["action"] for d in decisions(corpus)][-2:] == ["merge", "split"]
